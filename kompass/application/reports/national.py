"""The national report: the 21 regions' movement and traffic lights, coverage and its gaps, the
evaluation's own tables, cross-region collaboration, and the same figures for earlier years.

Made from the years a `year.YearSource` gives: the log replayed, or the bitemporal rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kompass.application.coverage import report_from_state
from kompass.application.coverage_grid import CoverageGrid, coverage_grid
from kompass.application.reports.assessments import MOVEMENTS, RegionMovement, region_movement, unbacked_areas
from kompass.application.reports.evaluation import NationalTables, national_tables
from kompass.application.reports.national_figures import Collaboration, RegionGaps, RegionPair, collaborations, largest_gaps, region_pairs
from kompass.application.reports.network_models import NationalNetwork
from kompass.application.reports.year import ReportedYear, YearSource, area_ranking
from kompass.application.state import PortfolioState
from kompass.domain.framework import Framework
from kompass.domain.status import COUNTING
from kompass.domain.vocabulary import LIGHTS, REGIONS

TREND_YEARS = 4
"""Earlier years shown beside the reported one (when the log has them)."""

NATIONAL_KEYS = (
    "year", "regions_assessed", "improved", "unchanged", "declined", "not_comparable", "lights", "area_ranking",
    "types", "orientation", "roles", "results", "funding", "focus",
)
"""The national JSON's keys, in order: other programs read exactly these."""


@dataclass(frozen=True)
class YearFigures:
    """One year's headline figures and tables: a column of the trend tables."""

    year: int
    regions_assessed: int
    movements: dict[str, int]
    lights: dict[str, int]
    counting: int
    tables: NationalTables


@dataclass(frozen=True)
class YearView:
    """A year's figures, and what the full report builds on (the year and each region's movement)."""

    figures: YearFigures
    replay: ReportedYear
    movements: list[RegionMovement]


def year_view_of(replay: ReportedYear, framework: Framework) -> YearView:
    """The figures of the year `replay` holds."""
    year = replay.year
    movements = [region_movement(replay.assessments, r, year, framework) for r in REGIONS]
    assessed = [m.assessment for m in movements if m.assessment is not None]
    tables = national_tables(replay.end.initiatives.values(), year, [a.focus for a in assessed], framework.area_keys)
    figures = YearFigures(
        year=year,
        regions_assessed=len(assessed),
        movements={kind: sum(1 for m in movements if m.movement == kind) for kind in MOVEMENTS},
        lights={light: sum(1 for a in assessed if a.light == light) for light in LIGHTS},
        counting=sum(1 for r in replay.end.initiatives.values() if r.status in COUNTING),
        tables=tables,
    )
    return YearView(figures, replay, movements)


def earlier_years(first: int | None, year: int) -> list[int]:
    """The years before `year` (at most TREND_YEARS) from `first`, the first one in which the log has work or an assessment."""
    return list(range(max(year if first is None else first, year - TREND_YEARS), year))


@dataclass(frozen=True)
class Crosswalk:
    """How a view framework splits the base framework's areas: base area → the areas it counts under."""

    base: str | None
    """The base framework every initiative is recorded under."""
    areas: dict[str, list[str]]


@dataclass(frozen=True)
class UnbackedFocus:
    """An area a region declared medium or high focus for, with no counting initiative."""

    region: str
    area: str


@dataclass(frozen=True)
class NationalReport:
    """The national report's figures: the year's (`figures`, the contract's), and what the documents show besides."""

    year: int
    figures: YearFigures
    area_ranking: list[str]
    """Areas by national weighted coverage at the year's end, highest first."""
    framework: str
    area_names: dict[str, str]
    crosswalk: Crosswalk | None
    as_of: str
    known_at: str | None
    movements: list[RegionMovement]
    """Each region's assessment, previous assessment and movement."""
    coverage: CoverageGrid
    """Coverage at the year's end."""
    largest_gaps: list[RegionGaps]
    declared_unbacked: list[UnbackedFocus]
    collaborations: list[Collaboration]
    region_pairs: list[RegionPair]
    trend: list[YearFigures]
    """The earlier years in the log (at most TREND_YEARS), then this one."""
    network: NationalNetwork | None

    @property
    def weakest_area(self) -> str:
        return self.area_ranking[-1]

    @property
    def regions_assessed(self) -> int:
        return self.figures.regions_assessed

    @property
    def lights(self) -> dict[str, int]:
        return self.figures.lights

    def to_json(self) -> dict[str, Any]:
        """Exactly the contract's shape (NATIONAL_KEYS, in order): other programs read it."""
        data = {
            "year": self.year,
            "regions_assessed": self.figures.regions_assessed,
            **self.figures.movements,
            "lights": dict(self.figures.lights),
            "area_ranking": list(self.area_ranking),
            **self.figures.tables.to_json(),
        }
        return {k: data[k] for k in NATIONAL_KEYS}


def national_report(
    source: YearSource, year: int, framework: Framework, network: Callable[[PortfolioState], NationalNetwork] | None = None
) -> NationalReport:
    """The national report for `year`, with earlier years for the trend, from the years `source` gives."""
    view = year_view_of(source.year(year, False), framework)
    figures, reported, movements = view.figures, view.replay, view.movements
    end = report_from_state(reported.end, framework, reported.end_date)
    collab = collaborations(reported.end, framework)
    return NationalReport(
        year=year,
        figures=figures,
        area_ranking=area_ranking(end),
        framework=framework.key,
        area_names={a.key: a.name for a in framework.areas},
        crosswalk=crosswalk_of(framework),
        as_of=reported.end_date.isoformat(),
        known_at=source.known_at.isoformat() if source.known_at else None,
        movements=movements,
        coverage=coverage_grid(end),
        largest_gaps=largest_gaps(end, limit=len(REGIONS)),
        declared_unbacked=[UnbackedFocus(m.region, a) for m in movements for a in unbacked_areas(end, m.region, m.assessment)],
        collaborations=collab,
        region_pairs=region_pairs(collab),
        trend=[year_view_of(source.year(y, False), framework).figures for y in earlier_years(source.first_year(), year)] + [figures],
        network=network(reported.end) if network is not None else None,
    )


def crosswalk_of(framework: Framework) -> Crosswalk | None:
    """How a view framework splits the base framework's areas (None for a base framework)."""
    if framework.crosswalk is None:
        return None
    return Crosswalk(framework.crosswalk_from, {base: list(targets) for base, targets in framework.crosswalk.items()})
