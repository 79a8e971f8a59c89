"""The per-actor counts of the coverage series, kept in chunks (`coverage_series.series.apply_actor_counts`):
whatever batches change them, and in whatever order of points, the chunks read back as one history equal to the
sums of every change so far, and the changes of the cells' distinct actors handed on add up to where those
sums reach or leave 0. Chunk sizes of 1–3 pairs, so that small examples close and reopen many chunks; on SQLite
and on PostgreSQL."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine, delete, event, select

from kompass.application import coverage_series as cs
from kompass.infrastructure.database import json_codec
from kompass.infrastructure.metadata import metadata
from kompass.infrastructure.projections.coverage_series import series
from kompass.infrastructure.projections.coverage_series.schema import OPEN_CHUNK, bt_actor_counts
from kompass.infrastructure.projections.coverage_series.written_keys import WrittenKeys

Key = tuple[str, str, str, str]
KEYS: list[Key] = [("e", "12", "health", "a"), ("e", "12", "health", "b"), ("e", "", "health", "a"), ("r", "12", "health", "a")]
"""Two actors sharing a cell, the same actor in another cell and along the other axis."""
DAY0 = date(2021, 1, 1)

actions = st.tuples(st.sampled_from(range(len(KEYS))), st.integers(0, 40), st.none() | st.integers(1, 20), st.booleans())
"""(key, first day, days counted or open-ended, take away an interval counted before instead when there is one)."""
plans = st.lists(st.lists(actions, min_size=1, max_size=8), min_size=1, max_size=8)
"""Batches of actions."""


@pytest.fixture
def engine(no_store_url: str) -> Iterator[Engine]:
    made = create_engine(no_store_url, **json_codec())
    metadata.create_all(made, tables=[bt_actor_counts])
    try:
        yield made
    finally:
        made.dispose()


def point(day: int) -> str:
    return (DAY0 + timedelta(days=day)).isoformat()


def batch_of(actions: list[tuple[int, int, int | None, bool]], counted: list[tuple[Key, int, int | None]]) -> cs.Pairs:
    """A batch's changes: an interval counted adds 1 from its first day and takes it away after its last; one taken
    away does the opposite, so that no count goes below 0 (as counting initiatives cannot)."""
    pairs: cs.Pairs = {}
    for key_index, first, length, take_away in actions:
        if take_away and counted:
            key, first, length = counted.pop((first + key_index) % len(counted))
            sign = -1
        else:
            key, sign = KEYS[key_index], 1
            counted.append((key, first, length))
        deltas = pairs.setdefault(key, {})
        deltas[point(first)] = deltas.get(point(first), 0) + sign
        if length is not None:
            deltas[point(first + length)] = deltas.get(point(first + length), 0) - sign
    return pairs


def expected_history(changes: dict[str, int]) -> list[tuple[str, int]]:
    """The running sums of a key's changes, a pair wherever the sum changes."""
    history: list[tuple[str, int]] = []
    total = 0
    for at in sorted(changes):
        total += changes[at]
        if total != (history[-1][1] if history else 0):
            history.append((at, total))
    return history


def expected_crossings(totals: dict[Key, dict[str, int]]) -> dict[tuple[tuple[str, str, str], str], int]:
    """Per cell and point: actors whose count reaches 0 there, less those whose count leaves it."""
    found: defaultdict[tuple[tuple[str, str, str], str], int] = defaultdict(int)
    for key, changes in totals.items():
        before = 0
        for at, n in expected_history(changes):
            found[(key[:3], at)] += (n > 0) - (before > 0)
            before = n
    return {k: v for k, v in found.items() if v}


def stored_chunks(engine: Engine) -> dict[Key, list[tuple[str, int, list[tuple[str, int]]]]]:
    found: defaultdict[Key, list[tuple[str, int, list[tuple[str, int]]]]] = defaultdict(list)
    with engine.connect() as conn:
        for row in conn.execute(select(bt_actor_counts)):
            found[(row.axis, row.region, row.area, row.actor)].append(
                (row.last_point, row.count_before, [(at, n) for at, n in orjson.loads(row.counts)])
            )
    return {key: sorted(chunks) for key, chunks in found.items()}


def history_from(chunks: list[tuple[str, int, list[tuple[str, int]]]], size: int) -> list[tuple[str, int]]:
    """The chunks as one history, checking how they are cut: closed chunks hold `size` pairs and end at their
    last one, each chunk's count before is the count the chunks before it end with, and a key without an open
    chunk ends at 0."""
    history: list[tuple[str, int]] = []
    for index, (last, before, pairs) in enumerate(chunks):
        assert before == (history[-1][1] if history else 0), chunks
        if last == OPEN_CHUNK:
            assert index == len(chunks) - 1 and len(pairs) <= size and (pairs or before), chunks
        else:
            assert len(pairs) == size and pairs[-1][0] == last, chunks
        history += pairs
    if chunks and chunks[-1][0] != OPEN_CHUNK:
        assert history[-1][1] == 0, chunks
    return history


