"""The year a report covers: the portfolio replayed from the log, as of the year's end and the year before.

A report is made from the log up to one position (its head when it is made), so the same
position always gives the same report: everything is replayed from the facts, by effective
dates, and every list is sorted. Self-assessments for a year are recorded after it ends
(coordinators report by 31 January), so a year's assessment is taken from the whole log
up to the position, whatever its effective date; everything else is as of 31 December.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from kompass.application.coverage import CoverageReport, report_from_state
from kompass.application.facts import Fact
from kompass.application.history import describe, keyed
from kompass.application.records import AssessmentRecord, InitiativeRecord, initiative_facts
from kompass.application.state import PortfolioState, visible
from kompass.domain.coverage import DECLARED_FOCUS
from kompass.domain.framework import Framework
from kompass.domain.status import FINAL
from kompass.domain.vocabulary import REGIONS

MOVEMENTS = ("improved", "unchanged", "declined", "not_comparable")


@dataclass
class YearReplay:
    """The portfolio at the end of the year before and of the year itself, in one pass over the log."""

    year: int
    start: PortfolioState = field(default_factory=PortfolioState)
    end: PortfolioState = field(default_factory=PortfolioState)
    assessments: dict[tuple[str, int], AssessmentRecord] = field(default_factory=dict)
    """Every self-assessment up to the position, whatever its effective date (a repeat replaces)."""
    during: list[tuple[Fact, str]] = field(default_factory=list)
    """Initiative and portfolio facts effective during the year, with their aggregate's key."""
    start_refs: dict[str, InitiativeRecord] = field(default_factory=dict)
    """The initiatives at the end of the year before, by ref."""

    @property
    def start_date(self) -> date:
        return date(self.year - 1, 12, 31)

    @property
    def end_date(self) -> date:
        return date(self.year, 12, 31)


def replay_year(facts: Iterable[Fact], year: int, keep_changes: bool = True, known_at: datetime | None = None) -> YearReplay:
    """The year's replay; with `known_at`, only what had been recorded by then (the report as it could be written then)."""
    replay = YearReplay(year)
    every = PortfolioState()
    for fact, key, _region in keyed(facts):
        if known_at is not None and fact.recorded_at > known_at:
            continue
        if visible(fact, replay.start_date, None):
            replay.start.apply(fact)
        if visible(fact, replay.end_date, None):
            replay.end.apply(fact)
        if fact.aggregate == "portfolio":
            every.apply(fact)
        if keep_changes and fact.aggregate != "actor" and fact.effective.year == year:
            replay.during.append((fact, key))
    replay.assessments = every.assessments
    replay.start_refs = {r.ref: r for r in replay.start.initiatives.values()}
    return replay


def movement(now: AssessmentRecord | None, before: AssessmentRecord | None) -> str:
    if now is None or before is None:
        return "not_comparable"
    if now.score > before.score:
        return "improved"
    return "declined" if now.score < before.score else "unchanged"


def previous_assessment(assessments: dict[tuple[str, int], AssessmentRecord], region: str, year: int) -> AssessmentRecord | None:
    """The region's assessment of its latest assessed year before `year`."""
    earlier = [a for (r, y), a in assessments.items() if r == region and y < year]
    return max(earlier, key=lambda a: a.year) if earlier else None


def assessment_json(a: AssessmentRecord | None, framework: Framework) -> dict[str, Any] | None:
    if a is None:
        return None
    from kompass.application.coverage import latest_focus

    focus = latest_focus([a], date.max, framework).get(a.region, {})
    return {
        "year": a.year,
        "score": a.score,
        "light": a.light,
        "focus": {area: focus.get(area, "none") for area in framework.area_keys},
        "effective": a.effective,
    }


def region_movement(replay: YearReplay, region: str, framework: Framework) -> dict[str, Any]:
    now = replay.assessments.get((region, replay.year))
    before = previous_assessment(replay.assessments, region, replay.year)
    return {
        "region": region,
        "name": REGIONS[region],
        "assessment": assessment_json(now, framework),
        "previous": assessment_json(before, framework),
        "movement": movement(now, before),
        "score_change": now.score - before.score if now and before else None,
    }


