"""The lean present-time read of `kompass gaps` and `kompass coverage` (issue 7, CLI start-up).

On a SQLite store whose projections are at the head of the log, these two commands read the
coverage rows with the stdlib `sqlite3` (kompass/infrastructure/projections/sqlite_coverage.py) instead of
opening the `Store`. These tests hold that path to the full one: the same bytes on stdout and
stderr and the same exit code for every format and filter; taken only when the store is
current (a subprocess shows that neither eventsourcing nor SQLAlchemy was imported); and when
the projections are behind, the full path answers, new events included.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from kompass.cli.context import Settings
from kompass.domain.identity import portfolio_id
from kompass.domain.vocabulary import REGIONS
from kompass.infrastructure.projections import layout, sqlite_coverage
from tests.conftest import FIXTURES, NEW_STORE_EVENTS, init_store
from tests.integration.helpers import as_json, invoke, ok

HEAVY = ("eventsourcing", "sqlalchemy")
REGIONS_INDEX = {code: i for i, code in enumerate(REGIONS)}
FILTERS: list[tuple[str, ...]] = [
    (),
    ("--region", "14"),
    ("--region", "08"),
    ("--area", "leadership"),
    ("--region", "25", "--area", "leadership"),
    ("--region", "99"),  # refused: unknown region (exit 1)
    ("--area", "nowhere"),  # refused: unknown area (exit 1)
]
CASES = [
    (command, fmt, filters)
    for command in ("gaps", "coverage")
    for fmt in ("table", "json", "csv")
    for filters in [*FILTERS, *([("--fail-on-gaps",), ("--fail-on-gaps", "--region", "14", "--area", "infrastructure")]
                                if command == "gaps" else [])]
]


def _thin_log(path: Path) -> Path:
    """Commands that add what the worked example lacks: `thin` cells and budgets split three ways.

    Twelve regions lead one active leadership-only initiative each (weight 1), so the national
    median of leadership is 1; region 25 leads one active initiative over five areas (weight 1/5 <
    1/2), a thin cell; a funding line of 1,000,001 kronor over three areas rounds half up.
    """
    lines: list[dict[str, Any]] = []
    for region in ("01", "03", "04", "05", "06", "07", "10", "13", "17", "18", "19", "20"):
        ref = f"{region}-ledning"
        lines.append({"op": "initiative.propose", "ref": ref, "region": region, "title": "Ledning", "areas": ["leadership"],
                      "type": "project", "by": "admin", "effective": "2021-02-01"})
        lines.append({"op": "initiative.status", "ref": ref, "status": "active", "by": "admin", "effective": "2021-02-02"})
    lines.append({"op": "initiative.propose", "ref": "25-bred", "region": "25", "title": "Bred", "type": "project",
                  "areas": ["competence", "security", "innovation", "leadership", "infrastructure"],
                  "by": "admin", "effective": "2021-02-01"})
    lines.append({"op": "initiative.status", "ref": "25-bred", "status": "active", "by": "admin", "effective": "2021-02-02"})
    lines.append({"op": "initiative.propose", "ref": "24-tre", "region": "24", "title": "Tre", "type": "project",
                  "areas": ["competence", "security", "innovation"], "by": "admin", "effective": "2021-02-01"})
    lines.append({"op": "initiative.status", "ref": "24-tre", "status": "active", "by": "admin", "effective": "2021-02-02"})
    lines.append({"op": "initiative.fund", "ref": "24-tre", "source": "regional", "amount_sek": 1_000_001, "year": 2021,
                  "by": "admin", "effective": "2021-02-03"})
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


def _current_store(directory: Path) -> str:
    """The worked example plus `_thin_log`, projections brought to the head of the log."""
    url = init_store(f"sqlite:///{directory / 'kompass.db'}")
    log = directory / "small.jsonl"
    shutil.copy(FIXTURES / "small.jsonl", log)
    ok(url, "import", str(log))
    ok(url, "import", str(_thin_log(directory / "thin.jsonl")))
    ok(url, "projections", "run")
    return url


@pytest.fixture(scope="module", params=["fixture", "demo"])
def current(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A current SQLite store: the worked example with thin cells, or the shipped demo portfolio."""
    directory = tmp_path_factory.mktemp(request.param)
    if request.param == "fixture":
        return _current_store(directory)
    ok(f"sqlite:///{directory / 'unused.db'}", "demo", "--dir", str(directory))
    url = f"sqlite:///{directory / 'kompass.db'}"
    ok(url, "projections", "run")
    return url


