"""Keeps the read tables current: reads the log from each projection's stored position and
applies it in batches, each batch in one transaction with the new position.

On SQLite the library cannot subscribe to new events, so catching up reads the
notification log (DESIGN §8); the same loop serves PostgreSQL, where the table lock
taken on the tracking row makes concurrent workers apply each batch exactly once.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select, update

from kompass.infrastructure import portfolio_projection, tables
from kompass.infrastructure.database import WRITE_LOCK
from kompass.infrastructure.eventstore import NotificationFacts

BATCH = 1000


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    position: int
    head: int

    @property
    def behind(self) -> int:
        return self.head - self.position


class Projector:
    names = (portfolio_projection.NAME,)

    def __init__(self, engine: Engine, log: NotificationFacts, areas: tuple[str, ...]) -> None:
        self.engine = engine
        self.log = log
        self.areas = areas

    def ensure_tables(self) -> None:
        tables.metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            known = set(conn.execute(select(tables.tracking.c.projection)).scalars())
            for name in self.names:
                if name not in known:
                    conn.execute(insert(tables.tracking).values(projection=name, position=0))
                    portfolio_projection.reset(conn, self.areas)

    def status(self) -> list[ProjectionStatus]:
        head = self.log.head()
        with self.engine.connect() as conn:
            rows = conn.execute(select(tables.tracking.c.projection, tables.tracking.c.position)).all()
        return [ProjectionStatus(name, position, head) for name, position in rows]

    def catch_up(self, on_progress: Callable[[int, int], None] | None = None) -> int:
        """Apply every fact not yet applied; returns how many were applied by this call."""
        applied = 0
        head = self.log.head()
        while True:
            done = self._apply_batch()
            applied += done
            if on_progress and done:
                on_progress(self._position(), head)
            if done < BATCH:
                return applied

    def _position(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(tables.tracking.c.position).where(tables.tracking.c.projection == portfolio_projection.NAME)).scalar_one())

    def _apply_batch(self) -> int:
        tr = tables.tracking.c
        with self.engine.connect().execution_options(**{WRITE_LOCK: True}) as conn, conn.begin():
            position = conn.execute(
                select(tr.position).where(tr.projection == portfolio_projection.NAME).with_for_update()
            ).scalar_one()
            facts = list(itertools.islice(self.log.facts(after=position, batch=BATCH), BATCH))
            if not facts:
                return 0
            batch = portfolio_projection.PortfolioBatch(conn, self.areas)
            for fact in facts:
                batch.apply(fact)
            batch.flush()
            conn.execute(update(tables.tracking).where(tr.projection == portfolio_projection.NAME).values(position=facts[-1].position))
            return len(facts)

    def rebuild(self, on_progress: Callable[[int, int], None] | None = None) -> int:
        """Drop what the projections hold and replay the whole log."""
        with self.engine.connect().execution_options(**{WRITE_LOCK: True}) as conn, conn.begin():
            portfolio_projection.reset(conn, self.areas)
            conn.execute(update(tables.tracking).values(position=0))
        return self.catch_up(on_progress)

    def follow(self, poll_seconds: float = 1.0, stop: Callable[[], bool] = lambda: False) -> None:
        """Keep catching up until `stop()` says so (the `projections run --follow` worker)."""
        while not stop():
            if self.catch_up() == 0:
                time.sleep(poll_seconds)
