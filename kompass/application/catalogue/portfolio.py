"""The portfolio's events in the catalogue: how the read side keeps each one in a `PortfolioBook`
(the replayed state, a projection batch), says it in words, writes it back as a command, and which
projections it concerns.

Adding an event is one decorated function here.
"""

from __future__ import annotations

from collections.abc import Callable

from kompass.application.catalogue.entry import COVERAGE, RECORDS, Aggregate, Entry, Export, Summary
from kompass.application.facts import Fact
from kompass.application.records import AssessmentRecord, PortfolioBook

__all__ = ["EVENTS", "PORTFOLIO", "PortfolioFold", "apply_to_portfolio", "assessment_from"]

PORTFOLIO: Aggregate = Aggregate("portfolio", key_field="region", region_field="region")
PortfolioFold = Callable[[PortfolioBook, str, Fact], None]
"""(where portfolios are kept, the portfolio's region, the fact) -> None."""

EVENTS: dict[str, Entry[PortfolioFold]] = {}


def apply_to_portfolio(book: PortfolioBook, region: str, fact: Fact) -> None:
    entry = EVENTS.get(fact.type)
    if entry is not None:
        entry.fold(book, region, fact)


def _event(type: str, *, summary: Summary, export: Export | None, concerns: frozenset[str]) -> Callable[[PortfolioFold], PortfolioFold]:
    def register(fold: PortfolioFold) -> PortfolioFold:
        EVENTS[type] = Entry(type, PORTFOLIO, fold, summary, export, concerns)
        return fold

    return register


def assessment_from(fact: Fact, region: str) -> AssessmentRecord:
    d = fact.data
    return AssessmentRecord(
        region=region, year=d["year"], score=d["score"], light=d["light"], focus=dict(d["focus"]), effective=fact.effective.isoformat()
    )


@_event(
    "PortfolioOpened", summary=lambda d, _: f"portfolio of region {d['region']} opened",
    export=Export("portfolio.open", (), reference_only=True), concerns=frozenset(),
)
def _opened(book: PortfolioBook, region: str, fact: Fact) -> None:
    """The 21 portfolios exist at every date: nothing to keep."""


@_event(
    "SelfAssessed", summary=lambda d, _: f"self-assessment {d['year']}: score {d['score']}, {d['light']}",
    export=Export("portfolio.assess", ("year", "score", "light", "focus")),
    concerns=frozenset({RECORDS, COVERAGE}),  # declared focus without initiatives is a coverage answer
)
def _assessed(book: PortfolioBook, region: str, fact: Fact) -> None:
    """A repeated assessment for the same region and year replaces the earlier one."""
    assessment = assessment_from(fact, region)
    book.assessments[(region, assessment.year)] = assessment


@_event(
    "CoordinatorAssigned", summary=lambda d, _: f"coordinator {d['user']}",
    export=Export("portfolio.coordinator", ("user",)), concerns=frozenset(),
)
def _coordinator(book: PortfolioBook, region: str, fact: Fact) -> None:
    book.coordinators[region] = fact.data["user"]
