"""Writing the log back out as a command log (docs/command-log.md), for `kompass export` and `replay`.

Each event becomes the command that records it again, with its `by`, `effective` and
`recorded_at`; importing the file with `--restore` into an empty store reproduces it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from kompass.application.catalogue import AGGREGATES, CATALOGUE
from kompass.application.commands import OP_OF, Command
from kompass.application.facts import Fact
from kompass.application.history import keyed


def is_reference(fact: Fact) -> bool:
    """Events kompass records itself in every new store (regions); they are not exported."""
    return CATALOGUE[fact.type].export is None or (fact.type == "ActorRegistered" and fact.data.get("kind") == "region")


def command_lines(facts: Iterable[Fact]) -> Iterator[str]:
    for fact, key, _region in keyed(facts):
        if is_reference(fact):
            continue
        yield json.dumps(command_record(fact, key), ensure_ascii=False)


def command_record(fact: Fact, key: str) -> dict[str, Any]:
    export = CATALOGUE[fact.type].export
    if export is None:
        raise ValueError(f"{fact.type} is recorded by kompass itself and never exported")
    record: dict[str, Any] = {"op": export.op, AGGREGATES[fact.aggregate].key_field: key}
    for name in export.fields:
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
