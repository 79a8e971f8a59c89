"""Keeps the read tables current: reads the log from each projection's stored position and
applies it in batches, each batch in one transaction with the projection's new position.

On SQLite the library cannot subscribe to new events, so catching up reads the
notification log (docs/architecture.md); the same loop serves PostgreSQL, where the row lock taken
on the tracking row makes concurrent workers apply each batch exactly once.

A projection (`ports.Projection`) is a module-like object with `NAME`, `TABLES`, `reset(conn, areas)`
and `batch(conn, areas)`, which gives a `ProjectionBatch` offering `apply(fact)` and `flush()`: each
projection package's `writer` module (`projections/<name>/writer.py`, on the base in `batch.py`).
"""

from __future__ import annotations

import gc
import itertools
import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, insert, inspect, select, update

from kompass.application.facts import Fact
from kompass.application.ports import Projection, ProjectionBatch, ProjectionKeeper
from kompass.application.projection_service import Compaction, ProjectionStatus
from kompass.infrastructure import tables
from kompass.infrastructure.database import WRITE_LOCK
from kompass.infrastructure.missing_indexes import make_missing_indexes
from kompass.infrastructure.projections import parallel_fill
from kompass.infrastructure.projections.parallel_fill import PARALLEL_FROM
from kompass.infrastructure.projections.tracking import tracking
from kompass.infrastructure.settings import StoreLocation

BATCH = 100_000
"""Facts applied in one transaction at most. A transaction writes each changed row once however
many of its facts touch it, so large ones make a rebuild fast; the working set it holds is
bounded by this number, and a worker killed half-way loses at most one transaction's work."""
PAGE = 5_000
"""Facts read from the log at a time within a transaction, and read ahead for together."""
TAIL = 10
"""A batch that stops at a known position (`upto`) takes the rest of the way when that is at most a TAIL-th
of a batch more (`batch_size`)."""


def batch_size(size: int, start: int, upto: int | None) -> int:
    """How many facts a batch after position `start` takes: `size`, or, when the batch stops at `upto` and what is
    left up to it is at most a TAIL-th more than `size`, all of that. A last batch of a handful of facts pays a
    whole transaction's fixed costs (reading the rows its aggregates hold, the commit, and in a rebuild's two
    processes a turn at the write lock each): a rebuild of 100,043 facts in batches of 100,000 spent a fifth of
    a second on its last 43. Positions may skip numbers (PostgreSQL), so `upto - start` bounds the facts left."""
    if upto is None or upto - start > size + size // TAIL:
        return size
    return max(size, upto - start)


def default_projections() -> list[Any]:
    """The portfolio, network and bitemporal projections (`layout.PROJECTIONS`, in that order)."""
    from kompass.infrastructure.projections.bitemporal import writer as bitemporal
    from kompass.infrastructure.projections.network import writer as network
    from kompass.infrastructure.projections.portfolio import writer as portfolio

    return [portfolio, network, bitemporal]


