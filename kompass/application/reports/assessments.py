"""The regions' self-assessments in a report: the year's and the one before, the movement between
them, and how the declared focus meets the counting initiatives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kompass.application.coverage import CoverageReport
from kompass.application.records import AssessmentRecord
from kompass.domain.coverage import DECLARED_FOCUS
from kompass.domain.framework import Framework
from kompass.domain.vocabulary import REGIONS

__all__ = ["MOVEMENTS", "AssessmentView", "RegionMovement", "assessment_view", "focus_verdict", "movement", "previous_assessment",
           "region_movement", "unbacked_areas"]

MOVEMENTS = ("improved", "unchanged", "declined", "not_comparable")


@dataclass(frozen=True)
class AssessmentView:
    """A self-assessment as a report shows it: its declared focus given for every area ("none" where not declared)."""

    year: int
    score: int
    light: str
    focus: dict[str, str]
    effective: str


@dataclass(frozen=True)
class RegionMovement:
    """A region's assessment of the year, its latest earlier one, and how the score moved between them."""

    region: str
    name: str
    assessment: AssessmentView | None
    previous: AssessmentView | None
    movement: str
    score_change: int | None


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


def assessment_view(a: AssessmentRecord | None, framework: Framework) -> AssessmentView | None:
    if a is None:
        return None
    from kompass.application.coverage import latest_focus

    focus = latest_focus([a], date.max, framework).get(a.region, {})
    return AssessmentView(a.year, a.score, a.light, {area: focus.get(area, "none") for area in framework.area_keys}, a.effective)


def region_movement(assessments: dict[tuple[str, int], AssessmentRecord], region: str, year: int, framework: Framework) -> RegionMovement:
    """The movement of `region` into `year`, from every assessment up to the report's position."""
    now = assessments.get((region, year))
    before = previous_assessment(assessments, region, year)
    return RegionMovement(
        region=region,
        name=REGIONS[region],
        assessment=assessment_view(now, framework),
        previous=assessment_view(before, framework),
        movement=movement(now, before),
        score_change=now.score - before.score if now and before else None,
    )


def focus_verdict(level: str, initiatives: int) -> str:
    """How declared focus and counting initiatives meet: backed, unbacked (declared_unbacked of docs/definitions.md),
    beyond_focus (work where little or no focus was declared) or quiet (neither)."""
    declared = level in DECLARED_FOCUS
    if declared:
        return "backed" if initiatives else "unbacked"
    return "beyond_focus" if initiatives else "quiet"


def unbacked_areas(report: CoverageReport, region: str, assessment: AssessmentView | None) -> list[str]:
    """Areas the year's self-assessment declares medium or high focus for, with no counting initiative."""
    if assessment is None:
        return []
    return [a for a in report.areas if focus_verdict(assessment.focus[a], report.cells[(region, a)].initiatives) == "unbacked"]
