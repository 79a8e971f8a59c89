"""Making a report: one call that reads the log up to a position, builds the report's figures and its
document, and says where they came from. Formats are the infrastructure's (`report_formats`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kompass.application.facts import Fact
from kompass.application.ports import FactLog
from kompass.application.reports.document import Document, Provenance
from kompass.application.reports.language import Language
from kompass.domain.errors import InvalidValue
from kompass.domain.framework import Framework
from kompass.domain.vocabulary import require_region, require_year

KINDS = ("annual", "national", "changes")


@dataclass(frozen=True)
class ReportRequest:
    kind: str
    year: int
    lang: str = "sv"
    region: str | None = None
    framework: str | None = None
    position: int | None = None
    known_at: datetime | None = None
    since: datetime | None = None
    command: str = ""
    """The command line that makes the report, without its --position (added here)."""


@dataclass(frozen=True)
class Report:
    """A made report: its figures (`data`, the JSON of our own shape), `contract` (the national JSON other
    programs read, None for the others), and the document every format renders."""

    data: dict[str, Any]
    contract: dict[str, Any] | None
    document: Document
    provenance: Provenance
    model: Any = None
    """The typed report the figures came from (`NationalReport`, `AnnualReport`), for programs in Python."""


class ReportService:
    def __init__(
        self,
        facts: FactLog,
        stamp: Callable[[int], tuple[int, str]],
        frameworks: Callable[[str | None], Framework],
        languages: Callable[[str], Language],
    ) -> None:
        self.facts = facts
        self.stamp = stamp
        """(N, the signed checkpoint (signed-note text) of the first checkpoint covering position N)."""
        self.frameworks = frameworks
        self.languages = languages

    def make(self, request: ReportRequest) -> Report:
        if request.kind not in KINDS:
            raise InvalidValue(f"unknown report {request.kind!r}: use {', '.join(KINDS)}")
        require_year(request.year)
        if request.region is not None:
            require_region(request.region)
        lang = self.languages(request.lang)
        framework = self.frameworks(request.framework)
        head = self.facts.head()
        if request.position is not None and request.position > head:
            raise InvalidValue(f"the log has {head} events: --position must be at most {head}")
        at, checkpoint = self.stamp(head if request.position is None else request.position)
        provenance = Provenance(at, checkpoint, f"{request.command} --position {at}",
                                request.known_at.isoformat(timespec="seconds") if request.known_at else None)
        facts = list(self.facts.facts(upto=at))
        if request.kind == "national":
            return self._national(facts, request, framework, provenance, lang)
        if request.region is None:
            raise InvalidValue(f"the {request.kind} report needs --region")
        if request.kind == "annual":
            from kompass.application.reports.annual import annual_report
            from kompass.application.reports.annual_views import annual_document
            from kompass.application.reports.network import region_network

            report = annual_report(facts, request.region, request.year, framework, region_network, request.known_at)
            stamped = {**report.to_json(), "log": {"position": at, "checkpoint": checkpoint}}
            return Report(stamped, None, annual_document(report, provenance, lang), provenance, report)
        from kompass.application.reports.changes import late_changes
        from kompass.application.reports.changes_views import changes_document

        if request.since is None:
            raise InvalidValue("the changes report needs --since")
        data = late_changes(facts, request.region, request.year, request.since, framework)
        stamped = {**data, "log": {"position": at, "checkpoint": checkpoint}}
        return Report(stamped, None, changes_document(data, provenance, lang), provenance)

    def _national(self, facts: list[Fact], request: ReportRequest, framework: Framework, provenance: Provenance, lang: Language) -> Report:
        from kompass.application.reports.national import national_report
        from kompass.application.reports.national_views import national_document
        from kompass.application.reports.network import national_network

        report = national_report(facts, request.year, framework, national_network, request.known_at)
        contract = report.to_json()
        return Report(contract, contract, national_document(report, provenance, lang), provenance, report)