class Projector(ProjectionKeeper):
    """Brings the projections to the head of the log.

    `batch` is the most facts applied in one transaction and `page` how many are read from the log
    at a time within it (see BATCH and PAGE); `between_batches`, if given, is called after each
    committed transaction of a catch-up that takes several (a worker may give others a turn there).
    """

    def __init__(
        self,
        engine: Engine,
        log: Any,
        areas: tuple[str, ...],
        projections: list[Any] | None = None,
        *,
        batch: int = BATCH,
        page: int = PAGE,
        between_batches: Callable[[], None] | None = None,
        location: StoreLocation | None = None,
        parallel_from: int = PARALLEL_FROM,
    ) -> None:
        self.engine = engine
        self.log = log
        self.areas = areas
        self.projections: list[Projection] = projections if projections is not None else default_projections()
        self.batch = batch
        self.page = page
        self.between_batches = between_batches
        self.location = location
        """Where the store is, so that a rebuild on PostgreSQL may start a second process on it (None: it never does)."""
        self.parallel_from = parallel_from
        """Facts a rebuild must replay before it fills in two processes (`parallel_fill`)."""
        self.processes = 0
        """How many processes filled the fresh tables of the last rebuild (0 before any)."""
        self.hold_writes = False
        """Hold each batch's writes back until its rows are worked out, and take the write lock only to run them
        (`held_writes`: a rebuild's fill on SQLite, beside a second process filling other tables)."""

    def _names(self) -> list[str]:
        return [p.NAME for p in self.projections]

    def ensure_tables(self) -> None:
        """Create missing tables, indexes and tracking rows. A projection that gained tables since its rows were
        kept (a store made by an earlier kompass) starts again from the beginning of the log, so that the
        new tables are filled from every fact and not only from those that come later; an index a table gained is
        made over the rows it has (`missing_indexes`)."""
        existing = set(inspect(self.engine).get_table_names())
        tracked: set[str] = set()
        if not {t.name for t in tables.metadata.sorted_tables} - existing:
            with self.engine.connect() as conn:
                tracked = set(conn.execute(select(tracking.c.projection)).scalars())
        if not set(self._names()) <= tracked:
            self._make_tables(existing)
        # no write lock taken unless something is missing (a rebuild may hold it for one of its batches)
        make_missing_indexes(self.engine, tables.metadata)

    def _make_tables(self, existing: set[str]) -> None:
        tables.metadata.create_all(self.engine)  # every table of the store, the registers' too
        with self._write() as conn:
            known = set(conn.execute(select(tracking.c.projection)).scalars())
            for projection in self.projections:
                grown = any(table.name not in existing for table in projection.TABLES)
                if projection.NAME not in known:
                    conn.execute(insert(tracking).values(projection=projection.NAME, position=0))
                    projection.reset(conn, self.areas)
                elif grown:
                    conn.execute(update(tracking).where(tracking.c.projection == projection.NAME).values(position=0))
                    projection.reset(conn, self.areas)

    def _write(self) -> Any:
        return _WriteTransaction(self.engine)

    @contextmanager
    def _held(self) -> Iterator[Connection]:
        """A batch that reads and works out its rows in a read transaction, its writes held back (the engine's
        driver connection holds them: `blue_green`'s shadow engine), then runs them in a transaction that takes
        the write lock: other writers of the file wait for the writing only, not for the working out."""
        from kompass.infrastructure.projections.blue_green import shadow_names
        from kompass.infrastructure.projections.held_writes import HeldWrites

        conn = self.engine.connect()
        driver: Any = conn.connection.driver_connection
        held = driver.held = HeldWrites(shadow_names())
        try:
            with conn.begin():
                yield conn
            driver.held = None
            with conn.execution_options(**{WRITE_LOCK: True}).begin():
                cursor = driver.cursor()
                try:
                    held.run(cursor)
                finally:
                    cursor.close()
        finally:
            driver.held = None
            conn.close()

    def status(self) -> list[ProjectionStatus]:
        return self._status(self.log.head())

    def _status(self, head: int) -> list[ProjectionStatus]:
        with self.engine.connect() as conn:
            query = select(tracking.c.projection, tracking.c.position)
            rows: dict[str, int] = {name: position for name, position in conn.execute(query)}
        return [ProjectionStatus(name, int(rows.get(name, 0)), head) for name in self._names()]

    def catch_up(self, on_progress: Callable[[int, int], None] | None = None, batch: int | None = None, upto: int | None = None) -> int:
        """Apply every fact not yet applied (up to position `upto`, if given), at most `batch` (default: the
        projector's) per transaction; returns how many facts this call read. `on_progress(position, head)` hears
        of every page."""
        size = batch or self.batch
        applied = 0
        head = self.log.head() if upto is None else upto
        if all(s.position >= head for s in self._status(head)):
            return 0  # nothing to do, and nothing written: a read-only database role can query current projections
        on_page = (lambda position: on_progress(position, head)) if on_progress else None
        while True:
            done, position = self.apply_batch(size, on_page, upto)
            applied += done
            if done < size or (upto is not None and position >= upto):
                return applied
            if self.between_batches is not None:
                self.between_batches()

    def apply_batch(
        self, size: int | None = None, on_page: Callable[[int], None] | None = None, upto: int | None = None
    ) -> tuple[int, int]:
        """Apply up to `size` facts (default: the projector's batch; none after position `upto`, if given) in one
        transaction; returns how many were read and the new position. `on_page(position)` hears of each page
        applied (committed with the transaction), for progress bars."""
        size = size or self.batch
        tr = tracking.c
        transaction: AbstractContextManager[Connection] = self._held() if self.hold_writes else self._write()
        with transaction as conn:
            query = select(tr.projection, tr.position).where(tr.projection.in_(self._names())).with_for_update()
            positions: dict[str, int] = {str(name): int(position) for name, position in conn.execute(query)}
            start = min(positions.values())
            size = batch_size(size, start, upto)
            batches: dict[str, ProjectionBatch] = {}
            read, last = 0, start
            for page in _pages(self.log.facts(after=start, upto=upto, batch=self.page), self.page, size):
                read, last = read + len(page), page[-1].position
                for projection in self.projections:
                    behind = [f for f in page if f.position > positions[projection.NAME]]
                    if behind:
                        if projection.NAME not in batches:
                            batches[projection.NAME] = projection.batch(conn, self.areas)
                        _apply_page(batches[projection.NAME], behind)
                if on_page:
                    on_page(last)
            for name, batch in batches.items():
                batch.flush()
                conn.execute(update(tracking).where(tr.projection == name).values(position=last))
            return read, last

    def rebuild(self, on_progress: Callable[[int, int], None] | None = None, only: str | None = None, batch: int | None = None) -> int:
        """Replay the log into fresh tables beside the live ones (all projections', or the one named), then
        swap them in with one transaction (`blue_green`); returns how many facts the replay read. Queries
        meanwhile read and catch up the live tables; a rebuild killed before the swap leaves them as they were."""
        from kompass.infrastructure.projections import blue_green

        chosen = [p for p in self.projections if only is None or only == p.NAME]
        shared = self._shared_fill(chosen, batch or self.batch)
        # in two processes their commits leave copying the WAL into the file to `tidying`
        with few_full_collections(), blue_green.scratch(self.engine, chosen, copies_wal=shared is None) as engine:
            _fresh, applied = self._replay_into(engine, chosen, shared, on_progress, batch)
            blue_green.swap(self.engine, engine, chosen)
        return applied

    def _replay_into(
        self,
        engine: Engine,
        chosen: list[Projection],
        shared: tuple[list[Projection], parallel_fill.FillOrder] | None,
        on_progress: Callable[[int, int], None] | None = None,
        batch: int | None = None,
    ) -> tuple[Projector, int]:
        """Fill fresh tables of `chosen` in the scratch place `engine` from the whole log: in this process, or
        sharing the work with a second one as `shared` says (`_shared_fill`)."""
        from kompass.infrastructure.projections import blue_green

        blue_green.create(self.engine, engine, chosen)
        fresh = Projector(engine, self.log, self.areas, chosen, batch=self.batch, page=self.page)
        with fresh._write() as conn:
            for projection in chosen:
                conn.execute(insert(tracking).values(projection=projection.NAME, position=0))
                projection.reset(conn, self.areas)
            for name in shared[1].names if shared is not None else ():
                if name not in {p.NAME for p in chosen}:  # a part of one (`bitemporal.parts`): tracked here only
                    conn.execute(insert(tracking).values(projection=name, position=0))
        if shared is None:
            self.processes = 1
            blue_green.drop_retired(self.engine)
            return fresh, fresh.catch_up(on_progress, batch)
        here, order = shared
        mine = Projector(engine, self.log, self.areas, here, batch=self.batch, page=self.page)
        mine.hold_writes = self.location is not None and self.location.backend == "sqlite"  # one writer per file
        self.processes = 2

        def fill_here(report: parallel_fill.Progress) -> int:
            return mine.catch_up(report, batch, order.upto)

        with blue_green.tidying(self.engine):
            return fresh, parallel_fill.fill_together(order, fill_here, on_progress)

    def _shared_fill(self, chosen: list[Projection], batch: int) -> tuple[list[Projection], parallel_fill.FillOrder] | None:
        """The projections this process fills and the order for a second process, when a rebuild of `chosen` is
        worth sharing (at least `parallel_from` facts, the bitemporal projection among them: `parallel_fill.split`).
        Both fill up to the head of the log as it is now."""
        head = self.log.head()
        if self.location is None or head < self.parallel_from:
            return None
        parts = parallel_fill.split(chosen)
        if parts is None:
            return None
        here, there = parts
        order = parallel_fill.FillOrder(self.location, there, tuple(self.areas), batch, self.page, os.getpid(), head)
        return here, order

    def compact(self) -> Compaction | None:
        """Drop the tables earlier rebuilds replaced and shrink the store file (`blue_green.compact`)."""
        from kompass.infrastructure.projections import blue_green

        sizes = blue_green.compact(self.engine)
        return None if sizes is None else Compaction(*sizes)

    def rebuild_under_way(self) -> bool:
        """Is a rebuild of these tables running (in this process or another)? Never waits."""
        from kompass.infrastructure.projections import blue_green

        return blue_green.rebuild_under_way(self.engine)

    def follow(self, poll_seconds: float = 1.0, stop: Callable[[], bool] = lambda: False, batch: int | None = None) -> None:
        """Keep catching up until `stop()` says so (the `projections run --follow` worker)."""
        while not stop():
            if self.catch_up(batch=batch) == 0:
                time.sleep(poll_seconds)


