"""The initiative's corrections in the catalogue: each a new event that says what holds from its
effective date on (nothing recorded is edited), folded into the `InitiativeRecord`, said in words
with the reason given, and written back as its command-log op.

A line or result to remove may be missing from a partial view (a temporal query applies only the
events effective by a date); then the fold removes nothing, as it must stay lenient.
"""

from __future__ import annotations

from typing import Any

from kompass.application.catalogue.entry import COVERAGE, NETWORK, RECORDS, Export
from kompass.application.catalogue.initiative import RECORD_ONLY, _event
from kompass.application.facts import Fact
from kompass.application.records import InitiativeRecord

__all__: list[str] = []


def _why(d: dict[str, Any]) -> str:
    return f": {d['reason']}" if d.get("reason") else ""


def _sek(amount: int) -> str:
    return f"{amount:,}".replace(",", " ")


@_event(
    "InitiativeRetyped", summary=lambda d, _: f"type → {d['type']}{_why(d)}",
    export=Export("initiative.retype", ("type", "reason")), concerns=RECORD_ONLY,
)
def _retyped(record: InitiativeRecord, fact: Fact) -> None:
    record.type = fact.data["type"]


@_event(
    "InitiativeReoriented", summary=lambda d, _: f"orientation → {d['orientation']}{_why(d)}",
    export=Export("initiative.reorient", ("orientation", "reason")), concerns=RECORD_ONLY,
)
def _reoriented(record: InitiativeRecord, fact: Fact) -> None:
    record.orientation = fact.data["orientation"]


@_event(
    "RolesChanged", summary=lambda d, _: f"roles → {', '.join(d['roles']) or 'none'}{_why(d)}",
    export=Export("initiative.roles", ("roles", "reason")), concerns=RECORD_ONLY,
)
def _roles_changed(record: InitiativeRecord, fact: Fact) -> None:
    record.roles = list(fact.data["roles"])


@_event(
    "FundingRemoved",
    summary=lambda d, _: f"funding removed: {_sek(d['amount_sek'])} SEK from {d['source']} for {d['year']}{_why(d)}",
    export=Export("initiative.unfund", ("source", "amount_sek", "year", "reason")), concerns=frozenset({RECORDS, COVERAGE}),
)
def _funding_removed(record: InitiativeRecord, fact: Fact) -> None:
    d = fact.data
    line = {"source": d["source"], "amount_sek": d["amount_sek"], "year": d["year"]}
    if line in record.funding:
        record.funding.remove(line)
        record.budget_sek -= int(d["amount_sek"])


@_event(
    "ResultWithdrawn", summary=lambda d, _: f"result withdrawn ({d['type']}): {d['text']}{_why(d)}",
    export=Export("initiative.withdraw_result", ("type", "text", "reason")), concerns=RECORD_ONLY,
)
def _result_withdrawn(record: InitiativeRecord, fact: Fact) -> None:
    d = fact.data
    found = next((r for r in record.results if r["type"] == d["type"] and r["text"] == d["text"]), None)
    if found is not None:
        record.results.remove(found)


@_event(
    "IndicatorRetargeted", summary=lambda d, _: f"indicator {d['name']} target → {d['target']}{d['unit']}{_why(d)}",
    export=Export("initiative.retarget", ("name", "target", "unit", "reason")), concerns=RECORD_ONLY,
)
def _retargeted(record: InitiativeRecord, fact: Fact) -> None:
    indicator = record.indicators.get(fact.data["name"])
    if indicator is not None:
        indicator["target"], indicator["unit"] = fact.data["target"], fact.data["unit"]


@_event(
    "InitiativeScheduled", summary=lambda d, _: f"planned {d['start'] or '…'} – {d['end'] or '…'}{_why(d)}",
    export=Export("initiative.schedule", ("start", "end", "reason")), concerns=RECORD_ONLY,
)
def _scheduled(record: InitiativeRecord, fact: Fact) -> None:
    record.planned_start, record.planned_end = fact.data["start"], fact.data["end"]


@_event(
    "LeadRegionChanged", summary=lambda d, _: f"lead region → {d['region']}{_why(d)}",
    export=Export("initiative.lead_region", ("region", "reason")), concerns=frozenset({RECORDS, COVERAGE, NETWORK}),
)
def _lead_region_changed(record: InitiativeRecord, fact: Fact) -> None:
    record.region = fact.data["region"]
