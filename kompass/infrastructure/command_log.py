"""Reading the command log (format: docs/command-log.md): UTF-8 JSON Lines, one command per line.

How the file's bytes become lines of text is `command_log_text.py`'s; here each line becomes a command,
its fields checked and converted. Every refusal names the line: `FILE:LINE: message`.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from kompass.application.commands import OPS, Command
from kompass.domain.errors import InvalidValue
from kompass.infrastructure.command_log_text import MAX_LINE_BYTES, STDIN, STDIN_NAME, LineError, source_name, text_lines

__all__ = [
    "FIELD_KINDS",
    "MAX_LINE_BYTES",
    "NULLABLE",
    "STDIN",
    "STDIN_NAME",
    "LineError",
    "LoggedCommand",
    "demo_lines",
    "is_reference",
    "parse_command",
    "parse_lines",
    "read_command_log",
    "restore_items",
    "source_name",
]

TEXT = "text"
TEXT_LIST = "a list of texts"
INTEGER = "a whole number"
NUMBER = "a number"
FOCUS = "an object mapping areas to focus levels"
DATE = "a date YYYY-MM-DD"

FIELD_KINDS: dict[str, str] = {
    "areas": TEXT_LIST,
    "roles": TEXT_LIST,
    "regions": TEXT_LIST,
    "amount_sek": INTEGER,
    "year": INTEGER,
    "score": INTEGER,
    "target": NUMBER,
    "value": NUMBER,
    "focus": FOCUS,
    "effective": DATE,
    "start": DATE,
    "end": DATE,
}
NULLABLE = frozenset({"region", "description", "start", "end", "unit"})
"""Fields where `null` stands for their default: an actor without a region, an empty description, a planned
date cleared (schedule), the unit kept (retarget) or empty (indicator)."""
MAX_INTEGER = 10**15
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
"""Only YYYY-MM-DD: Python also reads 20210104 and 2021-W01-1 as dates, which the format does not allow."""


@dataclasses.dataclass(frozen=True)
class LoggedCommand:
    line: int
    command: Command
    recorded_at: datetime | None = None
    recorded_by: str | None = None
    names_recorder: bool = False
    """The line named its recorder (`recorded_by`, null for an event stored before kompass kept it): a restore keeps it."""


def read_command_log(path: Path, *, restore: bool = False) -> Iterator[LoggedCommand]:
    """The commands of the file at `path` (or of standard input for `-`). The file is opened at once, so an
    unreadable path (missing, a directory, no permission) is refused before anything else happens."""
    if str(path) == STDIN:
        import sys

        return parse_lines(sys.stdin.buffer, STDIN_NAME, restore=restore)
    try:
        handle = path.open("rb")
    except OSError as error:
        raise InvalidValue(f"{path}: cannot read the file ({error.strerror})") from None
    return _read_and_close(handle, str(path), restore)


def restore_items(logged: Iterable[LoggedCommand], restorer: str | None) -> Iterator[tuple[int, Command, datetime, str | None]]:
    """A restore's commands with their recording times and recorders (`Kompass.restore`); a line that names
    no recorder (an export made before kompass kept them) is recorded by `restorer`: the restorer
    (None: unknown, as the export says nothing)."""
    from kompass.domain.recording import now

    for c in logged:
        yield c.line, c.command, c.recorded_at or now(), c.recorded_by if c.names_recorder else restorer


def demo_lines(restorer: str) -> list[tuple[int, Command, datetime, str | None]]:
    """The example portfolio kompass ships (`data/demo.jsonl`) as a restore's lines, each recorded by `restorer`."""
    from importlib import resources

    with resources.as_file(resources.files("kompass.infrastructure.data").joinpath("demo.jsonl")) as demo_file:
        return list(restore_items(read_command_log(demo_file, restore=True), restorer))


def _read_and_close(handle: IO[bytes], source: str, restore: bool) -> Iterator[LoggedCommand]:
    with handle:
        yield from parse_lines(handle, source, restore=restore)


def parse_lines(stream: IO[bytes], source: str, *, restore: bool = False) -> Iterator[LoggedCommand]:
    for number, text in text_lines(stream, source):
        stripped = text.strip()
        if not stripped or stripped.startswith("#") or (restore and is_reference(stripped)):
            continue
        try:
            yield parse_command(stripped, number, restore=restore)
        except InvalidValue as error:
            raise LineError(source, number, str(error)) from None


@lru_cache(maxsize=1)
def _reference_lines() -> frozenset[str]:
    from kompass.application.facts import fact_from_event
    from kompass.application.history import identity
    from kompass.application.service import reference_aggregates
    from kompass.infrastructure.command_log_writer import event_line
    from kompass.infrastructure.recorded_by import SYSTEM_RECORDER

    facts = [fact_from_event(e, 0, SYSTEM_RECORDER) for a in reference_aggregates() for e in a.collect_events()]
    return frozenset(event_line(f, identity(f)[0]) for f in facts)