def area_ranking(report: CoverageReport) -> list[str]:
    """Areas by national weighted coverage, highest first; ties in the framework's order."""
    areas = report.areas
    return sorted(areas, key=lambda a: (-report.national[a].weighted, areas.index(a)))


def year_coverage(replay: YearReplay, framework: Framework) -> tuple[CoverageReport, CoverageReport]:
    """Coverage at the end of the year before, and at the end of the year."""
    return (
        report_from_state(replay.start, framework, replay.start_date),
        report_from_state(replay.end, framework, replay.end_date),
    )


def regions_of(state: PortfolioState) -> dict[str, frozenset[str]]:
    """Each initiative's regions (lead region and regions taking part), by ref."""
    return {r.ref: initiative_facts(r, state.actor).regions for r in state.initiatives.values()}


def collaborations(state: PortfolioState, framework: Framework) -> list[dict[str, Any]]:
    """Initiatives that span more than one region (not cancelled), by ref."""
    out = []
    for record in sorted(state.initiatives.values(), key=lambda r: r.ref):
        regions = initiative_facts(record, state.actor).regions
        if len(regions) > 1 and record.status != "cancelled":
            out.append(
                {
                    "ref": record.ref,
                    "title": record.title,
                    "lead": record.region,
                    "regions": sorted(regions),
                    "areas": list(framework.view(record.areas)),
                    "status": record.status,
                }
            )
    return out


def year_events(replay: YearReplay, refs: set[str], region: str) -> list[dict[str, Any]]:
    """The year's recorded changes to these initiatives and to the region's portfolio, by date then position."""
    events = []
    for fact, key in replay.during:
        if (fact.aggregate == "initiative" and key in refs) or (fact.aggregate == "portfolio" and key == region):
            events.append(
                {
                    "position": fact.position,
                    "effective": fact.effective.isoformat(),
                    "by": fact.by,
                    "key": key,
                    "type": fact.type,
                    "summary": describe(fact, key),
                    "data": {k: v for k, v in fact.data.items() if isinstance(v, (str, int, float))},
                }
            )
    events.sort(key=lambda e: (e["effective"], e["position"]))
    return events


def live_in_year(replay: YearReplay) -> set[str]:
    """The year's portfolio: initiatives that exist at the year's end and were not already final when
    the year began, or that changed during it."""
    touched = {key for fact, key in replay.during if fact.aggregate == "initiative"}
    final_before = {r.ref for r in replay.start.initiatives.values() if r.status in FINAL}
    return {r.ref for r in replay.end.initiatives.values() if r.ref not in final_before or r.ref in touched}


def focus_verdict(level: str, initiatives: int) -> str:
    """How declared focus and counting initiatives meet: backed, unbacked (declared_unbacked of docs/definitions.md),
    beyond_focus (work where little or no focus was declared) or quiet (neither)."""
    declared = level in DECLARED_FOCUS
    if declared:
        return "backed" if initiatives else "unbacked"
    return "beyond_focus" if initiatives else "quiet"


def unbacked_areas(report: CoverageReport, region: str, assessment: dict[str, Any] | None) -> list[str]:
    """Areas the year's self-assessment declares medium or high focus for, with no counting initiative."""
    if assessment is None:
        return []
    return [a for a in report.areas if focus_verdict(assessment["focus"][a], report.cells[(region, a)].initiatives) == "unbacked"]


def largest_gaps(report: CoverageReport, limit: int = 5) -> list[dict[str, Any]]:
    """The regions with the most gap cells (absent, pipeline only or thin), most first, then by code."""
    per_region = [
        {"region": r, "name": REGIONS[r], "gaps": [{"area": a, "kind": k} for rr, a, k in report.gap_list() if rr == r]}
        for r in REGIONS
    ]
    ranked = sorted((g for g in per_region if g["gaps"]), key=lambda g: (-len(g["gaps"]), g["region"]))
    return ranked[:limit]


def region_pairs(collaborations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """How many multi-region initiatives each pair of regions shares, most first, then by codes."""
    counts: dict[tuple[str, str], int] = {}
    for c in collaborations:
        regions = c["regions"]
        for i, a in enumerate(regions):
            for b in regions[i + 1 :]:
                counts[(a, b)] = counts.get((a, b), 0) + 1
    return [{"regions": [a, b], "initiatives": n} for (a, b), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
