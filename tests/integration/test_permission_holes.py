"""The permission holes an attacker found, each performed again and refused (docs/definitions.md, "Who may change what").

Every attack runs through the command line on a real store, on SQLite and on PostgreSQL, and must
end with exit 4, one line on stderr, and nothing changed: not the log (`history --format json`),
not the answers built from it (`gaps`), not the person register. Where a command log can do the
same, the import of that line is refused in the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.integration.helpers import as_json, ok, refused

PERMISSION_DENIED = 4
ADMIN_DETAILS = {"person_id": "admin", "name": "Ada Admin", "email": "ada@kompass.example", "phone": "+46 8 000 00 00"}


@pytest.fixture
def store(db_url: str, small_log: Path) -> str:
    """The worked example with coordinators of 14 and 12, an analyst, a projection worker, and the admin's details."""
    ok(db_url, "import", str(small_log))
    ok(db_url, "user", "add", "coord-14", "--role", "coordinator", "--region", "14")
    ok(db_url, "user", "add", "coord-12", "--role", "coordinator", "--region", "12")
    ok(db_url, "user", "add", "analytiker", "--role", "analyst")
    ok(db_url, "user", "add", "worker", "--role", "projector")
    ok(db_url, "person", "add", "admin", "--name", ADMIN_DETAILS["name"], "--email", ADMIN_DETAILS["email"],
       "--phone", ADMIN_DETAILS["phone"])
    ok(db_url, "person", "add", "coord-14", "--name", "Kim Fjorton", user="coord-14")
    return db_url


def state(url: str) -> tuple[str, str, Any]:
    """What no refused request may change: the log, the gaps, and the admin's details."""
    return (
        ok(url, "history", "--format", "json").stdout,
        ok(url, "gaps", "--format", "json").stdout,
        as_json(url, "person", "show", "admin"),
    )


def attack(url: str, user: str, *args: str, check: Callable[[str], bool] = lambda _m: True) -> str:
    before = state(url)
    message = refused(url, *args, code=PERMISSION_DENIED, user=user)
    assert message.startswith(f"{user} may not ") or f": {user} may not " in message, message
    assert check(message), message
    assert state(url) == before, f"a refused `{' '.join(args)}` by {user} changed something"
    return message


def command_log(tmp_path: Path, *lines: dict[str, Any]) -> str:
    file = tmp_path / "attack.jsonl"
    file.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return str(file)


# --- actors ----------------------------------------------------------------------------------------------------


def test_a_coordinator_may_not_rename_another_regions_actor(store: str, tmp_path: Path) -> None:
    message = attack(store, "coord-14", "actor", "rename", "region-01", "--name", "Region Pwned")
    assert message == "coord-14 may not rename region-01: only an admin or a coordinator of region 01 may"
    attack(store, "coord-14", "import", command_log(tmp_path, {"op": "actor.rename", "key": "region-01", "name": "Region Pwned"}))
    assert as_json(store, "actor", "show", "region-01")["name"] != "Region Pwned"


def test_actors_without_a_region_are_the_admins(store: str) -> None:
    assert "only an admin (the actor belongs to no region) may" in attack(
        store, "coord-14", "actor", "rename", "digg", "--name", "Digg (pwned)"
    )
    attack(store, "coord-14", "actor", "add", "--key", "fake-agency", "--name", "Fake", "--kind", "agency")
    ok(store, "actor", "rename", "digg", "--name", "Myndigheten för digital förvaltning (Digg)")


def test_a_coordinator_may_not_register_or_merge_actors_for_another_region(store: str, tmp_path: Path) -> None:
    attack(store, "coord-14", "actor", "add", "--key", "kommun-0180", "--name", "Stockholms stad", "--kind", "municipality",
           "--region", "01")
    attack(store, "coord-14", "import", command_log(
        tmp_path, {"op": "actor.register", "key": "kommun-0180", "name": "Stockholm", "kind": "municipality", "region": "01"}
    ))
    attack(store, "coord-14", "actor", "merge", "region-01", "--into", "region-14")
    ok(store, "actor", "add", "--key", "kommun-1401", "--name", "Härryda kommun", "--kind", "municipality", "--region", "14",
       user="coord-14")
    ok(store, "actor", "rename", "kommun-1401", "--name", "Härryda", user="coord-14")


# --- participants: a region's actor is that region's to add ----------------------------------------------------------


