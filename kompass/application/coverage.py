"""Coverage and gap reports, from materialised cells (now) or from a replayed state (then)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING

from kompass.application.records import ActorLookup, AssessmentRecord, InitiativeRecord, initiative_facts
from kompass.domain import coverage as cov
from kompass.domain.framework import Framework
from kompass.domain.vocabulary import FOCUS_LEVELS, REGIONS

if TYPE_CHECKING:
    # only a type here: the state module needs the eventsourcing library, which the lean
    # present-time read path (`kompass gaps` on a current SQLite store) must not import
    from kompass.application.state import PortfolioState


@dataclass(frozen=True)
class CellNumbers:
    initiatives: int
    weighted: Fraction
    pipeline: int
    budget: Fraction
    actors: int


@dataclass(frozen=True)
class NationalNumbers:
    initiatives: int
    weighted: Fraction


@dataclass(frozen=True)
class CoverageReport:
    framework: Framework
    as_of: date
    cells: Mapping[tuple[str, str], CellNumbers]
    gaps: Mapping[tuple[str, str], str | None]
    national: Mapping[str, NationalNumbers]
    regions_with_gap: Mapping[str, int]
    declared_unbacked: list[tuple[str, str]]

    @property
    def areas(self) -> tuple[str, ...]:
        return self.framework.area_keys

    def gap_list(self) -> list[tuple[str, str, str]]:
        """(region, area, kind), by region code then area in the framework's order."""
        return [(r, a, kind) for r in REGIONS for a in self.areas if (kind := self.gaps[(r, a)]) is not None]


def build_report(
    framework: Framework,
    as_of: date,
    cells: Mapping[tuple[str, str], CellNumbers],
    national: Mapping[str, NationalNumbers],
    assessments: Iterable[AssessmentRecord],
) -> CoverageReport:
    areas = framework.area_keys
    medians = cov.area_medians({k: c.weighted for k, c in cells.items()}, areas, REGIONS)
    gaps = {
        (r, a): cov.gap_kind(cells[(r, a)].initiatives, cells[(r, a)].pipeline, cells[(r, a)].weighted, medians[a])
        for r in REGIONS
        for a in areas
    }
    with_gap = {a: sum(1 for r in REGIONS if gaps[(r, a)] is not None) for a in areas}
    unbacked = []
    for region, focus in latest_focus(assessments, as_of, framework).items():
        by_area = {a: cells[(region, a)].initiatives for a in areas}
        unbacked += [(region, a) for a in cov.declared_unbacked(focus, by_area)]
    unbacked.sort(key=lambda ra: (ra[0], areas.index(ra[1])))
    return CoverageReport(framework, as_of, cells, gaps, national, with_gap, unbacked)


def latest_focus(assessments: Iterable[AssessmentRecord], as_of: date, framework: Framework) -> dict[str, dict[str, str]]:
    """Each region's declared focus from its latest assessed year effective by `as_of`.

    Under a view framework a view area takes the highest focus of the base areas mapped onto it.
    """
    latest: dict[str, AssessmentRecord] = {}
    for a in assessments:
        if date.fromisoformat(a.effective) <= as_of and (a.region not in latest or a.year > latest[a.region].year):
            latest[a.region] = a
    result = {}
    for region, assessment in latest.items():
        focus: dict[str, str] = {}
        for base_area, level in assessment.focus.items():
            for area in framework.view([base_area]):
                if FOCUS_LEVELS.index(level) > FOCUS_LEVELS.index(focus.get(area, "none")):
                    focus[area] = level
        result[region] = focus
    return result


def cells_from_records(
    records: Iterable[InitiativeRecord], state_actor: ActorLookup, framework: Framework
) -> tuple[dict[tuple[str, str], CellNumbers], dict[str, NationalNumbers]]:
    """Tally coverage straight from initiative records, viewed under `framework`."""
    facts = (initiative_facts(r, state_actor, framework.view(r.areas)) for r in records)
    cells, national = cov.tally((f for f in facts if f.areas), REGIONS, framework.area_keys)
    return (
        {k: CellNumbers(c.initiatives, c.weighted, c.pipeline, c.budget, len(c.actors)) for k, c in cells.items()},
        {a: NationalNumbers(n.initiatives, n.weighted) for a, n in national.items()},
    )


def report_from_state(state: PortfolioState, framework: Framework, as_of: date) -> CoverageReport:
    cells, national = cells_from_records(state.initiatives.values(), state.actor, framework)
    return build_report(framework, as_of, cells, national, state.assessments.values())
