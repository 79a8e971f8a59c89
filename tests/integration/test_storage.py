"""The event store itself, on both backends: durable, gap-free, append-only, and safe under concurrent change."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, table, text
from sqlalchemy.exc import DBAPIError

from kompass.application.commands import ChangeStatus, FundInitiative, ProposeInitiative, TagArea
from kompass.domain.errors import ConcurrentChange
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.eventstore import events_table
from tests.conftest import NEW_STORE_EVENTS
from tests.integration.helpers import as_json, invoke, key_events, ok

REF = "14-2021-opendata"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = Store(db_url, "admin")
    try:
        yield opened
    finally:
        opened.close()


def propose(store: Store, ref: str = REF) -> None:
    store.kompass.execute(
        ProposeInitiative(ref=ref, region="14", title="Öppna data", areas=("innovation",), type="collaboration"),
        store.access(),
    )


def notifications(store: Store) -> list[Any]:
    return list(store.app.recorder.select_notifications(start=None, limit=1_000_000))


def notification_ids(store: Store) -> list[int]:
    return [n.id for n in notifications(store)]


def event_rows(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table(events_table(store.app)))).scalar_one())


# --- durable ------------------------------------------------------------------------------------------


def test_events_survive_reopening_the_store(db_url: str, small_log: Path) -> None:
    first = Store(db_url, "admin")
    try:
        propose(first)
        first.kompass.execute(ChangeStatus(ref=REF, status="active"), first.access())
        before = [(n.id, n.originator_id, n.originator_version, n.topic, n.state) for n in notifications(first)]
    finally:
        first.close()
    assert len(before) == NEW_STORE_EVENTS + key_events(db_url) + 2

    again = Store(db_url, "someone")  # not the first user: opening must not initialise anything again
    try:
        after = [(n.id, n.originator_id, n.originator_version, n.topic, n.state) for n in notifications(again)]
        assert after == before
        assert again.users.grants_of("admin").is_admin and not again.access().grants.roles
    finally:
        again.close()
    shown = as_json(db_url, "initiative", "show", REF)
    assert shown["status"] == "active" and shown["title"] == "Öppna data"
    ok(db_url, "import", str(small_log))
    ok(db_url, "projections", "rebuild")  # the read tables come back from the log alone
    assert len(as_json(db_url, "initiative", "list")) == 7


# --- gap-free ----------------------------------------------------------------------------------------


def test_the_notification_log_has_no_gaps(db_url: str, small_log: Path, tmp_path: Path) -> None:
    ok(db_url, "import", str(small_log))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"op": "initiative.tag", "ref": "14-open-data", "area": "security"}\n'
                   '{"op": "initiative.tag", "ref": "14-open-data", "area": "cyber"}\n', encoding="utf-8")
    assert invoke(db_url, "import", str(bad)).exit_code == 1  # refused after a good line
    assert invoke(db_url, "initiative", "status", "14-open-data", "active").exit_code == 1  # refused command
    ok(db_url, "initiative", "tag", "14-open-data", "--area", "security")
    store = Store(db_url, "admin")
    try:
        ids = notification_ids(store)
        assert ids == list(range(1, len(ids) + 1))
        assert len(ids) == NEW_STORE_EVENTS + key_events(db_url) + 38 + 1 == store.facts.head() == event_rows(store)
        # the log read in pages (as projections read it) gives the same positions
        paged = [f.position for f in store.facts.facts(batch=7)]
        assert paged == ids
    finally:
        store.close()


# --- append-only -------------------------------------------------------------------------------------


TAMPERING = [
    "DELETE FROM {t}",
    "DELETE FROM {t} WHERE {id} = (SELECT MAX({id}) FROM {t})",
    "UPDATE {t} SET state = state",
    "UPDATE {t} SET originator_version = originator_version + 1000 WHERE {id} = 1",
]


def test_stored_events_cannot_be_deleted_or_changed(store: Store) -> None:
    propose(store)
    before = [(n.id, n.originator_id, n.originator_version, n.state) for n in notifications(store)]
    postgres = store.location.backend == "postgres"
    # on PostgreSQL a row trigger does not fire on TRUNCATE: the log must be protected from it as well
    statements = [*TAMPERING, "TRUNCATE {t}"] if postgres else TAMPERING
    for statement in statements:
        sql = statement.format(t=events_table(store.app), id="notification_id" if postgres else "rowid")
        with pytest.raises(DBAPIError, match="kompass: events are never"), store.engine.begin() as conn:
            conn.execute(text(sql))
    assert [(n.id, n.originator_id, n.originator_version, n.state) for n in notifications(store)] == before
    assert event_rows(store) == len(before)


# --- concurrent change -------------------------------------------------------------------------------


def test_a_concurrent_change_is_retried_and_both_are_recorded(db_url: str) -> None:
    first, second = Store(db_url, "admin"), Store(db_url, "admin")
    try:
        propose(first)
        original_append = first.kompass._append
        attempts: list[int] = []

        def save_after_the_other(events: list[Any]) -> None:
            """`first` has loaded and changed the initiative; `second` saves its own change just before."""
            attempts.append(len(events))
            if len(attempts) == 1:
                second.kompass.execute(TagArea(ref=REF, area="security"), second.access())
            original_append(events)

        first.kompass._append = save_after_the_other  # type: ignore[method-assign]
        first.kompass.execute(FundInitiative(ref=REF, source="erdf", amount_sek=1500000, year=2022), first.access())
        assert len(attempts) == 2, "the first save should have conflicted and been retried once"

        ids = notification_ids(first)
        assert len(ids) == NEW_STORE_EVENTS + key_events(db_url) + 3 == event_rows(first)
        assert ids == sorted(ids)
    finally:
        first.close()
        second.close()
    shown = as_json(db_url, "initiative", "show", REF)
    assert shown["areas"] == ["innovation", "security"]
    assert shown["funding"] == [{"source": "erdf", "amount_sek": 1500000, "year": 2022}]
    assert len(as_json(db_url, "history", "--initiative", REF)["events"]) == 3
    assert ids == sorted(set(ids))  # increasing, no duplicates
    if db_url.startswith("postgresql"):
        # A refused INSERT still consumes a value of PostgreSQL's bigserial (sequences are not
        # transactional), so ids may have holes; a reader following by position skips nothing.
        assert ids[-1] - len(ids) <= 1
    else:
        assert ids == list(range(1, len(ids) + 1))


def test_a_change_that_keeps_conflicting_gives_up_and_writes_nothing(db_url: str) -> None:
    first, second = Store(db_url, "admin"), Store(db_url, "admin")
    try:
        propose(first)
        original_append = first.kompass._append
        areas = iter(["security", "leadership", "competence", "infrastructure", "security", "leadership"])

        def always_beaten(events: list[Any]) -> None:
            area = next(areas)
            try:
                second.kompass.execute(TagArea(ref=REF, area=area), second.access())
            except Exception:  # noqa: BLE001 — a tag already present: untag it instead, still a conflicting change
                from kompass.application.commands import UntagArea

                second.kompass.execute(UntagArea(ref=REF, area=area), second.access())
            original_append(events)

        first.kompass._append = always_beaten  # type: ignore[method-assign]
        rows = event_rows(first)
        with pytest.raises(ConcurrentChange):
            first.kompass.execute(FundInitiative(ref=REF, source="erdf", amount_sek=5, year=2022), first.access())
        assert event_rows(first) == rows + 5  # only the other store's five changes
    finally:
        first.close()
        second.close()
    assert as_json(db_url, "initiative", "show", REF)["funding"] == []


# --- an import's own append path on PostgreSQL ------------------------------------------------------------


@pytest.mark.postgres
def test_an_import_on_postgres_stores_what_the_library_stores_under_its_table_lock(pg_url: str) -> None:
    """Imports append with COPY instead of the library's insert: the rows must be the library's own
    (same columns and bytes, read back by the library as the same events), with ids from the same
    sequence, after the same EXCLUSIVE table lock and NOTIFY, and committed only at the end."""
    import psycopg

    from kompass.domain.actor import Actor

    store = Store(pg_url, "admin")
    dsn = pg_url.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        head = store.facts.head()
        actors = [Actor.register(key=f"copy-{i}", name=f"Kopia {i}", kind="company", by="admin", effective=date(2021, 1, 4))
                  for i in range(5)]
        for actor in actors:
            actor.rename(f"Kopia {actor.key} två", by="admin", effective=date(2021, 2, 1))
        events = [e for actor in actors for e in actor.collect_events()]
        expected = [store.app.mapper.to_stored_event(e) for e in events]
        table_name = events_table(store.app)
        with psycopg.connect(dsn, autocommit=True) as listener, psycopg.connect(dsn, autocommit=True) as other:
            listener.execute(f'LISTEN "{store.app.recorder.channel_name}"')  # type: ignore[attr-defined]
            with store.kompass.appender.transaction() as append:
                append(events[:4])
                append(events[4:])
                locks = other.execute(
                    "SELECT mode, granted FROM pg_locks WHERE relation = %s::regclass AND pid <> pg_backend_pid()",
                    (table_name,),
                ).fetchall()
                assert ("ExclusiveLock", True) in locks, f"the import does not hold the library's table lock: {locks}"
                seen = other.execute(f"SELECT count(*) FROM {table_name}").fetchone()
                assert seen is not None and seen[0] == head, "another session saw the import before it committed"
            assert list(listener.notifies(timeout=2, stop_after=1)), "no NOTIFY on the library's channel"
        stored = list(store.app.recorder.select_notifications(start=head + 1, limit=100))
        published = stored[len(expected):]  # the real identity's key was published by its first write after init
        assert [n.topic for n in published] == []
        stored = stored[: len(expected)]
        assert [n.id for n in stored] == list(range(head + 1, head + 1 + len(expected)))
        assert [(n.originator_id, n.originator_version, n.topic, n.state) for n in stored] == [
            (e.originator_id, e.originator_version, e.topic, e.state) for e in expected
        ]
        for actor in actors:
            reloaded: Any = store.app.repository.get(actor.id)
            assert (reloaded.name, reloaded.version) == (actor.name, 2)
    finally:
        store.close()
