"""What every projection's batch writer shares: the working set of one transaction, read in chunks and
written set-wise at the end.

A projection's batch (`ProjectionBatch`) sees the facts of one transaction one by one but writes each
changed row once, when the projector flushes it; reads go by IN (…) lists of at most `CHUNK` keys and
counts move by deltas added in one statement. These are the pieces the portfolio, network and
bitemporal writers have in common.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TypeVar

from sqlalchemy import Connection, Table, delete

from kompass.application.facts import Fact
from kompass.application.ports import ProjectionBatch

CHUNK = 500
"""Keys per IN (…) list: well inside SQLite's and PostgreSQL's parameter limits."""
T = TypeVar("T")
K = TypeVar("K", bound=tuple[str, ...])


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """`items` in slices of at most `size`, for IN (…) lists."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def empty_tables(conn: Connection, tables: Iterable[Table]) -> None:
    """Delete every row of `tables`: a projection's reset (the projector sets its position back to 0)."""
    for table in tables:
        conn.execute(delete(table))


def marker(conn: Connection) -> str:
    """The driver's parameter marker, for statements run on its own cursor (sqlite3: ?, psycopg: %s)."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def add_counts(conn: Connection, table: Table, keys: Sequence[str], column: str, deltas: Mapping[K, int]) -> None:
    """Add each delta to the count of its key (a new row where there is none), then drop the rows whose
    count reached 0: two set-wise statements for a batch, however many keys it changed. Counts never go
    below 0 in a consistent read model, so `<= 0` is "reached 0".

    Run on the driver's own executemany with plain tuples (the statement is the same on SQLite and
    PostgreSQL): a rebuild moves tens of thousands of counts here, and SQLAlchemy's per-row parameter
    handling cost more than the statement."""
    changes = [(*key, d) for key, d in deltas.items() if d]
    if not changes:
        return
    quote = conn.dialect.identifier_preparer.quote
    mark = marker(conn)
    name, count = quote(table.name), quote(column)
    names = ", ".join(quote(k) for k in keys)
    conn.exec_driver_sql(
        f"INSERT INTO {name} ({names}, {count}) VALUES ({', '.join([mark] * (len(keys) + 1))}) "
        f"ON CONFLICT ({names}) DO UPDATE SET {count} = {name}.{count} + excluded.{count}",
        changes,
    )
    emptied = [change[:-1] for change in changes if change[-1] < 0]
    if emptied:
        same = " AND ".join(f"{quote(k)} = {mark}" for k in keys)
        conn.exec_driver_sql(f"DELETE FROM {name} WHERE {same} AND {count} <= 0", emptied)


class Batch(ProjectionBatch):
    """The base of a projection's batch: the open transaction, its dialect and the framework's areas.

    `prepare(facts)` hears of each page of facts before they are applied one by one, so that a writer can
    read what they touch with a few IN (…) queries; by default it reads nothing.
    """

    def __init__(self, conn: Connection, areas: Iterable[str]) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name
        self.areas = frozenset(areas)

    def prepare(self, facts: list[Fact]) -> None:
        """Read ahead what a page of facts touches (nothing unless a writer says otherwise)."""

    def apply(self, fact: Fact) -> None:
        raise NotImplementedError

    def flush(self) -> None:
        raise NotImplementedError
