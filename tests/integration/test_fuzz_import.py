"""`kompass import` against thousands of malformed and hostile command logs (issue 7).

Every malformed file is refused the same way: exit 1, one line `Error: FILE:LINE: message`
naming the first bad line (blank and comment lines counted), never a traceback, never a raw
control character from the input echoed to the terminal, and the store exactly as it was.
Valid but hostile text (quotes, SQL, emoji, right-to-left marks, Swedish letters, control
characters) is stored and shown back exactly.

The mixed property runs each example on a fresh copy of one SQLite store made once (copying the
file is fast; making a store is not). The other tests share one store per module: the malformed
examples must leave it unchanged, which each example checks; the valid examples add fresh
initiatives and actors to it. Runs in-process (click's CliRunner) for speed.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import shutil
import sqlite3
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kompass.application.commands import OPS
from kompass.infrastructure.command_log import FIELD_KINDS
from tests.conftest import FIXTURES, init_store
from tests.integration.helpers import as_json, invoke, ok

FUZZ = settings(
    # the same examples on every run, so that CI judges the code and not the draw
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    database=None,
)

# --- the store and what "unchanged" means ----------------------------------------------------------


@dataclasses.dataclass
class FuzzStore:
    url: str
    db: Path
    work: Path

    def state(self) -> tuple[int, int, int]:
        """Event rows, the highest notification id and the snapshot rows: all equal means unchanged."""
        with sqlite3.connect(self.db) as conn:
            count, top = conn.execute("SELECT count(*), coalesce(max(rowid), 0) FROM stored_events").fetchone()
            snapshots = conn.execute("SELECT count(*) FROM stored_snapshots").fetchone()[0]
        return int(count), int(top), int(snapshots)

    def file(self, content: bytes) -> Path:
        path = self.work / "fuzz.jsonl"
        path.write_bytes(content)
        return path


def _example_store(work: Path) -> FuzzStore:
    """The worked example's store: the actors and initiatives the templates below refer to."""
    db = work / "kompass.db"
    store = FuzzStore(init_store(f"sqlite:///{db}"), db, work)
    ok(store.url, "import", str(FIXTURES / "small.jsonl"))
    ok(store.url, "initiative", "indicator", "14-open-data", "--name", "kommuner", "--target", "10", "--unit", "st")
    return store


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzStore]:
    """One store for the tests whose examples may share it: each malformed example checks it left it unchanged."""
    yield _example_store(tmp_path_factory.mktemp("fuzz"))


@dataclasses.dataclass
class StoreTemplate:
    """The worked example's store made once; each example gets its own copy of the files, so that no
    example's verdict depends on what an earlier one left behind (copying is far faster than making one)."""

    work: Path
    copies: Iterator[int] = dataclasses.field(default_factory=itertools.count)

    def fresh(self) -> FuzzStore:
        directory = self.work / f"example-{next(self.copies)}"
        directory.mkdir()
        for name in ("kompass.db", "kompass.db-wal", "kompass.db-shm"):
            if (self.work / "template" / name).exists():
                shutil.copyfile(self.work / "template" / name, directory / name)
        return FuzzStore(f"sqlite:///{directory / 'kompass.db'}", directory / "kompass.db", directory)


@pytest.fixture(scope="module")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> StoreTemplate:
    work = tmp_path_factory.mktemp("fuzz-template")
    (work / "template").mkdir()
    _example_store(work / "template")
    return StoreTemplate(work)


# --- templates: one valid command per op, in the worked example's store ------------------------------

