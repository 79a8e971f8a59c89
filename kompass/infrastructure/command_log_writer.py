"""Writing the log back out as a command log (docs/command-log.md), for `kompass export` and `replay`.

Each event becomes the command that records it again, with its `by`, `effective` and
`recorded_at`; importing the file with `--restore` into an empty store reproduces it. The
reference data every store registers itself (the regions' actors and portfolios) is written
too, so that there is one line for every stored event: the lines are the leaves of the log's
Merkle tree (docs/security.md), and an outside tool recomputes the root from an export.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from kompass.application.commands import OP_OF, Command
from kompass.application.facts import Fact
from kompass.application.history import keyed
from kompass.application.ports import FactLog
from kompass.infrastructure.export_line import ObjectWriter, writers

if TYPE_CHECKING:
    from kompass.infrastructure.tlog import TransparencyLog


def command_lines(facts: Iterable[Fact]) -> Iterator[str]:
    """One line per stored event, in log order: these lines are also the leaves of the log's Merkle tree."""
    for fact, key, _region in keyed(facts):
        yield event_line(fact, key)


def event_line(fact: Fact, key: str) -> str:
    """The export line of one event (UTF-8 JSON, no newline): leaf i of the tree is the line of event i."""
    return writers(fact.type, fact.aggregate).of_fact(fact.data, key, fact.by, fact.effective, fact.recorded_at, fact.recorded_by)


def object_line(event: Any, key: str, recorded_by: str | None) -> str:
    """The same line, made from the library's event object as an aggregate triggered it and the recorder
    the store kept for its row: what a write hashes into the tree before the event was ever read back
    (tests/integration/test_leaf_lines.py shows both give the same bytes for every kind of event)."""
    return object_writer(type(event))(event, key, recorded_by)


_OBJECT_WRITERS: dict[type, ObjectWriter] = {}


def object_writer(cls: type) -> ObjectWriter:
    """The line writer of one class of event objects (its type and aggregate are its qualified name's parts)."""
    found = _OBJECT_WRITERS.get(cls)
    if found is None:
        aggregate, _, name = cls.__qualname__.partition(".")
        found = _OBJECT_WRITERS[cls] = writers(name, aggregate.lower()).of_object
    return found


def command_record(fact: Fact, key: str) -> dict[str, Any]:
    """The line's fields as a dict; `event_line` writes exactly `json.dumps(command_record(…), ensure_ascii=False)`."""
    return cast(dict[str, Any], json.loads(event_line(fact, key)))


def export_lines(facts: FactLog, log: TransparencyLog) -> Iterator[str]:
    """The export: a header stamped with the latest checkpoint, then the line of every event it covers."""
    head = facts.head()
    latest = log.latest()  # read after the head: a write in between only makes the checkpoint newer
    position = latest.position if latest else head
    yield "# kompass export (command log); import with: kompass import --restore FILE"
    yield f"# position: {position}"
    if latest is None:
        yield "# no checkpoint covers this log (a store made before kompass signed its log): restore it into a new store"
    else:
        yield "# checkpoint of the log this export is (keep it; `kompass verify --against FILE` proves the store still holds it):"
        yield from (f"#   {line}".rstrip() if line else "#   " for line in latest.note.rstrip("\n").split("\n"))
        if head > position:
            yield f"# warning: events after position {position} are covered by no checkpoint and are not exported; run `kompass verify`"
    yield from command_lines(facts.facts(upto=position))


def command_line(command: Command) -> str:
    """A command as a line of the command log (what `import --dry-run` prints): its op and the fields given."""
    record: dict[str, Any] = {"op": OP_OF[type(command)]}
    for field in dataclasses.fields(command):
        value = getattr(command, field.name)
        if value == field.default and field.name not in ("description",):
            continue  # left at its default (`by`, `effective`, an empty reason…); a description is always shown
        record[field.name] = value.isoformat() if isinstance(value, date) else list(value) if isinstance(value, tuple) else value
    return json.dumps(record, ensure_ascii=False)
