"""The initiative's events in the catalogue: how the read side folds each one into an
`InitiativeRecord`, says it in words, writes it back as a command, and which projections it concerns.

The fold is lenient: it only applies what was recorded (the aggregate checked the rules), and
temporal queries apply a *subset* of the log (events effective by a date), in which a later
event may lack its predecessor. Status moves apply the one lifecycle of `domain/status.py`.

Adding an event is one decorated function here.
"""

from __future__ import annotations

from collections.abc import Callable

from kompass.application.catalogue.entry import COVERAGE, NETWORK, RECORDS, Aggregate, Entry, Export, Summary
from kompass.application.facts import Fact
from kompass.application.records import InitiativeRecord
from kompass.domain import status as lifecycle

__all__ = ["EVENTS", "INITIATIVE", "InitiativeFold", "apply_to_initiative", "spaced_unit"]

INITIATIVE: Aggregate = Aggregate("initiative", key_field="ref", region_field="region")
InitiativeFold = Callable[[InitiativeRecord | None, Fact], InitiativeRecord | None]
Change = Callable[[InitiativeRecord, Fact], None]

EVENTS: dict[str, Entry[InitiativeFold]] = {}
EVERYWHERE = frozenset({RECORDS, COVERAGE, NETWORK})
RECORD_ONLY = frozenset({RECORDS})
"""Changes nothing coverage or the network counts."""


def spaced_unit(unit: str) -> str:
    """A unit after its number: "%" straight after it, a word after a space ("21 regioner", not "21regioner")."""
    return unit if unit in ("", "%") else f" {unit}"


def apply_to_initiative(record: InitiativeRecord | None, fact: Fact) -> InitiativeRecord | None:
    """The initiative as it is after `fact` (None if it does not exist yet)."""
    entry = EVENTS.get(fact.type)
    if entry is None:
        return record
    return entry.fold(record, fact)


def _event(type: str, *, summary: Summary, export: Export, concerns: frozenset[str]) -> Callable[[Change], Change]:
    """Register the fold of an event that changes an existing initiative."""

    def register(change: Change) -> Change:
        def fold(record: InitiativeRecord | None, fact: Fact) -> InitiativeRecord | None:
            if record is None:
                return None
            record.updated_on = fact.effective.isoformat()
            change(record, fact)
            return record

        EVENTS[type] = Entry(type, INITIATIVE, fold, summary, export, concerns)
        return change

    return register


def _proposed(record: InitiativeRecord | None, fact: Fact) -> InitiativeRecord:
    d = fact.data
    day = fact.effective.isoformat()
    status, before, paused_from = lifecycle.PROPOSED
    return InitiativeRecord(
        ref=d["ref"], region=d["region"], title=d["title"], description=d.get("description", ""), type=d["type"],
        orientation=d["orientation"], roles=list(d["roles"]), areas=list(d["areas"]), status=status, status_before=before,
        paused_from=paused_from, proposed_on=day, updated_on=day,
    )


EVENTS["InitiativeProposed"] = Entry(
    "InitiativeProposed", INITIATIVE, _proposed,
    lambda d, key: f"proposed {key} ({d['region']}): {d['title']} [{', '.join(d['areas'])}]",
    Export("initiative.propose", ("ref", "region", "title", "areas", "type", "orientation", "roles", "description")),
    EVERYWHERE,
)


def _reason(d: dict[str, object]) -> str:
    return f": {d['reason']}" if d.get("reason") else ""


@_event("AreaTagged", summary=lambda d, _: f"tagged {d['area']}", export=Export("initiative.tag", ("area",)), concerns=EVERYWHERE)
def _tagged(record: InitiativeRecord, fact: Fact) -> None:
    if fact.data["area"] not in record.areas:
        record.areas.append(fact.data["area"])


@_event("AreaUntagged", summary=lambda d, _: f"untagged {d['area']}", export=Export("initiative.untag", ("area",)), concerns=EVERYWHERE)
def _untagged(record: InitiativeRecord, fact: Fact) -> None:
    if fact.data["area"] in record.areas and len(record.areas) > 1:
        record.areas.remove(fact.data["area"])


@_event(
    "StatusChanged", summary=lambda d, _: f"status → {d['status']}{_reason(d)}",
    export=Export("initiative.status", ("status", "reason")), concerns=EVERYWHERE,
)
def _status_changed(record: InitiativeRecord, fact: Fact) -> None:
    record.status, record.status_before, record.paused_from = lifecycle.moved(record.standing, fact.data["status"])


@_event(
    "InitiativeReopened", summary=lambda d, _: f"reopened{_reason(d)}",
    export=Export("initiative.reopen", ("reason",)), concerns=EVERYWHERE,
)
def _reopened(record: InitiativeRecord, fact: Fact) -> None:
    record.status, record.status_before, record.paused_from = lifecycle.reopened(record.standing)


@_event(
    "ActorJoined", summary=lambda d, _: f"{d['actor']} joined as {d['role']}",
    export=Export("initiative.join", ("actor", "role")), concerns=EVERYWHERE,
)
def _joined(record: InitiativeRecord, fact: Fact) -> None:
    record.participants[fact.data["actor"]] = fact.data["role"]


@_event("ActorLeft", summary=lambda d, _: f"{d['actor']} left", export=Export("initiative.leave", ("actor",)), concerns=EVERYWHERE)
def _left(record: InitiativeRecord, fact: Fact) -> None:
    record.participants.pop(fact.data["actor"], None)


@_event(
    "FundingAdded",
    summary=lambda d, _: f"funding {d['amount_sek']:,} SEK from {d['source']} for {d['year']}".replace(",", " "),
    export=Export("initiative.fund", ("source", "amount_sek", "year")),
    concerns=frozenset({RECORDS, COVERAGE}),
)
def _funded(record: InitiativeRecord, fact: Fact) -> None:
    d = fact.data
    record.funding.append({"source": d["source"], "amount_sek": d["amount_sek"], "year": d["year"]})
    record.budget_sek += int(d["amount_sek"])


@_event(
    "ResultRecorded", summary=lambda d, _: f"result ({d['type']}): {d['text']}",
    export=Export("initiative.result", ("type", "text")), concerns=RECORD_ONLY,
)
def _result(record: InitiativeRecord, fact: Fact) -> None:
    record.results.append({"type": fact.data["type"], "text": fact.data["text"], "effective": fact.effective.isoformat()})


@_event(
    "InitiativeRetitled", summary=lambda d, _: f"retitled: {d['title']}",
    export=Export("initiative.retitle", ("title", "description")), concerns=RECORD_ONLY,
)
def _retitled(record: InitiativeRecord, fact: Fact) -> None:
    record.title, record.description = fact.data["title"], fact.data["description"]


@_event(
    "IndicatorDefined", summary=lambda d, _: f"indicator {d['name']} with target {d['target']}{spaced_unit(d['unit'])}",
    export=Export("initiative.indicator", ("name", "target", "unit")), concerns=RECORD_ONLY,
)
def _indicator(record: InitiativeRecord, fact: Fact) -> None:
    d = fact.data
    record.indicators[d["name"]] = {"target": d["target"], "unit": d["unit"], "measurements": []}


@_event(
    "IndicatorMeasured", summary=lambda d, _: f"indicator {d['name']} measured {d['value']}",
    export=Export("initiative.measure", ("name", "value")), concerns=RECORD_ONLY,
)
def _measured(record: InitiativeRecord, fact: Fact) -> None:
    indicator = record.indicators.get(fact.data["name"])
    if indicator is not None:
        indicator["measurements"].append([fact.effective.isoformat(), fact.data["value"]])