TEMPLATES: dict[str, dict[str, Any]] = {
    "actor.register": {"key": "fuzz-actor", "name": "Fuzz AB", "kind": "company", "region": "14"},
    "actor.rename": {"key": "digg", "name": "Digg"},
    "actor.merge": {"key": "rise", "into": "digg"},
    "initiative.propose": {
        "ref": "14-fuzz",
        "region": "14",
        "title": "Fuzz",
        "areas": ["security"],
        "type": "training",
        "orientation": "internal",
        "roles": ["collaboration_leader"],
        "description": "d",
    },
    "initiative.status": {"ref": "14-open-data", "status": "completed", "reason": "done"},
    "initiative.reopen": {"ref": "14-open-data", "reason": "again"},
    "initiative.tag": {"ref": "14-open-data", "area": "security"},
    "initiative.untag": {"ref": "14-dataverkstad", "area": "innovation"},
    "initiative.join": {"ref": "14-open-data", "actor": "rise", "role": "partner"},
    "initiative.leave": {"ref": "14-open-data", "actor": "gbg"},
    "initiative.fund": {"ref": "14-open-data", "source": "erdf", "amount_sek": 1000, "year": 2022},
    "initiative.result": {"ref": "14-open-data", "type": "coordination", "text": "ok"},
    "initiative.retitle": {"ref": "14-open-data", "title": "Öppna data", "description": "d"},
    "initiative.indicator": {"ref": "14-open-data", "name": "andel", "target": 50.5, "unit": "%"},
    "initiative.measure": {"ref": "14-open-data", "name": "kommuner", "value": 4},
    "portfolio.assess": {"region": "14", "year": 2022, "score": 5, "light": "green", "focus": {"security": "high"}},
    "portfolio.coordinator": {"region": "14", "user": "coord-fuzz"},
}
COMMON = {"by": "admin", "effective": "2022-05-01"}

SAFE_LINES = [
    b"",
    b"   ",
    b"\t",
    b"# a comment",
    b'#{"op": "not even parsed"}',
    json.dumps({"op": "initiative.result", "ref": "14-open-data", "type": "coordination", "text": "ok"}).encode(),
    json.dumps({"op": "initiative.fund", "ref": "14-dataverkstad", "source": "erdf", "amount_sek": 5, "year": 2022}).encode(),
    json.dumps(
        {"op": "initiative.result", "ref": "14-dataverkstad", "type": "capability", "text": "Å", "effective": "2022-01-01"}
    ).encode(),
    json.dumps({"op": "initiative.measure", "ref": "14-open-data", "name": "kommuner", "value": 3.5}, ensure_ascii=False).encode(),
]
"""Lines valid any number of times in the store, whatever came before: a bad line may follow them."""

HOSTILE = [
    "'; DROP TABLE stored_events; --",
    "Robert'); DELETE FROM tracking; --",
    '" OR 1=1 --',
    "\\'\\\"\\\\",
    "%s %d {} {0} $1 ?",
    "\x01\x1b[31mred\x1b[0m\x7f\x9b",
    "line\nbreak\rreturn\u2028sep\u0085nel",
    "\u202eevil\u202c \u200f\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "🧭👩‍💻🇸🇪 ̀combining",
    "Åsa Öberg, Älvsbyn — “citat” «guillemets»",
    "\ufeffBOM\u200bzero\u200dwidth",
    "<script>alert(1)</script>",
    "../../etc/passwd",
]


def _line(op: str, fields: dict[str, Any], *, ascii_only: bool = True) -> bytes:
    return json.dumps({"op": op, **fields}, ensure_ascii=ascii_only).encode()


def _kind(name: str) -> str:
    return FIELD_KINDS.get(name, "text")


# --- bad lines, each certainly refused ---------------------------------------------------------------

ops = st.sampled_from(sorted(TEMPLATES))
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=8,
)

BROKEN_UTF8 = [
    b"\xff",
    b"\xfe",
    b"\xc3",
    b"\xc3(",
    b"\xe2\x82",
    b"\xe2(\xa1",
    b"\xf0\x9f\x98",
    b"\xc0\xaf",
    b"\xed\xa0\x80",
    b"\xf8\x88\x80\x80\x80",
    b"\x80",
]


@st.composite
def broken_utf8(draw: st.DrawFn) -> bytes:
    line = (
        _line(draw(ops), TEMPLATES[draw(ops)], ascii_only=draw(st.booleans()))
        if draw(st.booleans())
        else draw(st.sampled_from(SAFE_LINES[3:]))
    )
    at = draw(st.integers(0, len(line)))
    return line[:at] + draw(st.sampled_from(BROKEN_UTF8)) + line[at:]


@st.composite
def not_json(draw: st.DrawFn) -> bytes:
    # CR and LF both end a line (files from old Mac and Excel exports), so neither can stand inside one
    text = draw(st.text(st.characters(blacklist_characters="\r\n", blacklist_categories=["Cs"]), min_size=1, max_size=80))
    stripped = text.strip()
    if not stripped or stripped.startswith("#"):
        text = "x" + text
    try:
        value = json.loads(text)
    except ValueError:
        return text.encode()
    if isinstance(value, dict) and value.get("op") in OPS:  # a valid command by chance cannot slip through
        text = "[" + text
    return text.encode()


