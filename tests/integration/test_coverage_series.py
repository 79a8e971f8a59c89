"""The coverage series on the shipped demo portfolio (real recording times over 2021–2022), and a store
made before them: its bitemporal projection gains tables, so it starts again from the beginning of
the log and the series answer as the replay does."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import Engine, create_engine, event, select, text

from kompass.application.coverage import report_from_state
from kompass.application.coverage_series import named_actors
from kompass.application.facts import Fact
from kompass.application.state import fold
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.metadata import metadata
from kompass.infrastructure.projections.coverage_series.schema import TABLES, bt_depends, bt_steps
from kompass.infrastructure.projections.coverage_series.writer import update
from tests.integration.helpers import ok

TODAY = date(2026, 1, 1)
DAYS = [date(2021, 1, 1), date(2021, 6, 30), date(2021, 12, 31), date(2022, 6, 30), date(2030, 1, 1)]
MOMENTS = [datetime(2021, 3, 1, tzinfo=UTC), datetime(2021, 9, 1, tzinfo=UTC), datetime(2022, 12, 31, tzinfo=UTC)]


@pytest.fixture()
def demo(tmp_path: Path) -> str:
    directory = tmp_path / "store"
    ok(f"sqlite:///{directory / 'unused.db'}", "demo", "--dir", str(directory))
    return f"sqlite:///{directory / 'kompass.db'}"


def agree(url: str) -> None:
    store = Store(url, "admin")
    try:
        store.projector.catch_up()
        facts = list(store.facts.facts())
        questions = [(d, None) for d in DAYS] + [(None, m) for m in MOMENTS]
        counted = 0
        for as_of, known_at in questions:
            series = store.read_model.past_coverage(store.framework, TODAY, as_of, known_at)
            assert series is not None
            assert series == report_from_state(fold(facts, as_of, known_at), store.framework, as_of or TODAY), (as_of, known_at)
            counted += sum(c.initiatives for c in series.cells.values())
        assert counted > 0  # the demo counts something by its end
    finally:
        store.close()


def test_series_answer_as_the_replay_on_the_demo(demo: str) -> None:
    agree(demo)


def test_a_store_made_before_the_series_fills_them_from_the_start(demo: str) -> None:
    store = Store(demo, "admin")
    store.projector.catch_up()
    with store.engine.begin() as conn:  # what a store of an earlier kompass holds: no series tables
        for table in ("rm_bt_series", "rm_bt_actor_chunks", "rm_bt_steps", "rm_bt_depends", "rm_bt_actor_ids"):
            conn.execute(text(f"DROP TABLE {table}"))
    store.close()
    agree(demo)


EARLIER_LAYOUTS = {
    "rm_bt_series_actors": "axis TEXT, region TEXT, area TEXT, actor TEXT, point TEXT, n INTEGER",
    "rm_bt_actor_counts": "axis TEXT, region TEXT, area TEXT, actor TEXT, counts TEXT",
}
"""Where earlier kompass kept the actor counts: a row per count, then a row per actor and cell with its whole
history."""


@pytest.mark.parametrize("earlier", sorted(EARLIER_LAYOUTS))
def test_a_store_that_kept_the_actor_counts_another_way_starts_again_and_drops_that_table(demo: str, earlier: str) -> None:
    """The new table's arrival resets the projection, which fills the new one from the start and drops the old one."""
    store = Store(demo, "admin")
    store.projector.catch_up()
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE rm_bt_actor_chunks"))
        conn.execute(text(f"CREATE TABLE {earlier} ({EARLIER_LAYOUTS[earlier]})"))
        conn.execute(text("UPDATE rm_bt_series SET initiatives = initiatives + 7"))  # what the reset must put right
    store.close()
    agree(demo)
    store = Store(demo, "admin")
    try:
        with store.engine.connect() as conn:
            tables = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars())
    finally:
        store.close()
    assert "rm_bt_actor_chunks" in tables
    assert earlier not in tables


def test_an_actors_chunks_are_read_back_and_deleted_by_their_key_not_by_scanning_the_table(demo: str) -> None:
    """At 1,000,000 events SQLite took 0.9 s a chunk scanning every count row for `IN (VALUES …)`, and a rebuild
    never ended: the chunks a batch reads and deletes must be found through the primary key."""
    from kompass.infrastructure.projections.coverage_series.schema import bt_actor_counts
    from kompass.infrastructure.projections.coverage_series.series import chunks_query, delete_chunks_sql

    store = Store(demo)
    try:
        with store.engine.connect() as conn:
            plans = [
                conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {chunks_query(conn, 3)}", ("x",) * 13).all(),
                conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {delete_chunks_sql(conn, 3)}", ("x",) * 15).all(),
            ]
            rows = conn.exec_driver_sql(f"SELECT count(*) FROM {bt_actor_counts.name}").scalar()
    finally:
        store.close()
    assert rows, "the demo keeps actor counts"
    for plan in plans:
        details = " / ".join(str(step[-1]) for step in plan)
        assert f"SEARCH {bt_actor_counts.name} USING" in details, details
        assert f"SCAN {bt_actor_counts.name}" not in details, details


def test_a_batch_looks_up_nothing_of_an_initiative_it_begins(demo: str, tmp_path: Path) -> None:
    """An initiative whose first fact is in the batch has no steps stored and no rows of the actors it depends on:
    they are not looked up nor deleted (most initiatives of a rebuild's batch, whose lookups found nothing). In the
    next batch it is, and the series come out as one batch of all its facts makes them."""
    store = Store(demo, "admin")
    try:
        facts = list(store.facts.facts())
        areas = frozenset(store.projector.areas)
    finally:
        store.close()
    by_aggregate: dict[UUID, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_aggregate[fact.originator_id].append(fact)
    initiative = next(i for i, fs in by_aggregate.items() if fs[0].aggregate == "initiative" and len(fs) >= 3 and named_actors(fs))
    first, rest = by_aggregate[initiative][:1], by_aggregate[initiative][1:]

    def up_to(position: int) -> Callable[[list[UUID]], dict[UUID, list[Fact]]]:
        return lambda ids: {i: [f for f in by_aggregate[i] if f.position <= position] for i in ids}

    def fresh(name: str) -> Engine:
        engine = create_engine(f"sqlite:///{tmp_path / name}")
        metadata.create_all(engine, tables=list(TABLES))
        return engine

    in_two, in_one = fresh("two.db"), fresh("one.db")
    asked: list[str] = []
    watched = (f"SELECT {bt_steps.name}", f"DELETE FROM {bt_depends.name}")

    @event.listens_for(in_two, "before_cursor_execute")
    def _note(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.startswith(watched) and str(initiative) in parameters:
            asked.append(statement)

    with in_two.begin() as conn:
        update(conn, areas, {initiative: first}, {initiative: first}, up_to(first[-1].position))
    assert asked == []
    with in_two.begin() as conn:
        update(conn, areas, {initiative: rest}, {initiative: first + rest}, up_to(rest[-1].position))
    assert len(asked) == 2, asked  # its steps read back, its actors' rows replaced
    with in_one.begin() as conn:
        update(conn, areas, {initiative: first + rest}, {initiative: first + rest}, up_to(rest[-1].position))
    for table in TABLES:
        with in_two.connect() as two, in_one.connect() as one:
            assert sorted(two.execute(select(table)).all()) == sorted(one.execute(select(table)).all()), table.name
