"""The grants the database checks against are the fold of the role events in the log, whatever their order.

Property: for any sequence of role events (first grant, grant, revoke; any role; any regions), the rows
the trigger keeps in `kompass_role_grants` are what folding those events gives: a grant adds the role
(a coordinator's for each region), a revoke takes away the regions it names, or the whole role.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PG_UNAVAILABLE
from tests.integration.pg_logins import PgStore, made_store, role_event_sql, superuser

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(PG_UNAVAILABLE is not None, reason=PG_UNAVAILABLE or "")]

KINDS = ("Registered", "RoleGranted", "RoleRevoked")
ROLES = ("admin", "coordinator", "auditor", "analyst", "projector")
event = st.tuples(st.sampled_from(KINDS), st.sampled_from(ROLES), st.lists(st.sampled_from(["01", "12", "14"]), max_size=3, unique=True))


@pytest.fixture(scope="module")
def store() -> Iterator[PgStore]:
    with made_store() as made:
        yield made


def fold(events: list[tuple[str, str, list[str]]]) -> set[tuple[str, str]]:
    held: set[tuple[str, str]] = set()
    for kind, role, regions in events:
        if kind != "RoleRevoked":
            held |= {(role, r) for r in regions} if role == "coordinator" and regions else {(role, "")}
        else:
            held = {(g, r) for g, r in held if not (g == role and (not regions or r in regions))}
    return held


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=st.lists(event, min_size=1, max_size=8))
def test_the_grants_are_the_fold_of_the_role_events(store: PgStore, events: list[tuple[str, str, list[str]]]) -> None:
    user = f"u-{uuid.uuid4().hex[:12]}"
    with superuser(store.url) as conn:
        for version, (kind, role, regions) in enumerate(events, start=1):
            conn.execute(role_event_sql(user, version, kind, role, regions))
        rows = conn.execute("SELECT role, region FROM kompass_role_grants WHERE login = %s", (user,)).fetchall()
    assert set(rows) == fold(events)


def test_init_again_derives_the_same_grants_from_the_log(store: PgStore) -> None:
    """Re-deriving (what `init` on an existing store does) gives what the trigger kept as events came."""
    from kompass.infrastructure import pg_roles
    from kompass.infrastructure.settings import locate
    from tests.integration.pg_logins import with_prefix

    with superuser(store.url) as conn:
        before = sorted(conn.execute("SELECT * FROM kompass_role_grants").fetchall())
    with with_prefix(store.prefix):
        pg_roles.install(locate(store.url), "kompass_events", "kompass_snapshots")
    with superuser(store.url) as conn:
        assert sorted(conn.execute("SELECT * FROM kompass_role_grants").fetchall()) == before
