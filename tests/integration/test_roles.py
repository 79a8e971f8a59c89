"""Who may do what (docs/definitions.md, who may change what), through the command line.

admin: everything. coordinator: their regions' initiatives and portfolios, their regions' actors
(registering and renaming; not merging), their own region's actor as a participant anywhere, and
their own contact details; not users. auditor and analyst: read only. The attacks on these rules
are in test_permission_holes.py.
Every refusal exits 4 with one line naming who may do it, and changes nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kompass.cli.main import cli
from kompass.infrastructure.whoami import os_account
from tests.conftest import NEW_STORE_EVENTS
from tests.integration.helpers import as_json, invoke, ok, refused

PERMISSION_DENIED = 4
READERS = ("revisor", "analytiker")
REAL = os_account()
"""Who runs the tests: the first admin of the stores they make (with `admin`, whom tests act as)."""


def history(url: str) -> str:
    return ok(url, "history", "--format", "json").stdout


def users(url: str) -> str:
    return ok(url, "user", "list", "--format", "json").stdout


def denied(url: str, user: str, *args: str) -> str:
    """A change `user` may not make: exit 4, one line naming who may, and `history --format json` unchanged."""
    before = history(url)
    message = refused(url, *args, code=PERMISSION_DENIED, user=user)
    assert history(url) == before, f"a refused `{' '.join(args)}` by {user} changed the log"
    assert re.match(rf"^(\S+:\d+: )?{re.escape(user)} may not ", message), message
    return message


@pytest.fixture
def store(sqlite_url: str, small_log: Path) -> str:
    """The worked example, with a coordinator for 14, one for 12, an auditor and an analyst."""
    ok(sqlite_url, "import", str(small_log))
    ok(sqlite_url, "user", "add", "coord-14", "--role", "coordinator", "--region", "14")
    ok(sqlite_url, "user", "add", "coord-12", "--role", "coordinator", "--region", "12")
    ok(sqlite_url, "user", "add", "revisor", "--role", "auditor")
    ok(sqlite_url, "user", "add", "analytiker", "--role", "analyst")
    return sqlite_url


def propose(ref: str, region: str) -> tuple[str, ...]:
    return ("initiative", "add", "--ref", ref, "--region", region, "--title", "Ny insats", "--area", "security",
            "--type", "seminar")


# --- the first user, and user management -------------------------------------------------------------


def test_init_on_an_existing_store_makes_nobody_admin(db_url: str) -> None:
    before = as_json(db_url, "user", "list")
    assert "newcomer is a reader" in ok(db_url, "init", "--admin", "newcomer", user="newcomer").stderr
    assert as_json(db_url, "user", "list") == before and "newcomer" not in {u["user"] for u in before}
    denied(db_url, "newcomer", "actor", "add", "--key", "digg", "--name", "Digg", "--kind", "agency")


def test_user_management_is_for_admins_only(store: str) -> None:
    before = users(store)
    for user in ("coord-14", *READERS, "stranger"):
        message = denied(store, user, "user", "add", "mallory", "--role", "admin")
        assert "only an admin may" in message
        denied(store, user, "user", "grant", user, "--role", "admin")
        denied(store, user, "user", "grant", "coord-14", "--role", "coordinator", "--region", "12")
        denied(store, user, "user", "revoke", "admin", "--role", "admin")
        denied(store, user, "user", "list")
    assert users(store) == before
    assert [u for u in as_json(store, "user", "list") if u["user"] != REAL] == [
        {"user": "admin", "roles": ["admin"], "regions": []},
        {"user": "analytiker", "roles": ["analyst"], "regions": []},
        {"user": "coord-12", "roles": ["coordinator"], "regions": ["12"]},
        {"user": "coord-14", "roles": ["coordinator"], "regions": ["14"]},
        {"user": "revisor", "roles": ["auditor"], "regions": []},
    ]


def test_admin_grants_and_revokes_roles(store: str) -> None:
    ok(store, "user", "grant", "coord-14", "--role", "coordinator", "--region", "13")
    ok(store, *propose("13-new", "13"), user="coord-14")
    ok(store, "user", "revoke", "coord-14", "--role", "coordinator")
    assert "coord-14" not in {u["user"] for u in as_json(store, "user", "list")}, "a user without roles is gone"
    denied(store, "coord-14", *propose("14-after-revoke", "14"))
    assert "at least one --region" in refused(store, "user", "add", "coord-09", "--role", "coordinator")
    assert refused(store, "user", "add", "coord-99", "--role", "coordinator", "--region", "99")
    assert invoke(store, "user", "add", "x", "--role", "superuser").exit_code == 2
    assert "does not have the role" in refused(store, "user", "revoke", "revisor", "--role", "analyst")


def test_the_last_admin_cannot_be_revoked(store: str) -> None:
    ok(store, "user", "revoke", "admin", "--role", "admin", user=REAL)  # two admins: allowed
    before = as_json(store, "user", "list", user=REAL)
    message = refused(store, "user", "revoke", REAL, "--role", "admin", user=REAL)
    assert "last admin" in message
    assert as_json(store, "user", "list", user=REAL) == before
    ok(store, "user", "grant", "chef", "--role", "admin", user=REAL)
    ok(store, "user", "revoke", REAL, "--role", "admin", user=REAL)  # with a second admin it is allowed
    # the real identity is no admin now: it may not list users, nor act as anybody else
    refused(store, "user", "list", code=PERMISSION_DENIED, user=REAL)
    refused(store, "user", "list", code=PERMISSION_DENIED, user="chef")
    grants = [e for e in as_json(store, "history", user=REAL)["events"] if e["aggregate"] == "user"]
    assert [(e["type"], e["data"]["user"], e["recorded_by"]) for e in grants[-3:]] == [
        ("RoleRevoked", "admin", REAL), ("Registered", "chef", REAL), ("RoleRevoked", REAL, REAL)]


# --- admin ---------------------------------------------------------------------------------------------


def test_admin_may_do_everything(store: str, tmp_path: Path) -> None:
    for region in ("14", "12", "25"):
        ok(store, *propose(f"{region}-admin", region))
    ok(store, "initiative", "status", "12-cyber", "completed", "--reason", "andra webbinariet")
    ok(store, "initiative", "join", "08-oppen-data", "--actor", "rise")
    ok(store, "portfolio", "assess", "--region", "12", "--year", "2021", "--score", "6", "--light", "yellow")
    ok(store, "portfolio", "coordinator", "--region", "12", "--user", "coord-12")
    ok(store, "actor", "add", "--key", "vinnova", "--name", "Vinnova", "--kind", "agency")
    ok(store, "actor", "merge", "rise", "--into", "vinnova")
    ok(store, "person", "add", "coord-12", "--name", "Per Persson")
    ok(store, "person", "forget", "coord-12")
    file = tmp_path / "backfill.jsonl"
    file.write_text('{"op": "initiative.status", "ref": "08-oppen-data", "status": "active", "by": "coord-08", '
                    '"effective": "2021-09-01"}\n', encoding="utf-8")
    ok(store, "import", str(file))
    assert as_json(store, "history", "--initiative", "08-oppen-data")["events"][-1]["by"] == "coord-08"
    ok(store, "verify")


# --- coordinators ------------------------------------------------------------------------------------------


def test_a_coordinator_changes_their_own_regions_portfolio(store: str) -> None:
    c14 = "coord-14"
    ok(store, *propose("14-ny", "14"), user=c14)
    ok(store, "initiative", "tag", "14-ny", "--area", "competence", user=c14)
    ok(store, "initiative", "status", "14-dataverkstad", "completed", "--reason", "klart", user=c14)
    ok(store, "initiative", "reopen", "14-dataverkstad", "--reason", "fas 2", user=c14)
    ok(store, "initiative", "join", "14-ny", "--actor", "digg", user=c14)
    ok(store, "initiative", "join", "14-ny", "--actor", "region-12", user="coord-12")  # region 12 takes part in 14's work
    ok(store, "initiative", "fund", "14-ny", "--source", "regional", "--amount-sek", "100000", "--year", "2025", user=c14)
    ok(store, "portfolio", "assess", "--region", "14", "--year", "2022", "--score", "7", "--light", "green", user=c14)
    events = as_json(store, "history", "--by", c14)["events"]
    assert events[-1]["type"] == "SelfAssessed" and events[-1]["key"] == "14"
    assert as_json(store, "initiative", "show", "14-ny", user=c14)["status"] == "proposed"


def test_a_coordinator_is_refused_another_regions_portfolio_with_a_message_naming_who_may(store: str) -> None:
    c14 = "coord-14"
    message = denied(store, c14, *propose("12-ny", "12"))
    assert message == "coord-14 may not propose initiatives for region 12: only an admin or a coordinator of region 12 may"
    for args in (
        ("initiative", "status", "12-cyber", "active"),
        ("initiative", "reopen", "12-5g", "--reason", "ny finansiering"),
        ("initiative", "tag", "12-cyber", "--area", "competence"),
        ("initiative", "untag", "12-cyber", "--area", "security"),
        ("initiative", "join", "12-cyber", "--actor", "digg"),
        ("initiative", "leave", "12-5g", "--actor", "digg"),
        ("initiative", "fund", "12-cyber", "--source", "erdf", "--amount-sek", "5", "--year", "2021"),
        ("initiative", "result", "12-cyber", "--type", "direct", "--text", "x"),
        ("initiative", "retitle", "12-cyber", "--title", "Nytt namn"),
        ("initiative", "indicator", "12-cyber", "--name", "deltagare", "--target", "100"),
        ("portfolio", "assess", "--region", "12", "--year", "2021", "--score", "3", "--light", "red"),
    ):
        message = denied(store, c14, *args)
        assert "only an admin or a coordinator of region 12 may" in message, message
    # the lead region decides: region 12 takes part in 14-dataverkstad, but its coordinator may not change it
    assert "region 14" in denied(store, "coord-12", "initiative", "status", "14-dataverkstad", "paused")
    assert "only an admin may" in denied(store, c14, "portfolio", "coordinator", "--region", "14", "--user", c14)


def test_a_coordinator_registers_and_renames_actors_but_may_not_merge_them(store: str) -> None:
    c14 = "coord-14"
    ok(store, "actor", "add", "--key", "chalmers", "--name", "Chalmers", "--kind", "university", "--region", "14", user=c14)
    ok(store, "actor", "rename", "chalmers", "--name", "Chalmers tekniska högskola", user=c14)
    message = denied(store, c14, "actor", "merge", "rise", "--into", "chalmers")
    assert message == "coord-14 may not merge actors: only an admin may"
    assert as_json(store, "actor", "show", "chalmers")["name"] == "Chalmers tekniska högskola"


def test_a_coordinator_may_record_people_but_only_an_admin_erases_them(store: str) -> None:
    ok(store, "person", "add", "coord-14", "--name", "Anna Andersson", user="coord-14")
    assert "only an admin may" in denied(store, "coord-14", "person", "forget", "coord-14")
    assert as_json(store, "person", "show", "coord-14")["name"] == "Anna Andersson"


# --- auditors and analysts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS)
def test_auditors_and_analysts_only_read(store: str, reader: str, tmp_path: Path) -> None:
    file = tmp_path / "one.jsonl"
    file.write_text('{"op": "actor.register", "key": "vinnova", "name": "Vinnova", "kind": "agency"}\n', encoding="utf-8")
    changes = [
        propose("14-x", "14"),
        ("initiative", "status", "14-dataverkstad", "paused"),
        ("initiative", "tag", "14-open-data", "--area", "security"),
        ("initiative", "measure", "14-open-data", "--name", "x", "--value", "1"),
        ("actor", "add", "--key", "vinnova", "--name", "Vinnova", "--kind", "agency"),
        ("actor", "rename", "digg", "--name", "Digg"),
        ("actor", "merge", "rise", "--into", "digg"),
        ("portfolio", "assess", "--region", "14", "--year", "2022", "--score", "5", "--light", "yellow"),
        ("portfolio", "coordinator", "--region", "14", "--user", reader),
        ("import", str(file)),
        ("person", "add", reader, "--name", "Revisor Rut"),
        ("person", "forget", "coord-14"),
    ]
    for args in changes:
        message = denied(store, reader, *args)
        assert "only an admin" in message, message
    # …and they read everything
    assert len(as_json(store, "coverage", user=reader)["regions"]) == 21
    assert as_json(store, "gaps", user=reader)["gaps"]
    assert len(as_json(store, "history", user=reader)["events"]) == NEW_STORE_EVENTS + 38 + 4  # the example, 4 grants
    assert len(as_json(store, "initiative", "list", user=reader)) == 6
    assert as_json(store, "initiative", "show", "14-dataverkstad", user=reader)["ref"] == "14-dataverkstad"
    assert as_json(store, "actor", "list", user=reader)
    assert as_json(store, "portfolio", "show", "--region", "14", user=reader)
    assert ok(store, "verify", user=reader).stdout.startswith(f"verified: {NEW_STORE_EVENTS + 42} events")
    assert ok(store, "export", user=reader).stdout.startswith("# kompass export")
    replayed = f"sqlite:///{tmp_path / 'replayed.db'}"
    ok(store, "replay", "--until", "60", "--into", replayed, user=reader)


# --- importing on behalf of others ----------------------------------------------------------------------------


def test_only_an_admin_imports_lines_recorded_by_someone_else(store: str, tmp_path: Path) -> None:
    file = tmp_path / "mixed.jsonl"
    file.write_text(
        '{"op": "initiative.tag", "ref": "14-open-data", "area": "security"}\n'
        '{"op": "initiative.tag", "ref": "14-open-data", "area": "leadership", "by": "coord-14"}\n'
        '{"op": "initiative.untag", "ref": "14-open-data", "area": "security", "by": "coord-08"}\n',
        encoding="utf-8",
    )
    message = denied(store, "coord-14", "import", str(file))
    assert message.startswith(f"{file}:3: ") or f"{file}:3:" in message, message
    assert "coord-14 may not record changes as coord-08: only an admin may record on behalf of others" in message
    file.write_text("\n".join(file.read_text(encoding="utf-8").splitlines()[:2]) + "\n", encoding="utf-8")
    ok(store, "import", str(file), user="coord-14")
    assert [e["by"] for e in as_json(store, "history")["events"][-2:]] == ["coord-14", "coord-14"]
    # an admin may backfill for anyone
    backfill = tmp_path / "backfill.jsonl"
    backfill.write_text('{"op": "initiative.untag", "ref": "14-open-data", "area": "security", "by": "coord-08"}\n', encoding="utf-8")
    ok(store, "import", str(backfill))
    assert as_json(store, "history")["events"][-1]["by"] == "coord-08"


def test_a_coordinator_importing_another_regions_line_is_refused_atomically(store: str, tmp_path: Path) -> None:
    file = tmp_path / "two-regions.jsonl"
    file.write_text(
        '{"op": "initiative.propose", "ref": "14-a", "region": "14", "title": "A", "areas": ["security"], "type": "seminar"}\n'
        '# a comment\n'
        '{"op": "initiative.propose", "ref": "12-a", "region": "12", "title": "B", "areas": ["security"], "type": "seminar"}\n',
        encoding="utf-8",
    )
    message = denied(store, "coord-14", "import", str(file))
    assert message.startswith(f"{file}:3: coord-14 may not propose initiatives for region 12"), message


# --- who is acting -------------------------------------------------------------------------------------------------


def _run(url: str, env: dict[str, str | None], *args: str) -> str:
    runner = CliRunner(env={"KOMPASS_DB": url, "NO_COLOR": "1", **env})
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, (result.exit_code, result.stderr, result.exception)
    return result.stderr


def _last_by(url: str) -> str:
    return str(as_json(url, "history")["events"][-1]["by"])


def test_the_acting_user_is_the_os_account_and_as_is_for_admins_only(store: str) -> None:
    """Environment variables name nobody: $USER and $LOGNAME are ignored; KOMPASS_USER is `--as`, which an
    admin may use to act with another user's permissions, `by` that user and `recorded_by` the admin."""
    login = {"LOGNAME": "os-login", "USER": "os-login", "LNAME": "os-login", "USERNAME": "os-login"}
    _run(store, {"KOMPASS_USER": "coord-14", **login}, "--as", "admin", "initiative", "tag", "14-open-data", "--area", "security")
    assert _last_by(store) == "admin"
    _run(store, {"KOMPASS_USER": "coord-14", **login}, "initiative", "untag", "14-open-data", "--area", "security")
    assert _last_by(store) == "coord-14"
    assert as_json(store, "history")["events"][-1]["recorded_by"] == REAL
    _run(store, {"KOMPASS_USER": None, **login}, "initiative", "tag", "14-open-data", "--area", "leadership")
    assert _last_by(store) == REAL, "the OS account by uid, not $USER or $LOGNAME"
    _run(store, {"KOMPASS_USER": "", **login}, "initiative", "untag", "14-open-data", "--area", "leadership")
    assert _last_by(store) == REAL, "an empty KOMPASS_USER is no one else"
    # the acting user's own rights apply: KOMPASS_USER names an analyst, who is refused
    runner = CliRunner(env={"KOMPASS_DB": store, "KOMPASS_USER": "analytiker", "NO_COLOR": "1", **login})
    result = runner.invoke(cli, ["initiative", "tag", "14-open-data", "--area", "security"])
    assert result.exit_code == PERMISSION_DENIED and "analytiker may not" in result.stderr


def test_init_names_the_os_account_or_the_admin_it_is_given(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    stderr = _run(url, {"KOMPASS_USER": None, "LOGNAME": "anna", "USER": "anna", "LNAME": "anna", "USERNAME": "anna"}, "init")
    assert f"{REAL} is admin" in stderr
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert "a reader" in _run(other, {"KOMPASS_USER": None}, "init", "--admin", "anna")
    refused(other, "user", "list", code=PERMISSION_DENIED, user="anna")  # you are not anna, and no admin here
    grant = [e for e in as_json(other, "history", user=REAL)["events"] if e["aggregate"] == "user"]
    assert [(e["data"]["user"], e["by"], e["recorded_by"]) for e in grant] == [("anna", REAL, REAL)]
