"""The network metrics cache (`application.network_cache`) in the store's database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from kompass.application.ports import MetricsCache
from kompass.infrastructure import tables as t
from kompass.infrastructure.network_projection import NAME


class NetworkCache(MetricsCache):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def position(self) -> int:
        tr = t.tracking.c
        with self.engine.connect() as conn:
            return int(conn.execute(select(tr.position).where(tr.projection == NAME)).scalar() or 0)

    def get(self, position: int, scope: str) -> dict[str, Any] | None:
        c = t.network_cache.c
        with self.engine.connect() as conn:
            payload = conn.execute(select(c.payload).where((c.position == position) & (c.scope == scope))).scalar()
        return dict(payload) if payload is not None else None

    def put(self, position: int, scope: str, payload: dict[str, Any]) -> None:
        c = t.network_cache.c
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(t.network_cache).where((c.position < position) | ((c.position == position) & (c.scope == scope))))
                conn.execute(insert(t.network_cache).values(position=position, scope=scope, payload=payload))
        except SQLAlchemyError:
            pass  # a read-only role, a lock held too long, or a concurrent identical put: the answer stands uncached
