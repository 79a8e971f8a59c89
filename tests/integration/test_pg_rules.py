"""The database enforces kompass's rules on PostgreSQL, whatever the client (docs/postgres-roles.md).

Real login roles on the local server, through psycopg and through plain psql: a coordinator of region
14, an auditor and an analyst try by hand what kompass would never send. Each statement must be refused
and leave the log as it was; the coordinator's own region stays writable.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from kompass.domain.identity import actor_id, initiative_id, portfolio_id
from kompass.infrastructure import pg_roles
from kompass.infrastructure.settings import locate
from tests.conftest import FIXTURES, PG_UNAVAILABLE
from tests.integration.helpers import ok
from tests.integration.pg_logins import (
    PgStore,
    connect_as,
    count_events,
    drop_store,
    event_sql,
    new_store,
    psql,
    role_event_sql,
    superuser,
)

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(PG_UNAVAILABLE is not None, reason=PG_UNAVAILABLE or "")]

INITIATIVE = "kompass.domain.initiative:Initiative"
STAMP = {"timestamp": {"_type_": "datetime_iso", "_data_": "2026-01-01T00:00:00+00:00"}, "by": "x",
         "effective": {"_type_": "date_iso", "_data_": "2026-01-01"}}


def proposal(ref: str, region: str) -> dict[str, Any]:
    return {**STAMP, "originator_topic": INITIATIVE, "ref": ref, "region": region, "title": "t", "description": "",
            "areas": ["innovation"], "type": "project", "orientation": "external", "roles": []}


@pytest.fixture(scope="module")
def store() -> Iterator[PgStore]:
    """The worked example on a store set up by `init`; coordinator `coord` of region 14 (granted in the log),
    an auditor and an analyst; a person row for someone else in the register."""
    if PG_UNAVAILABLE:
        pytest.skip(PG_UNAVAILABLE)
    made = new_store()
    try:
        ok(made.url, "import", str(FIXTURES / "small.jsonl"))
        coord = made.login("coord", "coordinator")
        made.login("auditor", "auditor")
        made.login("analyst", "analyst")
        made.login("nobody")
        with superuser(made.url) as conn:
            conn.execute(role_event_sql(coord, 1, "Registered", "coordinator", ["14"]))
            conn.execute("INSERT INTO kompass_persons (person_id, name, email) VALUES ('admin', 'Kristina', 'k@example.se')")
        yield made
    finally:
        drop_store(made)


def attacks(s: PgStore) -> dict[str, str]:
    """What a coordinator of region 14 types by hand, each of which must be refused."""
    coord = s.named("coord")
    return {
        "event of another region's initiative": event_sql(initiative_id("12-cyber"), 99, f"{INITIATIVE}.StatusChanged",
                                                          {**STAMP, "status": "cancelled", "reason": "x"}),
        "new initiative of another region": event_sql(initiative_id("01-pwned"), 1, f"{INITIATIVE}.InitiativeProposed",
                                                      proposal("01-pwned", "01")),
        "another region's portfolio": event_sql(portfolio_id("01"), 99, "kompass.domain.portfolio:Portfolio.SelfAssessed",
                                                {**STAMP, "year": 2020, "score": 1, "light": "red", "focus": {}}),
        "rename an actor of another region": event_sql(actor_id("region-01"), 99, "kompass.domain.actor:Actor.ActorRenamed",
                                                       {**STAMP, "name": "Region Pwned"}),
        "rename an actor without region": event_sql(actor_id("digg"), 99, "kompass.domain.actor:Actor.ActorRenamed",
                                                    {**STAMP, "name": "Pwned"}),
        "join another region's actor to another region's initiative": event_sql(
            initiative_id("12-cyber"), 99, f"{INITIATIVE}.ActorJoined", {**STAMP, "actor": "region-01", "role": "partner"}),
        "move another region's initiative into its own": event_sql(
            initiative_id("12-cyber"), 99, f"{INITIATIVE}.LeadRegionChanged", {**STAMP, "region": "14", "reason": "x"}),
        "move its own initiative to another region": event_sql(
            initiative_id("14-open-data"), 99, f"{INITIATIVE}.LeadRegionChanged", {**STAMP, "region": "12", "reason": "x"}),
        "publish a signing key for someone else": event_sql(
            uuid.uuid4(), 1, "kompass.domain.signing_key:SigningKey.KeyPublished",
            {**STAMP, "originator_topic": "kompass.domain.signing_key:SigningKey", "user": "admin", "public_key": "eA=="}),
        "grant itself admin in the log": role_event_sql(coord, 2, "RoleGranted", "admin", []),
        "update an event": "UPDATE kompass_events SET topic = topic",
        "delete an event": "DELETE FROM kompass_events",
        "truncate the events": "TRUNCATE kompass_events",
        "disable the triggers": "ALTER TABLE kompass_events DISABLE TRIGGER ALL",
        "disable the guard": "ALTER TABLE kompass_events DISABLE TRIGGER kompass_guard",
        "drop the guard": "DROP TRIGGER kompass_guard ON kompass_events",
        "drop the append-only trigger": "DROP TRIGGER kompass_events_append_only ON kompass_events",
        "alter a table": "ALTER TABLE kompass_events ADD COLUMN pwned int",
        "drop a table": "DROP TABLE kompass_checkpoints",
        "replace a trigger function": "CREATE OR REPLACE FUNCTION kompass_guard_events() RETURNS trigger "
                                      "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
        "create a table": "CREATE TABLE pwned (x int)",
        "become the owner": f"SET ROLE {s.group('owner')}",
        "grant itself admin": f"GRANT {s.group('admin')} TO {coord}",
        "grant a role to another login": f"GRANT {s.group('coordinator')} TO {s.named('nobody')}",
        "grant through kompass's function": f"SELECT kompass_set_membership('{coord}', 'admin', true)",
        "write the grants table": f"INSERT INTO kompass_role_grants VALUES ('{coord}', 'coordinator', '01')",
        "call the trigger's indexing function": "SELECT kompass_index_event('kompass.domain.user:User.RoleGranted', "
                                                 f"gen_random_uuid(), 1, '{{\"user\": \"{coord}\", \"role\": \"coordinator\", "
                                                 "\"regions\": [\"01\"]}')",
        "poison the network cache": "INSERT INTO kompass_network_cache VALUES (999999, 'x', '{}')",
        "write the regions table": "UPDATE kompass_aggregate_regions SET region = '14'",
        "delete checkpoints": "DELETE FROM kompass_checkpoints",
        "change the store's id": "UPDATE kompass_log SET store_id = 'x'",
        "add a signing key": "INSERT INTO kompass_keys VALUES ('pwned', 'x')",
        "another person's details": "INSERT INTO kompass_persons (person_id, name) VALUES ('admin', 'Pwned') "
                                    "ON CONFLICT (person_id) DO UPDATE SET name = 'Pwned'",
        "drop the schema": "DROP SCHEMA public CASCADE",
        "forge a snapshot of another region's initiative": "INSERT INTO kompass_snapshots VALUES "
                                                           f"('{initiative_id('12-cyber')}', 99, '{INITIATIVE}', '\\x7b7d')",
        "create a temporary table": "CREATE TEMP TABLE kompass_log (id int, size int)",
        "lock the log without the right": "BEGIN; SELECT kompass_lock_events(); DELETE FROM kompass_events; COMMIT",
    }


REFUSALS = ("permission denied", "must be owner", "must have admin option", "may not", "may add to or remove from",
            "row-level security", "kompass: events are never")
"""How the server words a refusal (a typing mistake in an attack would fail too, and prove nothing)."""
ATTACKS = list(attacks(PgStore("u/x", "p_")))


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_coordinator_cannot_through_psycopg(store: PgStore, attack: str) -> None:
    import psycopg

    before = count_events(store)
    with connect_as(store, store.named("coord")) as conn, pytest.raises(psycopg.Error):
        conn.execute(attacks(store)[attack])
    assert count_events(store) == before


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_coordinator_cannot_through_psql(store: PgStore, attack: str) -> None:
    before = count_events(store)
    done = psql(store, store.named("coord"), attacks(store)[attack])
    assert done.returncode != 0, f"psql ran {attack!r}: {done.stdout}"
    assert any(reason in done.stderr for reason in REFUSALS), done.stderr  # refused, not merely mistyped
    assert count_events(store) == before


def test_a_refused_event_says_why_in_one_line(store: PgStore) -> None:
    done = psql(store, store.named("coord"), attacks(store)["event of another region's initiative"])
    assert f"{store.named('coord')} may not change initiative 12-cyber of region 12" in done.stderr


def test_a_coordinator_sees_no_one_elses_person_row(store: PgStore) -> None:
    with connect_as(store, store.named("coord")) as conn:
        assert conn.execute("SELECT person_id FROM kompass_persons").fetchall() == []


def test_a_coordinator_keeps_its_own_person_row(store: PgStore) -> None:
    coord = store.named("coord")
    with connect_as(store, coord) as conn:
        conn.execute("INSERT INTO kompass_persons (person_id, name) VALUES (%s, 'Anna') "
                     "ON CONFLICT (person_id) DO UPDATE SET name = excluded.name", (coord,))
        assert conn.execute("SELECT person_id, name FROM kompass_persons").fetchall() == [(coord, "Anna")]


def test_a_coordinator_records_events_of_its_own_region(store: PgStore) -> None:
    coord = store.named("coord")
    with connect_as(store, coord) as conn:
        conn.execute(event_sql(initiative_id("14-by-hand"), 1, f"{INITIATIVE}.InitiativeProposed", proposal("14-by-hand", "14")))
    done = psql(store, coord, event_sql(initiative_id("14-by-hand"), 2, f"{INITIATIVE}.StatusChanged",
                                        {**STAMP, "status": "active", "reason": "x"}))
    assert done.returncode == 0, done.stderr
    own_key = {**STAMP, "originator_topic": "kompass.domain.signing_key:SigningKey", "user": coord, "public_key": "eA=="}
    done = psql(store, coord, event_sql(uuid.uuid4(), 1, "kompass.domain.signing_key:SigningKey.KeyPublished", own_key))
    assert done.returncode == 0, done.stderr
    joined = event_sql(initiative_id("12-cyber"), 98, f"{INITIATIVE}.ActorJoined", {**STAMP, "actor": "gbg", "role": "partner"})
    done = psql(store, coord, joined)  # its own region's actor joins another region's initiative
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("kind", ["auditor", "analyst"])
def test_auditors_and_analysts_only_read(store: PgStore, kind: str) -> None:
    import psycopg

    login = store.named(kind)
    with connect_as(store, login) as conn:
        assert conn.execute("SELECT count(*) FROM kompass_events").fetchone() == (count_events(store),)
        assert conn.execute("SELECT count(*) FROM rm_initiatives").fetchone() is not None
    own = event_sql(initiative_id("14-auditor"), 1, f"{INITIATIVE}.InitiativeProposed", proposal("14-auditor", "14"))
    for statement in [own, "SELECT person_id FROM kompass_persons", "UPDATE rm_initiatives SET status = 'x'",
                      "DELETE FROM kompass_events", "INSERT INTO kompass_checkpoints VALUES (0, 0, 'x')",
                      "ALTER TABLE kompass_events DISABLE TRIGGER ALL", f"GRANT {store.group('admin')} TO {login}"]:
        with connect_as(store, login) as conn, pytest.raises(psycopg.Error):
            conn.execute(statement)
        assert psql(store, login, statement).returncode != 0


def test_the_owner_role_cannot_log_in(store: PgStore) -> None:
    done = psql(store, store.group("owner"), "SELECT 1")
    assert done.returncode != 0
    assert "not permitted to log in" in done.stderr


def test_a_login_without_a_kompass_role_cannot_even_connect(store: PgStore) -> None:
    done = psql(store, store.named("nobody"), "SELECT count(*) FROM kompass_events")
    assert done.returncode != 0
    assert "permission denied for database" in done.stderr


def test_only_an_admins_login_grants_roles(store: PgStore) -> None:
    admin = store.login("admin1", "admin")
    target = store.login(f"member{uuid.uuid4().hex[:6]}")
    location = locate(store.url_as(admin))
    pg_roles.grant_membership(location, target, "analyst")
    assert psql(store, target, "SELECT count(*) FROM kompass_events").returncode == 0
    pg_roles.revoke_membership(location, target, "analyst")
    assert psql(store, target, "SELECT count(*) FROM kompass_events").returncode != 0
    from kompass.domain.errors import PermissionDenied

    with pytest.raises(PermissionDenied, match="only an admin may"):
        pg_roles.grant_membership(locate(store.url_as(store.named("coord"))), target, "admin")


def test_the_grants_follow_the_role_events(store: PgStore) -> None:
    """The role events decide: a revoke in the log takes the region and the login's membership away at once;
    a new grant gives both back."""
    user = store.login("coord2")
    ref = f"12-{uuid.uuid4().hex[:6]}"
    propose = event_sql(initiative_id(ref), 1, f"{INITIATIVE}.InitiativeProposed", proposal(ref, "12"))
    assert "permission denied for database" in psql(store, user, "SELECT 1").stderr  # no role yet
    with superuser(store.url) as conn:
        conn.execute(role_event_sql(user, 1, "Registered", "coordinator", ["12", "14"]))
        conn.execute(role_event_sql(user, 2, "RoleRevoked", "coordinator", ["12"]))
    assert "of region 12" in psql(store, user, propose).stderr  # still a coordinator, of 14 only
    with superuser(store.url) as conn:
        conn.execute(role_event_sql(user, 3, "RoleRevoked", "coordinator", ["14"]))
    assert "permission denied for database" in psql(store, user, "SELECT 1").stderr
    with superuser(store.url) as conn:
        conn.execute(role_event_sql(user, 4, "RoleGranted", "coordinator", ["12"]))
    assert psql(store, user, propose).returncode == 0


def test_every_trigger_function_runs_as_the_owner_with_a_fixed_search_path(store: PgStore) -> None:
    with superuser(store.url) as conn:
        rows = conn.execute(
            "SELECT DISTINCT p.proname, pg_get_userbyid(p.proowner), p.prosecdef, p.proconfig FROM pg_trigger t "
            "JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal"
        ).fetchall()
    assert {name for name, *_ in rows} >= {"kompass_guard_events", "kompass_guard_snapshot", "kompass_append_only"}
    for name, owner, definer, config in rows:
        assert owner == store.group("owner"), name
        assert definer, name
        assert "search_path=pg_catalog, public, pg_temp" in (config or []), name


def test_setting_up_needs_a_role_that_may_create_roles(store: PgStore) -> None:
    """Opening an existing store again as an admin's login changes nothing and is no error; where nothing is set
    up, an ordinary login is told who must do it."""
    from kompass.domain.errors import PermissionDenied
    from tests.conftest import drop_pg_database, new_pg_database

    admin = store.login("admin2", "admin")
    pg_roles.install(locate(store.url_as(admin)), "kompass_events", "kompass_snapshots")
    bare = new_pg_database(initialised=False)
    try:
        with superuser(bare) as conn:
            conn.execute(f'GRANT CONNECT ON DATABASE "{bare.rsplit("/", 1)[1]}" TO "{admin}"')
        with pytest.raises(PermissionDenied, match="needs a PostgreSQL superuser"):
            pg_roles.install(locate(bare.replace("postgres@", f"{admin}@", 1)), "kompass_events", "kompass_snapshots")
    finally:
        drop_pg_database(bare)


def test_an_initiative_moved_by_an_admin_belongs_to_its_new_region(store: PgStore) -> None:
    coord = store.named("coord")
    ref = f"12-moved-{uuid.uuid4().hex[:6]}"
    status = event_sql(initiative_id(ref), 3, f"{INITIATIVE}.StatusChanged", {**STAMP, "status": "active", "reason": "x"})
    with superuser(store.url) as conn:
        conn.execute(event_sql(initiative_id(ref), 1, f"{INITIATIVE}.InitiativeProposed", proposal(ref, "12")))
        conn.execute(event_sql(initiative_id(ref), 2, f"{INITIATIVE}.LeadRegionChanged", {**STAMP, "region": "14", "reason": "x"}))
    assert psql(store, coord, status).returncode == 0


def test_a_schema_named_after_a_login_does_not_stand_in_for_the_store(store: PgStore) -> None:
    """Admins and the projector may create schemas (a rebuild's scratch copy); one named after another login
    would come first in PostgreSQL's default search path, so the database searches `public` only."""
    admin = store.login("admin3", "admin")
    coord = store.named("coord")
    done = psql(store, admin, f'CREATE SCHEMA "{coord}"; CREATE TABLE "{coord}".kompass_events (topic text)')
    assert done.returncode == 0, done.stderr
    assert psql(store, coord, "SELECT count(*) FROM kompass_events").stdout.strip() == str(count_events(store))


def test_an_admin_named_in_the_log_records_for_any_region_and_grants_roles(store: PgStore) -> None:
    boss = store.login("boss")
    ref = f"01-{uuid.uuid4().hex[:6]}"
    with superuser(store.url) as conn:
        conn.execute(role_event_sql(boss, 1, "Registered", "admin", []))
    assert psql(store, boss, event_sql(initiative_id(ref), 1, f"{INITIATIVE}.InitiativeProposed", proposal(ref, "01"))).returncode == 0
    helper = store.login("helper")
    assert psql(store, boss, role_event_sql(helper, 1, "Registered", "analyst", [])).returncode == 0
    assert psql(store, helper, "SELECT count(*) FROM kompass_events").returncode == 0