def test_a_coordinator_may_not_erase_another_regions_gaps_by_joining_its_region_actor(store: str, tmp_path: Path) -> None:
    ok(store, "initiative", "add", "--ref", "14-all-areas", "--region", "14", "--title", "Allt", "--type", "project",
       *[a for area in ("leadership", "security", "competence", "innovation", "infrastructure") for a in ("--area", area)],
       user="coord-14")
    ok(store, "initiative", "status", "14-all-areas", "active", user="coord-14")
    assert any(g["region"] == "01" for g in as_json(store, "gaps")["gaps"]), "region 01 must have gaps to erase"
    message = attack(store, "coord-14", "initiative", "join", "14-all-areas", "--actor", "region-01", "--role", "target")
    assert message == "coord-14 may not add region-01 to 14-all-areas: only an admin or a coordinator of region 01 may"
    attack(store, "coord-14", "import", command_log(
        tmp_path, {"op": "initiative.join", "ref": "14-all-areas", "actor": "region-01", "role": "target"}
    ), check=lambda m: m.startswith(f"{tmp_path / 'attack.jsonl'}:1: "))
    # region 12's coordinator takes region 12 into 14's work and out again; 14's adds any other actor
    ok(store, "initiative", "join", "14-all-areas", "--actor", "region-12", user="coord-12")
    attack(store, "coord-14", "initiative", "leave", "14-all-areas", "--actor", "region-12")
    ok(store, "initiative", "leave", "14-all-areas", "--actor", "region-12", user="coord-12")
    ok(store, "initiative", "join", "14-all-areas", "--actor", "digg", user="coord-14")
    attack(store, "coord-12", "initiative", "leave", "14-all-areas", "--actor", "digg")


# --- the person register --------------------------------------------------------------------------------------------


def test_a_coordinator_may_not_overwrite_someone_elses_contact_details(store: str, tmp_path: Path) -> None:
    message = attack(store, "coord-14", "person", "add", "admin", "--name", "Mallory", "--email", "mallory@evil.example")
    assert message == "coord-14 may not record the details of admin: only an admin (others record only their own details) may"
    attack(store, "coord-14", "person", "add", "coord-12", "--name", "Mallory")
    attack(store, "analytiker", "person", "add", "analytiker", "--name", "Ana Lytiker")
    ok(store, "person", "add", "coord-14", "--name", "Kim Fjorton", "--email", "kim@vgregion.example", user="coord-14")
    assert as_json(store, "person", "show", "admin") == ADMIN_DETAILS


@pytest.mark.parametrize("reader", ["coord-12", "analytiker", "worker", "nobody"])
def test_only_admins_and_the_person_read_contact_details(store: str, reader: str) -> None:
    message = attack(store, reader, "person", "show", "coord-14")
    assert message == f"{reader} may not read the details of coord-14: only an admin or the person themselves may"
    attack(store, reader, "person", "show", "admin", "--format", "json")
    assert as_json(store, "person", "show", "coord-14", user="coord-14")["name"] == "Kim Fjorton"
    assert as_json(store, "person", "show", "coord-14")["name"] == "Kim Fjorton"


# --- projection rebuilds ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["analytiker", "coord-14", "nobody"])
def test_only_admins_and_the_projector_rebuild_projections(store: str, user: str) -> None:
    message = attack(store, user, "projections", "rebuild")
    assert message == f"{user} may not rebuild the projections: only an admin or the projector may"
    assert "rebuilt from" in ok(store, "projections", "rebuild", user="worker").stderr
    assert "rebuilt from" in ok(store, "projections", "rebuild").stderr


@pytest.mark.parametrize("user", ["analytiker", "coord-14", "nobody"])
def test_only_admins_and_the_projector_compact_the_store(store: str, user: str) -> None:
    message = attack(store, user, "projections", "compact")
    assert message == f"{user} may not compact the store: only an admin or the projector may"
    ok(store, "projections", "compact", user="worker")
    ok(store, "projections", "compact")


# --- no personal data in the log ----------------------------------------------------------------------------------------


def test_a_portfolio_coordinator_is_a_registered_user_never_a_name(store: str, tmp_path: Path) -> None:
    before = state(store)
    assert "slug" in refused(store, "portfolio", "coordinator", "--region", "14", "--user", "Kristina Exempelsdotter")
    assert "slug" in refused(store, "portfolio", "coordinator", "--region", "14", "--user", "kristina@region.example")
    message = refused(store, "portfolio", "coordinator", "--region", "14", "--user", "kristina")
    assert message == "kristina is not a registered user: an admin grants them a role first (kompass user grant)"
    file = command_log(tmp_path, {"op": "portfolio.coordinator", "region": "14", "user": "Kristina Exempelsdotter"})
    assert refused(store, "import", file).startswith(f"{file}:1: ")
    file = command_log(tmp_path, {"op": "initiative.status", "ref": "14-dataverkstad", "status": "completed",
                                  "by": "kristina.exempelsdotter@region.example"})
    assert "by 'kristina.exempelsdotter@region.example' must be a lowercase slug" in refused(store, "import", file)
    assert state(store) == before
    ok(store, "portfolio", "coordinator", "--region", "14", "--user", "coord-14")
