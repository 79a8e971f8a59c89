"""Who did it, proven: identity is established by the store, never claimed (docs/security.md).

Each attack of issue 13 on identity, turned into its refusal: naming an admin with `--as` or
environment variables, a PostgreSQL login claiming another recorder, an admin's backfill hiding
who stored it, a read that grants, and roles changed outside the log.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kompass.cli.main import cli
from kompass.infrastructure.whoami import os_account
from tests.conftest import PG_ADMIN_URL, empty_pg_store
from tests.integration.helpers import as_json, invoke, ok, refused

REAL = os_account()


def history(url: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = as_json(url, "history", user=None)["events"]
    return events


@pytest.fixture
def foreign_store(tmp_path: Path) -> str:
    """A SQLite store whose first admin is somebody else: the account running the tests is no admin of it."""
    url = f"sqlite:///{tmp_path / 'kompass.db'}"
    assert "a reader" in ok(url, "init", "--admin", "boss", user=None).stderr
    return url


def test_naming_an_admin_with_as_makes_no_admin_and_writes_nothing(foreign_store: str) -> None:
    before = history(foreign_store)
    message = refused(foreign_store, "user", "add", "mallory", "--role", "admin", code=4, user="admin")
    assert message == f"{REAL} may not act as admin: only an admin may act on another user's behalf"
    refused(foreign_store, "user", "list", code=4, user="boss")  # reads too
    refused(foreign_store, "gaps", code=4, user="boss")  # the lean read path too
    assert history(foreign_store) == before
    assert [e["data"]["user"] for e in before if e["aggregate"] == "user"] == ["boss"]


def test_environment_variables_name_nobody(foreign_store: str) -> None:
    runner = CliRunner(env={"KOMPASS_DB": foreign_store, "KOMPASS_USER": None, "USER": "boss", "LOGNAME": "boss",
                            "NO_COLOR": "1"})
    result = runner.invoke(cli, ["user", "list"])
    assert result.exit_code == 4 and result.stderr == f"Error: {REAL} may not list users: only an admin may\n"
    result = runner.invoke(cli, ["user", "add", "mallory", "--role", "admin"])
    assert result.exit_code == 4
    result = CliRunner(env={"KOMPASS_DB": foreign_store, "KOMPASS_USER": "boss"}).invoke(cli, ["user", "list"])
    assert result.exit_code == 4, "KOMPASS_USER is --as: admins only"


def test_a_read_on_a_new_store_grants_nothing_and_creates_nothing(no_store_url: str) -> None:
    assert "no kompass store" in refused(no_store_url, "gaps", code=7, user="intern")
    assert "no kompass store" in refused(no_store_url, "user", "list", code=7, user=None)
    ok(no_store_url, "init", "--admin", "boss", user=None)
    grants = [e for e in history(no_store_url) if e["aggregate"] == "user"]
    assert [(e["type"], e["data"]) for e in grants] == [("Registered", {"user": "boss", "role": "admin", "regions": []})]


def test_an_admins_backfill_keeps_who_stored_it(db_url: str, tmp_path: Path) -> None:
    file = tmp_path / "backfill.jsonl"
    file.write_text('{"op": "actor.register", "key": "digg", "name": "Digg", "kind": "agency", "by": "coord-01"}\n', encoding="utf-8")
    ok(db_url, "import", str(file))
    last = history(db_url)[-1]
    real = history(db_url)[0]["recorded_by"]
    assert real == "kompass"
    first_grant = next(e for e in history(db_url) if e["aggregate"] == "user")
    assert (last["by"], last["recorded_by"]) == ("coord-01", first_grant["recorded_by"])
    file.write_text('{"op": "actor.rename", "key": "digg", "name": "D", "recorded_by": "coord-01"}\n', encoding="utf-8")
    assert "only accepted by `kompass import --restore`" in refused(db_url, "import", str(file))


def test_roles_are_events_in_history_export_and_as_of(db_url: str, tmp_path: Path) -> None:
    ok(db_url, "user", "grant", "coord-14", "--role", "coordinator", "--region", "14", "--effective", "2021-01-01")
    ok(db_url, "user", "grant", "coord-14", "--role", "coordinator", "--region", "13", "--effective", "2021-06-01")
    ok(db_url, "user", "revoke", "coord-14", "--role", "coordinator", "--region", "14", "--effective", "2022-01-01")
    events = [e for e in history(db_url) if e["key"] == "coord-14"]
    assert [(e["type"], e["data"]["regions"]) for e in events] == [
        ("Registered", ["14"]), ("RoleGranted", ["13"]), ("RoleRevoked", ["14"])]
    lines = [json.loads(line) for line in ok(db_url, "export").stdout.splitlines() if '"coord-14"' in line]
    assert [(line["op"], line["regions"]) for line in lines] == [("user.grant", ["14"]), ("user.grant", ["13"]), ("user.revoke", ["14"])]
    assert all(line["recorded_by"] and line["by"] for line in lines)

    def coordinators(as_of: str) -> list[object]:
        return [u["regions"] for u in as_json(db_url, "user", "list", "--as-of", as_of) if u["user"] == "coord-14"]

    assert coordinators("2020-12-31") == []
    assert coordinators("2021-03-01") == [["14"]]
    assert coordinators("2021-07-01") == [["13", "14"]]
    assert coordinators("2022-02-01") == [["13"]]
    ok(db_url, "verify")


def test_verify_names_the_first_event_recorded_by_someone_without_the_right(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    ok(source, "init", user=None)
    ok(source, "actor", "add", "--key", "digg", "--name", "Digg", "--kind", "agency", user=None)
    export = ok(source, "export", user=None).stdout
    forged = "\n".join(line.replace(f'"recorded_by": "{REAL}"', '"recorded_by": "intern"') if '"digg"' in line else line
                       for line in export.splitlines())
    file = tmp_path / "forged.jsonl"
    file.write_text(forged + "\n", encoding="utf-8")
    target = f"sqlite:///{tmp_path / 'target.db'}"
    ok(target, "import", "--restore", str(file), user=None)
    result = invoke(target, "verify", user=None)
    assert result.exit_code == 5
    assert result.stderr.strip() == (
        "Error: verification failed at position 44: recorded by intern, who had no right to it "
        "(only an admin may change what belongs to no region)"
    )
    assert "recorders: 44 events" in ok(source, "verify", user=None).stdout


# --- PostgreSQL: the server says who is logged in -------------------------------------------------------------


@pytest.fixture
def pg_login() -> Iterator[tuple[str, str]]:
    """A new PostgreSQL store (its first admin the superuser the tests log in as) and a login role that may
    read and write its tables, like a coordinator's account: (the store's URL as that login, the login)."""
    import psycopg

    for url in empty_pg_store():
        ok(url, "init", user=None)
        login = f"coord_{uuid.uuid4().hex[:10]}"
        database = url.rsplit("/", 1)[1]
        with psycopg.connect(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{database}", autocommit=True) as conn:
            conn.execute(f'CREATE ROLE "{login}" LOGIN')
            conn.execute(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{login}"')
            conn.execute(f'GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{login}"')
        ok(url, "user", "grant", login, "--role", "coordinator", "--region", "14", user=None)
        try:
            yield url.replace("postgres@", f"{login}@", 1), login
        finally:
            with psycopg.connect(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{database}", autocommit=True) as conn:
                conn.execute(f'DROP OWNED BY "{login}"')
            from tests.conftest import drop_pg_database

            drop_pg_database(url)
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP ROLE IF EXISTS "{login}"')


@pytest.mark.postgres
def test_a_postgres_login_is_who_it_is(pg_login: tuple[str, str]) -> None:
    url, login = pg_login
    before = history(url)
    assert refused(url, "user", "add", "mallory", "--role", "admin", code=4, user="postgres") == (
        f"{login} may not act as postgres: only an admin may act on another user's behalf")
    assert refused(url, "user", "add", "mallory", "--role", "admin", code=4, user=None).startswith(f"{login} may not")
    assert history(url) == before
    ok(url, "actor", "add", "--key", "k14", "--name", "K", "--kind", "company", "--region", "14", user=None)
    assert (history(url)[-1]["by"], history(url)[-1]["recorded_by"]) == (login, login)


IN_REGION_14 = (
    "'kompass.domain.initiative:Initiative.InitiativeProposed', convert_to('{\"ref\": \"14-forged\", \"region\": \"14\"}', 'UTF8')"
)
"""The topic and state of an initiative of region 14: a row the coordinator's login may store (the database's guard checks it)."""


@pytest.mark.postgres
def test_the_database_sets_recorded_by_whatever_the_client_sends(pg_login: tuple[str, str]) -> None:
    import psycopg

    url, login = pg_login
    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(conninfo) as conn:
        row = conn.execute(
            "INSERT INTO kompass_events (originator_id, originator_version, topic, state, recorded_by) "
            f"VALUES (gen_random_uuid(), 1, {IN_REGION_14}, 'postgres') RETURNING recorded_by"
        ).fetchone()
        assert row == (login,)
        conn.execute("SELECT set_config('kompass.restore', 'on', true)")
        row = conn.execute(
            "INSERT INTO kompass_events (originator_id, originator_version, topic, state, recorded_by) "
            f"VALUES (gen_random_uuid(), 1, {IN_REGION_14}, 'kompass') RETURNING recorded_by"
        ).fetchone()
        assert row == (login,), "a restore keeps the export's recorder only for an admin"
        conn.rollback()
