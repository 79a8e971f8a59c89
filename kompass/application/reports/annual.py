"""One region's annual report: its portfolio at the end of the year, set against its self-assessment.

Built from a replay of the log (`reports.replay_year`); see docs/reports.md for what each
section counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from kompass.application.coverage import CoverageReport
from kompass.application.facts import Fact
from kompass.application.records import InitiativeRecord, current_participants, initiative_facts, resolve
from kompass.application.reports.year import (
    YearReplay,
    area_ranking,
    focus_verdict,
    live_in_year,
    region_movement,
    replay_year,
    year_coverage,
    year_events,
)
from kompass.application.state import PortfolioState
from kompass.domain import coverage as cov
from kompass.domain.coverage import round_half_up
from kompass.domain.framework import Framework
from kompass.domain.status import STATUSES
from kompass.domain.vocabulary import FUNDING_SOURCES, INITIATIVE_TYPES, REGIONS, RESULT_TYPES

NetworkSection = Callable[[PortfolioState, str], "dict[str, Any] | None"]
"""The region's actor network at the year's end (kept apart: it needs networkx)."""


def initiative_entry(record: InitiativeRecord, state: PortfolioState, replay: YearReplay, framework: Framework) -> dict[str, Any]:
    before = replay.start_refs.get(record.ref)
    participants = []
    for key, role in current_participants(record, state.actor).items():
        actor = resolve(key, state.actor)
        participants.append({"actor": actor.key, "name": actor.name, "kind": actor.kind, "role": role})
    participants.sort(key=lambda p: (p["role"] != "lead", p["actor"]))
    year = replay.year
    return {
        "ref": record.ref,
        "title": record.title,
        "lead": record.region,
        "regions": sorted(initiative_facts(record, state.actor).regions),
        "areas": list(framework.view(record.areas)),
        "type": record.type,
        "orientation": record.orientation,
        "roles": sorted(record.roles),
        "status_at_start": before.status if before is not None else None,
        "status": record.status,
        "participants": participants,
        "funding": sorted(record.funding, key=lambda f: (f["year"], f["source"], f["amount_sek"])),
        "budget_sek": record.budget_sek,
        "funding_for_year_sek": sum(int(f["amount_sek"]) for f in record.funding if f["year"] == year),
        "results": {t: [r for r in record.results if r["type"] == t] for t in RESULT_TYPES},
        "indicators": [
            {
                "name": name,
                "target": ind["target"],
                "unit": ind["unit"],
                "latest": (sorted(ind["measurements"])[-1] if ind["measurements"] else None),
            }
            for name, ind in sorted(record.indicators.items())
        ],
    }


def coverage_rows(report: CoverageReport, region: str, focus: dict[str, str] | None) -> list[dict[str, Any]]:
    medians = cov.area_medians({k: c.weighted for k, c in report.cells.items()}, report.areas, REGIONS)
    rows = []
    for area in report.areas:
        cell = report.cells[(region, area)]
        level = (focus or {}).get(area, "none")
        rows.append(
            {
                "area": area,
                "initiatives": cell.initiatives,
                "weighted": float(cell.weighted),
                "pipeline": cell.pipeline,
                "budget_sek": round_half_up(cell.budget),
                "actors": cell.actors,
                "gap": report.gaps[(region, area)],
                "national_median_weighted": float(medians[area]),
                "national_weighted": float(report.national[area].weighted),
                "focus": level if focus is not None else None,
                "verdict": focus_verdict(level, cell.initiatives) if focus is not None else None,
            }
        )
    return rows


def coverage_changes(before: CoverageReport, after: CoverageReport, region: str) -> list[dict[str, Any]]:
    from kompass.application.views import coverage_diff

    return [c for c in coverage_diff(before, after) if c["region"] == region]


def tallies(entries: list[dict[str, Any]], framework: Framework, year: int) -> dict[str, Any]:
    by_area_type = {a: {t: 0 for t in INITIATIVE_TYPES} for a in framework.area_keys}
    for e in entries:
        for a in e["areas"]:
            by_area_type[a][e["type"]] += 1
    funding = {s: 0 for s in FUNDING_SOURCES}
    for e in entries:
        for line in e["funding"]:
            funding[line["source"]] += int(line["amount_sek"])
    results = {
        t: [{"ref": e["ref"], **r} for e in entries for r in e["results"][t] if r["effective"][:4] == str(year)] for t in RESULT_TYPES
    }
    for listed in results.values():
        listed.sort(key=lambda r: (r["effective"], r["ref"], r["text"]))
    return {
        "by_area_and_type": by_area_type,
        "by_status": {s: sum(1 for e in entries if e["status"] == s) for s in STATUSES},
        "funding_by_source_sek": funding,
        "funding_total_sek": sum(funding.values()),
        "funding_for_year_sek": sum(e["funding_for_year_sek"] for e in entries),
        "results": results,
    }


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
    assessment: dict[str, Any] | None
    previous_assessment: dict[str, Any] | None
    movement: str
    score_change: int | None
    coordinator: str | None
    initiatives: list[dict[str, Any]]
    """The year's portfolio (`initiative_entry`), by ref."""
    by_area_and_type: dict[str, dict[str, int]]
    by_status: dict[str, int]
    funding_by_source_sek: dict[str, int]
    funding_total_sek: int
    funding_for_year_sek: int
    results: dict[str, list[dict[str, Any]]]
    coverage: list[dict[str, Any]]
    """The region's coverage per area at the year's end, with declared focus (`coverage_rows`)."""
    gaps: list[dict[str, Any]]
    declared_unbacked: list[str]
    weakest_area_nationally: str
    network: dict[str, Any] | None
    changes: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def annual_report(
    facts: Iterable[Fact],
    region: str,
    year: int,
    framework: Framework,
    network: NetworkSection | None = None,
    known_at: datetime | None = None,
) -> AnnualReport:
    """The annual report of `region` for `year`; with `known_at`, from what had been recorded by then."""
    replay = replay_year(facts, year, known_at=known_at)
    start, end = year_coverage(replay, framework)
    state = replay.end
    live = live_in_year(replay)
    records = sorted((r for r in state.initiatives.values() if r.ref in live), key=lambda r: r.ref)
    ours = [r for r in records if region in initiative_facts(r, state.actor).regions]
    entries = [initiative_entry(r, state, replay, framework) for r in ours]
    moved = region_movement(replay, region, framework)
    focus = moved["assessment"]["focus"] if moved["assessment"] else None
    rows = coverage_rows(end, region, focus)
    started = [e["ref"] for e in entries if e["status_at_start"] is None]
    finished = [e["ref"] for e in entries if e["status"] == "completed" and e["status_at_start"] != "completed"]
    return AnnualReport(
        region=region,
        name=REGIONS[region],
        year=year,
        framework=framework.key,
        area_names={a.key: a.name for a in framework.areas},
        as_of=replay.end_date.isoformat(),
        known_at=known_at.isoformat() if known_at else None,
        assessment=moved["assessment"],
        previous_assessment=moved["previous"],
        movement=moved["movement"],
        score_change=moved["score_change"],
        coordinator=state.coordinators.get(region),
        initiatives=entries,
        **tallies(entries, framework, year),
        coverage=rows,
        gaps=[{"area": r["area"], "kind": r["gap"]} for r in rows if r["gap"] is not None],
        declared_unbacked=[r["area"] for r in rows if r["verdict"] == "unbacked"],
        weakest_area_nationally=area_ranking(end)[-1],
        network=network(state, region) if network is not None else None,
        changes={
            "started": started,
            "completed": finished,
            "coverage": coverage_changes(start, end, region),
            "events": year_events(replay, {e["ref"] for e in entries}, region),
        },
    )
