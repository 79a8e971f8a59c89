"""The database's rules seen through kompass itself, and the store layout that made them necessary.

A coordinator's login running kompass with `--as admin` gets past kompass's own checks today; the
database then refuses the write, and kompass shows that as one line with exit 4, nothing written.
The role that owned the tables in the old layout could switch the append-only trigger off and
rewrite an event; running `kompass init` again hands everything to the owner role, and then no
login but a superuser can.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kompass.infrastructure import pg_roles
from kompass.infrastructure.settings import locate
from tests.conftest import FIXTURES, PG_UNAVAILABLE, init_store
from tests.integration.helpers import as_json, ok, refused
from tests.integration.pg_logins import (
    PgStore,
    connect_as,
    count_events,
    drop_store,
    made_store,
    psql,
    superuser,
    with_prefix,
)

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(PG_UNAVAILABLE is not None, reason=PG_UNAVAILABLE or "")]

PERMISSION = 4
REWRITE = (
    "ALTER TABLE kompass_events DISABLE TRIGGER ALL; "
    "UPDATE kompass_events SET topic = topic WHERE notification_id = 1; "
    "ALTER TABLE kompass_events ENABLE TRIGGER ALL"
)


@pytest.fixture
def store() -> Iterator[PgStore]:
    with made_store() as made:
        yield made


def add(url: str, ref: str, region: str, user: str | None, code: int | None = None) -> str:
    args = ("initiative", "add", "--ref", ref, "--region", region, "--title", "Öppna data", "--area", "innovation", "--type", "project")
    if code is None:
        ok(url, *args, user=user)
        return ""
    return refused(url, *args, code=code, user=user)


def test_kompass_shows_the_databases_refusal_as_a_permission_refusal(store: PgStore) -> None:
    """Through kompass, a write the database refuses is a permission refusal (exit 4, the database's one line).
    To reach the database past kompass's own check, the database's copy of the grants is made to differ from
    the log (a grant of region 01 that kompass reads in the log, dropped from the rules' table); a coordinator's
    login may not claim to be admin (`--as admin`) at all; as itself it records in its own region."""
    coord = store.login("coord", "coordinator")
    ok(store.url, "user", "add", coord, "--role", "coordinator", "--region", "14")
    ok(store.url, "user", "grant", coord, "--role", "coordinator", "--region", "01")
    with superuser(store.url) as conn:
        conn.execute("DELETE FROM kompass_role_grants WHERE login = %s AND region = '01'", (coord,))
    url = store.url_as(coord)
    before = count_events(store)
    assert add(url, "01-as-admin", "01", "admin", PERMISSION).startswith(f"{coord} may not act as admin")
    message = add(url, "01-pwned", "01", None, PERMISSION)
    assert message == f"{coord} may not change initiative 01-pwned of region 01: only its region's coordinators and admins may"
    assert count_events(store) == before
    add(url, "14-egen", "14", None)
    assert count_events(store) == before + 2  # the initiative, and the coordinator's signing key published by itself
    assert [i["ref"] for i in as_json(store.url, "initiative", "list")] == ["14-egen"]
    ok(store.url, "verify")  # the coordinator's write extended the signed log like any other


def test_the_old_owner_can_no_longer_rewrite_an_event(store: PgStore) -> None:
    old = store.login("oldowner")
    with superuser(store.url) as conn:  # the layout before: a login role owned the tables
        conn.execute(f'ALTER TABLE kompass_events OWNER TO "{old}"')
        conn.execute(f'GRANT CONNECT ON DATABASE "{store.database}" TO "{old}"')
    assert psql(store, old, REWRITE).returncode == 0, "the old layout let its owner rewrite the log"
    with with_prefix(store.prefix):
        ok(store.url, "init")  # the upgrade: init again, as a superuser
    done = psql(store, old, REWRITE)
    assert done.returncode != 0
    assert "must be owner of table kompass_events" in done.stderr


def test_superusers_are_outside_the_model(store: PgStore) -> None:
    """What the docs say: a superuser can still do anything; the signed log is the defence then."""
    with superuser(store.url) as conn:
        conn.execute(REWRITE)


def test_the_projector_writes_the_read_models_and_nothing_else(store: PgStore) -> None:
    import psycopg

    ok(store.url, "import", str(FIXTURES / "small.jsonl"))
    projector = store.login("projector", "projector")
    ok(store.url, "user", "grant", projector, "--role", "projector")  # kompass's own rule: rebuilds are the projector's
    analyst = store.login("analyst", "analyst")
    refused(store.url_as(analyst), "initiative", "list", code=7, user=None)  # behind the log, and it may not catch up
    ok(store.url_as(projector), "projections", "run", user=None)
    ok(store.url_as(projector), "projections", "rebuild", user=None)  # its scratch schema, then the live tables refilled
    assert len(as_json(store.url_as(analyst), "initiative", "list", user=None)) == 6
    with connect_as(store, projector) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("INSERT INTO kompass_checkpoints VALUES (0, 0, 'x')")
    assert psql(store, projector, "SELECT * FROM kompass_persons").returncode != 0


def test_a_role_that_may_create_roles_sets_up_a_store_too() -> None:
    """Not only a superuser: a CREATEROLE login owning the database can run `init`, and stays a member of the
    owner role (the docs say to keep it out of everyday use)."""
    import uuid

    from tests.conftest import PG_ADMIN_URL, new_pg_database

    prefix = f"kt{uuid.uuid4().hex[:8]}_"
    dba = f"{prefix}u_dba"
    url = new_pg_database(initialised=False)
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{dba}" LOGIN CREATEROLE CREATEDB')
        conn.execute(f'ALTER DATABASE "{url.rsplit("/", 1)[1]}" OWNER TO "{dba}"')
    made = PgStore(url, prefix, [dba])
    try:
        with with_prefix(prefix):
            init_store(made.url_as(dba))
        with superuser(url) as conn:
            owners = {row[0] for row in conn.execute("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")}
        assert owners == {f"{prefix}owner"}
        coord = made.login("coord", "coordinator")
        assert (
            "may not change"
            in psql(
                made,
                coord,
                "INSERT INTO kompass_events (originator_id, originator_version, topic, state) "
                f"VALUES ('{uuid.uuid4()}', 1, 'x:Initiative.InitiativeProposed', '\\x7b7d')",
            ).stderr
        )
        pg_roles.revoke_membership(locate(made.url_as(dba)), coord, "coordinator")
    finally:
        drop_store(made)


def test_init_again_takes_back_a_login_given_to_the_owner_role(store: PgStore) -> None:
    with superuser(store.url) as conn:
        conn.execute(f'ALTER ROLE "{store.group("owner")}" LOGIN INHERIT')
    with with_prefix(store.prefix):
        ok(store.url, "init")
    assert "not permitted to log in" in psql(store, store.group("owner"), "SELECT 1").stderr


def test_init_again_grants_what_the_log_says_to_a_login_made_later(store: PgStore) -> None:
    from tests.integration.pg_logins import role_event_sql

    later = store.named("later")
    with superuser(store.url) as conn:
        conn.execute(role_event_sql(later, 1, "Registered", "auditor", []))  # granted before the login existed
        conn.execute(f'CREATE ROLE "{later}" LOGIN')
    store.logins.append(later)
    assert "permission denied for database" in psql(store, later, "SELECT 1").stderr
    with with_prefix(store.prefix):
        ok(store.url, "init")
    assert psql(store, later, "SELECT count(*) FROM kompass_events").returncode == 0
