"""Read-side records: initiatives, actors and assessments as plain data, and the questions
every reader asks of them (who takes part after merges, what coverage counts).

The event catalogue (`application/catalogue/`) folds facts into these records; projections keep
them in tables and temporal queries in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from kompass.domain import status as lifecycle
from kompass.domain.coverage import InitiativeFacts
from kompass.domain.merges import survivor
from kompass.domain.vocabulary import REGIONS, region_actor_key, region_actor_name


@dataclass
class ActorRecord:
    key: str
    name: str
    kind: str
    region: str | None = None
    merged_into: str | None = None
    former_names: list[str] = field(default_factory=list)


@dataclass
class InitiativeRecord:
    ref: str
    region: str
    title: str
    description: str = ""
    type: str = ""
    orientation: str = "external"
    roles: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    status: str = "proposed"
    status_before: str | None = None
    paused_from: str | None = None
    participants: dict[str, str] = field(default_factory=dict)
    funding: list[dict[str, Any]] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    indicators: dict[str, dict[str, Any]] = field(default_factory=dict)
    proposed_on: str = ""
    updated_on: str = ""
    planned_start: str | None = None
    planned_end: str | None = None
    budget_sek: int = 0
    """The sum of the funding lines, kept as they are added (long histories stay cheap)."""

    @property
    def standing(self) -> lifecycle.Standing:
        return lifecycle.Standing(self.status, self.status_before, self.paused_from)

    def to_json(self) -> dict[str, Any]:
        """A copy that shares nothing mutable with the record (dataclasses.asdict does the same,
        generically and several times slower; projections write one per changed initiative)."""
        data = vars(self).copy()
        data["roles"] = list(self.roles)
        data["areas"] = list(self.areas)
        data["participants"] = dict(self.participants)
        data["funding"] = [dict(line) for line in self.funding]
        data["results"] = [dict(result) for result in self.results]
        data["indicators"] = {
            name: {**indicator, "measurements": [list(m) for m in indicator["measurements"]]}
            for name, indicator in self.indicators.items()
        }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InitiativeRecord:
        return cls(**data)


@dataclass
class AssessmentRecord:
    region: str
    year: int
    score: int
    light: str
    focus: dict[str, str]
    effective: str


def region_actors() -> dict[str, ActorRecord]:
    """The 21 region actors, which exist at every date (docs/definitions.md#time)."""
    return {
        region_actor_key(code): ActorRecord(key=region_actor_key(code), name=region_actor_name(code), kind="region", region=code)
        for code in REGIONS
    }


class PortfolioBook(Protocol):
    """Where the portfolio events of every region are kept (the replayed state, a projection batch)."""

    assessments: dict[tuple[str, int], AssessmentRecord]
    """By (region, year)."""
    coordinators: dict[str, str]
    """By region."""



ActorLookup = Callable[[str], "ActorRecord | None"]


def resolve(key: str, lookup: ActorLookup) -> ActorRecord:
    """The actor a key stands for now: merges are followed to the survivor.

    An unknown key (possible in a view as of a date before the actor was registered)
    stands for itself.
    """
    record = lookup(key)
    return survivor(record, lookup) if record is not None else ActorRecord(key=key, name=key, kind="other")


def current_participants(record: InitiativeRecord, lookup: ActorLookup) -> dict[str, str]:
    """Participants after merges, lead region included: the survivor keeps its own role."""
    resolved: dict[str, str] = {region_actor_key(record.region): "lead"}
    for key, role in record.participants.items():
        resolved.setdefault(resolve(key, lookup).key, role)
    return resolved


def initiative_facts(record: InitiativeRecord, lookup: ActorLookup, areas: Iterable[str] | None = None) -> InitiativeFacts:
    """What coverage counts of an initiative; `areas` overrides them (framework views)."""
    regions = {record.region}
    actors = set()
    for key in current_participants(record, lookup):
        actor = lookup(key)
        if actor is not None and actor.kind == "region" and actor.region:
            regions.add(actor.region)
        actors.add(key)
    return InitiativeFacts(
        key=record.ref,
        regions=frozenset(regions),
        areas=tuple(record.areas if areas is None else areas),
        status=record.status,
        budget_sek=record.budget_sek,
        actors=frozenset(actors),
    )
