"""What was corrected after a reporting deadline: every change recorded after it that alters a region's
figures for a year, with who recorded it and why, and the figures before and after.

"Alters the year's figures": a change to one of the region's initiatives effective by the year's
end (so the portfolio as of 31 December differs), or a change to the region's self-assessment
for that year. The figures are the annual report's, made twice from the same log: once with
only what had been recorded by the deadline (`--known-at`), once with everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from kompass.application.facts import Fact
from kompass.application.history import describe, keyed
from kompass.application.reports.annual import annual_report
from kompass.domain.framework import Framework

COMPARED = ("funding_total_sek", "funding_for_year_sek", "by_status", "movement", "score_change", "declared_unbacked")


def late_changes(facts: Iterable[Fact], region: str, year: int, since: datetime, framework: Framework) -> dict[str, Any]:
    log = list(facts)
    before = annual_report(log, region, year, framework, known_at=since)
    after = annual_report(log, region, year, framework)
    ours = {e["ref"] for e in before.initiatives} | {e["ref"] for e in after.initiatives}
    end = date(year, 12, 31)
    events = []
    for fact, key, _region in keyed(log):
        if fact.recorded_at <= since:
            continue
        initiative = fact.aggregate == "initiative" and key in ours and fact.effective <= end
        assessment = fact.aggregate == "portfolio" and key == region and fact.type == "SelfAssessed" and fact.data["year"] == year
        if initiative or assessment:
            events.append({
                "position": fact.position,
                "recorded_at": fact.recorded_at.isoformat(timespec="seconds"),
                "effective": fact.effective.isoformat(),
                "by": fact.by,
                "key": key,
                "type": fact.type,
                "summary": describe(fact, key),
                "data": {k: v for k, v in fact.data.items() if isinstance(v, (str, int, float))},
                "reason": str(fact.data.get("reason") or ""),
            })
    figures = []
    for row_before, row_after in zip(before.coverage, after.coverage, strict=True):
        for field, value in row_after.items():
            if field not in ("area", "national_median_weighted", "national_weighted") and row_before[field] != value:
                figures.append({"figure": f"{row_after['area']}.{field}", "from": row_before[field], "to": value})
    for field in COMPARED:
        old, new = getattr(before, field), getattr(after, field)
        if old != new:
            figures.append({"figure": field, "from": old, "to": new})
    for field in ("score", "light"):
        was, now = (before.assessment or {}).get(field), (after.assessment or {}).get(field)
        if was != now:
            figures.append({"figure": f"assessment.{field}", "from": was, "to": now})
    return {
        "region": region,
        "name": after.name,
        "year": year,
        "since": since.isoformat(timespec="seconds"),
        "framework": framework.key,
        "area_names": after.area_names,
        "events": events,
        "figures": figures,
        "initiatives_before": len(before.initiatives),
        "initiatives_after": len(after.initiatives),
    }
