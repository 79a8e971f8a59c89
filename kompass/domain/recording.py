"""Recording time (transaction time) of events; the aggregates' identities (from `identity`) re-exported.

Every event's `timestamp` is the moment it was recorded. Only a restore from an export
(`import --restore`, docs/command-log.md) may record events with their original recording times;
it does so through `recorded_at`, which stays inside one `with` block.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime

from eventsourcing.domain import Aggregate

from kompass.domain.identity import KOMPASS_NAMESPACE, actor_id, initiative_id, portfolio_id

__all__ = ["KOMPASS_NAMESPACE", "KompassAggregate", "actor_id", "initiative_id", "now", "portfolio_id", "recorded_at"]

_restored_time: ContextVar[datetime | None] = ContextVar("restored_time", default=None)

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


class KompassAggregate(Aggregate):
    """Base of kompass aggregates: every event carries `by` and `effective` (docs/command-log.md)."""

    class Event(Aggregate.Event):
        by: str
        effective: date

        @staticmethod
        def create_timestamp() -> datetime:
            return now()

    class Created(Event, Aggregate.Created):
        pass
