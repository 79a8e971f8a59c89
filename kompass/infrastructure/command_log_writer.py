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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from json.encoder import c_make_encoder  # type: ignore[attr-defined]
from json.encoder import encode_basestring as _string
from typing import TYPE_CHECKING, Any, cast

from kompass.application.catalogue import AGGREGATES, CATALOGUE
from kompass.application.commands import OP_OF, Command
from kompass.application.facts import Fact
from kompass.application.history import keyed
from kompass.application.ports import FactLog

if TYPE_CHECKING:
    from kompass.infrastructure.tlog import TransparencyLog


def _value_encoder() -> Callable[[Any], str]:
    """`json.dumps(value, ensure_ascii=False)` for what is not a string (numbers, lists, objects), with the json
    module's C encoder made once: `JSONEncoder.encode` makes a new one on every call, a sixth of writing a line
    (every write hashes every line). Where the C encoder is missing, the module's own way."""
    encoder = json.JSONEncoder(ensure_ascii=False)
    if c_make_encoder is None:
        return encoder.encode
    iterencode = c_make_encoder(None, encoder.default, _string, None, ": ", ", ", False, False, True)

    def encode(value: Any) -> str:
        return "".join(iterencode(value, 0))

    return encode


_encode = _value_encoder()


def command_lines(facts: Iterable[Fact]) -> Iterator[str]:
    """One line per stored event, in log order: these lines are also the leaves of the log's Merkle tree."""
    for fact, key, _region in keyed(facts):
        yield event_line(fact, key)


def event_line(fact: Fact, key: str) -> str:
    """The export line of one event (UTF-8 JSON, no newline): leaf i of the tree is the line of event i."""
    return _line(_plan(fact.type, fact.aggregate), fact.data, key, fact.by, fact.effective, fact.recorded_at, fact.recorded_by)


def object_line(event: Any, key: str, recorded_by: str | None) -> str:
    """The same line, made from the library's event object as an aggregate triggered it and the recorder
    the store kept for its row: what a write hashes into the tree before the event was ever read back
    (tests/integration/test_leaf_lines.py shows both give the same bytes for every kind of event)."""
    cls = type(event)
    plan = _PLANS.get(cls)
    if plan is None:
        aggregate, _, name = cls.__qualname__.partition(".")
        plan = _PLANS[cls] = _plan(name, aggregate.lower())
    state = event.__dict__
    return _line(plan, state, key, state["by"], state["effective"], state["timestamp"], recorded_by)


_PLANS: dict[type, _Plan] = {}
"""Event class → how its line is written (the event type and aggregate are its qualified name's parts)."""


def command_record(fact: Fact, key: str) -> dict[str, Any]:
    """The line's fields as a dict; `event_line` writes exactly `json.dumps(command_record(…), ensure_ascii=False)`."""
    return cast(dict[str, Any], json.loads(event_line(fact, key)))


@dataclass(frozen=True)
class _Plan:
    """How one kind of event is written: the text before the aggregate's key, and each field's label."""

    head: str
    key_field: str | None
    """The export field that holds the aggregate's key in the event itself (its creation event), else None."""
    fields: tuple[tuple[str, str], ...]
    skip_empty_region: bool


@cache
def _plan(name: str, aggregate: str) -> _Plan:
    export = CATALOGUE[name].export
    if export is None:
        raise ValueError(f"{name} is recorded by kompass itself and never exported")
    key_field = AGGREGATES[aggregate].key_field
    head = f'{{"op": {_string(export.op)}, {_string(key_field)}: '
    fields = tuple((f, f", {_string(f)}: ") for f in export.fields if f != key_field)
    return _Plan(head, key_field if key_field in export.fields else None, fields, aggregate == "actor")


def _line(
    plan: _Plan, data: Mapping[str, Any], key: str, by: str, effective: date, recorded_at: datetime, recorded_by: str | None
) -> str:
    """`json.dumps(record, ensure_ascii=False)` of the record {op, key, fields…, by, effective, recorded_at, recorded_by},
    written field by field with the json module's own string encoder, and its encoder for anything else:
    every write hashes every line, and building a dict to encode it was a tenth of an import."""
    if plan.key_field is not None:
        key = data.get(plan.key_field)  # type: ignore[assignment]
    encode = _encode
    parts = [plan.head, _string(key) if type(key) is str else encode(key)]
    for field, label in plan.fields:
        value = data.get(field)
        if value is None and plan.skip_empty_region and field == "region":
            continue
        parts += (label, _string(value) if type(value) is str else encode(value))
    parts += (', "by": ', _string(by) if type(by) is str else encode(by), ', "effective": "', effective.isoformat(),
              '", "recorded_at": "', recorded_at.isoformat(), '", "recorded_by": ',
              _string(recorded_by) if type(recorded_by) is str else encode(recorded_by), "}")
    return "".join(parts)


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
