"""Read-side records and the lenient fold that builds them from facts.

The aggregates enforce rules when a change is made; the fold only applies what was
recorded. It must be lenient because temporal queries apply a *subset* of the log
(events effective by a date), in which a later event may lack its predecessor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kompass.application.facts import Fact
from kompass.domain.coverage import InitiativeFacts
from kompass.domain.vocabulary import REGIONS, region_actor_key


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
    """The 21 region actors, which exist at every date (DESIGN §4)."""
    return {
        region_actor_key(code): ActorRecord(key=region_actor_key(code), name=f"Region {name}", kind="region", region=code)
        for code, name in REGIONS.items()
    }


COVERAGE_NEUTRAL = frozenset(
    {
        "ResultRecorded", "InitiativeRetitled", "IndicatorDefined", "IndicatorMeasured", "InitiativeRetyped",
        "InitiativeReoriented", "RolesChanged", "ResultWithdrawn", "IndicatorRetargeted", "InitiativeScheduled",
    }
)
"""Initiative events that change nothing coverage or networks count."""


def apply_to_initiative(record: InitiativeRecord | None, fact: Fact) -> InitiativeRecord | None:
    """The initiative as it is after `fact` (None if it does not exist yet)."""
    d = fact.data
    if fact.type == "InitiativeProposed":
        return InitiativeRecord(
            ref=d["ref"],
            region=d["region"],
            title=d["title"],
            description=d.get("description", ""),
            type=d["type"],
            orientation=d["orientation"],
            roles=list(d["roles"]),
            areas=list(d["areas"]),
            proposed_on=fact.effective.isoformat(),
            updated_on=fact.effective.isoformat(),
        )
    if record is None:
        return None
    record.updated_on = fact.effective.isoformat()
    t = fact.type
    if t == "AreaTagged":
        if d["area"] not in record.areas:
            record.areas.append(d["area"])
    elif t == "AreaUntagged":
        if d["area"] in record.areas and len(record.areas) > 1:
            record.areas.remove(d["area"])
    elif t == "StatusChanged":
        if d["status"] == "paused":
            record.paused_from = record.status
        elif record.status == "paused" and d["status"] != "cancelled":
            record.paused_from = None
        record.status_before, record.status = record.status, d["status"]
    elif t == "InitiativeReopened":
        record.status, record.status_before = record.status_before or "active", record.status
    elif t == "ActorJoined":
        record.participants[d["actor"]] = d["role"]
    elif t == "ActorLeft":
        record.participants.pop(d["actor"], None)
    elif t == "FundingAdded":
        record.funding.append({"source": d["source"], "amount_sek": d["amount_sek"], "year": d["year"]})
        record.budget_sek += int(d["amount_sek"])
    elif t == "ResultRecorded":
        record.results.append({"type": d["type"], "text": d["text"], "effective": fact.effective.isoformat()})
    elif t == "InitiativeRetitled":
        record.title, record.description = d["title"], d["description"]
    elif t == "IndicatorDefined":
        record.indicators[d["name"]] = {"target": d["target"], "unit": d["unit"], "measurements": []}
    elif t == "IndicatorMeasured":
        indicator = record.indicators.get(d["name"])
        if indicator is not None:
            indicator["measurements"].append([fact.effective.isoformat(), d["value"]])
    else:
        _apply_correction(record, fact)
    return record


def _apply_correction(record: InitiativeRecord, fact: Fact) -> None:
    """Corrections replace what was recorded before; a line or result to remove may be missing
    from a partial view (a temporal query), and then nothing is removed."""
    d, t = fact.data, fact.type
    if t == "InitiativeRetyped":
        record.type = d["type"]
    elif t == "InitiativeReoriented":
        record.orientation = d["orientation"]
    elif t == "RolesChanged":
        record.roles = list(d["roles"])
    elif t == "FundingRemoved":
        line = {"source": d["source"], "amount_sek": d["amount_sek"], "year": d["year"]}
        if line in record.funding:
            record.funding.remove(line)
            record.budget_sek -= int(d["amount_sek"])
    elif t == "ResultWithdrawn":
        found = next((r for r in record.results if r["type"] == d["type"] and r["text"] == d["text"]), None)
        if found is not None:
            record.results.remove(found)
    elif t == "IndicatorRetargeted":
        indicator = record.indicators.get(d["name"])
        if indicator is not None:
            indicator["target"], indicator["unit"] = d["target"], d["unit"]
    elif t == "InitiativeScheduled":
        record.planned_start, record.planned_end = d["start"], d["end"]
    elif t == "LeadRegionChanged":
        record.region = d["region"]


def apply_to_actor(record: ActorRecord | None, fact: Fact) -> ActorRecord | None:
    d = fact.data
    if fact.type == "ActorRegistered":
        return ActorRecord(key=d["key"], name=d["name"], kind=d["kind"], region=d.get("region"))
    if record is None:
        return None
    if fact.type == "ActorRenamed":
        record.former_names.append(record.name)
        record.name = d["name"]
    elif fact.type == "ActorMerged":
        record.merged_into = d["into"]
    return record


def assessment_from(fact: Fact, region: str) -> AssessmentRecord:
    d = fact.data
    return AssessmentRecord(
        region=region,
        year=d["year"],
        score=d["score"],
        light=d["light"],
        focus=dict(d["focus"]),
        effective=fact.effective.isoformat(),
    )


ActorLookup = Callable[[str], "ActorRecord | None"]


def resolve(key: str, lookup: ActorLookup) -> ActorRecord:
    """The actor a key stands for now: merges are followed to the survivor.

    An unknown key (possible in a view as of a date before the actor was registered)
    stands for itself.
    """
    seen: set[str] = set()
    record = lookup(key)
    while record is not None and record.merged_into and record.merged_into not in seen:
        seen.add(record.key)
        nxt = lookup(record.merged_into)
        if nxt is None:
            break
        record = nxt
    return record if record is not None else ActorRecord(key=key, name=key, kind="other")


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
