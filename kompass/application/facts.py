"""Facts: stored events as plain data, with their place in the log.

Projections, history, export and temporal queries all read the log as facts, so they
share one decoding of the library's events and never depend on aggregate internals.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple
from uuid import UUID

ENVELOPE = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic", "by", "effective"})


class Fact(NamedTuple):
    """One stored event. A named tuple rather than a frozen dataclass: a rebuild makes one per
    stored event, and a tuple is built several times faster while staying just as immutable."""

    position: int
    recorded_at: datetime
    effective: date
    by: str
    aggregate: str
    """`initiative`, `actor` or `portfolio`."""
    originator_id: UUID
    version: int
    type: str
    """The event's class name, e.g. `ActorJoined`."""
    data: dict[str, Any]
    recorded_by: str | None = None
    """Who stored it, as the store established (None for events stored before kompass kept it)."""


def fact_from_event(event: Any, position: int, recorded_by: str | None = None) -> Fact:
    """Turn a decoded library event into a fact."""
    aggregate, _, name = type(event).__qualname__.partition(".")
    data = {k: v for k, v in event.__dict__.items() if k not in ENVELOPE}
    return Fact(
        position=position,
        recorded_at=event.timestamp,
        effective=event.effective,
        by=event.by,
        aggregate=aggregate.lower(),
        originator_id=event.originator_id,
        version=event.originator_version,
        type=name,
        data=data,
        recorded_by=recorded_by,
    )