@st.composite
def not_an_object(draw: st.DrawFn) -> bytes:
    value = draw(st.one_of(json_scalars, st.lists(json_values, max_size=4)))
    return json.dumps(value).encode()


@st.composite
def huge_number(draw: st.DrawFn) -> bytes:
    op = draw(st.sampled_from(["initiative.fund", "initiative.indicator", "initiative.measure", "portfolio.assess"]))
    numeric = [k for k, v in TEMPLATES[op].items() if _kind(k) in {"a whole number", "a number"}]
    name = draw(st.sampled_from(numeric))
    raw = draw(
        st.one_of(
            st.integers(min_value=10**15 + 1, max_value=10**40).map(str),
            st.integers(min_value=10**15 + 1, max_value=10**40).map(lambda n: f"-{n}"),
            st.integers(16, 6000).map(lambda n: "9" * n),
            st.sampled_from(["1e400", "-1e400", "1e16", "1.7976931348623157e309", "NaN", "Infinity", "-Infinity", "9" * 5000 + ".5"]),
        )
    )
    fields = dict(TEMPLATES[op], **{name: 0})
    text = json.dumps({"op": op, **fields}).replace(f'"{name}": 0', f'"{name}": {raw}')
    return text.encode()


@st.composite
def deep_nesting(draw: st.DrawFn) -> bytes:
    op = draw(ops)
    name = draw(st.sampled_from(sorted(TEMPLATES[op])))
    depth = draw(st.one_of(st.integers(2, 50), st.integers(1000, 100_000)))
    opening, closing = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    value = opening * depth + ("1" if opening == '{"a":' else "") + closing * depth
    text = json.dumps({"op": op, **dict(TEMPLATES[op], **{name: 0})}).replace(f'"{name}": 0', f'"{name}": {value}', 1)
    return text.encode()


@st.composite
def hostile_names(draw: st.DrawFn) -> bytes:
    """SQL and control characters where kompass expects names it knows: ops, field names, keys, refs."""
    hostile = draw(st.one_of(st.sampled_from(HOSTILE), st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=30)))
    op = draw(ops)
    where = draw(st.sampled_from(["op", "field", "lookup"]))
    if where == "op":
        return _line(op + hostile, TEMPLATES[op], ascii_only=draw(st.booleans()))
    if where == "field":
        return _line(op, {**TEMPLATES[op], "x" + hostile: "v"}, ascii_only=draw(st.booleans()))
    target = draw(st.sampled_from(["initiative.result", "initiative.join", "actor.rename", "initiative.fund"]))
    key = "actor" if target == "initiative.join" and draw(st.booleans()) else ("key" if target == "actor.rename" else "ref")
    return _line(target, {**TEMPLATES[target], key: "zz-" + hostile}, ascii_only=draw(st.booleans()))


@st.composite
def duplicated_key(draw: st.DrawFn) -> bytes:
    op = draw(ops)
    body = json.dumps({"op": op, **TEMPLATES[op]})
    names = ["op", *TEMPLATES[op]]
    name = draw(st.sampled_from(names))
    again = json.dumps(draw(st.one_of(st.just(({"op": op} | TEMPLATES[op])[name]), json_scalars)))
    return (body[:-1] + f', "{name}": {again}' + "}").encode()


def _wrong_values(kind: str, name: str) -> st.SearchStrategy[Any]:
    text_like = st.text(max_size=10)
    if kind == "text":
        wrong = st.one_of(
            st.integers(),
            st.floats(allow_nan=False, allow_infinity=False),
            st.booleans(),
            st.lists(text_like, max_size=2),
            st.dictionaries(text_like, text_like, max_size=2),
        )
        return wrong if name in {"region", "description"} else st.one_of(wrong, st.none())
    if kind == "a list of texts":
        return st.one_of(
            st.none(),
            text_like,
            st.integers(),
            st.lists(st.one_of(st.integers(), st.none(), st.booleans()), min_size=1, max_size=3),
            st.dictionaries(text_like, text_like, max_size=2),
        )
    if kind == "a whole number":
        return st.one_of(
            st.none(), st.booleans(), text_like, st.floats(allow_nan=False, allow_infinity=False), st.lists(st.integers(), max_size=2)
        )
    if kind == "a number":
        return st.one_of(
            st.none(), st.booleans(), text_like, st.lists(st.integers(), max_size=2), st.dictionaries(text_like, st.integers(), max_size=1)
        )
    if kind == "an object mapping areas to focus levels":
        return st.one_of(
            st.none(),
            text_like,
            st.integers(),
            st.lists(text_like, max_size=2),
            st.dictionaries(text_like, st.one_of(st.integers(), st.none(), st.lists(text_like)), min_size=1, max_size=2),
        )
    assert kind == "a date YYYY-MM-DD", kind
    return st.one_of(
        st.none(),
        st.integers(),
        st.booleans(),
        st.sampled_from(
            [
                "20220501",
                "2022-W18-1",
                "2022-5-1",
                "2022-05-1",
                "22-05-01",
                "2022/05/01",
                "2022-05-01T00:00",
                " 2022-05-01",
                "2022-02-30",
                "2022-13-01",
                "０２０２-05-01",
                "",
            ]
        ),
    )


