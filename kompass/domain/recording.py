"""Recording time (transaction time) of events, and the stable identities of aggregates.

Every event's `timestamp` is the moment it was recorded. Only a restore from an export
(DESIGN §7, `import --restore`) may record events with their original recording times;
it does so through `recorded_at`, which stays inside one `with` block.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from functools import lru_cache
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

_restored_time: ContextVar[datetime | None] = ContextVar("restored_time", default=None)

KOMPASS_NAMESPACE = uuid5(NAMESPACE_URL, "https://kompass.invalid/aggregates")

ID_CACHE = 1 << 15
"""Keys whose ids are remembered: an import names each initiative on many lines, and a UUIDv5
(a SHA-1) per mention was a tenth of its time. Bounded, so a long import's memory stays flat."""


@contextmanager
def recorded_at(moment: datetime) -> Iterator[None]:
    """Record the events triggered inside the block with this recording time."""
    token = _restored_time.set(moment)
    try:
        yield
    finally:
        _restored_time.reset(token)


def now() -> datetime:
    restored = _restored_time.get()
    return restored if restored is not None else datetime.now(tz=UTC)


@lru_cache(maxsize=ID_CACHE)
def initiative_id(ref: str) -> UUID:
    return uuid5(KOMPASS_NAMESPACE, f"initiative:{ref}")


@lru_cache(maxsize=ID_CACHE)
def actor_id(key: str) -> UUID:
    return uuid5(KOMPASS_NAMESPACE, f"actor:{key}")


@lru_cache(maxsize=ID_CACHE)
def portfolio_id(region: str) -> UUID:
    return uuid5(KOMPASS_NAMESPACE, f"portfolio:{region}")


class KompassAggregate(Aggregate):
    """Base of kompass aggregates: every event carries `by` and `effective` (DESIGN §3)."""

    class Event(Aggregate.Event):
        by: str
        effective: date

        @staticmethod
        def create_timestamp() -> datetime:
            return now()

    class Created(Event, Aggregate.Created):
        pass
