"""Writing one event's export line: `json.dumps(record, ensure_ascii=False)` of its record, without the dict.

Every write hashes the line of every event it stores (the lines are the leaves of the log's Merkle
tree) and `verify` rewrites every line, so this is on the path of every import: building the record
as a dict and encoding it was a tenth of an import, and writing it field by field in a loop still
most of what the tree cost an import. Each kind of event therefore gets its own small function,
made once from its export fields: one f-string whose parts are the fields' labels, each value
encoded by the json module's own C string encoder (or, for what is not a string, its C encoder),
the dates and recording times formatted through small caches (they repeat, and `isoformat` of a
datetime was a quarter of a line). What the line holds is exactly what `json.dumps` of the
record writes (tests/unit/test_export_line.py compares both for arbitrary values).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from functools import cache
from json.encoder import c_make_encoder  # type: ignore[attr-defined]
from json.encoder import encode_basestring as _string
from typing import Any, NamedTuple

from kompass.application.catalogue import AGGREGATES, CATALOGUE

FactWriter = Callable[[Mapping[str, Any], str, str, date, datetime, "str | None"], str]
"""(the event's data, its aggregate's key, by, effective, recorded_at, recorded_by) → its export line."""
ObjectWriter = Callable[[Any, str, "str | None"], str]
"""(the library's event object, its aggregate's key, recorded_by) → its export line."""


class Writers(NamedTuple):
    """The two writers of one kind of event's line: from a decoded fact (the export, `verify`), and from the event
    object an aggregate triggered (a write, which hashes the line before the event was ever read back)."""

    of_fact: FactWriter
    of_object: ObjectWriter


CACHED = 20_000
"""Dates and recording seconds remembered at most (the caches are emptied when full)."""


def _value_encoder() -> Callable[[Any], str]:
    """`json.dumps(value, ensure_ascii=False)` for what is not a string (numbers, lists, objects), with the json
    module's C encoder made once: `JSONEncoder.encode` makes a new one on every call, a sixth of writing a line.
    Where the C encoder is missing, the module's own way."""
    encoder = json.JSONEncoder(ensure_ascii=False)
    if c_make_encoder is None:
        return encoder.encode
    iterencode = c_make_encoder(None, encoder.default, _string, None, ": ", ", ", False, False, True)

    def encode(value: Any) -> str:
        return "".join(iterencode(value, 0))

    return encode


encode_value = _value_encoder()

_days: dict[date, str] = {}


def day_text(day: date) -> str:
    """`day.isoformat()`, remembered: an import's events share a few effective dates."""
    text = day.isoformat()
    if len(_days) >= CACHED:
        _days.clear()
    _days[day] = text
    return text


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_seconds: dict[int, str] = {}
_DIGITS = [f"{n:03d}" for n in range(1000)]


def moment_text(moment: datetime) -> str:
    """`moment.isoformat()`. A recording time in UTC with microseconds (every event's but a restored one's) is
    written as its second, remembered (an import records thousands of events a second), and its microseconds
    as two triples of digits looked up."""
    microseconds = moment.microsecond
    if moment.tzinfo is not UTC or not microseconds or type(moment) is not datetime:
        return moment.isoformat()
    since = moment - _EPOCH
    second = since.days * 86_400 + since.seconds
    text = _seconds.get(second)
    if text is None:
        if len(_seconds) >= CACHED:
            _seconds.clear()
        text = _seconds[second] = moment.isoformat()[:19]
    return f"{text}.{_DIGITS[microseconds // 1000]}{_DIGITS[microseconds % 1000]}+00:00"


REPEATED = frozenset(
    {"actor", "area", "into", "kind", "light", "orientation", "region", "role", "source", "status", "type", "unit", "user"}
)
"""Fields whose values recur (a vocabulary, or the key of a record many events name): their encodings are
remembered, as are those of the aggregate's key, `by` and `recorded_by`; free text is encoded each time.
Which fields are here only matters for speed: a remembered encoding is the value's own."""
SHORT = 100
"""Strings remembered at most this long."""
_quoted: dict[str, str] = {}


def quoted(text: str) -> str:
    """`json.dumps(text, ensure_ascii=False)` of a string, remembered if it is short."""
    encoded: str = _string(text)
    if len(text) <= SHORT:
        if len(_quoted) >= CACHED:
            _quoted.clear()
        _quoted[text] = encoded
    return encoded


def _value(name: str, repeated: bool = False) -> str:
    """The f-string part that encodes the variable `name` as `json.dumps` would: a string by the json module's C
    string encoder (or its remembered encoding), an int as its repr (which json writes), other values by json."""
    string = f"(QUOTED.get({name}) or QUOTE({name}))" if repeated else f"S({name})"
    return f"{{{string} if type({name}) is str else NULL if {name} is None else INT({name}) if type({name}) is int else E({name})}}"


@cache
def writers(name: str, aggregate: str) -> Writers:
    """The line writers of one kind of event (its catalogue name, its aggregate's name)."""
    export = CATALOGUE[name].export
    if export is None:
        raise ValueError(f"{name} is recorded by kompass itself and never exported")
    key_field = AGGREGATES[aggregate].key_field
    constants: dict[str, Any] = {
        "S": _string, "E": encode_value, "NULL": "null", "INT": int.__repr__, "QUOTED": _quoted, "QUOTE": quoted,
        "DAYS": _days, "DAY": day_text, "MOMENT": moment_text,
        "HEAD": f'{{"op": {_string(export.op)}, {_string(key_field)}: ', "BY": ', "by": ', "EFFECTIVE": ', "effective": "',
        "RECORDED_AT": '", "recorded_at": "', "RECORDED_BY": '", "recorded_by": ', "END": "}",
    }
    body = ["    get = data.get"]
    if key_field in export.fields:  # the creation event holds its key itself
        constants["KEY"] = key_field
        body.append("    key = get(KEY)")
    line = ["{HEAD}", _value("key", repeated=key_field not in export.fields)]
    for i, field in enumerate(f for f in export.fields if f != key_field):
        constants[f"F{i}"], constants[f"L{i}"] = field, f", {_string(field)}: "
        body.append(f"    v{i} = get(F{i})")
        if aggregate == "actor" and field == "region":  # an actor without a region has no region in its line
            line.append(f"{{'' if v{i} is None else L{i} + S(v{i}) if type(v{i}) is str else L{i} + E(v{i})}}")
        else:
            line += (f"{{L{i}}}", _value(f"v{i}", repeated=field in REPEATED))
    line += ("{BY}", _value("by", repeated=True),
             "{EFFECTIVE}{DAYS.get(effective) or DAY(effective)}{RECORDED_AT}{MOMENT(recorded_at)}{RECORDED_BY}",
             _value("recorded_by", repeated=True), "{END}")
    body.append(f'    return f"{"".join(line)}"')
    source = "\n".join([
        "def of_fact(data, key, by, effective, recorded_at, recorded_by):", *body,
        "def of_object(event, key, recorded_by):",
        "    data = event.__dict__",
        "    by, effective, recorded_at = data['by'], data['effective'], data['timestamp']", *body, "",
    ])
    exec(compile(source, f"<export line of {name}>", "exec"), constants)  # the source holds no name or value, only parameters
    return Writers(constants["of_fact"], constants["of_object"])
