"""History for auditors: every fact with who, when (recorded and effective), and what, in words."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from kompass.application.catalogue import AGGREGATES, CATALOGUE
from kompass.application.facts import Fact
from kompass.domain.vocabulary import region_actor_key


@dataclass(frozen=True)
class HistoryFilter:
    initiative: str | None = None
    actor: str | None = None
    region: str | None = None
    by: str | None = None
    since: date | None = None
    until: date | None = None
    """`since`/`until` bound the recording date, inclusive."""


def keyed(facts: Iterable[Fact]) -> Iterator[tuple[Fact, str, str | None]]:
    """Each fact with its aggregate's key (ref, actor key or region) and its region, if any."""
    keys: dict[UUID, tuple[str, str | None]] = {}
    for fact in facts:
        if fact.version == 1 and fact.aggregate in AGGREGATES:
            keys[fact.originator_id] = identity(fact)
        elif fact.type == "LeadRegionChanged" and fact.originator_id in keys:
            keys[fact.originator_id] = (keys[fact.originator_id][0], fact.data["region"])  # the initiative moved region
        key, region = keys.get(fact.originator_id, (str(fact.originator_id), None))
        yield fact, key, region


def identity(created: Fact) -> tuple[str, str | None]:
    """The key (ref, actor key or region) and region an aggregate's first fact gives it."""
    aggregate = AGGREGATES[created.aggregate]
    return created.data[aggregate.key_field], created.data.get(aggregate.region_field)


def matches(fact: Fact, key: str, region: str | None, f: HistoryFilter) -> bool:
    if f.by is not None and fact.by != f.by:
        return False
    day = fact.recorded_at.date()
    if (f.since is not None and day < f.since) or (f.until is not None and day > f.until):
        return False
    if f.initiative is not None and not (fact.aggregate == "initiative" and key == f.initiative):
        return False
    if f.actor is not None and not _concerns_actor(fact, key, f.actor):
        return False
    return f.region is None or region == f.region or fact.data.get("actor") == region_actor_key(f.region)


def _concerns_actor(fact: Fact, key: str, actor: str) -> bool:
    if fact.aggregate == "actor":
        return key == actor or fact.data.get("into") == actor
    return fact.data.get("actor") == actor


def describe(fact: Fact, key: str) -> str:
    """The change in words a coordinator understands (each event's words are in the catalogue)."""
    entry = CATALOGUE.get(fact.type)
    return entry.summary(fact.data, key) if entry is not None else fact.type


def history_entry(fact: Fact, key: str) -> dict[str, Any]:
    """One event in the JSON shape of docs/definitions.md."""
    return {
        "position": fact.position,
        "recorded_at": fact.recorded_at.isoformat(),
        "effective": fact.effective.isoformat(),
        "by": fact.by,
        "recorded_by": fact.recorded_by,
        "aggregate": fact.aggregate,
        "key": key,
        "type": fact.type,
        "data": {k: _plain(v) for k, v in fact.data.items()},
        "summary": describe(fact, key),
    }


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
