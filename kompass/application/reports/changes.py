"""What was corrected after a reporting deadline: every change recorded after it that alters a region's
figures for a year, with who recorded it and why, and the figures before and after.

"Alters the year's figures": a change to one of the region's initiatives effective by the year's
end (so the portfolio as of 31 December differs), or a change to the region's self-assessment
for that year. The figures are the annual report's, made twice from the same log: once with
only what had been recorded by the deadline (`--known-at`), once with everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from kompass.application.facts import Fact
from kompass.application.json_shape import json_key, to_plain
from kompass.application.reports.annual import AnnualReport, CoverageRow, annual_report
from kompass.application.reports.events import RecordedChange, recorded_change
from kompass.application.reports.year import YearSource
from kompass.domain.framework import Framework

TALLIED = ("funding_total_sek", "funding_for_year_sek", "by_status")
"""The annual report's counts compared (`annual.Tallies`)."""
COMPARED = ("movement", "score_change", "declared_unbacked")
"""The annual report's figures compared besides its counts, the coverage rows and the assessment."""
UNCOMPARED_COVERAGE = ("area", "national_median_weighted", "national_weighted")
"""Coverage columns that are no figure of the region's (the area names the row; national figures move with every region)."""


@dataclass(frozen=True)
class FigureChange:
    figure: str
    """The annual report's figure: a field, `area.field` of a coverage row, or `assessment.score|light`."""
    before: Any = field(metadata=json_key("from"))
    after: Any = field(metadata=json_key("to"))


@dataclass(frozen=True)
class LateChanges:
    region: str
    name: str
    year: int
    since: str
    framework: str
    area_names: dict[str, str]
    events: list[RecordedChange]
    figures: list[FigureChange]
    initiatives_before: int
    initiatives_after: int

    def to_json(self) -> dict[str, Any]:
        return dict(to_plain(self))


def late_changes(
    before: YearSource, after: YearSource, late: Iterable[tuple[Fact, str]], region: str, year: int, framework: Framework
) -> LateChanges:
    """The corrections to `region`'s figures for `year`: `before` gives the year as recorded by the deadline, `after`
    with everything, `late` the facts recorded after the deadline (with their aggregates' keys)."""
    since = before.known_at
    if since is None:
        raise ValueError("the year before the corrections is the year as recorded by the deadline (known_at)")
    was = annual_report(before, region, year, framework)
    now = annual_report(after, region, year, framework)
    ours = {e.ref for e in was.initiatives} | {e.ref for e in now.initiatives}
    end = date(year, 12, 31)
    events = []
    for fact, key in late:
        initiative = fact.aggregate == "initiative" and key in ours and fact.effective <= end
        assessment = fact.aggregate == "portfolio" and key == region and fact.type == "SelfAssessed" and fact.data["year"] == year
        if initiative or assessment:
            events.append(recorded_change(fact, key, late=True))
    return LateChanges(
        region=region,
        name=now.name,
        year=year,
        since=since.isoformat(timespec="seconds"),
        framework=framework.key,
        area_names=now.area_names,
        events=events,
        figures=changed_figures(was, now),
        initiatives_before=len(was.initiatives),
        initiatives_after=len(now.initiatives),
    )


def changed_figures(before: AnnualReport, after: AnnualReport) -> list[FigureChange]:
    """The annual report's figures that differ between the two reports, coverage rows first."""
    figures = []
    compared = [f.name for f in fields(CoverageRow) if f.name not in UNCOMPARED_COVERAGE]
    for row_before, row_after in zip(before.coverage, after.coverage, strict=True):
        for name in compared:
            old, new = getattr(row_before, name), getattr(row_after, name)
            if old != new:
                figures.append(FigureChange(f"{row_after.area}.{name}", old, new))
    pairs = [(name, before.tallies, after.tallies) for name in TALLIED] + [(name, before, after) for name in COMPARED]
    for name, was_in, now_in in pairs:
        old, new = getattr(was_in, name), getattr(now_in, name)
        if old != new:
            figures.append(FigureChange(name, old, new))
    for name in ("score", "light"):
        was = getattr(before.assessment, name) if before.assessment else None
        now = getattr(after.assessment, name) if after.assessment else None
        if was != now:
            figures.append(FigureChange(f"assessment.{name}", was, now))
    return figures
