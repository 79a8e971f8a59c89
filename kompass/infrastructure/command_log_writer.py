"""Writing the log back out as a command log (DESIGN §7), for `kompass export` and `replay`.

Each event becomes the command that records it again, with its `by`, `effective` and
`recorded_at`; importing the file with `--restore` into an empty store reproduces it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from kompass.application.commands import OP_OF, Command
from kompass.application.facts import Fact
from kompass.application.history import keyed

REFERENCE_EVENTS = frozenset({"PortfolioOpened"})

FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ActorRegistered": ("actor.register", ("key", "name", "kind", "region")),
    "ActorRenamed": ("actor.rename", ("name",)),
    "ActorMerged": ("actor.merge", ("into",)),
    "InitiativeProposed": ("initiative.propose", ("ref", "region", "title", "areas", "type", "orientation", "roles", "description")),
    "StatusChanged": ("initiative.status", ("status", "reason")),
    "InitiativeReopened": ("initiative.reopen", ("reason",)),
    "AreaTagged": ("initiative.tag", ("area",)),
    "AreaUntagged": ("initiative.untag", ("area",)),
    "ActorJoined": ("initiative.join", ("actor", "role")),
    "ActorLeft": ("initiative.leave", ("actor",)),
    "FundingAdded": ("initiative.fund", ("source", "amount_sek", "year")),
    "ResultRecorded": ("initiative.result", ("type", "text")),
    "InitiativeRetitled": ("initiative.retitle", ("title", "description")),
    "IndicatorDefined": ("initiative.indicator", ("name", "target", "unit")),
    "IndicatorMeasured": ("initiative.measure", ("name", "value")),
    "InitiativeRetyped": ("initiative.retype", ("type", "reason")),
    "InitiativeReoriented": ("initiative.reorient", ("orientation", "reason")),
    "RolesChanged": ("initiative.roles", ("roles", "reason")),
    "FundingRemoved": ("initiative.unfund", ("source", "amount_sek", "year", "reason")),
    "ResultWithdrawn": ("initiative.withdraw_result", ("type", "text", "reason")),
    "IndicatorRetargeted": ("initiative.retarget", ("name", "target", "unit", "reason")),
    "InitiativeScheduled": ("initiative.schedule", ("start", "end", "reason")),
    "LeadRegionChanged": ("initiative.lead_region", ("region", "reason")),
    "SelfAssessed": ("portfolio.assess", ("year", "score", "light", "focus")),
    "CoordinatorAssigned": ("portfolio.coordinator", ("user",)),
}
KEY_FIELD = {"initiative": "ref", "actor": "key", "portfolio": "region"}


def is_reference(fact: Fact) -> bool:
    """Events kompass records itself in every new store (regions); they are not exported."""
    return fact.type in REFERENCE_EVENTS or (fact.type == "ActorRegistered" and fact.data.get("kind") == "region")


def command_lines(facts: Iterable[Fact]) -> Iterator[str]:
    for fact, key, _region in keyed(facts):
        if is_reference(fact):
            continue
        yield json.dumps(command_record(fact, key), ensure_ascii=False)


def command_record(fact: Fact, key: str) -> dict[str, Any]:
    op, names = FIELDS[fact.type]
    record: dict[str, Any] = {"op": op, KEY_FIELD[fact.aggregate]: key}
    for name in names:
        value = fact.data.get(name)
        if name == "region" and value is None and fact.aggregate == "actor":
            continue
        record[name] = value
    record["by"] = fact.by
    record["effective"] = fact.effective.isoformat()
    record["recorded_at"] = fact.recorded_at.isoformat()
    return record


def command_line(command: Command) -> str:
    """A command as a line of the command log (what `import --dry-run` prints): its op and the fields given."""
    record: dict[str, Any] = {"op": OP_OF[type(command)]}
    for field in dataclasses.fields(command):
        value = getattr(command, field.name)
        if value == field.default and field.name not in ("description",):
            continue  # left at its default (`by`, `effective`, an empty reason…); a description is always shown
        record[field.name] = value.isoformat() if isinstance(value, date) else list(value) if isinstance(value, tuple) else value
    return json.dumps(record, ensure_ascii=False)
