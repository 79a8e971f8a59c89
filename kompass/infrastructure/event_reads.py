"""Reading the log: the notification log in order, each stored event decoded into a fact with its
position and recorder (the library's own reader does not know the `recorded_by` column)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from operator import attrgetter
from typing import Any, NamedTuple
from uuid import UUID

from kompass.application import ports
from kompass.application.app import PortfolioApplication
from kompass.application.facts import Fact
from kompass.infrastructure.eventstore import events_table
from kompass.infrastructure.fact_decoder import FactDecoder
from kompass.infrastructure.recorded_by import has_column


class NotificationFacts(ports.FactLog):
    """The notification log, read in order as facts."""

    def __init__(self, app: PortfolioApplication, backend: str) -> None:
        self.app = app
        self.decode = FactDecoder(app.mapper)
        self.sqlite = backend == "sqlite"
        self._select: str | None = None
        self._ids: dict[Any, UUID] = {}
        """One UUID object per aggregate read (`_row`)."""

    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def facts(self, after: int = 0, upto: int | None = None, batch: int = 1000, topic_prefix: str | None = None) -> Iterator[Fact]:
        """The stored events after `after` (up to `upto`), in log order, each with its `recorded_by`
        (the library's own reader does not know the column). `topic_prefix`: only events of those topics."""
        decode = self.decode
        position = after
        stop = upto if upto is not None else (1 << 62)
        statement = self._statement(topic_prefix)
        while True:
            params: tuple[Any, ...] = (position, stop, *((topic_prefix + "%",) if topic_prefix else ()), batch)
            rows = self._stored_rows(statement, params)
            for row in rows:
                yield decode(row)
            if len(rows) < batch:
                return
            position = rows[-1].id

    def facts_of(self, ids: Sequence[UUID], upto: int) -> dict[UUID, list[Fact]]:
        """Every stored fact of the aggregates `ids` up to position `upto`, per aggregate in log order (those with
        none are left out): what a batch of a rebuild needs of aggregates that began before it, read by the events
        table's key on the aggregate (`parallel_fill`'s coverage series, which keeps no facts of its own)."""
        found: dict[UUID, list[Fact]] = {}
        key, m = self._columns()
        wanted: list[Any] = sorted(ids, key=_number)
        for start in range(0, len(wanted), AGGREGATES_PER_READ):
            chunk = wanted[start : start + AGGREGATES_PER_READ]
            if self.sqlite:
                where, params = f"originator_id IN ({', '.join('?' * len(chunk))})", [i.hex for i in chunk]
            else:
                where, params = "originator_id = ANY(%s)", [chunk]
            statement = f"{self._select_from()} WHERE {where} AND {key} <= {m} ORDER BY {key}"
            for row in self._stored_rows(statement, (*params, upto)):
                fact = self.decode(row)
                found.setdefault(fact.originator_id, []).append(fact)
        return found

    def _stored_rows(self, statement: str, params: tuple[Any, ...]) -> list[StoredRow]:
        """The rows `statement` selects (`_select_from`'s columns), as the decoder reads them. SQLite's come as
        plain tuples of the stored types (not the library's `sqlite3.Row`, read by name): a rebuild reads every
        row of the log in each of its two processes, and that took a fifth of the reading."""
        recorder: Any = self.app.recorder
        if len(self._ids) > IDS_KEPT:
            self._ids.clear()
        with recorder.datastore.transaction(commit=False) as cursor:
            if self.sqlite:
                cursor.row_factory = None
            cursor.execute(statement, params)
            rows = cursor.fetchall()
        if self.sqlite:
            return [_plain_row(row, self._ids) for row in rows]
        return [_row(row, self._ids) for row in rows]

    def _columns(self) -> tuple[str, str]:
        """(the position's column, the driver's parameter marker)."""
        return ("rowid", "?") if self.sqlite else ("notification_id", "%s")

    def _select_from(self) -> str:
        """`SELECT … FROM` the events table, with the columns a stored row is decoded from (`_row`)."""
        if self._select is None:
            table = events_table(self.app)
            recorder: Any = self.app.recorder
            with recorder.datastore.transaction(commit=False) as cursor:
                column = "recorded_by" if has_column(cursor, table, "sqlite" if self.sqlite else "postgres") else "NULL"
            key, _m = self._columns()
            self._select = f"SELECT {key} AS id, originator_id, originator_version, topic, state, {column} AS recorded_by FROM {table}"
        return self._select

    def _statement(self, topic_prefix: str | None) -> str:
        key, m = self._columns()
        topics = f"AND topic LIKE {m} " if topic_prefix else ""
        return f"{self._select_from()} WHERE {key} > {m} AND {key} <= {m} {topics}ORDER BY {key} LIMIT {m}"


class StoredRow(NamedTuple):
    """A row of the events table with its position and recorder, as the fact decoder reads it."""

    id: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes
    recorded_by: str | None


AGGREGATES_PER_READ = 500
"""Aggregates per IN (…) list of `facts_of`: well inside SQLite's and PostgreSQL's parameter limits."""
_number = attrgetter("int")
"""A UUID's sort key, read in C."""
IDS_KEPT = 1 << 18
"""Aggregate ids `_row` remembers at most (then it starts again): a rebuild's working set, bounded for a worker that runs for ever."""


def _plain_row(row: tuple[Any, ...], ids: dict[Any, UUID]) -> StoredRow:
    """`_row` of a SQLite row as a tuple: its values are the stored types already."""
    position, originator, version, topic, state, recorded_by = row
    found = ids.get(originator)
    if found is None:
        found = ids[originator] = UUID(originator) if isinstance(originator, str) else originator
    return StoredRow(position, found, version, topic, state, recorded_by)


def _row(row: Any, ids: dict[Any, UUID]) -> StoredRow:
    """A row as the decoder reads it, its originator id the one UUID object of that aggregate: the projections look
    each fact's aggregate up in several dictionaries, and for equal UUIDs that are not the same object each lookup
    called UUID.__eq__ in Python (1.5 million calls in a rebuild of 100,000 events, besides building 100,000 UUIDs
    from their text on SQLite)."""
    originator = row["originator_id"]
    found = ids.get(originator)
    if found is None:
        found = ids[originator] = UUID(originator) if isinstance(originator, str) else originator
    return StoredRow(
        int(row["id"]), found, int(row["originator_version"]), str(row["topic"]), bytes(row["state"]), row["recorded_by"],
    )
