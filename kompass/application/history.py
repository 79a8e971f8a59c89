"""History for auditors: every fact with who, when (recorded and effective), and what, in words."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from kompass.application.facts import Fact


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
        if fact.version == 1:
            d = fact.data
            if fact.aggregate == "initiative":
                keys[fact.originator_id] = (d["ref"], d["region"])
            elif fact.aggregate == "actor":
                keys[fact.originator_id] = (d["key"], d.get("region"))
            else:
                keys[fact.originator_id] = (d["region"], d["region"])
        elif fact.type == "LeadRegionChanged" and fact.originator_id in keys:
            keys[fact.originator_id] = (keys[fact.originator_id][0], fact.data["region"])
        key, region = keys.get(fact.originator_id, (str(fact.originator_id), None))
        yield fact, key, region


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
    return f.region is None or region == f.region or fact.data.get("actor") == f"region-{f.region}"


def _concerns_actor(fact: Fact, key: str, actor: str) -> bool:
    if fact.aggregate == "actor":
        return key == actor or fact.data.get("into") == actor
    return fact.data.get("actor") == actor


def describe(fact: Fact, key: str) -> str:
    """The change in words a coordinator understands."""
    d = fact.data
    reason = f": {d['reason']}" if d.get("reason") else ""
    words: dict[str, Any] = {
        "InitiativeProposed": lambda: f"proposed {key} ({d['region']}): {d['title']} [{', '.join(d['areas'])}]",
        "AreaTagged": lambda: f"tagged {d['area']}",
        "AreaUntagged": lambda: f"untagged {d['area']}",
        "StatusChanged": lambda: f"status → {d['status']}{reason}",
        "InitiativeReopened": lambda: f"reopened{reason}",
        "ActorJoined": lambda: f"{d['actor']} joined as {d['role']}",
        "ActorLeft": lambda: f"{d['actor']} left",
        "FundingAdded": lambda: f"funding {d['amount_sek']:,} SEK from {d['source']} for {d['year']}".replace(",", " "),
        "ResultRecorded": lambda: f"result ({d['type']}): {d['text']}",
        "InitiativeRetitled": lambda: f"retitled: {d['title']}",
        "IndicatorDefined": lambda: f"indicator {d['name']} with target {d['target']}{d['unit']}",
        "IndicatorMeasured": lambda: f"indicator {d['name']} measured {d['value']}",
        "InitiativeRetyped": lambda: f"type → {d['type']}{reason}",
        "InitiativeReoriented": lambda: f"orientation → {d['orientation']}{reason}",
        "RolesChanged": lambda: f"roles → {', '.join(d['roles']) or 'none'}{reason}",
        "FundingRemoved": lambda: f"funding removed: {d['amount_sek']:,} SEK from {d['source']} for {d['year']}".replace(",", " ")
        + reason,
        "ResultWithdrawn": lambda: f"result withdrawn ({d['type']}): {d['text']}{reason}",
        "IndicatorRetargeted": lambda: f"indicator {d['name']} target → {d['target']}{d['unit']}{reason}",
        "InitiativeScheduled": lambda: f"planned {d['start'] or '…'} – {d['end'] or '…'}{reason}",
        "LeadRegionChanged": lambda: f"lead region → {d['region']}{reason}",
        "ActorRegistered": lambda: f"registered {key}: {d['name']} ({d['kind']})",
        "ActorRenamed": lambda: f"renamed to {d['name']}",
        "ActorMerged": lambda: f"merged into {d['into']}",
        "PortfolioOpened": lambda: f"portfolio of region {d['region']} opened",
        "SelfAssessed": lambda: f"self-assessment {d['year']}: score {d['score']}, {d['light']}",
        "CoordinatorAssigned": lambda: f"coordinator {d['user']}",
    }
    text = words.get(fact.type)
    return text() if text else fact.type


def history_entry(fact: Fact, key: str) -> dict[str, Any]:
    """One event in the JSON shape of DESIGN §5."""
    return {
        "position": fact.position,
        "recorded_at": fact.recorded_at.isoformat(),
        "effective": fact.effective.isoformat(),
        "by": fact.by,
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