@pytest.mark.parametrize("size", [1, 2, 3])
@pytest.mark.parametrize("remembered", [False, True], ids=["every-key-looked-up", "written-keys-remembered"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=plans)
def test_chunks_hold_the_sums_of_every_batch_and_hand_on_where_they_cross_0(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, size: int, remembered: bool, plan: list[list[tuple[int, int, int | None, bool]]]
) -> None:
    """With the keys a fill wrote remembered, in a filter so small that it often says "perhaps" for a new key, the
    chunks come out the same: a key it calls new is new, and one it wrongly calls written is looked up for nothing."""
    monkeypatch.setattr(series, "CHUNK_PAIRS", size)
    with engine.begin() as conn:
        conn.execute(delete(bt_actor_counts))
    written = WrittenKeys(expected=2, false_hits=0.3) if remembered else None
    counted: list[tuple[Key, int, int | None]] = []
    totals: dict[Key, dict[str, int]] = {}
    crossings: defaultdict[tuple[tuple[str, str, str], str], int] = defaultdict(int)
    for actions_of_batch in plan:
        pairs = batch_of(actions_of_batch, counted)
        cells: cs.Cells = {}
        with engine.begin() as conn:
            series.apply_actor_counts(conn, pairs, cells, written)
        for key, deltas in pairs.items():
            for at, delta in deltas.items():
                totals.setdefault(key, {})[at] = totals.get(key, {}).get(at, 0) + delta
        for cell, changed in cells.items():
            for at, numbers in changed.items():
                crossings[(cell, at)] += numbers[4]
        stored = stored_chunks(engine)
        for key in KEYS:
            assert history_from(stored.get(key, []), size) == expected_history(totals.get(key, {})), key
        assert {k: v for k, v in crossings.items() if v} == expected_crossings(totals)


class Statements:
    """The statements a test's engine runs on `bt_actor_counts`, with their parameters, seen as the database driver
    gets them (an engine event): what `apply_actor_counts` reads back and deletes, observed from outside, so that
    the module may be compiled (a compiled module calls its own functions directly, past any spy on them)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.seen: list[tuple[str, Any]] = []
        event.listen(engine, "before_cursor_execute", self._note)

    def _note(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if bt_actor_counts.name in statement:
            self.seen.append((statement, parameters))

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._note)

    def clear(self) -> None:
        self.seen.clear()

    def lookups(self) -> list[tuple[list[Key], str]]:
        """Each read of stored chunks: the keys it asks for and the point from which their chunks are read."""
        found = []
        for statement, parameters in self.seen:
            if statement.startswith("SELECT") and " IN (" in statement:
                *values, start = parameters
                found.append(([tuple(values[i : i + 4]) for i in range(0, len(values), 4)], start))
        return found

    def asked(self) -> list[Key]:
        """The keys whose stored chunks were looked up."""
        return [key for keys, _start in self.lookups() for key in keys]

    def deleted(self) -> list[tuple[Any, ...]]:
        """The chunks deleted, by whole key (axis, region, area, actor, last point)."""
        found = []
        for statement, parameters in self.seen:
            if statement.startswith("DELETE"):
                found += [tuple(parameters[i : i + 5]) for i in range(0, len(parameters), 5)]
        return found


@pytest.fixture
def statements(engine: Engine) -> Iterator[Statements]:
    watching = Statements(engine)
    try:
        yield watching
    finally:
        watching.close()


def read_back(statements: Statements, before: dict[Key, list[tuple[str, int, list[tuple[str, int]]]]]) -> list[tuple[Any, ...]]:
    """The chunks the reads seen returned from the table as it was `before` them: those of the keys asked for that
    end at or after the point asked from."""
    return [(*key, last) for keys, start in statements.lookups() for key in keys for last, _, _ in before.get(key, []) if last >= start]


def test_a_batch_in_log_order_reads_and_rewrites_only_the_open_chunks(
    engine: Engine, statements: Statements, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changes later than every stored point leave the closed chunks alone: the long histories of a large rebuild
    are not read back and written again by every batch."""
    monkeypatch.setattr(series, "CHUNK_PAIRS", 2)
    replaced: list[tuple[Any, ...]] = []
    for day in range(0, 30, 3):
        before = stored_chunks(engine)
        statements.clear()
        with engine.begin() as conn:
            series.apply_actor_counts(conn, {key: {point(day): 1, point(day + 1): -1} for key in KEYS}, {})
        replaced += read_back(statements, before)
        assert sorted(statements.deleted()) == ([] if engine.dialect.name == "sqlite" else sorted(read_back(statements, before)))
    stored = stored_chunks(engine)
    assert all(len(stored[key]) > 5 for key in KEYS)  # histories of 20 pairs, in 10 chunks each
    assert replaced and {key[-1] for key in replaced} == {OPEN_CHUNK}
    statements.clear()
    with engine.begin() as conn:  # a change in the past rewrites from its chunk on, and only that
        series.apply_actor_counts(conn, {KEYS[0]: {point(13): 1}}, {})
    replaced = read_back(statements, stored)
    assert sorted(last for *_, last in replaced) == sorted(last for last, _, _ in stored[KEYS[0]] if last >= point(13))
    assert len(replaced) < len(stored[KEYS[0]])


def test_sqlite_overwrites_the_chunks_a_batch_rewrites_and_deletes_only_those_it_leaves_out(
    engine: Engine, statements: Statements, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: a chunk written again under its key is overwritten in place, not deleted and inserted again (in log
    order that is every chunk a batch rewrites); one the rewrite no longer makes is deleted. PostgreSQL deletes
    every chunk read back and copies the rows in."""
    monkeypatch.setattr(series, "CHUNK_PAIRS", 2)
    key = KEYS[0]
    for day in (0, 10):  # two pairs each: a closed chunk, then the open one
        with engine.begin() as conn:
            series.apply_actor_counts(conn, {key: {point(day): 1, point(day + 2): -1}}, {})
    assert [last for last, _, _ in stored_chunks(engine)[key]] == [point(2), OPEN_CHUNK]
    sqlite = engine.dialect.name == "sqlite"
    assert statements.deleted() == ([] if sqlite else [(*key, OPEN_CHUNK)])
    statements.clear()
    with engine.begin() as conn:  # taking day 0's interval away empties the closed chunk: its pairs go
        series.apply_actor_counts(conn, {key: {point(0): -1, point(2): 1}}, {})
    assert history_from(stored_chunks(engine)[key], 2) == [(point(10), 1), (point(12), 0)]
    assert sorted(statements.deleted()) == ([(*key, point(2))] if sqlite else [(*key, point(2)), (*key, OPEN_CHUNK)])


def many_keys(prefix: str, count: int) -> list[Key]:
    return [("e", "12", "health", f"{prefix}{n}") for n in range(count)]


def test_a_fill_that_remembers_what_it_wrote_looks_up_only_those_keys(engine: Engine, statements: Statements) -> None:
    """After the first batch on the empty table, a key written before is always looked up again, and a new key
    almost never (the filter's false hits, 1 %: 20 of 200 would happen about once in 10**8 runs)."""
    written = WrittenKeys()
    first, new = many_keys("first-", 200), many_keys("new-", 200)
    with engine.begin() as conn:
        series.apply_actor_counts(conn, {key: {point(0): 1} for key in first}, {}, written)
    assert statements.asked() == []  # the empty table is not read at all
    with engine.begin() as conn:
        series.apply_actor_counts(conn, {key: {point(5): 1} for key in [*first[:50], *new]}, {}, written)
    asked = set(statements.asked())
    assert set(first[:50]) <= asked
    assert len(asked & set(new)) < 20
    stored = stored_chunks(engine)
    assert all(history_from(stored[key], series.CHUNK_PAIRS) == [(point(0), 1), (point(5), 2)] for key in first[:50])
    assert all(history_from(stored[key], series.CHUNK_PAIRS) == [(point(5), 1)] for key in new)


def test_a_fill_that_began_on_rows_it_did_not_write_looks_every_key_up(engine: Engine, statements: Statements) -> None:
    """Rows someone else wrote are not in the filter: a fill that first saw the table holding rows trusts it never."""
    with engine.begin() as conn:
        series.apply_actor_counts(conn, {KEYS[0]: {point(0): 1}}, {})
    statements.clear()
    written = WrittenKeys()
    with engine.begin() as conn:
        series.apply_actor_counts(conn, {KEYS[0]: {point(3): 1}, KEYS[1]: {point(3): 1}}, {}, written)
    assert sorted(statements.asked()) == sorted(KEYS[:2])
    assert history_from(stored_chunks(engine)[KEYS[0]], series.CHUNK_PAIRS) == [(point(0), 1), (point(3), 2)]
