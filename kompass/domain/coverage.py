"""Coverage and gaps: the fixed definitions of docs/definitions.md, as pure functions.

Other tools compute the same numbers, so every quantity here is exact: weights and
budgets are Fractions (an initiative's funding is divided equally among its areas),
medians are compared without rounding, and budgets are rounded once, half up, at output.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from kompass.domain.status import COUNTING, PIPELINE

GAP_KINDS = ("absent", "pipeline_only", "thin")
DECLARED_FOCUS = frozenset({"medium", "high"})


@dataclass(frozen=True)
class InitiativeFacts:
    """What coverage needs to know about one initiative at one moment."""

    key: str
    regions: frozenset[str]
    areas: tuple[str, ...]
    status: str
    budget_sek: int
    actors: frozenset[str]


@dataclass
class Cell:
    """Coverage of one (region, area)."""

    initiatives: int = 0
    weighted: Fraction = Fraction(0)
    pipeline: int = 0
    budget: Fraction = Fraction(0)
    actors: set[str] = field(default_factory=set)


@dataclass
class NationalCell:
    initiatives: int = 0
    weighted: Fraction = Fraction(0)


def counts(facts: InitiativeFacts) -> bool:
    return facts.status in COUNTING


def is_pipeline(facts: InitiativeFacts) -> bool:
    return facts.status in PIPELINE


def share(facts: InitiativeFacts) -> Fraction:
    """The weight one initiative gives each of its areas."""
    return Fraction(1, len(facts.areas))


def budget_share(facts: InitiativeFacts) -> Fraction:
    return Fraction(facts.budget_sek, len(facts.areas))


def tally(
    initiatives: Iterable[InitiativeFacts], regions: Iterable[str], areas: Iterable[str]
) -> tuple[dict[tuple[str, str], Cell], dict[str, NationalCell]]:
    """Coverage cells for every (region, area), and the national figures per area."""
    regions, areas = tuple(regions), tuple(areas)
    cells = {(r, a): Cell() for r in regions for a in areas}
    national = {a: NationalCell() for a in areas}
    for facts in initiatives:
        counting, pipeline = counts(facts), is_pipeline(facts)
        if not (counting or pipeline):
            continue
        for area in facts.areas:
            if area not in national:
                continue
            if counting:
                national[area].initiatives += 1
                national[area].weighted += share(facts)
            for region in facts.regions:
                cell = cells.get((region, area))
                if cell is None:
                    continue
                if counting:
                    cell.initiatives += 1
                    cell.weighted += share(facts)
                    cell.budget += budget_share(facts)
                    cell.actors |= facts.actors
                else:
                    cell.pipeline += 1
    return cells, national


def median_of(values: Iterable[Fraction]) -> Fraction:
    """The middle value (the 11th smallest of 21); with an even count, the lower middle."""
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2]


def gap_kind(initiatives: int, pipeline: int, weighted: Fraction, median: Fraction) -> str | None:
    """The first gap kind that applies to a cell (docs/definitions.md#gaps), or None."""
    if initiatives == 0:
        return "absent" if pipeline == 0 else "pipeline_only"
    if median > 0 and weighted < median / 2:
        return "thin"
    return None


def area_medians(weights: Mapping[tuple[str, str], Fraction], areas: Iterable[str], regions: Iterable[str]) -> dict[str, Fraction]:
    regions = tuple(regions)
    return {a: median_of(weights[(r, a)] for r in regions) for a in areas}


def declared_unbacked(focus: Mapping[str, str], initiatives_by_area: Mapping[str, int]) -> list[str]:
    """Areas where a region declared medium or high focus but has no counting initiative."""
    return [a for a, n in initiatives_by_area.items() if focus.get(a) in DECLARED_FOCUS and n == 0]


def round_half_up(value: Fraction) -> int:
    return int((value * 2 + 1) // 2)