@st.composite
def wrong_type(draw: st.DrawFn) -> bytes:
    op = draw(ops)
    fields = dict(TEMPLATES[op], **COMMON)
    name = draw(st.sampled_from(sorted(fields)))
    fields[name] = draw(_wrong_values(_kind(name), name))
    return _line(op, fields, ascii_only=draw(st.booleans()))


@st.composite
def unknown_op_or_field(draw: st.DrawFn) -> bytes:
    op = draw(ops)
    if draw(st.booleans()):
        other = draw(st.text(min_size=0, max_size=20).filter(lambda s: s not in OPS))
        return _line(other, TEMPLATES[op])
    known = {f.name for f in dataclasses.fields(OPS[op])} | {"op"}
    extra = draw(
        st.one_of(
            st.sampled_from(["recorded_at", "id", "Ref", "ref ", "areas", "timestamp", "originator_id"]), st.text(min_size=0, max_size=12)
        ).filter(lambda s: s not in known)
    )
    return _line(op, {**TEMPLATES[op], extra: draw(json_scalars)})


@st.composite
def missing_field(draw: st.DrawFn) -> bytes:
    op = draw(ops)
    required = [
        f.name for f in dataclasses.fields(OPS[op]) if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    fields = dict(TEMPLATES[op])
    fields.pop(draw(st.sampled_from(required)))
    if draw(st.booleans()):
        return json.dumps(fields).encode()  # no op at all
    return _line(op, fields)


@st.composite
def refused_by_the_rules(draw: st.DrawFn) -> bytes:
    """Well-formed lines the portfolio's rules refuse, whatever the good lines before them did."""
    case = draw(st.integers(0, 12))
    hostile = draw(st.sampled_from(HOSTILE))
    if case == 0:
        return _line("initiative.result", {**TEMPLATES["initiative.result"], "ref": "14-no-such-" + str(draw(st.integers(0, 10**6)))})
    if case == 1:
        return _line("initiative.join", {**TEMPLATES["initiative.join"], "actor": "no-such-actor"})
    if case == 2:
        return _line("initiative.propose", {**TEMPLATES["initiative.propose"], "ref": "14-dataverkstad"})
    if case == 3:
        return _line(
            "initiative.propose", {**TEMPLATES["initiative.propose"], "region": draw(st.sampled_from(["99", "00", "14 ", "1", hostile]))}
        )
    if case == 4:
        return _line(
            "initiative.status", {**TEMPLATES["initiative.status"], "status": draw(st.sampled_from(["done", "Active", "", hostile]))}
        )
    if case == 5:
        return _line("initiative.fund", {**TEMPLATES["initiative.fund"], "amount_sek": draw(st.integers(-(10**15), -1))})
    if case == 6:
        return _line(
            "initiative.fund",
            {**TEMPLATES["initiative.fund"], "year": draw(st.one_of(st.integers(-(10**15), 1999), st.integers(2101, 10**15)))},
        )
    if case == 7:
        effective = draw(st.sampled_from(["2999-01-01", "1900-01-01", "0001-01-01", "9999-12-31"]))
        return _line("initiative.result", {**TEMPLATES["initiative.result"], "effective": effective})
    if case == 8:
        return _line("initiative.tag", {**TEMPLATES["initiative.tag"], "area": draw(st.sampled_from(["cooking", "Security", "", hostile]))})
    if case == 9:
        return _line(
            "initiative.propose",
            {
                **TEMPLATES["initiative.propose"],
                "ref": draw(st.sampled_from(["", "has space", "x" * 101, "tab\tref", "nul\x00ref", "esc\x1bref"])),
            },
        )
    if case == 10:
        return _line("initiative.propose", {**TEMPLATES["initiative.propose"], "title": draw(st.sampled_from(["", "   ", "\t\n"]))})
    if case == 11:
        return _line(
            "actor.register", {**TEMPLATES["actor.register"], "key": draw(st.sampled_from(["Digg", "-x", "", "a b", "å", hostile]))}
        )
    op = draw(st.sampled_from(["initiative.result", "initiative.retitle", "actor.rename", "initiative.propose", "actor.register"]))
    texts = [k for k in TEMPLATES[op] if _kind(k) == "text" and k not in {"ref", "key", "region", "type", "orientation", "kind"}]
    return _line(op, {**TEMPLATES[op], draw(st.sampled_from(texts)): draw(st.sampled_from(["\x00", "a\x00b", hostile + "\x00"]))})


@st.composite
def recorded_at_in_an_ordinary_import(draw: st.DrawFn) -> bytes:
    op = draw(ops)
    return _line(op, {**TEMPLATES[op], "recorded_at": draw(st.sampled_from(["2022-05-01T10:00:00+00:00", "yesterday", None, 5]))})


@st.composite
def lone_surrogate(draw: st.DrawFn) -> bytes:
    """A JSON escape of half a UTF-16 pair: valid JSON, not text that UTF-8 can store."""
    op = draw(st.sampled_from(["initiative.result", "initiative.retitle", "actor.rename", "initiative.propose"]))
    texts = [k for k in TEMPLATES[op] if _kind(k) == "text" and k not in {"ref", "key", "region", "type", "orientation"}]
    name = draw(st.sampled_from(texts))
    surrogate = draw(st.sampled_from(["\\ud800", "\\udfff", "\\udcff", "x\\ud83dy", "\\ude00\\ud83d"]))
    text = json.dumps({"op": op, **dict(TEMPLATES[op], **{name: "@@"})}).replace('"@@"', f'"{surrogate}"')
    return text.encode()


BAD_LINE_KINDS = {
    "broken_utf8": broken_utf8(),
    "not_json": not_json(),
    "not_an_object": not_an_object(),
    "huge_number": huge_number(),
    "deep_nesting": deep_nesting(),
    "hostile_names": hostile_names(),
    "duplicated_key": duplicated_key(),
    "wrong_type": wrong_type(),
    "unknown_op_or_field": unknown_op_or_field(),
    "missing_field": missing_field(),
    "refused_by_the_rules": refused_by_the_rules(),
    "recorded_at": recorded_at_in_an_ordinary_import(),
    "lone_surrogate": lone_surrogate(),
}

any_line = st.one_of(st.sampled_from(SAFE_LINES), *BAD_LINE_KINDS.values())


# --- what a refusal looks like ---------------------------------------------------------------------------


def assert_refused_at(result: Result, path: Path, line: int) -> str:
    assert isinstance(result.exception, SystemExit), f"an exception escaped: {result.exception!r}"
    assert result.exit_code == 1, f"exit {result.exit_code}: {result.stderr!r}"
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line, got {result.stderr!r}"
    prefix = f"Error: {path}:{line}: "
    assert lines[0].startswith(prefix), f"expected {prefix!r}…, got {lines[0]!r}"
    shown = result.stderr.rstrip("\n")
    controls = [c for c in shown if unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} and c != "\t"]
    assert not controls, f"raw control characters from the input reached the terminal: {controls!r} in {shown!r}"
    return lines[0].removeprefix(prefix)


