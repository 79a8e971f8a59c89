"""The actor's events in the catalogue: how the read side folds each one into an `ActorRecord`,
says it in words, writes it back as a command, and which projections it concerns.

Adding an event is one decorated function here.
"""

from __future__ import annotations

from collections.abc import Callable

from kompass.application.catalogue.entry import COVERAGE, NETWORK, RECORDS, Aggregate, Entry, Export, Summary
from kompass.application.facts import Fact
from kompass.application.records import ActorRecord

__all__ = ["ACTOR", "EVENTS", "ActorFold", "apply_to_actor"]

ACTOR: Aggregate = Aggregate("actor", key_field="key", region_field="region")
ActorFold = Callable[[ActorRecord | None, Fact], ActorRecord | None]
Change = Callable[[ActorRecord, Fact], None]

EVENTS: dict[str, Entry[ActorFold]] = {}
EVERYWHERE = frozenset({RECORDS, COVERAGE, NETWORK})
"""Coverage counts actors and the network shows them, names and merges included."""


def apply_to_actor(record: ActorRecord | None, fact: Fact) -> ActorRecord | None:
    """The actor as it is after `fact` (None if it does not exist yet)."""
    entry = EVENTS.get(fact.type)
    return record if entry is None else entry.fold(record, fact)


def _event(type: str, *, summary: Summary, export: Export) -> Callable[[Change], Change]:
    """Register the fold of an event that changes an existing actor."""

    def register(change: Change) -> Change:
        def fold(record: ActorRecord | None, fact: Fact) -> ActorRecord | None:
            if record is not None:
                change(record, fact)
            return record

        EVENTS[type] = Entry(type, ACTOR, fold, summary, export, EVERYWHERE)
        return change

    return register


def _registered(record: ActorRecord | None, fact: Fact) -> ActorRecord:
    d = fact.data
    return ActorRecord(key=d["key"], name=d["name"], kind=d["kind"], region=d.get("region"))


EVENTS["ActorRegistered"] = Entry(
    "ActorRegistered", ACTOR, _registered, lambda d, key: f"registered {key}: {d['name']} ({d['kind']})",
    Export("actor.register", ("key", "name", "kind", "region")), EVERYWHERE,
)


@_event("ActorRenamed", summary=lambda d, _: f"renamed to {d['name']}", export=Export("actor.rename", ("name",)))
def _renamed(record: ActorRecord, fact: Fact) -> None:
    record.former_names.append(record.name)
    record.name = fact.data["name"]


@_event("ActorMerged", summary=lambda d, _: f"merged into {d['into']}", export=Export("actor.merge", ("into",)))
def _merged(record: ActorRecord, fact: Fact) -> None:
    record.merged_into = fact.data["into"]
