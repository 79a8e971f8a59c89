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

from tests.conftest import PG_UNAVAILABLE
from tests.integration.helpers import as_json, ok, refused
from tests.integration.pg_logins import PgStore, count_events, drop_store, new_store, psql, superuser, with_prefix

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(PG_UNAVAILABLE is not None, reason=PG_UNAVAILABLE or "")]

PERMISSION = 4
REWRITE = (
    "ALTER TABLE kompass_events DISABLE TRIGGER ALL; "
    "UPDATE kompass_events SET topic = topic WHERE notification_id = 1; "
    "ALTER TABLE kompass_events ENABLE TRIGGER ALL"
)


@pytest.fixture
def store() -> Iterator[PgStore]:
    if PG_UNAVAILABLE:
        pytest.skip(PG_UNAVAILABLE)
    made = new_store()
    try:
        yield made
    finally:
        drop_store(made)


def add(url: str, ref: str, region: str, code: int | None = None) -> str:
    args = ("initiative", "add", "--ref", ref, "--region", region, "--title", "Öppna data", "--area", "innovation",
            "--type", "project")
    if code is None:
        ok(url, *args)
        return ""
    return refused(url, *args, code=code)


def test_kompass_shows_the_databases_refusal_as_a_permission_refusal(store: PgStore) -> None:
    coord = store.login("coord", "coordinator")
    with superuser(store.url) as conn:  # what the role event `user grant coord --region 14` leaves behind
        conn.execute("INSERT INTO kompass_role_grants VALUES (%s, 'coordinator', '14')", (coord,))
    url = store.url_as(coord)
    before = count_events(store)
    message = add(url, "01-pwned", "01", PERMISSION)
    assert message == f"{coord} may not change initiative 01-pwned of region 01: only its region's coordinators and admins may"
    assert count_events(store) == before
    add(url, "14-egen", "14")
    assert count_events(store) == before + 1
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