def _lean(url: str, *args: str, monkeypatch: pytest.MonkeyPatch) -> Result:
    """Run a command with the Store out of reach: it fails unless the lean path answered."""
    with monkeypatch.context() as patch:
        def no_store(_: Settings) -> Any:
            raise AssertionError("the full path was taken")

        patch.setattr(Settings, "store", no_store)
        return invoke(url, *args, user=None)  # as yourself: acting as another user takes the full path, which checks it


def _heavy_imports(url: str, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run `kompass` in a fresh interpreter with -X importtime; which of HEAVY it imported."""
    env = {k: v for k, v in os.environ.items() if k not in ("KOMPASS_DB", "KOMPASS_USER")}
    program = "from kompass.cli.main import main; main()"  # the installed `kompass` script, without needing it installed
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", program, "--db", url, *args],
                          capture_output=True, text=True, encoding="utf-8", env={**env, "NO_COLOR": "1"}, check=False)
    imported = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    return done, imported & set(HEAVY)


# --- the two paths print the same ----------------------------------------------------------------------------


@pytest.mark.parametrize(("command", "fmt", "filters"), CASES, ids=lambda v: " ".join(v) if isinstance(v, tuple) else v)
def test_lean_and_full_paths_print_the_same_bytes(
    current: str, command: str, fmt: str, filters: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    lean = _lean(current, command, "--format", fmt, *filters, monkeypatch=monkeypatch)
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_coverage, "read_current_coverage", lambda *_: None)
        full = invoke(current, command, "--format", fmt, *filters, user=None)
    assert lean.exit_code in (0, 1, 6), (lean.exit_code, lean.stderr, lean.exception)
    assert (lean.stdout, lean.stderr, lean.exit_code) == (full.stdout, full.stderr, full.exit_code)


PAST = [
    ("gaps", "--as-of", "2021-06-30"), ("coverage", "--as-of", "2022-03-31"), ("gaps", "--as-of", "2019-01-01"),
    ("coverage", "--known-at", "2021-09-01T12:00:00+02:00"), ("gaps", "--known-at", "2022-12-31"),
]


@pytest.mark.parametrize("fmt", ["json", "table"])
@pytest.mark.parametrize("question", PAST, ids=" ".join)
def test_past_questions_on_one_axis_read_the_series_and_print_what_the_full_path_prints(
    current: str, question: tuple[str, ...], fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--as-of` or `--known-at` alone: the lean read of the coverage series, byte for byte the full path's."""
    lean = _lean(current, *question, "--format", fmt, monkeypatch=monkeypatch)
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_coverage, "read_current_coverage", lambda *_: None)
        full = invoke(current, *question, "--format", fmt)
    assert lean.exit_code in (0, 6), (lean.exit_code, lean.stderr, lean.exception)
    assert (lean.stdout, lean.stderr, lean.exit_code) == (full.stdout, full.stderr, full.exit_code)


def test_a_past_question_on_one_axis_imports_neither_library(current: str) -> None:
    for question in (("gaps", "--as-of", "2021-06-30"), ("coverage", "--known-at", "2022-12-31")):
        done, heavy = _heavy_imports(current, *question, "--format", "json")
        assert done.returncode in (0, 6) and heavy == set(), (question, done.stderr[-2000:], heavy)