FULL_COLLECTIONS_OFF = 1 << 30
"""The cyclic collector's oldest-generation threshold while a rebuild runs: in effect never."""


@contextmanager
def few_full_collections() -> Iterator[None]:
    """Keep the cyclic garbage collector to its young generations while a rebuild runs. A rebuild holds a
    batch's facts, states and rows (hundreds of thousands of objects), which every full collection walks
    again: they took a sixth of a rebuild's time, for the few cycles a rebuild leaves behind. The young
    generations still collect what dies young; the old threshold comes back afterwards, however it ends."""
    threshold = gc.get_threshold()
    gc.set_threshold(threshold[0], threshold[1], FULL_COLLECTIONS_OFF)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def _pages(facts: Iterator[Fact], size: int, limit: int) -> Iterator[list[Fact]]:
    """The first `limit` facts, `size` at a time."""
    taken = 0
    while taken < limit:
        page = list(itertools.islice(facts, min(size, limit - taken)))
        if not page:
            return
        taken += len(page)
        yield page


def _apply_page(batch: ProjectionBatch, facts: list[Fact]) -> None:
    prepare = getattr(batch, "prepare", None)  # optional: read ahead what the facts touch
    if prepare is not None:
        prepare(facts)
    for fact in facts:
        batch.apply(fact)


class _WriteTransaction:
    """A transaction that holds the write lock from its start (SQLite) or row locks (PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __enter__(self) -> Connection:
        self.conn = self.engine.connect().execution_options(**{WRITE_LOCK: True})
        self.transaction = self.conn.begin()
        return self.conn

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if exc_type is None:
                self.transaction.commit()
            else:
                self.transaction.rollback()
        finally:
            self.conn.close()
