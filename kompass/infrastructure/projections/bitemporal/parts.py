"""The bitemporal projection cut in two, for a rebuild that fills its fresh tables in two processes (`parallel_fill`).

Why: its versions and its coverage series are most of a rebuild's work, and one process filling both was the
rebuild's critical path while the second process, filling the portfolio and network tables, finished long before.
The two parts write different tables, so each process takes one:
  - `VERSIONS` is the projection's own batch without the series: the versions and the facts table, under the
    projection's tracking name;
  - `series(log)` brings the series up to each batch as the projection's batch does, but keeps no facts: what it
    needs of aggregates that began before its batch it reads from the log itself, by aggregate, up to the batch
    (`NotificationFacts.facts_of`), which is what the projection's batch reads back from its facts table.

A rebuild fills both parts up to the same position of the log (`Projector.catch_up`'s `upto`), so the one position
the projection keeps holds for both. The series part's own tracking row (`SERIES`) exists only in the rebuild's
scratch place, and is never swapped in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Connection, Table

from kompass.application.facts import Fact
from kompass.application.ports import ProjectionBatch
from kompass.infrastructure.event_reads import NotificationFacts
from kompass.infrastructure.projections.batch import Batch, empty_tables
from kompass.infrastructure.projections.bitemporal import schema
from kompass.infrastructure.projections.bitemporal.writer import BitemporalBatch
from kompass.infrastructure.projections.coverage_series import writer as coverage_series
from kompass.infrastructure.projections.coverage_series.written_keys import WrittenKeys
from kompass.infrastructure.projections.layout import BITEMPORAL

SERIES = f"{BITEMPORAL}.series"
"""The series part's tracking name, in a rebuild's scratch place only."""


@dataclass(frozen=True)
class Part:
    """A projection-like part of the bitemporal projection (`ports.Projection`): a name, its tables, its batches."""

    NAME: str
    TABLES: tuple[Table, ...]
    make_batch: Callable[[Connection, Iterable[str]], ProjectionBatch]

    def reset(self, conn: Connection, areas: Sequence[str]) -> None:
        empty_tables(conn, self.TABLES)

    def batch(self, conn: Connection, areas: Sequence[str]) -> ProjectionBatch:
        return self.make_batch(conn, areas)


VERSIONS = Part(BITEMPORAL, schema.TABLES, lambda conn, areas: BitemporalBatch(conn, areas, series=False))
"""The versions and facts, under the projection's own name: the part the rebuild's own process fills."""


def series(log: NotificationFacts) -> Part:
    """The coverage series, read from `log` where it needs facts from before its batch. One fill's part: its
    batches remember which per-actor keys it wrote (`written_keys`), to look only those up again."""
    written = WrittenKeys()
    return Part(SERIES, coverage_series.TABLES, lambda conn, areas: SeriesBatch(conn, areas, log, written))


class SeriesBatch(Batch):
    """A batch's facts per aggregate; at the flush, the series brought up to them (`coverage_series.update`)."""

    def __init__(self, conn: Connection, areas: Iterable[str], log: NotificationFacts, written: WrittenKeys | None = None) -> None:
        super().__init__(conn, areas)
        self.log = log
        self.written = written
        self.new: defaultdict[UUID, list[Fact]] = defaultdict(list)

    def apply(self, fact: Fact) -> None:
        self.new[fact.originator_id].append(fact)

    def flush(self) -> None:
        if not self.new:
            return
        new = dict(self.new)
        first = min(facts[0].position for facts in new.values())
        last = max(facts[-1].position for facts in new.values())
        # a batch holds every fact of its stretch of the log: an aggregate's facts before it come before `first`
        began = [i for i, facts in new.items() if facts[0].version > 1]
        before = self.log.facts_of(began, first - 1) if began else {}
        every = {i: before.get(i, []) + facts for i, facts in new.items()}

        def load(ids: list[UUID]) -> dict[UUID, list[Fact]]:
            """Aggregates without facts in this batch: all of theirs up to its end are all of theirs before it."""
            found: dict[UUID, list[Fact]] = self.log.facts_of(ids, last) if ids else {}
            return found

        coverage_series.update(self.conn, self.areas, new, every, load, self.written)
        self.new.clear()