def refuses(store: FuzzStore, good: list[bytes], bad: bytes, after: list[bytes], *, newline_at_end: bool = True) -> str:
    before = store.state()
    content = b"\n".join([*good, bad, *after]) + (b"\n" if newline_at_end else b"")
    path = store.file(content)
    result = invoke(store.url, "import", str(path))
    message = assert_refused_at(result, path, len(good) + 1)
    assert store.state() == before, "a refused import changed the store"
    return message


# --- the properties --------------------------------------------------------------------------------------


@settings(FUZZ, max_examples=40)
@given(
    good=st.lists(st.sampled_from(SAFE_LINES), max_size=6),
    bad=st.one_of(*BAD_LINE_KINDS.values()),
    after=st.lists(any_line, max_size=3),
    newline_at_end=st.booleans(),
)
def test_a_malformed_line_is_refused_with_its_line_number_and_changes_nothing(
    store_template: StoreTemplate, good: list[bytes], bad: bytes, after: list[bytes], newline_at_end: bool
) -> None:
    """Each example on a fresh copy of the same store: whether a line the rules refuse is refused cannot
    depend on what an earlier example did (an indicator defined, an actor merged)."""
    refuses(store_template.fresh(), good, bad, after, newline_at_end=newline_at_end)


@pytest.mark.parametrize("kind", sorted(BAD_LINE_KINDS))
def test_every_kind_of_bad_line_is_refused(fuzz_store: FuzzStore, kind: str) -> None:
    """Each kind on its own, so that a kind the mixed property rarely draws is still exercised."""

    @settings(FUZZ, max_examples=60)
    @given(good=st.lists(st.sampled_from(SAFE_LINES), max_size=3), bad=BAD_LINE_KINDS[kind])
    def check(good: list[bytes], bad: bytes) -> None:
        refuses(fuzz_store, good, bad, [])

    check()


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (
            b'{"op": "initiative.fund", "ref": "14-open-data", "source": "erdf", "amount_sek": ' + b"9" * 5000 + b', "year": 2022}',
            "too many digits",
        ),
        (b'{"op": "initiative.result", "ref": "14-open-data", "type": "coordination", "text": "\\ud800"}', "lone surrogate"),
        (
            b'{"op": "initiative.result", "ref": "14-open-data", "type": "coordination", "text": "ok", "effective": "2022-W18-1"}',
            "YYYY-MM-DD",
        ),
        (
            b'{"op": "initiative.result", "ref": "14-open-data", "type": "coordination", "text": "ok", "effective": "20220501"}',
            "YYYY-MM-DD",
        ),
        (b'{"op": "actor.rename", "key": "digg", "name": "a", "name": "b"}', "appears twice"),
        (b'{"op": "actor.rename", "key": "digg", "name": "nul\\u0000"}', "NUL"),
        (b'{"op": "initiative.measure", "ref": "14-open-data", "name": "kommuner", "value": NaN}', "NaN"),
        (b'{"op": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
        (b'{"op": "initiative.result", "ref": "14-open-data", "type": "coordination", "text": "\xc3("}', "not valid UTF-8"),
    ],
    ids=["5000-digits", "lone-surrogate", "iso-week-date", "basic-date", "duplicate-key", "nul", "nan", "deep-nesting", "broken-utf8"],
)
def test_the_messages_say_what_is_wrong(fuzz_store: FuzzStore, bad: bytes, expected: str) -> None:
    """Found by this fuzzing: the first two were tracebacks; the dates were silently read as other dates;
    NUL was stored, and on PostgreSQL then broke every query (its text columns refuse NUL)."""
    assert expected in refuses(fuzz_store, [SAFE_LINES[5], b"# comment", b""], bad, [SAFE_LINES[6]])


