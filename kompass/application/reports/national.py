"""The national report: the 21 regions' movement and traffic lights, coverage and its gaps, the
evaluation's own tables, cross-region collaboration, and the same figures for earlier years."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kompass.application.facts import Fact
from kompass.application.reports.tables import NationalTables, national_tables
from kompass.application.reports.year import (
    MOVEMENTS,
    YearReplay,
    area_ranking,
    collaborations,
    largest_gaps,
    region_movement,
    region_pairs,
    replay_year,
    unbacked_areas,
    year_coverage,
)
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
    """A year replayed: its figures, and what the full report builds on (the replay and each region's movement)."""

    figures: YearFigures
    replay: YearReplay
    movements: list[dict[str, Any]]


def year_view(facts: list[Fact], year: int, framework: Framework, known_at: datetime | None = None) -> YearView:
    replay = replay_year(facts, year, keep_changes=False, known_at=known_at)
    movements = [region_movement(replay, r, framework) for r in REGIONS]
    assessed = [m["assessment"] for m in movements if m["assessment"] is not None]
    tables = national_tables(replay.end.initiatives.values(), year, [a["focus"] for a in assessed], framework.area_keys)
    figures = YearFigures(
        year=year,
        regions_assessed=len(assessed),
        movements={kind: sum(1 for m in movements if m["movement"] == kind) for kind in MOVEMENTS},
        lights={light: sum(1 for a in assessed if a["light"] == light) for light in LIGHTS},
        counting=sum(1 for r in replay.end.initiatives.values() if r.status in COUNTING),
        tables=tables,
    )
    return YearView(figures, replay, movements)


def earlier_years(facts: list[Fact], year: int) -> list[int]:
    """The years before `year` (at most TREND_YEARS) from the first one in which the log has work or an assessment."""
    first = min(
        (fact.data["year"] if fact.type == "SelfAssessed" else fact.effective.year
         for fact in facts if fact.type in ("InitiativeProposed", "SelfAssessed")),
        default=year,
    )
    return list(range(max(first, year - TREND_YEARS), year))


@dataclass(frozen=True)
class NationalReport:
    """The national report's figures: the year's (`figures`, the contract's), and what the documents show besides."""

    year: int
    figures: YearFigures
    area_ranking: list[str]
    """Areas by national weighted coverage at the year's end, highest first."""
    framework: str
    area_names: dict[str, str]
    crosswalk: dict[str, Any] | None
    as_of: str
    known_at: str | None
    movements: list[dict[str, Any]]
    """Each region's assessment, previous assessment and movement."""
    coverage: dict[str, Any]
    """The coverage JSON at the year's end."""
    largest_gaps: list[dict[str, Any]]
    declared_unbacked: list[dict[str, str]]
    collaborations: list[dict[str, Any]]
    region_pairs: list[dict[str, Any]]
    trend: list[YearFigures]
    """The earlier years in the log (at most TREND_YEARS), then this one."""
    network: dict[str, Any] | None

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
    facts: Iterable[Fact],
    year: int,
    framework: Framework,
    network: Callable[[PortfolioState], dict[str, Any]] | None = None,
    known_at: datetime | None = None,
) -> NationalReport:
    """The national report for `year`, replayed from the log (only what was recorded by `known_at`, if given)."""
    from kompass.application.views import coverage_json

    log = list(facts)
    view = year_view(log, year, framework, known_at)
    figures, replay, movements = view.figures, view.replay, view.movements
    _, end = year_coverage(replay, framework)
    collab = collaborations(replay.end, framework)
    return NationalReport(
        year=year,
        figures=figures,
        area_ranking=area_ranking(end),
        framework=framework.key,
        area_names={a.key: a.name for a in framework.areas},
        crosswalk=crosswalk_json(framework),
        as_of=replay.end_date.isoformat(),
        known_at=known_at.isoformat() if known_at else None,
        movements=movements,
        coverage=coverage_json(end),
        largest_gaps=largest_gaps(end, limit=len(REGIONS)),
        declared_unbacked=[
            {"region": m["region"], "area": a} for m in movements for a in unbacked_areas(end, m["region"], m["assessment"])
        ],
        collaborations=collab,
        region_pairs=region_pairs(collab),
        trend=[year_view(log, y, framework, known_at).figures for y in earlier_years(log, year)] + [figures],
        network=network(replay.end) if network is not None else None,
    )


def crosswalk_json(framework: Framework) -> dict[str, Any] | None:
    """How a view framework splits the base framework's areas: base area → the areas it counts under."""
    if framework.crosswalk is None:
        return None
    return {"from": framework.crosswalk_from, "areas": {base: list(targets) for base, targets in framework.crosswalk.items()}}
