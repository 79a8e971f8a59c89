"""One region's annual report: its portfolio at the end of the year, set against its self-assessment.

Built from the year (`year.ReportedYear`: replayed from the log, or read from the bitemporal rows);
see docs/reports.md for what each section counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kompass.application.coverage import CoverageReport
from kompass.application.coverage_grid import AreaGap, CellChange, coverage_grid, grid_changes
from kompass.application.json_shape import INLINED, to_plain
from kompass.application.records import initiative_facts
from kompass.application.reports.annual_initiatives import InitiativeEntry, initiative_entry
from kompass.application.reports.assessments import AssessmentView, focus_verdict, region_movement
from kompass.application.reports.events import RecordedChange, year_changes
from kompass.application.reports.network_models import RegionNetwork
from kompass.application.reports.year import ReportedYear, YearSource, area_ranking, live_in_year, year_coverage
from kompass.application.state import PortfolioState
from kompass.domain import coverage as cov
from kompass.domain.coverage import round_half_up
from kompass.domain.framework import Framework
from kompass.domain.status import STATUSES
from kompass.domain.vocabulary import FUNDING_SOURCES, INITIATIVE_TYPES, REGIONS, RESULT_TYPES

NetworkSection = Callable[[PortfolioState, str], "RegionNetwork | None"]
"""The region's actor network at the year's end (kept apart: it needs networkx)."""


@dataclass(frozen=True)
class CoverageRow:
    """The region's coverage of one area at the year's end, against the nation and its declared focus."""

    area: str
    initiatives: int
    weighted: float
    pipeline: int
    budget_sek: int
    actors: int
    gap: str | None
    national_median_weighted: float
    national_weighted: float
    focus: str | None
    """None: no self-assessment for the year."""
    verdict: str | None
    """How focus and coverage meet (`assessments.focus_verdict`); None without a self-assessment."""


@dataclass(frozen=True)
class ResultLine:
    """A result recorded in the year, with its initiative."""

    ref: str
    type: str
    text: str
    effective: str


@dataclass(frozen=True)
class AnnualChanges:
    started: list[str]
    completed: list[str]
    coverage: list[CellChange]
    """The region's coverage figures that differ between the end of the year before and of the year."""
    events: list[RecordedChange]


@dataclass(frozen=True)
class Tallies:
    """The year's portfolio counted: by area and type, by status, funding by source, and the year's results."""

    by_area_and_type: dict[str, dict[str, int]]
    by_status: dict[str, int]
    funding_by_source_sek: dict[str, int]
    funding_total_sek: int
    funding_for_year_sek: int
    results: dict[str, list[ResultLine]]


def coverage_rows(report: CoverageReport, region: str, focus: dict[str, str] | None) -> list[CoverageRow]:
    medians = cov.area_medians({k: c.weighted for k, c in report.cells.items()}, report.areas, REGIONS)
    rows = []
    for area in report.areas:
        cell = report.cells[(region, area)]
        level = (focus or {}).get(area, "none")
        rows.append(CoverageRow(
            area=area, initiatives=cell.initiatives, weighted=float(cell.weighted), pipeline=cell.pipeline,
            budget_sek=round_half_up(cell.budget), actors=cell.actors, gap=report.gaps[(region, area)],
            national_median_weighted=float(medians[area]), national_weighted=float(report.national[area].weighted),
            focus=level if focus is not None else None, verdict=focus_verdict(level, cell.initiatives) if focus is not None else None,
        ))
    return rows


