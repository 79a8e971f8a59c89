"""The lookups of the portfolio as use cases: initiatives, actors, a region's self-assessments and the
data-quality check. `kompass initiative show|list`, `actor show|list`, `portfolio show` and `check` call
one method each and only format what comes back; Python programs call the same methods.

Present answers come from the read model, caught up with the log first; past ones (`When`) from the
bitemporal rows when they are at the head of the log, else from a replay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from kompass.application.coverage import CoverageReport
from kompass.application.initiative_query import InitiativeFilter, find_initiatives, show_initiative
from kompass.application.ports import FactLog, PastStates, ReadModelPort
from kompass.application.quality import Finding, check_portfolios
from kompass.application.queries import coverage_report, past_coverage
from kompass.application.views import actor_json
from kompass.application.when import NOW, When
from kompass.domain.errors import NotFound
from kompass.domain.framework import Framework
from kompass.domain.text import normal
from kompass.domain.vocabulary import ACTOR_KINDS, REGIONS, require_one_of, require_region

__all__ = ["ActorFilter", "Assessments", "PortfolioQueries", "QualityCheck"]


@dataclass(frozen=True)
class ActorFilter:
    kind: str | None = None
    region: str | None = None
    merged: bool = False
    """Include the actors merged into others."""

    def check(self) -> None:
        """A misspelt filter is refused, not answered with an empty list."""
        if self.kind is not None:
            require_one_of(self.kind, ACTOR_KINDS, "actor kind")
        if self.region is not None:
            require_region(self.region)


@dataclass(frozen=True)
class Assessments:
    """A region's self-assessments, year by year (the rows `portfolio show` prints)."""

    region: str
    name: str
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class QualityCheck:
    """What `kompass check` found for the year (and the region, None for all)."""

    year: int
    region: str | None
    findings: list[Finding]


class PortfolioQueries:
    def __init__(
        self,
        read_model: Callable[[], ReadModelPort],
        facts: FactLog,
        past_index: Callable[[], PastStates | None],
        framework: Framework,
        today: Callable[[], date],
        frameworks: Callable[[str | None], Framework],
    ) -> None:
        self.read_model = read_model
        """The present-time read model, caught up with the log first."""
        self.facts = facts
        self.past_index = past_index
        """The bitemporal rows when they are at the head of the log, else None (then the log is replayed)."""
        self.framework = framework
        self.today = today
        self.frameworks = frameworks
        """Loads a framework by key or file (None: the base one)."""

    def _index(self, when: When) -> PastStates | None:
        return None if when.is_present else self.past_index()

    def coverage_report(self, framework: str | None = None, when: When = NOW) -> CoverageReport:
        """Coverage under `framework` (a key or a file; None: the base one), now or at a past point."""
        chosen = self.frameworks(framework)
        if when.is_present:
            return coverage_report(self.read_model(), self.facts, chosen, self.today())
        return past_coverage(self.facts, chosen, self.today(), when.as_of, when.known_at, self.past_index())

    def initiative(self, ref: str, when: When = NOW) -> dict[str, Any]:
        """One initiative as a JSON object, now or as it was; NotFound names the ref."""
        return show_initiative(self.read_model(), self.facts, ref, when.as_of, when.known_at, self._index(when))

    def initiatives(self, wanted: InitiativeFilter, when: When = NOW) -> list[dict[str, Any]]:
        """The initiatives that pass every filter, as JSON objects (`initiative list --format json`)."""
        return find_initiatives(self.read_model(), self.facts, self.framework, wanted, when.as_of, when.known_at, self._index(when))

    def actor(self, key: str) -> dict[str, Any]:
        """One actor as a JSON object; keys are compared in NFC, as they are stored."""
        key = normal(key)
        actors = self.read_model().actors()
        if key not in actors:
            raise NotFound(f"no actor with key {key!r}")
        return actor_json(actors[key])

    def actors(self, wanted: ActorFilter = ActorFilter()) -> list[dict[str, Any]]:
        """The actors that pass the filter, as JSON objects."""
        wanted.check()
        return [
            actor_json(a) for a in self.read_model().actors().values()
            if (wanted.kind is None or a.kind == wanted.kind) and (wanted.region is None or a.region == wanted.region)
            and (wanted.merged or a.merged_into is None)
        ]

    def assessments(self, region: str) -> Assessments:
        """The region's self-assessments, oldest year first."""
        require_region(region)
        found = sorted((a for a in self.read_model().assessments() if a.region == region), key=lambda a: a.year)
        rows = [{"year": a.year, "score": a.score, "light": a.light, "focus": a.focus, "effective": a.effective} for a in found]
        return Assessments(region, REGIONS[region], rows)

    def check(self, year: int | None = None, region: str | None = None) -> QualityCheck:
        """What is missing before the annual report of `year` (default: the current year)."""
        year = self.today().year if year is None else year
        return QualityCheck(year, region, check_portfolios(self.facts, self.framework, year, region))
