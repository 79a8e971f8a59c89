"""Each initiative of a region's year, as its annual report lists it: who takes part, what it was at the
year's start and end, its funding, results and indicators."""

from __future__ import annotations

from dataclasses import dataclass

from kompass.application.records import InitiativeRecord, current_participants, initiative_facts, resolve
from kompass.application.state import PortfolioState
from kompass.domain.framework import Framework
from kompass.domain.initiative_values import FundingLine
from kompass.domain.vocabulary import RESULT_TYPES

__all__ = ["DatedResult", "IndicatorReading", "InitiativeEntry", "Participant", "initiative_entry"]


@dataclass(frozen=True)
class Participant:
    actor: str
    name: str
    kind: str
    role: str


@dataclass(frozen=True)
class DatedResult:
    """A result (the domain's `Result`) with the date it took effect."""

    type: str
    text: str
    effective: str


@dataclass(frozen=True)
class IndicatorReading:
    """An indicator with its latest measurement (date, value), if any."""

    name: str
    target: float
    unit: str
    latest: tuple[str, float] | None


@dataclass(frozen=True)
class InitiativeEntry:
    ref: str
    title: str
    lead: str
    regions: list[str]
    areas: list[str]
    """In the report's framework."""
    type: str
    orientation: str
    roles: list[str]
    status_at_start: str | None
    """None: the initiative did not exist when the year began."""
    status: str
    participants: list[Participant]
    """The lead first, then by actor key."""
    funding: list[FundingLine]
    budget_sek: int
    funding_for_year_sek: int
    results: dict[str, list[DatedResult]]
    """Every result type, each with its results."""
    indicators: list[IndicatorReading]


def initiative_entry(
    record: InitiativeRecord, state: PortfolioState, before: InitiativeRecord | None, year: int, framework: Framework
) -> InitiativeEntry:
    """`record` at the end of `year` (in `state`), `before` what it was at the end of the year before."""
    participants = []
    for key, role in current_participants(record, state.actor).items():
        actor = resolve(key, state.actor)
        participants.append(Participant(actor.key, actor.name, actor.kind, role))
    participants.sort(key=lambda p: (p.role != "lead", p.actor))
    funding = sorted(record.funding, key=lambda f: (f["year"], f["source"], f["amount_sek"]))
    return InitiativeEntry(
        ref=record.ref,
        title=record.title,
        lead=record.region,
        regions=sorted(initiative_facts(record, state.actor).regions),
        areas=list(framework.view(record.areas)),
        type=record.type,
        orientation=record.orientation,
        roles=sorted(record.roles),
        status_at_start=before.status if before is not None else None,
        status=record.status,
        participants=participants,
        funding=[FundingLine(f["source"], f["amount_sek"], f["year"]) for f in funding],
        budget_sek=record.budget_sek,
        funding_for_year_sek=sum(int(f["amount_sek"]) for f in record.funding if f["year"] == year),
        results={t: [DatedResult(r["type"], r["text"], r["effective"]) for r in record.results if r["type"] == t] for t in RESULT_TYPES},
        indicators=[
            IndicatorReading(name, ind["target"], ind["unit"], tuple(sorted(ind["measurements"])[-1]) if ind["measurements"] else None)
            for name, ind in sorted(record.indicators.items())
        ],
    )