def is_reference(line: str) -> bool:
    """A line of the reference data every store registers itself: an export holds it (one line per stored
    event), and a restore skips it, since the empty store it restores into holds the same events already."""
    return line in _reference_lines()


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are all different: `json` itself keeps the last of two equal keys."""
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise InvalidValue(f"field {key!r} appears twice")
            seen.add(key)
    return result


def _refuse_constant(name: str) -> Any:
    raise InvalidValue(f"{name} is not a number kompass accepts")


_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicate_keys, parse_constant=_refuse_constant)
"""One decoder for every line: `json.loads` with hooks builds a new decoder per call."""


MAX_NESTING = 64
"""How deeply arrays and objects may nest in a line (a command's own values nest two or three deep)."""
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


def too_deep(text: str) -> bool:
    """Do arrays and objects nest more than MAX_NESTING deep in `text` (brackets inside strings not counted)?
    Refused before decoding: the decoder recurses once per level, and a line nested thousands deep took it
    to Python's recursion limit, where the garbage collector's finalizers that happened to run failed too and
    printed tracebacks of their own. Lines with few brackets, nearly all of them, are passed at once."""
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return False
    depth = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_NESTING:
            return True
    return False


def _decode(text: str) -> Any:
    """`json.loads(text)` with the hooks above, including its refusal of a byte order mark."""
    if text.startswith("\ufeff"):
        raise json.JSONDecodeError("a byte order mark (U+FEFF) is only allowed at the start of the file", text, 0)
    return _DECODER.decode(text)


FIELDS: dict[type[Command], dict[str, dataclasses.Field[Any]]] = {
    command_class: {f.name: f for f in dataclasses.fields(command_class)} for command_class in OPS.values()
}
"""Each command's fields by name, looked up once and not once per line."""


def parse_command(text: str, line: int = 0, *, restore: bool = False) -> LoggedCommand:
    if too_deep(text):
        raise InvalidValue(f"invalid JSON: nested too deeply (more than {MAX_NESTING} levels)")
    try:
        record = _decode(text)
    except json.JSONDecodeError as error:
        raise InvalidValue(f"invalid JSON: {error.msg} (column {error.colno})") from None
    except RecursionError:
        raise InvalidValue("invalid JSON: nested too deeply") from None
    except ValueError:  # Python refuses to convert an integer of more than 4,300 digits
        raise InvalidValue("invalid JSON: a number has too many digits") from None
    if not isinstance(record, dict):
        raise InvalidValue("expected a JSON object with an 'op'")
    op = record.pop("op", None)
    if not isinstance(op, str):
        raise InvalidValue("missing 'op'")
    command_class = OPS.get(op)
    if command_class is None:
        raise InvalidValue(f"unknown op {op!r}")
    recorded_at = _recorded_at(record.pop("recorded_at", None), restore) if "recorded_at" in record else None
    names_recorder = "recorded_by" in record
    recorded_by = _recorded_by(record.pop("recorded_by", None), restore) if names_recorder else None
    fields = FIELDS[command_class]
    for name in record:
        if name not in fields:
            raise InvalidValue(f"unknown field {name!r} for {op}")
    values: dict[str, Any] = {}
    for name, field in fields.items():
        if name not in record:
            if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
                raise InvalidValue(f"missing field {name!r} for {op}")
            continue
        values[name] = _convert(name, record[name], field.default)
    return LoggedCommand(line, command_class(**values), recorded_at, recorded_by, names_recorder)


def _recorded_by(value: Any, restore: bool) -> str | None:
    """Who stored an event is the store's to say: only a restore carries it over from an export."""
    if not restore:
        raise InvalidValue("recorded_by is only accepted by `kompass import --restore` (the store records who stores each event)")
    if value is not None and not isinstance(value, str):
        raise InvalidValue("recorded_by must be a user id or null")
    return value


def _recorded_at(value: Any, restore: bool) -> datetime:
    if not restore:
        raise InvalidValue("recorded_at is only accepted by `kompass import --restore` (recording time is always now)")
    if not isinstance(value, str):
        raise InvalidValue("recorded_at must be an ISO timestamp")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidValue(f"recorded_at {value!r} is not an ISO timestamp") from None
    if moment.tzinfo is None:
        raise InvalidValue(f"recorded_at {value!r} needs a time zone")
    return moment


def _convert(name: str, value: Any, default: Any) -> Any:
    """`null` is an actor without a region, an empty description, or a cleared planned date or kept unit
    (docs/command-log.md); where a value must be given (an initiative's region, a portfolio's) it is refused
    like any other value of the wrong type."""
    kind = FIELD_KINDS.get(name, TEXT)
    if value is None and name in NULLABLE and default is not dataclasses.MISSING:
        return "" if name == "description" else default
    if kind == TEXT:
        if not isinstance(value, str):
            raise InvalidValue(f"{name} must be {TEXT}")
        return value
    if kind == TEXT_LIST:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InvalidValue(f"{name} must be {TEXT_LIST}")
        return tuple(value)
    if kind == INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidValue(f"{name} must be {INTEGER}")
        if abs(value) > MAX_INTEGER:
            raise InvalidValue(f"{name} {value} is too large")
        return value
    if kind == NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidValue(f"{name} must be {NUMBER}")
        if abs(value) > MAX_INTEGER:
            raise InvalidValue(f"{name} {value} is too large")
        return value
    if kind == FOCUS:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise InvalidValue(f"{name} must be {FOCUS}")
        return dict(value)
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise InvalidValue(f"{name} must be {DATE}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidValue(f"{name} {value!r} is not {DATE}") from None
