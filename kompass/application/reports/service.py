"""Making a report: one call that reads the log up to a position, builds the report's figures and its
document, and says where they came from. Formats are the infrastructure's (`report_formats`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from kompass.application.ports import FactLog, PastYears
from kompass.application.reports.document import Document, Provenance
from kompass.application.reports.language import Language
from kompass.application.reports.year import LogYears
from kompass.domain.errors import InvalidValue
from kompass.domain.framework import Framework
from kompass.domain.vocabulary import require_region, require_year

KINDS = ("annual", "national", "changes")
T = TypeVar("T")


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
    """The typed report the figures came from (`NationalReport`, `AnnualReport`, `LateChanges`), for programs in Python."""


class ReportService:
    def __init__(
        self,
        facts: FactLog,
        stamp: Callable[[int], tuple[int, str]],
        frameworks: Callable[[str | None], Framework],
        languages: Callable[[str], Language],
        past_years: Callable[[], PastYears | None] | None = None,
    ) -> None:
        self.facts = facts
        self.stamp = stamp
        """(N, the signed checkpoint (signed-note text) of the first checkpoint covering position N)."""
        self.frameworks = frameworks
        self.languages = languages
        self.past_years = past_years
        """The bitemporal rows, when they are at the head of the log (else None: the log is replayed)."""

    def make(self, request: ReportRequest) -> Report:
        if request.kind not in KINDS:
            raise InvalidValue(f"unknown report {request.kind!r}: use {', '.join(KINDS)}")
        require_year(request.year)
        if request.region is not None:
            require_region(request.region)
        if request.kind != "national" and request.region is None:
            raise InvalidValue(f"the {request.kind} report needs --region")
        if request.kind == "changes" and request.since is None:
            raise InvalidValue("the changes report needs --since")
        lang = self.languages(request.lang)
        framework = self.frameworks(request.framework)
        head = self.facts.head()
        if request.position is not None and request.position > head:
            raise InvalidValue(f"the log has {head} events: --position must be at most {head}")
        at, checkpoint = self.stamp(head if request.position is None else request.position)
        provenance = Provenance(at, checkpoint, f"{request.command} --position {at}",
                                request.known_at.isoformat(timespec="seconds") if request.known_at else None)
        log = {"log": {"position": at, "checkpoint": checkpoint}}
        if request.kind == "national":
            from kompass.application.reports.national import national_report
            from kompass.application.reports.national_views import national_document
            from kompass.application.reports.network import national_network

            national = self.read(at, lambda log: national_report(log.years(request.known_at), request.year, framework, national_network))
            contract = national.to_json()
            return Report(contract, contract, national_document(national, provenance, lang), provenance, national)
        region = request.region
        assert region is not None  # checked above
        if request.kind == "annual":
            from kompass.application.reports.annual import annual_report
            from kompass.application.reports.annual_views import annual_document
            from kompass.application.reports.network import region_network

            annual = self.read(at, lambda log: annual_report(log.years(request.known_at), region, request.year, framework, region_network))
            return Report({**annual.to_json(), **log}, None, annual_document(annual, provenance, lang), provenance, annual)
        from kompass.application.reports.changes import late_changes
        from kompass.application.reports.changes_views import changes_document

        since = request.since
        assert since is not None  # checked above
        changes = self.read(
            at, lambda log: late_changes(log.years(since), log.years(), log.recorded_after(since), region, request.year, framework)
        )
        return Report({**changes.to_json(), **log}, None, changes_document(changes, provenance, lang), provenance, changes)

    def read(self, at: int, build: Callable[[LogYears], T]) -> T:
        """What `build` makes of the log up to position `at`: from the bitemporal rows when they hold exactly that
        position (before and after the reading, so no batch landed in between), else replayed from the log."""
        rows = self.past_years() if self.past_years is not None else None
        if rows is not None and rows.position() == at:
            made = build(LogYears(rows))
            if rows.position() == at:
                return made
        return build(LogYears(facts=self.facts.facts(upto=at)))
