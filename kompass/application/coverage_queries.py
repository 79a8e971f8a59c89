"""Coverage, gaps and their change between two dates, as use cases. `kompass coverage`, `gaps` and `diff`
call one method each and format the report that comes back (`application/views.py` shapes it).

Where a report comes from is the caller's to say (`ReportSource`): the command line reads a current
SQLite store without opening it when it can (issue 7), and asks `PortfolioQueries.coverage_report`
otherwise; the checks of the filters and the comparison are the same either way, so they are here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from kompass.application.coverage import CoverageReport
from kompass.application.views import coverage_diff
from kompass.application.when import NOW, When
from kompass.domain.vocabulary import require_region

__all__ = ["CoverageQueries", "Question", "ReportSource"]

ReportSource = Callable[[str | None, When], CoverageReport]
"""The coverage report under a framework (a key or a file; None: the store's own) at a time."""


@dataclass(frozen=True)
class Question:
    """Coverage under `framework` (a key or a file; None: the store's own) at `when`, shown for `region` and `area`
    (None: all)."""

    framework: str | None = None
    when: When = NOW
    region: str | None = None
    area: str | None = None


class CoverageQueries:
    def __init__(self, report: ReportSource) -> None:
        self.report = report

    def coverage(self, question: Question = Question()) -> CoverageReport:
        """The report for every region and area; an unknown region or area to show is refused (not answered
        with an empty table). Gaps are part of the report (`views.gaps_json`)."""
        report = self.report(question.framework, question.when)
        if question.region is not None:
            require_region(question.region)
        if question.area is not None:
            report.framework.require_area(question.area)
        return report

    def diff(self, earlier: date, later: date, framework: str | None = None) -> list[dict[str, Any]]:
        """What changed in coverage and gaps from one effective date to another, a row per changed figure."""
        return coverage_diff(self.report(framework, When(as_of=earlier)), self.report(framework, When(as_of=later)))
