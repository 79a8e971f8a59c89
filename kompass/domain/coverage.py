"""Coverage and gaps: the fixed definitions of docs/definitions.md, as pure functions.

Other tools compute the same numbers, so every quantity here is exact: weights and
budgets are Fractions (an initiative's funding is divided equally among its areas),
medians are compared without rounding, and budgets are rounded once, half up, at output.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
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


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one initiative adds to coverage: the same amounts to each of its cells (every region of it
    × every area of it in the framework), and to the national figures of each of those areas.

    The one statement of what a cell counts. `tally` adds contributions as exact fractions; the
    portfolio projection adds and subtracts them as whole numbers (`scaled`) as initiatives change.
    """

    regions: frozenset[str]
    areas: tuple[str, ...]
    counting: bool
    """It counts (else it is pipeline)."""
    parts: int
    """The number of areas its weight and budget are divided among (all its areas, in any framework)."""
    budget_sek: int
    actors: frozenset[str]

    @property
    def initiatives(self) -> int:
        return 1 if self.counting else 0

    @property
    def pipeline(self) -> int:
        return 0 if self.counting else 1

    @property
    def weighted(self) -> Fraction:
        """1 / its number of areas when it counts, else 0."""
        return Fraction(1, self.parts) if self.counting else Fraction(0)

    @property
    def budget(self) -> Fraction:
        """Its funding divided equally among its areas when it counts, else 0."""
        return Fraction(self.budget_sek, self.parts) if self.counting else Fraction(0)

    @property
    def cell_actors(self) -> frozenset[str]:
        """The actors it adds to each cell's distinct actors (none when it is pipeline)."""
        return self.actors if self.counting else frozenset()

    def scaled(self, scale: int) -> tuple[int, int]:
        """(weighted, budget) times `scale`, as whole numbers without a Fraction: exact when `scale` is a
        multiple of `parts` (rounded down otherwise, alike for adding and subtracting)."""
        if not self.counting:
            return 0, 0
        return scale // self.parts, self.budget_sek * scale // self.parts


def contribution(facts: InitiativeFacts, areas: Collection[str]) -> Contribution | None:
    """What `facts` adds to the coverage of `areas` (the framework's), or None when it neither counts
    nor is pipeline (paused, cancelled)."""
    if not contributes(facts.status):
        return None
    counting = counts(facts)
    tagged = tuple(a for a in facts.areas if a in areas)
    return Contribution(facts.regions, tagged, counting, len(facts.areas), facts.budget_sek, facts.actors)


def contributes(status: str) -> bool:
    """Does an initiative in this status add anything to coverage (it counts, or it is pipeline)? Paused and
    cancelled ones do not: callers that know only the status can skip working out the rest."""
    return status in COUNTING or status in PIPELINE


def counts(facts: InitiativeFacts) -> bool:
    return facts.status in COUNTING


def is_pipeline(facts: InitiativeFacts) -> bool:
    return facts.status in PIPELINE


def share(facts: InitiativeFacts) -> Fraction:
    """The weight one counting initiative gives each of its areas."""
    return Fraction(1, len(facts.areas))


def budget_share(facts: InitiativeFacts) -> Fraction:
    """The part of its funding one counting initiative gives each of its areas."""
    return Fraction(facts.budget_sek, len(facts.areas))


def tally(
    initiatives: Iterable[InitiativeFacts], regions: Iterable[str], areas: Iterable[str]
) -> tuple[dict[tuple[str, str], Cell], dict[str, NationalCell]]:
    """Coverage cells for every (region, area), and the national figures per area."""
    regions, areas = tuple(regions), tuple(areas)
    cells = {(r, a): Cell() for r in regions for a in areas}
    national = {a: NationalCell() for a in areas}
    for facts in initiatives:
        c = contribution(facts, national)
        if c is None:
            continue
        for area in c.areas:
            national[area].initiatives += c.initiatives
            national[area].weighted += c.weighted
            for region in c.regions:
                cell = cells.get((region, area))
                if cell is None:
                    continue
                cell.initiatives += c.initiatives
                cell.weighted += c.weighted
                cell.pipeline += c.pipeline
                cell.budget += c.budget
                cell.actors |= c.cell_actors
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
