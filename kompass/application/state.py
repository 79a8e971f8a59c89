"""The whole portfolio state held in memory, folded from facts.

Used where a query must look back in time (`--as-of`, `--known-at`): it replays the
facts that were effective and recorded by then. Present-time queries read the
materialised tables instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from kompass.application.catalogue.actor import apply_to_actor
from kompass.application.catalogue.initiative import apply_to_initiative
from kompass.application.catalogue.portfolio import apply_to_portfolio
from kompass.application.facts import Fact
from kompass.application.records import ActorRecord, AssessmentRecord, InitiativeRecord, region_actors
from kompass.domain.recording import portfolio_id
from kompass.domain.vocabulary import REGIONS

_PORTFOLIO_REGIONS = {portfolio_id(code): code for code in REGIONS}
"""Each region's portfolio aggregate: worked out once (a rebuild makes a state for every fold, and
working it out for each was a fiftieth of the rebuild), copied into each state."""


@dataclass
class PortfolioState:
    initiatives: dict[UUID, InitiativeRecord] = field(default_factory=dict)
    actors: dict[str, ActorRecord] = field(default_factory=region_actors)
    actor_keys: dict[UUID, str] = field(default_factory=dict)
    portfolio_regions: dict[UUID, str] = field(default_factory=lambda: dict(_PORTFOLIO_REGIONS))
    assessments: dict[tuple[str, int], AssessmentRecord] = field(default_factory=dict)
    coordinators: dict[str, str] = field(default_factory=dict)

    def actor(self, key: str) -> ActorRecord | None:
        return self.actors.get(key)

    def initiative_by_ref(self, ref: str) -> InitiativeRecord | None:
        return next((r for r in self.initiatives.values() if r.ref == ref), None)

    def apply(self, fact: Fact) -> None:
        if fact.aggregate == "initiative":
            record = apply_to_initiative(self.initiatives.get(fact.originator_id), fact)
            if record is not None:
                self.initiatives[fact.originator_id] = record
        elif fact.aggregate == "actor":
            key = fact.data["key"] if fact.type == "ActorRegistered" else self.actor_keys.get(fact.originator_id)
            if key is None:
                return
            self.actor_keys[fact.originator_id] = key
            actor = apply_to_actor(self.actors.get(key) if fact.type != "ActorRegistered" else None, fact)
            if actor is not None and not (fact.type == "ActorRegistered" and actor.kind == "region" and key in self.actors):
                self.actors[key] = actor
        elif fact.aggregate == "portfolio":
            region = self.portfolio_regions.get(fact.originator_id)
            if region is not None:
                apply_to_portfolio(self, region, fact)


def visible(fact: Fact, as_of: date | None, known_at: datetime | None) -> bool:
    """Whether a fact belongs to the view: effective by `as_of`, recorded by `known_at`."""
    if as_of is not None and fact.effective > as_of:
        return False
    return known_at is None or fact.recorded_at <= known_at


def fold(facts: Iterable[Fact], as_of: date | None = None, known_at: datetime | None = None) -> PortfolioState:
    """The portfolio as it was: facts effective by `as_of` and recorded by `known_at`, in log order.

    The 21 regions, their actors and portfolios exist at every date (docs/definitions.md#time).
    """
    state = PortfolioState()
    for fact in facts:
        if visible(fact, as_of, known_at):
            state.apply(fact)
    return state
