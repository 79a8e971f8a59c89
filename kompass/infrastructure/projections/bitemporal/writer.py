"""The bitemporal projection's batch writer: each aggregate's versions over effective dates and
recording times (kompass.application.bitemporal), kept so that `--as-of` / `--known-at` questions
read rows instead of replaying the log.

Each batch keeps the facts of the aggregates it touches (`rm_bt_facts`) and works their versions
out again (`rm_bt_versions`), in one transaction with the projection's position, like the others;
the same batch brings the coverage series up to date (`coverage_series.writer`).

This module is the projection the projector keeps: `NAME`, `TABLES`, `reset` and `batch`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any
from uuid import UUID

import orjson
from sqlalchemy import Connection, delete, select

from kompass.application.bitemporal import TIME_FORMAT, remembered_day_key, remembered_time_key, versions
from kompass.application.facts import Fact
from kompass.infrastructure.database import insert_rows
from kompass.infrastructure.projections import layout
from kompass.infrastructure.projections.batch import Batch, chunks, empty_tables
from kompass.infrastructure.projections.bitemporal import schema
from kompass.infrastructure.projections.coverage_series import writer as coverage_series

__all__ = ["NAME", "TABLES", "BitemporalBatch", "batch", "reset"]

NAME = layout.BITEMPORAL
"""Tracking name of this projection."""
TABLES = (*schema.TABLES, *coverage_series.TABLES)
"""The tables this projection owns: its versions' and the coverage series'."""


def batch(conn: Connection, areas: Iterable[str]) -> BitemporalBatch:
    return BitemporalBatch(conn, areas)


def reset(conn: Connection, areas: Iterable[str]) -> None:
    """Empty the projection's tables (the projector sets its position back to 0), and drop those an earlier
    kompass kept the actor counts in (the new table's arrival is what reset the projection)."""
    empty_tables(conn, TABLES)
    for table in layout.EARLIER_ACTOR_COUNTS:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {conn.dialect.identifier_preparer.quote(table)}")


def _row(fact: Fact, aggregate_id: str) -> tuple[Any, ...]:
    """A fact as a row of rm_bt_facts, in column order, its data as JSON text (as `database.json_codec` writes it)."""
    return (
        aggregate_id, fact.position, remembered_time_key(fact.recorded_at), remembered_day_key(fact.effective), fact.by, fact.aggregate,
        fact.version, fact.type, orjson.dumps(fact.data).decode(),
    )


def _fact(row: Any) -> Fact:
    return Fact(
        position=int(row.position), recorded_at=datetime.strptime(row.recorded_at, TIME_FORMAT).replace(tzinfo=UTC),
        effective=date.fromisoformat(row.effective), by=row.by, aggregate=row.aggregate,
        originator_id=UUID(row.aggregate_id), version=int(row.version), type=row.type, data=dict(row.data),
    )


class BitemporalBatch(Batch):
    """The facts of one batch per aggregate; at the flush, each touched aggregate's versions and coverage steps
    are worked out again from all its facts."""

    def __init__(self, conn: Connection, areas: Iterable[str], series: bool = True) -> None:
        super().__init__(conn, areas)
        self.new: defaultdict[UUID, list[Fact]] = defaultdict(list)
        self.series = series
        """Bring the coverage series up to the batch too (False: another process fills them, `parts`)."""

    def apply(self, fact: Fact) -> None:
        self.new[fact.originator_id].append(fact)

    def flush(self) -> None:
        if not self.new:
            return
        # in the order of the rows' keys: SQLite adds them to the tables' b-trees in order instead of all over them
        texts = dict(sorted(((i, str(i)) for i in self.new), key=itemgetter(1)))
        ids = list(texts)
        # an aggregate whose first event is in this batch has nothing stored yet (most of a rebuild)
        stored = self._stored([i for i in ids if self.new[i][0].version > 1])
        for chunk in chunks(list(texts.values())):
            self.conn.execute(delete(schema.bt_versions).where(schema.bt_versions.c.aggregate_id.in_(chunk)))
        # rows in the table's column order: aggregate_id, eff_from, rec_from, eff_to, rec_to, payload
        rows = [
            (texts[i], v.eff_from, v.rec_from, v.eff_to, v.rec_to, v.payload)
            for i in ids
            for v in versions(stored.get(i, []) + self.new[i])
        ]
        insert_rows(self.conn, schema.bt_versions, rows)
        if self.series:
            every = {i: stored.get(i, []) + self.new[i] for i in ids}
            coverage_series.update(self.conn, self.areas, dict(self.new), every, self._stored)
        # stored last: what `update` reads of other aggregates' facts never includes this batch's (`held_writes`)
        insert_rows(self.conn, schema.bt_facts, [_row(f, text) for i, text in texts.items() for f in self.new[i]])
        self.new.clear()

    def _stored(self, ids: list[UUID]) -> dict[UUID, list[Fact]]:
        found: defaultdict[UUID, list[Fact]] = defaultdict(list)
        c = schema.bt_facts.c
        for chunk in chunks([str(i) for i in ids]):
            query = select(schema.bt_facts).where(c.aggregate_id.in_(chunk)).order_by(c.aggregate_id, c.position)
            for row in self.conn.execute(query):
                found[UUID(row.aggregate_id)].append(_fact(row))
        return found
