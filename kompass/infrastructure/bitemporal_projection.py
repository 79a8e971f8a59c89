"""The bitemporal projection: each aggregate's versions over effective dates and recording times
(kompass.application.bitemporal), kept so that `--as-of` / `--known-at` questions read rows
instead of replaying the log.

Each batch keeps the facts of the aggregates it touches (`rm_bt_facts`) and works their versions
out again (`rm_bt_versions`), in one transaction with the projection's position, like the others.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import Connection, delete, select

from kompass.application.bitemporal import TIME_FORMAT, time_key, versions
from kompass.application.facts import Fact
from kompass.application.ports import ProjectionBatch
from kompass.infrastructure import coverage_series_rows
from kompass.infrastructure import tables as t
from kompass.infrastructure.database import insert_many

NAME = "bitemporal"
"""Tracking name of this projection."""
TABLES = (t.bt_facts, t.bt_versions, *coverage_series_rows.TABLES)
CHUNK = 500
T = TypeVar("T")


def batch(conn: Connection, areas: Iterable[str]) -> BitemporalBatch:
    return BitemporalBatch(conn, frozenset(areas))


def reset(conn: Connection, areas: Iterable[str]) -> None:
    for table in TABLES:
        conn.execute(delete(table))


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _row(fact: Fact) -> dict[str, Any]:
    return {
        "aggregate_id": str(fact.originator_id), "position": fact.position, "recorded_at": time_key(fact.recorded_at),
        "effective": fact.effective.isoformat(), "by": fact.by, "aggregate": fact.aggregate, "version": fact.version,
        "type": fact.type, "data": fact.data,
    }


def _fact(row: Any) -> Fact:
    return Fact(
        position=int(row.position), recorded_at=datetime.strptime(row.recorded_at, TIME_FORMAT).replace(tzinfo=UTC),
        effective=date.fromisoformat(row.effective), by=row.by, aggregate=row.aggregate,
        originator_id=UUID(row.aggregate_id), version=int(row.version), type=row.type, data=dict(row.data),
    )


class BitemporalBatch(ProjectionBatch):
    def __init__(self, conn: Connection, areas: frozenset[str]) -> None:
        self.conn = conn
        self.areas = areas
        self.new: defaultdict[UUID, list[Fact]] = defaultdict(list)

    def apply(self, fact: Fact) -> None:
        self.new[fact.originator_id].append(fact)

    def flush(self) -> None:
        if not self.new:
            return
        ids = list(self.new)
        # an aggregate whose first event is in this batch has nothing stored yet (most of a rebuild)
        stored = self._stored([i for i in ids if self.new[i][0].version > 1])
        insert_many(self.conn, t.bt_facts, [_row(f) for facts in self.new.values() for f in facts])
        texts = [str(i) for i in ids]
        for chunk in _chunks(texts):
            self.conn.execute(delete(t.bt_versions).where(t.bt_versions.c.aggregate_id.in_(chunk)))
        rows = [
            {"aggregate_id": str(i), "eff_from": v.eff_from, "eff_to": v.eff_to, "rec_from": v.rec_from, "rec_to": v.rec_to,
             "payload": v.payload}
            for i in ids
            for v in versions(stored.get(i, []) + self.new[i])
        ]
        insert_many(self.conn, t.bt_versions, rows)
        every = {i: stored.get(i, []) + self.new[i] for i in ids}
        coverage_series_rows.update(self.conn, self.areas, dict(self.new), every, self._stored)
        self.new.clear()

    def _stored(self, ids: list[UUID]) -> dict[UUID, list[Fact]]:
        found: defaultdict[UUID, list[Fact]] = defaultdict(list)
        c = t.bt_facts.c
        for chunk in _chunks([str(i) for i in ids]):
            query = select(t.bt_facts).where(c.aggregate_id.in_(chunk)).order_by(c.aggregate_id, c.position)
            for row in self.conn.execute(query):
                found[UUID(row.aggregate_id)].append(_fact(row))
        return found
