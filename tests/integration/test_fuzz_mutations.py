"""`kompass import` against real command logs mutated as files get damaged and mistyped (issue 12).

The worked example's log and the shipped demo portfolio are taken whole and then damaged: bytes
flipped, the file cut short, lines duplicated, swapped or dropped, line endings changed, byte
order marks put in, numbers made huge, values given the wrong type, odd Unicode and lone
surrogates written into texts. Whatever comes out, `kompass import` either takes the file whole
(a mutation can leave it valid) or refuses it with exit 1 and one line `Error: FILE:LINE: message`;
never a traceback, and after a refusal the store's events are exactly what they were.

Each example's keys get a suffix of their own, so that an unharmed file is accepted and a damaged
one fails where the damage is, not at its first line for a key taken by an earlier example.
Counts per mutation and outcome are printed at the end (pytest -s), and written as JSON to the
file named by KOMPASS_FUZZ_COUNTS if it is set.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kompass.application.commands import GrantRole
from kompass.infrastructure.bootstrap import Store
from tests.conftest import FIXTURES, init_store
from tests.integration.helpers import invoke

pytestmark = pytest.mark.slow

EXAMPLES_SQLITE = int(os.environ.get("KOMPASS_FUZZ_EXAMPLES", "1000"))
EXAMPLES_POSTGRES = max(1, EXAMPLES_SQLITE // 8)
NAMING = ("ref", "key", "actor", "into", "user")
COUNTS: Counter[str] = Counter()


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _without_recording_times(lines: list[str]) -> list[str]:
    """The demo log as an ordinary import takes it: its recording times belong to the restore path."""
    out = []
    for line in lines:
        if line.strip() and not line.lstrip().startswith("#"):
            record = json.loads(line)
            record.pop("recorded_at", None)
            line = json.dumps(record, ensure_ascii=False)
        out.append(line)
    return out


SMALL = _lines((FIXTURES / "small.jsonl").read_text(encoding="utf-8"))
DEMO = _without_recording_times(
    _lines(resources.files("kompass.infrastructure.data").joinpath("demo.jsonl").read_text(encoding="utf-8"))
)
_serial = itertools.count()


def unique(lines: list[str], suffix: str) -> list[str]:
    """The log with every key it names (but the regions') made its own for this example."""
    out = []
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            out.append(line)
            continue
        record = json.loads(line)
        for name in NAMING:
            value = record.get(name)
            if isinstance(value, str) and not value.startswith("region-"):
                record[name] = value + suffix
        out.append(json.dumps(record, ensure_ascii=False))
    return out


# --- mutations ---------------------------------------------------------------------------------------------------

ODD = ["\u202e", "\u200b", "\u2028", "\x85", "\x1b[2J", "\x00", "\t", "\r", "\n", "\ufeff", "🧭", "\u0301", "a\u030a", "\U0010ffff", "\x7f"]
SURROGATES = ["\\ud800", "\\udfff", "\\udc80", "x\\ud83d", "\\ude00\\ud83d"]
HUGE = [
    "1" + "0" * 20,
    "-" + "9" * 30,
    "1e400",
    "-1e400",
    "9" * 5000,
    "1e308",
    "1.5e16",
    "NaN",
    "Infinity",
    "123456789012345678901234567890.5",
]
WRONG = [None, True, False, 0, -1, 2.5, "", "x", [], ["a"], {}, {"a": 1}, [[["deep"]]]]


def _records(lines: list[str]) -> list[int]:
    """The lines that hold a command (a JSON object): the ones a mutation of values works on."""
    found = []
    for i, line in enumerate(lines):
        try:
            if isinstance(json.loads(line), dict):
                found.append(i)
        except ValueError:
            continue
    return found


@st.composite
def mutate(draw: st.DrawFn, lines: list[str]) -> tuple[str, bytes]:
    """One mutation of the log (as lines); its name and the file's bytes."""
    kind = draw(
        st.sampled_from(
            [
                "byte_flip",
                "truncate",
                "duplicate",
                "swap",
                "drop",
                "endings",
                "bom",
                "huge_number",
                "wrong_type",
                "odd_unicode",
                "surrogate",
            ]
        )
    )
    records = _records(lines) or [0]
    at = draw(st.sampled_from(records))
    if not _records(lines) and kind not in {"byte_flip", "truncate", "endings", "bom", "duplicate", "drop"}:
        kind = "duplicate"
    lines = list(lines)
    newline = "\n"
    if kind in {"byte_flip", "truncate"}:
        data = bytearray(("\n".join(lines) + "\n").encode())
        position = draw(st.integers(0, len(data) - 1))
        if kind == "byte_flip":
            data[position] ^= draw(st.sampled_from([1, 2, 4, 8, 16, 32, 64, 128, 0xFF]))
        else:
            del data[position:]
        return kind, bytes(data)
    if kind == "duplicate":
        lines.insert(draw(st.integers(0, len(lines))), lines[at])
    elif kind == "swap":
        other = draw(st.sampled_from(records))
        lines[at], lines[other] = lines[other], lines[at]
    elif kind == "drop":
        del lines[at]
    elif kind == "endings":
        newline = draw(st.sampled_from(["\r", "\r\n", "\n\r", "\r\r\n"]))
        if draw(st.booleans()):  # mixed: each line its own
            return kind, "".join(line + draw(st.sampled_from(["\r", "\r\n", "\n"])) for line in lines).encode()
    elif kind == "bom":
        where = draw(st.sampled_from([0, at]))
        lines[where] = "\ufeff" + lines[where]
    else:
        record = json.loads(lines[at])
        field = draw(st.sampled_from(sorted(record)))
        if kind == "huge_number":
            numeric = [k for k, v in record.items() if isinstance(v, (int, float)) and not isinstance(v, bool)] or [field]
            field = draw(st.sampled_from(numeric))
            record[field] = "@@"
            lines[at] = json.dumps(record, ensure_ascii=False).replace('"@@"', draw(st.sampled_from(HUGE)))
        elif kind == "wrong_type":
            record[field] = draw(st.sampled_from(WRONG))
            lines[at] = json.dumps(record, ensure_ascii=draw(st.booleans()))
        else:
            texts = [k for k, v in record.items() if isinstance(v, str)]
            field = draw(st.sampled_from(texts))
            value = record[field]
            cut = draw(st.integers(0, len(value)))
            if kind == "odd_unicode":
                odd = draw(st.one_of(st.sampled_from(ODD), st.just(unicodedata.normalize("NFD", value))))
                record[field] = value[:cut] + odd + value[cut:]
                lines[at] = json.dumps(record, ensure_ascii=draw(st.booleans()))
            else:
                record[field] = value[:cut] + "@@" + value[cut:]
                lines[at] = json.dumps(record).replace("@@", draw(st.sampled_from(SURROGATES)), 1)
    return kind, (newline.join(lines) + newline).encode("utf-8", "surrogatepass")


def coordinators_named(lines: list[str]) -> list[tuple[str, str]]:
    """The (user, region) of every `portfolio.coordinator` line: users the store must know before the import."""
    named = []
    for line in lines:
        if line.strip() and not line.lstrip().startswith("#"):
            record = json.loads(line)
            if record.get("op") == "portfolio.coordinator":
                named.append((record["user"], record["region"]))
    return named


def register(url: str, coordinators: list[tuple[str, str]]) -> None:
    """Grant each a coordinator role, as an admin would before assigning them (one place to adapt)."""
    if not coordinators:
        return
    store = Store(url, "admin")
    try:
        for user, region in dict.fromkeys(coordinators):  # each grant once: granting what is held is refused
            if region not in store.users.grants_of(user).regions:
                store.kompass.execute(GrantRole(user=user, role="coordinator", regions=(region,)), store.access())
    finally:
        store.close()


@st.composite
def damaged_log(draw: st.DrawFn) -> tuple[str, bytes, list[tuple[str, str]]]:
    """A mutated log, and the coordinators its undamaged lines assign (registered before the import)."""
    base = draw(st.sampled_from(["small"] * 19 + ["demo"]))
    lines = unique(SMALL if base == "small" else DEMO, f"-z{next(_serial):07d}")
    coordinators = coordinators_named(lines)
    names = []
    for _ in range(draw(st.integers(1, 2))):
        name, data = draw(mutate(lines))
        names.append(name)
        if name in {"byte_flip", "truncate", "endings"}:
            break  # the bytes are no longer lines of text to mutate further
        lines = data.decode("utf-8", "surrogatepass").split("\n")  # a second mutation works on the first one's result
    return "+".join(names), data, coordinators


# --- the store and its state ------------------------------------------------------------------------------------


def events_state(url: str) -> tuple[int, int]:
    """How many events the store holds and its highest position: a refused import leaves both as they were."""
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            count, top = conn.execute("SELECT count(*), coalesce(max(rowid), 0) FROM stored_events").fetchone()
        return int(count), int(top)
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        row = conn.execute("SELECT count(*), coalesce(max(notification_id), 0) FROM kompass_events").fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


LINE = re.compile(r"^Error: (?P<file>.+?):(?P<line>[0-9]+): (?P<message>.+)$")


def check(url: str, work: Path, backend: str, name: str, data: bytes) -> None:
    path = work / "damaged.jsonl"
    path.write_bytes(data)
    before = events_state(url)
    result = invoke(url, "import", str(path))
    assert isinstance(result.exception, SystemExit) or result.exception is None, f"an exception escaped: {result.exception!r}"
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    if result.exit_code == 0:
        COUNTS[f"{backend} accepted"] += 1
        COUNTS[f"{backend} accepted {name}"] += 1
        return
    assert result.exit_code == 1, f"{name}: exit {result.exit_code}: {result.stderr!r}"
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"{name}: expected one line, got {result.stderr!r}"
    match = LINE.match(lines[0])
    assert match and match["file"] == str(path), f"{name}: not FILE:LINE: {lines[0]!r}"
    assert 1 <= int(match["line"]) <= data.count(b"\n") + data.count(b"\r") + 1
    controls = [c for c in lines[0] if unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp", "Cs"}]
    assert not controls, f"raw control characters reached the terminal: {controls!r}"
    assert events_state(url) == before, f"{name}: a refused import changed the store"
    COUNTS[f"{backend} refused"] += 1
    COUNTS[f"{backend} refused {name}"] += 1


@pytest.fixture(scope="module", autouse=True)
def report_counts() -> Iterator[None]:
    yield
    total = {k: v for k, v in sorted(COUNTS.items()) if k.count(" ") == 1}
    print(f"\nmutated command logs: {json.dumps(total)}\nby mutation: {json.dumps(dict(sorted(COUNTS.items())))}")
    target = os.environ.get("KOMPASS_FUZZ_COUNTS")
    if target:
        Path(target).write_text(json.dumps(dict(sorted(COUNTS.items())), indent=1), encoding="utf-8")


FUZZ = settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def sqlite_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    work = tmp_path_factory.mktemp("mutations")
    return init_store(f"sqlite:///{work / 'kompass.db'}"), work


@settings(FUZZ, max_examples=EXAMPLES_SQLITE)
@given(case=damaged_log())
def test_a_damaged_real_log_is_taken_whole_or_refused_at_a_line_on_sqlite(
    sqlite_store: tuple[str, Path], case: tuple[str, bytes, list[tuple[str, str]]]
) -> None:
    url, work = sqlite_store
    name, data, coordinators = case
    register(url, coordinators)
    check(url, work, "sqlite", name, data)


@pytest.fixture(scope="module")
def postgres_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    from tests.conftest import PG_UNAVAILABLE, drop_pg_database, new_pg_database

    if PG_UNAVAILABLE:
        pytest.skip(PG_UNAVAILABLE)
    url = new_pg_database()
    try:
        yield url, tmp_path_factory.mktemp("mutations-pg")
    finally:
        drop_pg_database(url)


@pytest.mark.postgres
@settings(FUZZ, max_examples=EXAMPLES_POSTGRES)
@given(case=damaged_log())
def test_a_damaged_real_log_is_taken_whole_or_refused_at_a_line_on_postgres(
    postgres_store: tuple[str, Path], case: tuple[str, bytes, list[tuple[str, str]]]
) -> None:
    url, work = postgres_store
    name, data, coordinators = case
    register(url, coordinators)
    check(url, work, "postgres", name, data)


def test_an_undamaged_log_is_accepted_so_that_refusals_mean_damage(sqlite_store: tuple[str, Path]) -> None:
    url, work = sqlite_store
    for lines in (SMALL, DEMO):
        path = work / "whole.jsonl"
        whole = unique(lines, f"-w{next(_serial):07d}")
        register(url, coordinators_named(whole))
        path.write_text("\n".join(whole) + "\n", encoding="utf-8")
        assert invoke(url, "import", str(path)).exit_code == 0
