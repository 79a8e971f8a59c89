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


def national_report(
    facts: Iterable[Fact],
    year: int,
    framework: Framework,
    network: Callable[[PortfolioState], dict[str, Any]] | None = None,
    known_at: datetime | None = None,
) -> dict[str, Any]:
    """The national report for `year`: the contract's figures (NATIONAL_KEYS) and what the documents show besides."""
    from kompass.application.views import coverage_json

    log = list(facts)
    view = year_view(log, year, framework, known_at)
    figures, replay, movements = view.figures, view.replay, view.movements
    _, end = year_coverage(replay, framework)
    collab = collaborations(replay.end, framework)
    ranking = area_ranking(end)
    trend = [year_view(log, y, framework, known_at).figures for y in earlier_years(log, year)] + [figures]
    return {
        "year": year,
        "regions_assessed": figures.regions_assessed,
        **figures.movements,
        "lights": figures.lights,
        "area_ranking": ranking,
        **figures.tables.to_json(),
        "framework": framework.key,
        "area_names": {a.key: a.name for a in framework.areas},
        "crosswalk": crosswalk_json(framework),
        "as_of": replay.end_date.isoformat(),
        "known_at": known_at.isoformat() if known_at else None,
        "movements": movements,
        "coverage": coverage_json(end),
        "weakest_area": ranking[-1],
        "largest_gaps": largest_gaps(end, limit=len(REGIONS)),
        "declared_unbacked": [
            {"region": m["region"], "area": a} for m in movements for a in unbacked_areas(end, m["region"], m["assessment"])
        ],
        "collaborations": collab,
        "region_pairs": region_pairs(collab),
        "trend": trend,
        "network": network(replay.end) if network is not None else None,
    }


def crosswalk_json(framework: Framework) -> dict[str, Any] | None:
    """How a view framework splits the base framework's areas: base area → the areas it counts under."""
    if framework.crosswalk is None:
        return None
    return {"from": framework.crosswalk_from, "areas": {base: list(targets) for base, targets in framework.crosswalk.items()}}


def national_json(report: dict[str, Any]) -> dict[str, Any]:
    """Exactly the contract's shape (other programs read it)."""
    return {k: report[k] for k in NATIONAL_KEYS}
