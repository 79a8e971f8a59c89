"""The year a report covers: the portfolio as of the year's end and the year before, every self-assessment,
and the facts effective during the year.

A report is made from the log up to one position (its head when it is made), so the same
position always gives the same report: everything is taken from the facts, by effective
dates, and every list is sorted. Self-assessments for a year are recorded after it ends
(coordinators report by 31 January), so a year's assessment is taken from the whole log
up to the position, whatever its effective date; everything else is as of 31 December.

Two ways to the same year: `replay_year` folds the log from its start (the reference), and
`indexed_year` reads the bitemporal rows (docs/definitions.md#time): two past states, the
regions' assessments and only the year's own facts, so a past year costs about what the present
one does however long the log is. Property tests hold the two equal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from kompass.application.coverage import CoverageReport, report_from_state
from kompass.application.facts import Fact
from kompass.application.history import keyed
from kompass.application.ports import PastYears
from kompass.application.records import AssessmentRecord, InitiativeRecord
from kompass.application.state import PortfolioState, visible
from kompass.domain.framework import Framework
from kompass.domain.status import FINAL


@dataclass
class ReportedYear:
    """The portfolio at the end of the year before and of the year itself, and what changed in the year."""

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


def replay_year(facts: Iterable[Fact], year: int, keep_changes: bool = True, known_at: datetime | None = None) -> ReportedYear:
    """The year's replay; with `known_at`, only what had been recorded by then (the report as it could be written then)."""
    replay = ReportedYear(year)
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


def indexed_year(index: PastYears, year: int, keep_changes: bool = True, known_at: datetime | None = None,
                 keep_start: bool = True) -> ReportedYear:
    """The year read from the bitemporal rows: what `replay_year` folds, without reading the rest of the log.
    Without `keep_start`, the year before is left empty (the national figures need only the year's end)."""
    reported = ReportedYear(year)
    if keep_start:
        reported.start = index.past_state(reported.start_date, known_at)
    reported.end = index.past_state(reported.end_date, known_at)
    reported.assessments = index.past_assessments(known_at)
    if keep_changes:
        reported.during = index.facts_effective(date(year, 1, 1), reported.end_date, known_at)
    reported.start_refs = {r.ref: r for r in reported.start.initiatives.values()}
    return reported


def year_coverage(replay: ReportedYear, framework: Framework) -> tuple[CoverageReport, CoverageReport]:
    """Coverage at the end of the year before, and at the end of the year."""
    return (
        report_from_state(replay.start, framework, replay.start_date),
        report_from_state(replay.end, framework, replay.end_date),
    )


def area_ranking(report: CoverageReport) -> list[str]:
    """Areas by national weighted coverage, highest first; ties in the framework's order."""
    areas = report.areas
    return sorted(areas, key=lambda a: (-report.national[a].weighted, areas.index(a)))


def live_in_year(replay: ReportedYear) -> set[str]:
    """The year's portfolio: initiatives that exist at the year's end and were not already final when
    the year began, or that changed during it."""
    touched = {key for fact, key in replay.during if fact.aggregate == "initiative"}
    final_before = {r.ref for r in replay.start.initiatives.values() if r.status in FINAL}
    return {r.ref for r in replay.end.initiatives.values() if r.ref not in final_before or r.ref in touched}


@dataclass(frozen=True)
class YearSource:
    """Where a report's years come from, the log replayed or the bitemporal rows, as recorded by `known_at`."""

    year: Callable[[int, bool], ReportedYear]
    """The year (with its changes, or only its end and assessments when the second argument is False)."""
    first_year: Callable[[], int | None]
    """The first year in which the log has work (an initiative proposed) or a self-assessment (its year)."""
    known_at: datetime | None = None


def replayed_years(facts: Iterable[Fact], known_at: datetime | None = None) -> YearSource:
    """Years replayed from these facts (the log up to the report's position): the reference."""
    log = list(facts)

    def first_year() -> int | None:
        marks = (f for f in log if f.type in ("InitiativeProposed", "SelfAssessed"))
        return min((f.data["year"] if f.type == "SelfAssessed" else f.effective.year for f in marks), default=None)

    return YearSource(lambda year, changes: replay_year(log, year, changes, known_at), first_year, known_at)


def indexed_years(index: PastYears, known_at: datetime | None = None) -> YearSource:
    """Years read from the bitemporal rows (they stand for the log up to `index.position()`)."""
    return YearSource(lambda year, changes: indexed_year(index, year, changes, known_at, keep_start=changes), index.first_year, known_at)


class LogYears:
    """The log up to a report's position as a report reads it: years (as recorded by any time) and the facts
    recorded after a time; from the bitemporal rows when given, else replayed from `facts`."""

    def __init__(self, rows: PastYears | None = None, facts: Iterable[Fact] = ()) -> None:
        self.rows = rows
        self.facts = list(facts) if rows is None else []

    def years(self, known_at: datetime | None = None) -> YearSource:
        return indexed_years(self.rows, known_at) if self.rows is not None else replayed_years(self.facts, known_at)

    def recorded_after(self, moment: datetime) -> list[tuple[Fact, str]]:
        """The initiative and portfolio facts recorded after `moment`, in log order, with their aggregates' keys."""
        if self.rows is not None:
            return self.rows.facts_recorded_after(moment)
        return [(f, key) for f, key, _region in keyed(self.facts) if f.recorded_at > moment and f.aggregate in ("initiative", "portfolio")]
