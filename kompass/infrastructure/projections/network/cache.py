"""The network metrics cache (`application.network_cache`) in the store's database, keyed by the network
projection's position: kept beside the projection it remembers answers of."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from kompass.application.ports import MetricsCache
from kompass.infrastructure.projections.layout import NETWORK
from kompass.infrastructure.projections.network.schema import network_cache
from kompass.infrastructure.projections.tracking import tracking


class NetworkCache(MetricsCache):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def position(self) -> int:
        tr = tracking.c
        with self.engine.connect() as conn:
            return int(conn.execute(select(tr.position).where(tr.projection == NETWORK)).scalar() or 0)

    def get(self, position: int, scope: str) -> dict[str, Any] | None:
        c = network_cache.c
        with self.engine.connect() as conn:
            payload = conn.execute(select(c.payload).where((c.position == position) & (c.scope == scope))).scalar()
        return dict(payload) if payload is not None else None

    def put(self, position: int, scope: str, payload: dict[str, Any]) -> None:
        c = network_cache.c
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(network_cache).where((c.position < position) | ((c.position == position) & (c.scope == scope))))
                conn.execute(insert(network_cache).values(position=position, scope=scope, payload=payload))
        except SQLAlchemyError:
            pass  # a read-only role, a lock held too long, or a concurrent identical put: the answer stands uncached