# --- lines of megabytes: a couple of examples, not thousands --------------------------------------------

TEN_MB = 10 * 1024 * 1024


@pytest.mark.parametrize("shape", ["long-string", "long-garbage", "no-newline-at-end", "just-over-1-MiB"])
def test_a_ten_megabyte_line_is_refused_with_its_line_number(fuzz_store: FuzzStore, shape: str) -> None:
    good = [SAFE_LINES[5], b"", b"# three good lines, then the long one"]
    if shape == "long-string":
        bad = json.dumps(
            {"op": "initiative.result", "ref": "14-open-data", "type": "coordination", "text": "å" * (TEN_MB // 2)}, ensure_ascii=False
        ).encode()
    elif shape == "long-garbage":
        bad = b"\xff{[" * (TEN_MB // 3)
    elif shape == "no-newline-at-end":
        bad = b"x" * TEN_MB
    else:
        bad = b'{"op": "initiative.result", "ref": "14-open-data", "type": "coordination", "text": "' + b"y" * (1 << 20) + b'"}'
    message = refuses(
        fuzz_store, good, bad, [SAFE_LINES[6]] if shape != "no-newline-at-end" else [], newline_at_end=shape != "no-newline-at-end"
    )
    assert "longer than 1 MiB" in message


def test_a_line_just_under_a_mebibyte_is_read_and_judged_on_its_content(fuzz_store: FuzzStore) -> None:
    text = "z" * ((1 << 20) - 200)
    bad = json.dumps({"op": "initiative.result", "ref": "14-no-such", "type": "coordination", "text": text}).encode()
    assert "longer than" not in refuses(fuzz_store, [], bad, [])


# --- valid, hostile text round-trips exactly --------------------------------------------------------------

_serial = itertools.count()
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=60),
    st.text(st.sampled_from("åäöÅÄÖéü'\"\\;-–—%_*?$`<>&|{}[]()\u202e\u200f\u05d0\u0627🧭👩\u200d💻\x1b\t\x7f"), min_size=1, max_size=40),
).filter(lambda s: bool(s.strip()) and "\x00" not in s)
ref_tail = st.text(st.sampled_from("abcxyzÅÄÖåäö0123456789'\";%_*?$`<>&|{}[]()!@^~=+.,:-🧭\u05d0"), min_size=1, max_size=40)


@settings(FUZZ, max_examples=100)
@given(title=hostile_text, description=hostile_text, name=hostile_text, text=hostile_text, tail=ref_tail, ascii_only=st.booleans())
def test_hostile_text_is_stored_and_shown_back_exactly(
    fuzz_store: FuzzStore, title: str, description: str, name: str, text: str, tail: str, ascii_only: bool
) -> None:
    n = next(_serial)
    ref, key = f"14-{n}-{tail}"[:100], f"fuzz-{n}"
    lines = [
        _line("actor.register", {"key": key, "name": name, "kind": "company"}, ascii_only=ascii_only),
        _line(
            "initiative.propose",
            {**TEMPLATES["initiative.propose"], "ref": ref, "title": title, "description": description},
            ascii_only=ascii_only,
        ),
        _line("initiative.join", {"ref": ref, "actor": key}, ascii_only=ascii_only),
        _line("initiative.result", {"ref": ref, "type": "coordination", "text": text}, ascii_only=ascii_only),
    ]
    ok(fuzz_store.url, "import", str(fuzz_store.file(b"\n".join(lines) + b"\n")))
    shown = as_json(fuzz_store.url, "initiative", "show", ref)
    assert (shown["ref"], shown["title"], shown["description"]) == (ref, title, description)
    assert [r["text"] for r in shown["results"]] == [text]
    assert {"actor": key, "role": "partner"} in shown["participants"]
    assert as_json(fuzz_store.url, "actor", "show", key)["name"] == name


@settings(FUZZ, max_examples=30)
@given(title=hostile_text, name=hostile_text, tail=ref_tail)
def test_hostile_text_given_on_the_command_line_round_trips(fuzz_store: FuzzStore, title: str, name: str, tail: str) -> None:
    """The same through `initiative add` and `actor add`."""
    n = next(_serial)
    ref, key = f"12-{n}-{tail}"[:100], f"cli-{n}"
    ok(fuzz_store.url, "actor", "add", f"--key={key}", f"--name={name}", "--kind=company")
    ok(fuzz_store.url, "initiative", "add", f"--ref={ref}", "--region=12", f"--title={title}", "--area=security", "--type=training")
    assert as_json(fuzz_store.url, "initiative", "show", ref)["title"] == title
    assert as_json(fuzz_store.url, "actor", "show", key)["name"] == name


def test_the_named_hostile_strings_round_trip_on_each_backend(db_url: str, tmp_path: Path) -> None:
    """The fixed list, once on SQLite and once on PostgreSQL."""
    lines = []
    for n, text in enumerate(HOSTILE):
        ref = f"14-h{n}"
        lines.append(
            _line(
                "initiative.propose",
                {**TEMPLATES["initiative.propose"], "ref": ref, "title": text, "description": text[::-1]},
                ascii_only=n % 2 == 0,
            )
        )
        lines.append(_line("actor.register", {"key": f"h-{n}", "name": text, "kind": "company"}, ascii_only=n % 2 == 1))
    log = tmp_path / "hostile.jsonl"
    log.write_bytes(b"\n".join(lines) + b"\n")
    ok(db_url, "import", str(log))
    for n, text in enumerate(HOSTILE):
        shown = as_json(db_url, "initiative", "show", f"14-h{n}")
        assert (shown["title"], shown["description"]) == (text, text[::-1])
        assert as_json(db_url, "actor", "show", f"h-{n}")["name"] == text
    assert ok(db_url, "verify").exit_code == 0
