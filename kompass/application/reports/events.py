"""Recorded changes as reports list them: the annual report's changes effective during the year, and the
corrections recorded after a deadline (which also say when they were recorded and why)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kompass.application.facts import Fact
from kompass.application.history import describe
from kompass.application.json_shape import OMITTED_WHEN_NONE

__all__ = ["RecordedChange", "recorded_change", "year_changes"]


@dataclass(frozen=True, kw_only=True)
class RecordedChange:
    """One fact of the log in a report: `recorded_at` and `reason` only in the corrections after a deadline."""

    position: int
    recorded_at: str | None = field(default=None, metadata=OMITTED_WHEN_NONE)
    effective: str
    by: str
    key: str
    """The initiative's ref or the portfolio's region."""
    type: str
    summary: str
    """The history's own English words (`history.describe`), for kinds a report's language has no sentence for."""
    data: dict[str, Any]
    """The fact's plain values (text and numbers)."""
    reason: str | None = field(default=None, metadata=OMITTED_WHEN_NONE)


def recorded_change(fact: Fact, key: str, late: bool = False) -> RecordedChange:
    """The fact as a report lists it; `late`: with when it was recorded and why (a correction after a deadline)."""
    return RecordedChange(
        position=fact.position,
        effective=fact.effective.isoformat(),
        by=fact.by,
        key=key,
        type=fact.type,
        summary=describe(fact, key),
        data={k: v for k, v in fact.data.items() if isinstance(v, (str, int, float))},
        recorded_at=fact.recorded_at.isoformat(timespec="seconds") if late else None,
        reason=str(fact.data.get("reason") or "") if late else None,
    )


def year_changes(during: Iterable[tuple[Fact, str]], refs: set[str], region: str) -> list[RecordedChange]:
    """The year's recorded changes (`during`: facts with their aggregate's key) to these initiatives and to
    the region's portfolio, by date then position."""
    changes = [
        recorded_change(fact, key)
        for fact, key in during
        if (fact.aggregate == "initiative" and key in refs) or (fact.aggregate == "portfolio" and key == region)
    ]
    changes.sort(key=lambda e: (e.effective, e.position))
    return changes
