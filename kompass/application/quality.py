"""`kompass check`: what is missing before the annual report, as a list a coordinator works through.

The year's portfolio is the one the annual report describes (the initiatives live in the year,
as of 31 December, or today for the running year), so a clean check means the report has no
holes of these kinds:
- `active_without_partners`: an active initiative no actor besides the lead region takes part in;
- `completed_without_results`: a completed initiative with no recorded result;
- `funded_without_line_for_year`: an initiative that counts and has funding lines, none for the year;
- `declared_focus_without_initiatives`: the latest self-assessment declares medium or high focus on
  an area in which the region has no counting initiative;
- `indicator_never_measured`: an indicator of a live, not cancelled initiative without any value;
- `assessment_missing`: no self-assessment of the region for the year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kompass.application.coverage import build_report, cells_from_records
from kompass.application.ports import FactLog
from kompass.application.records import InitiativeRecord, current_participants
from kompass.application.reports.year import live_in_year, replay_year
from kompass.domain.framework import Framework
from kompass.domain.status import COUNTING
from kompass.domain.vocabulary import REGIONS, region_actor_key, require_region, require_year

KINDS = (
    "active_without_partners",
    "completed_without_results",
    "funded_without_line_for_year",
    "declared_focus_without_initiatives",
    "indicator_never_measured",
    "assessment_missing",
)
COLUMNS = ("region", "kind", "ref", "area", "message")


@dataclass(frozen=True)
class Finding:
    region: str
    kind: str
    message: str
    ref: str | None = None
    area: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"region": self.region, "kind": self.kind, "ref": self.ref, "area": self.area, "message": self.message}


def check_portfolios(log: FactLog, framework: Framework, year: int, region: str | None = None) -> list[Finding]:
    """Every finding for the year, sorted by region, kind (in the order above), then ref or area."""
    require_year(year)
    if region is not None:
        require_region(region)
    replay = replay_year(log.facts(), year, keep_changes=True)
    live = live_in_year(replay)
    state = replay.end
    findings: list[Finding] = []
    for record in state.initiatives.values():
        if record.ref in live:
            findings += _initiative_findings(record, year, current_participants(record, state.actor))
    # the year's assessment is recorded after it ends (by 31 January): taken from the whole log, as the report does
    assessments = [a for a in replay.assessments.values() if a.year <= year]
    cells, national = cells_from_records(state.initiatives.values(), state.actor, framework)
    coverage = build_report(framework, max(replay.end_date, date.today()), cells, national, assessments)
    for r, area in coverage.declared_unbacked:
        findings.append(Finding(r, KINDS[3], f"focus declared on {area} but no initiative counts there", area=area))
    for code in REGIONS:
        if (code, year) not in replay.assessments:
            findings.append(Finding(code, KINDS[5], f"no self-assessment for {year}"))
    wanted = [f for f in findings if region is None or f.region == region]
    return sorted(wanted, key=lambda f: (f.region, KINDS.index(f.kind), f.ref or "", f.area or ""))


def _initiative_findings(record: InitiativeRecord, year: int, participants: dict[str, str]) -> list[Finding]:
    found: list[Finding] = []

    def add(kind: str, message: str) -> None:
        found.append(Finding(record.region, kind, message, ref=record.ref))

    if record.status == "active" and set(participants) <= {region_actor_key(record.region)}:
        add(KINDS[0], "active, but no actor besides the lead region takes part")
    if record.status == "completed" and not record.results:
        add(KINDS[1], "completed without a recorded result")
    if record.status in COUNTING and record.funding and all(line["year"] != year for line in record.funding):
        add(KINDS[2], f"funded, but no funding line for {year}")
    if record.status != "cancelled":
        for name, indicator in sorted(record.indicators.items()):
            if not indicator["measurements"]:
                add(KINDS[4], f"indicator {name} has never been measured")
    return found
