"""What an initiative holds besides its own fields: funding lines, results and indicators, and the rules
their values follow (an amount in whole kronor, a plausible number).

Kept apart from the aggregate (`domain/initiative.py`) because they are plain values: snapshots store them
by the transcodings' names (`application/app.py`), not by their module, so they may live here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kompass.domain.errors import InvalidValue
from kompass.domain.vocabulary import FUNDING_SOURCES, require_one_of, require_percentage, require_year

__all__ = [
    "MAX_FUNDING_LINE_SEK", "FundingLine", "Indicator", "Result", "require_funding_line", "require_measure", "require_number",
]

MAX_FUNDING_LINE_SEK = 10**12
"""A thousand billion kronor, near Sweden's whole state budget: more is a typing error. The bound also keeps
a region's summed budget (stored times 60 in a 64-bit column) far from overflowing the projection."""


@dataclass(frozen=True)
class FundingLine:
    source: str
    amount_sek: int
    year: int


@dataclass(frozen=True)
class Result:
    type: str
    text: str


@dataclass
class Indicator:
    name: str
    target: float
    unit: str
    measurements: list[tuple[date, float]]


def require_funding_line(source: str, amount_sek: int, year: int) -> None:
    """A known source, a whole and plausible number of kronor, a plausible year."""
    require_one_of(source, FUNDING_SOURCES, "funding source")
    if isinstance(amount_sek, bool) or not isinstance(amount_sek, int):
        raise InvalidValue("amount_sek must be a whole number of kronor")
    if amount_sek < 0:
        raise InvalidValue(f"amount_sek must not be negative (got {amount_sek})")
    if amount_sek > MAX_FUNDING_LINE_SEK:
        limit = f"{MAX_FUNDING_LINE_SEK:,}".replace(",", " ")
        raise InvalidValue(f"amount_sek {amount_sek} is implausibly large (at most {limit} kronor a line)")
    require_year(year)


def require_measure(value: Any, unit: str, what: str) -> None:
    """An indicator's target or measured value: a plausible number, at most 100 when the unit is %."""
    require_number(value, what)
    require_percentage(value, unit, what)


def require_number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise InvalidValue(f"{what} must be a number")
    if abs(value) > 1e15:
        raise InvalidValue(f"{what} {value} is implausibly large")
    return value
