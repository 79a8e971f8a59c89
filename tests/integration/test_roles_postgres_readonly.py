"""Auditors and analysts on a read-only PostgreSQL role (docs/postgres-roles.md).

The role is made by hand (CONNECT, USAGE on the schema, SELECT on every table), as a database
administrator might for a reporting tool; kompass's own auditor and analyst roles are shown in
test_pg_rules.py.
kompass connects as that role once the projections are current: every read works, and
every write is refused by the database itself — a storage error (exit 7, one line on
stderr), nothing written — even though the log names the login an admin (granted before the
login existed, so the database never made it a member of the admin group role).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import NEW_STORE_EVENTS, PG_ADMIN_URL, PG_UNAVAILABLE, drop_pg_database, new_pg_database
from tests.integration.helpers import as_json, invoke, ok

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(PG_UNAVAILABLE is not None, reason=PG_UNAVAILABLE or "")]

STORAGE_ERROR = 7
HEAD = NEW_STORE_EVENTS + 1 + 38 + 2
"""A new store, the real identity's signing key (docs/security.md), small.jsonl's 38 events, two grants."""


def as_superuser(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "", 1), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def scalar(url: str, query: str) -> object:
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "", 1)) as conn:
        row = conn.execute(query).fetchone()
    assert row is not None
    return row[0]


@pytest.fixture
def store_and_reader(small_log: Path) -> Iterator[tuple[str, str]]:
    """A PostgreSQL store holding the worked example, and a URL reaching it as a read-only role."""
    url = new_pg_database()
    database = url.rsplit("/", 1)[1]
    role = f"kompass_reader_{uuid.uuid4().hex[:10]}"
    try:
        ok(url, "init")
        ok(url, "import", str(small_log))
        ok(url, "user", "add", "revisor", "--role", "auditor")
        ok(url, "user", "add", role, "--role", "admin")  # in the log; no such login yet, so no membership
        ok(url, "projections", "run")  # the projections are current before the reader connects
        as_superuser(
            url,
            f"CREATE ROLE {role} LOGIN",
            f'GRANT CONNECT ON DATABASE "{database}" TO {role}',
            f"GRANT USAGE ON SCHEMA public TO {role}",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {role}",
        )
        reader = url.replace("://postgres@", f"://{role}@", 1)
        assert reader != url
        yield url, reader
    finally:
        drop_pg_database(url)
        as_superuser(PG_ADMIN_URL, f"DROP ROLE IF EXISTS {role}")


def storage_error(url: str, *args: str, user: str | None) -> str:
    result = invoke(url, *args, user=user)
    assert result.exit_code == STORAGE_ERROR, (result.exit_code, result.stdout, result.stderr, result.exception)
    assert isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    return lines[0]


def test_a_read_only_role_reads_everything(store_and_reader: tuple[str, str], tmp_path: Path) -> None:
    owner, reader = store_and_reader
    for user in ("revisor", "analytiker"):
        assert as_json(reader, "coverage", user=user) == as_json(owner, "coverage")
        assert as_json(reader, "gaps", user=user) == as_json(owner, "gaps")
        assert as_json(reader, "history", user=user) == as_json(owner, "history")
        assert as_json(reader, "initiative", "list", user=user) == as_json(owner, "initiative", "list")
    assert as_json(reader, "coverage", "--as-of", "2021-06-30", user="revisor") == as_json(owner, "coverage", "--as-of", "2021-06-30")
    assert ok(reader, "verify", user="revisor").stdout.startswith(f"verified: {HEAD} events")
    assert ok(reader, "export", user="revisor").stdout == ok(owner, "export").stdout
    replayed = f"sqlite:///{tmp_path / 'audit.db'}"
    ok(reader, "replay", "--until", "60", "--into", replayed, user="revisor")
    assert as_json(replayed, "history", user=None)["events"][-1]["position"] == 60  # the replay is yours to read


def test_the_database_refuses_every_write_of_a_read_only_role(store_and_reader: tuple[str, str], tmp_path: Path) -> None:
    owner, reader = store_and_reader
    ok(owner, "initiative", "status", "08-oppen-data", "active")
    ok(owner, "projections", "run")
    before = ok(owner, "export").stdout, as_json(owner, "user", "list"), ok(owner, "history", "--format", "json").stdout
    file = tmp_path / "one.jsonl"
    file.write_text('{"op": "actor.register", "key": "vinnova", "name": "Vinnova", "kind": "agency"}\n', encoding="utf-8")
    # the login is an admin in the log: kompass allows these as itself, the database does not
    for args in (
        ("actor", "add", "--key", "vinnova", "--name", "Vinnova", "--kind", "agency"),
        ("initiative", "status", "08-oppen-data", "completed"),
        ("import", str(file)),
        ("user", "add", "mallory", "--role", "admin"),
        ("person", "add", "coord-14", "--name", "Anna Andersson"),
        ("projections", "rebuild"),
    ):
        message = storage_error(reader, *args, user=None)
        # a rebuild first creates its scratch schema beside the live tables: refused for the database
        refused_on = "database" if args[0] == "projections" else "table"
        assert f"permission denied for {refused_on}" in message, message
        assert "[SQL:" not in message and "Anna" not in message, "the statement and its parameters are not shown"
    after = ok(owner, "export").stdout, as_json(owner, "user", "list"), ok(owner, "history", "--format", "json").stdout
    assert after == before
    assert scalar(owner, "SELECT count(*) FROM kompass_persons") == 0
    assert scalar(owner, "SELECT max(size) FROM kompass_checkpoints") == scalar(owner, "SELECT count(*) FROM kompass_events")
    # kompass's own rules still come first: an auditor is refused by kompass (exit 4) before the database is asked
    assert invoke(reader, "actor", "add", "--key", "x", "--name", "X", "--kind", "agency", user="revisor").exit_code == 4


def test_a_read_only_role_cannot_bring_stale_projections_up_to_date(store_and_reader: tuple[str, str]) -> None:
    """Present-time queries read the projections; when they are behind, only a writer can catch them up."""
    owner, reader = store_and_reader
    ok(owner, "initiative", "status", "08-oppen-data", "active")  # recorded, not yet projected
    assert scalar(owner, "SELECT position FROM rm_tracking") == HEAD
    message = storage_error(reader, "coverage", "--format", "json", user="analytiker")
    assert "permission denied" in message
    assert as_json(reader, "history", user="analytiker")["events"][-1]["position"] == HEAD + 1, "the log itself is readable"
    ok(owner, "projections", "run")
    assert as_json(reader, "coverage", user="analytiker") == as_json(owner, "coverage")