def test_the_compared_data_holds_every_kind_of_gap(current: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The byte comparison above means something only if the data exercises every branch."""
    data = json.loads(_lean(current, "gaps", "--format", "json", monkeypatch=monkeypatch).stdout)
    kinds = {g["kind"] for g in data["gaps"]}
    assert {"absent", "pipeline_only"} <= kinds
    assert data["declared_unbacked"]
    if "fixture" in current:
        assert "thin" in kinds
        assert {"region": "25", "area": "leadership", "kind": "thin"} in data["gaps"]
        cell = json.loads(_lean(current, "coverage", "--format", "json", "--region", "24", monkeypatch=monkeypatch).stdout)
        assert cell["regions"][0]["areas"]["competence"]["budget_sek"] == 333_334  # 1,000,001 / 3, half up


# --- when the lean path is taken -----------------------------------------------------------------------------


def test_a_current_store_is_read_without_eventsourcing_or_sqlalchemy_and_a_behind_one_is_caught_up(tmp_path: Path) -> None:
    url = _current_store(tmp_path)
    expected = as_json(url, "gaps")  # in-process, so this process's imports say nothing

    done, heavy = _heavy_imports(url, "gaps", "--format", "json")
    assert done.returncode == 0, done.stderr[-2000:]
    assert heavy == set(), f"the lean path imported {heavy}"
    assert json.loads(done.stdout) == expected

    # a new initiative in an absent cell: the projections are now one event behind
    assert {"region": "09", "area": "security", "kind": "absent"} in expected["gaps"]
    ok(url, "initiative", "add", "--ref", "09-sakerhet", "--region", "09", "--title", "Säkerhet", "--area", "security",
       "--type", "project")
    assert {s["behind"] for s in as_json(url, "projections", "status")} == {1}

    done, heavy = _heavy_imports(url, "gaps", "--format", "json")
    assert done.returncode == 0, done.stderr[-2000:]
    assert heavy == set(HEAVY), "a store that is behind must be caught up by the full path"
    after = json.loads(done.stdout)
    assert {"region": "09", "area": "security", "kind": "pipeline_only"} in after["gaps"]
    assert {"region": "09", "area": "security", "kind": "absent"} not in after["gaps"]

    # caught up by that query: the next one is lean again, and says the same
    done, heavy = _heavy_imports(url, "coverage", "--format", "json")
    assert done.returncode == 0 and heavy == set(), (done.stderr[-2000:], heavy)
    assert json.loads(done.stdout)["regions"][REGIONS_INDEX["09"]]["areas"]["security"]["gap"] == "pipeline_only"


def test_both_times_and_framework_options_take_the_full_path(current: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """One time alone is read from the coverage series (below); both at once, or a framework, are not."""
    for options in (("--as-of", "2021-06-30", "--known-at", "2030-01-01"), ("--framework", "se-2025"),
                    ("--framework", "se-2017"), ("--as-of", "2021-06-30", "--framework", "se-2025")):
        result = _lean(current, "gaps", "--format", "json", *options, monkeypatch=monkeypatch)
        assert isinstance(result.exception, AssertionError), (options, result.exit_code, result.stdout[:200])
        assert invoke(current, "gaps", "--format", "json", *options).exit_code == 0


# --- when the lean reader declines --------------------------------------------------------------------------


def _path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def _reads(url: str) -> bool:
    return sqlite_coverage.read_current_coverage(_path(url), portfolio_id(max(REGIONS))) is not None


def test_the_reader_declines_a_missing_file_and_does_not_create_it(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    assert sqlite_coverage.read_current_coverage(missing, portfolio_id(max(REGIONS))) is None
    assert not missing.exists()


def test_the_reader_declines_a_store_that_is_not_initialised(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()  # a file, but no tables at all
    assert sqlite_coverage.read_current_coverage(empty, portfolio_id(max(REGIONS))) is None
    url = f"sqlite:///{tmp_path / 'kompass.db'}"
    ok(url, "init")
    ok(url, "projections", "run")
    assert _reads(url)
    with sqlite3.connect(_path(url)) as conn:
        conn.execute("DELETE FROM kompass_users")  # no user: reading needs none, and no command makes one admin now
    assert _reads(url)
    assert invoke(url, "gaps").exit_code == 0
    with sqlite3.connect(_path(url)) as conn:
        assert conn.execute("SELECT count(*) FROM kompass_users").fetchone()[0] == 0


def test_the_reader_declines_a_store_without_the_reference_events(tmp_path: Path) -> None:
    """Tables, a user and projections at the (empty) head, but no regions (an `init` that did not finish): only
    `init` records them."""
    source = f"sqlite:///{tmp_path / 'source.db'}"
    ok(source, "init")
    target = tmp_path / "kompass.db"
    with sqlite3.connect(_path(source)) as old, sqlite3.connect(target) as new:
        new.execute("PRAGMA journal_mode=WAL")
        for name, sql in old.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL").fetchall():
            new.execute(sql)
            # every row but the events and the tree that signs them: the read tables as `init` reset them
            if not name.startswith(("stored_", "kompass_log", "kompass_checkpoints", "kompass_keys")):
                rows = old.execute(f"SELECT * FROM {name}").fetchall()
                if rows:
                    new.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(rows[0]))})", rows)
        new.execute("UPDATE rm_tracking SET position = 0")
    url = f"sqlite:///{target}"
    assert not _reads(url)
    assert invoke(url, "gaps", user=None).exit_code == 0
    assert as_json(url, "projections", "status", user=None)[0]["head"] == 0  # a query writes nothing
    ok(url, "init", user=None)
    assert as_json(url, "projections", "status", user=None)[0]["head"] == 43  # the regions, and the first admin
    ok(url, "projections", "run")
    assert _reads(url)


def test_the_reader_declines_a_projection_behind_or_ahead(tmp_path: Path) -> None:
    url = _current_store(tmp_path)
    assert _reads(url)
    for name in layout.PROJECTIONS:
        with sqlite3.connect(_path(url)) as conn:
            conn.execute("UPDATE rm_tracking SET position = position - 1 WHERE projection = ?", (name,))
        assert not _reads(url), f"{name} behind"
        with sqlite3.connect(_path(url)) as conn:
            conn.execute("UPDATE rm_tracking SET position = position + 2 WHERE projection = ?", (name,))
        assert not _reads(url), f"{name} ahead"
        with sqlite3.connect(_path(url)) as conn:
            conn.execute("UPDATE rm_tracking SET position = position - 1 WHERE projection = ?", (name,))
        assert _reads(url)


def test_a_store_not_in_wal_mode_takes_the_full_path_which_switches_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = _current_store(tmp_path)
    with sqlite3.connect(_path(url)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    assert not _reads(url)
    lean = _lean(url, "gaps", monkeypatch=monkeypatch)
    assert isinstance(lean.exception, AssertionError)
    full = ok(url, "gaps")
    assert full.stderr == ""
    assert _reads(url)  # the library put the file back in WAL mode


def test_the_lean_path_prints_the_durability_warnings(current: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_coverage, "sqlite_warnings", lambda _: ["SQLite synchronous is 1, not FULL (2): test"])
    result = _lean(current, "gaps", "--format", "json", monkeypatch=monkeypatch)
    assert result.exit_code == 0
    assert result.stderr == "Warning: SQLite synchronous is 1, not FULL (2): test\n"
    json.loads(result.stdout)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write a read-only file")
def test_a_read_only_file_takes_the_full_path(tmp_path: Path) -> None:
    url = _current_store(tmp_path)
    _path(url).chmod(0o444)
    try:
        assert not _reads(url)
    finally:
        _path(url).chmod(0o644)


def test_the_lean_path_declines_postgres_and_urls_it_cannot_use() -> None:
    for url in ("postgresql+psycopg://postgres@127.0.0.1:1/none", "sqlite:///:memory:", "mysql://x/y"):
        assert Settings(db=url, as_user=None).current_coverage() is None


# --- the stored layout the reader names ----------------------------------------------------------------------


def test_the_layout_the_reader_names_is_the_one_stored(tmp_path: Path) -> None:
    from kompass.application import bitemporal, coverage_series
    from kompass.infrastructure import tables
    from kompass.infrastructure.bootstrap import Store
    from kompass.infrastructure.eventstore import events_table
    from kompass.infrastructure.projections.projector import default_projections

    assert tuple(p.NAME for p in default_projections()) == layout.PROJECTIONS
    assert layout.TIME_FORMAT == bitemporal.TIME_FORMAT
    assert (layout.EFFECTIVE, layout.RECORDED, layout.NATIONAL) == (
        coverage_series.EFFECTIVE, coverage_series.RECORDED, coverage_series.NATIONAL
    )
    assert set(tables.metadata.tables) >= sqlite_coverage.PAST_TABLES
    store = Store(init_store(f"sqlite:///{tmp_path / 'kompass.db'}"), "admin")
    try:
        assert events_table(store.app) == sqlite_coverage.EVENTS_TABLE
        assert store.facts.head() == NEW_STORE_EVENTS
    finally:
        store.close()
    assert sqlite_coverage.NEEDED_TABLES - {sqlite_coverage.EVENTS_TABLE} <= set(tables.metadata.tables)
    columns = {name: {c.name for c in table.columns} for name, table in tables.metadata.tables.items()}
    assert {"region", "area", *layout.CELL_NUMBERS} <= columns[layout.COVERAGE]
    assert {"axis", "region", "area", "point", *layout.CELL_NUMBERS} <= columns[layout.BT_SERIES]
    assert {"area", *layout.NATIONAL_NUMBERS} <= columns[layout.NATIONAL_COVERAGE]
    assert {"region", "year", "score", "light", "focus", "effective"} <= columns[layout.ASSESSMENTS]


def test_the_reader_returns_what_the_read_model_returns(current: str) -> None:
    from kompass.infrastructure.bootstrap import Store

    lean = sqlite_coverage.read_current_coverage(_path(current), portfolio_id(max(REGIONS)))
    assert lean is not None
    store = Store(current, "admin")
    try:
        assert lean.head == store.facts.head()
        cells, national = store.read_model.coverage_cells()
        assert lean.cells == cells and lean.national == national
        assert sorted(lean.assessments, key=repr) == sorted(store.read_model.assessments(), key=repr)
        assert lean.warnings == store.warnings
    finally:
        store.close()


@pytest.mark.parametrize("table", ["rm_coverage", "rm_national"])
def test_the_lean_path_declines_missing_cells(tmp_path: Path, table: str) -> None:
    url = _current_store(tmp_path)
    settings = Settings(db=url, as_user=None)
    assert settings.current_coverage() is not None
    with sqlite3.connect(_path(url)) as conn:
        conn.execute(f"DELETE FROM {table} WHERE rowid = (SELECT MIN(rowid) FROM {table})")
    assert _reads(url), "the reader hands the rows over; the check of the cells is the caller's"
    assert settings.current_coverage() is None