def tallies(entries: list[InitiativeEntry], framework: Framework, year: int) -> Tallies:
    by_area_type = {a: dict.fromkeys(INITIATIVE_TYPES, 0) for a in framework.area_keys}
    for e in entries:
        for a in e.areas:
            by_area_type[a][e.type] += 1
    funding = dict.fromkeys(FUNDING_SOURCES, 0)
    for e in entries:
        for line in e.funding:
            funding[line.source] += int(line.amount_sek)
    results = {
        t: [ResultLine(e.ref, r.type, r.text, r.effective) for e in entries for r in e.results[t] if r.effective[:4] == str(year)]
        for t in RESULT_TYPES
    }
    for listed in results.values():
        listed.sort(key=lambda r: (r.effective, r.ref, r.text))
    return Tallies(
        by_area_and_type=by_area_type,
        by_status={s: sum(1 for e in entries if e.status == s) for s in STATUSES},
        funding_by_source_sek=funding,
        funding_total_sek=sum(funding.values()),
        funding_for_year_sek=sum(e.funding_for_year_sek for e in entries),
        results=results,
    )


@dataclass(frozen=True)
class AnnualReport:
    """A region's annual report; `to_json` is its JSON (with the log stamp added by the service)."""

    region: str
    name: str
    year: int
    framework: str
    area_names: dict[str, str]
    as_of: str
    known_at: str | None
    assessment: AssessmentView | None
    previous_assessment: AssessmentView | None
    movement: str
    score_change: int | None
    coordinator: str | None
    initiatives: list[InitiativeEntry]
    """The year's portfolio, by ref."""
    tallies: Tallies = field(metadata=INLINED)
    """The portfolio counted (its keys stand in the report's JSON)."""
    coverage: list[CoverageRow]
    """The region's coverage per area at the year's end, with declared focus."""
    gaps: list[AreaGap]
    declared_unbacked: list[str]
    weakest_area_nationally: str
    network: RegionNetwork | None
    changes: AnnualChanges

    def to_json(self) -> dict[str, Any]:
        return dict(to_plain(self))


def annual_report(source: YearSource, region: str, year: int, framework: Framework, network: NetworkSection | None = None) -> AnnualReport:
    """The annual report of `region` for `year`, from the year `source` gives (as recorded by its `known_at`, if any)."""
    return annual_report_of(source.year(year, True), region, framework, network, source.known_at)


def annual_report_of(
    replay: ReportedYear, region: str, framework: Framework, network: NetworkSection | None = None, known_at: datetime | None = None
) -> AnnualReport:
    """The annual report of `region` for the year `replay` holds (made with `known_at`, if given)."""
    year = replay.year
    start, end = year_coverage(replay, framework)
    state = replay.end
    live = live_in_year(replay)
    records = sorted((r for r in state.initiatives.values() if r.ref in live), key=lambda r: r.ref)
    ours = [r for r in records if region in initiative_facts(r, state.actor).regions]
    entries = [initiative_entry(r, state, replay.start_refs.get(r.ref), year, framework) for r in ours]
    moved = region_movement(replay.assessments, region, year, framework)
    focus = moved.assessment.focus if moved.assessment else None
    rows = coverage_rows(end, region, focus)
    return AnnualReport(
        region=region,
        name=REGIONS[region],
        year=year,
        framework=framework.key,
        area_names={a.key: a.name for a in framework.areas},
        as_of=replay.end_date.isoformat(),
        known_at=known_at.isoformat() if known_at else None,
        assessment=moved.assessment,
        previous_assessment=moved.previous,
        movement=moved.movement,
        score_change=moved.score_change,
        coordinator=state.coordinators.get(region),
        initiatives=entries,
        tallies=tallies(entries, framework, year),
        coverage=rows,
        gaps=[AreaGap(r.area, r.gap) for r in rows if r.gap is not None],
        declared_unbacked=[r.area for r in rows if r.verdict == "unbacked"],
        weakest_area_nationally=area_ranking(end)[-1],
        network=network(state, region) if network is not None else None,
        changes=AnnualChanges(
            started=[e.ref for e in entries if e.status_at_start is None],
            completed=[e.ref for e in entries if e.status == "completed" and e.status_at_start != "completed"],
            coverage=[c for c in grid_changes(coverage_grid(start), coverage_grid(end)) if c.region == region],
            events=year_changes(replay.during, {e.ref for e in entries}, region),
        ),
    )
