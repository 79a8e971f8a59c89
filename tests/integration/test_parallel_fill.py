"""A rebuild fills its fresh tables in two processes (kompass.infrastructure.projections.parallel_fill), on SQLite
(each process holding its batches' writes back until they are worked out: `held_writes`) and on PostgreSQL: the
tables it swaps in are the ones a rebuild in one process makes, in one batch or many; a failure of the second
process fails the rebuild and leaves the tables in use as they were; the second process stops when the rebuild is
gone; and a batch that reads what it has written while its writes are held fails instead of reading old rows."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, insert, select, text

from kompass.application.projection_service import ProjectionStatus
from kompass.domain.errors import ConcurrentChange, StorageUnavailable
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.projections import blue_green, parallel_fill
from kompass.infrastructure.projections.held_writes import HeldWrites, ReadAfterHeldWrite
from kompass.infrastructure.projections.layout import NETWORK, PORTFOLIO
from kompass.infrastructure.projections.parallel_fill import FAILED, ORPHANED, FillOrder
from kompass.infrastructure.projections.portfolio.schema import coverage
from kompass.infrastructure.projections.tracking import tracking
from tests.integration.helpers import ok
from tests.integration.test_projections_cli import read_tables
from tests.processes import children, command_line, running


def tables_and_positions(store: Store) -> tuple[dict[str, list[str]], list[ProjectionStatus]]:
    """Every read table's rows (order-free) and each projection's position."""
    return read_tables(store), store.projector.status()


def shadow_tables(engine: Engine) -> list[str]:
    """A SQLite store's rebuild shadow tables (`blue_green.SHADOW`)."""
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT name FROM sqlite_master WHERE name LIKE 'kompass\\_rebuild\\_%' ESCAPE '\\'"))]


def scratch_schema_exists(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(text("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = :s)"), {"s": blue_green.SCHEMA}).scalar())


@pytest.fixture
def pg_store(pg_url: str, small_log: Path) -> Store:
    ok(pg_url, "import", str(small_log))
    return Store(pg_url, "admin")


@pytest.fixture
def store(db_url: str, small_log: Path) -> Store:
    ok(db_url, "import", str(small_log))
    return Store(db_url, "admin")


@pytest.mark.parametrize("batch", [100_000, 7], ids=["one-batch", "many-batches"])
def test_two_processes_fill_what_one_fills(store: Store, batch: int) -> None:
    """Many batches: later ones find rows the earlier ones wrote, and read them back before writing."""
    try:
        store.projector.catch_up()
        caught_up = tables_and_positions(store)
        store.projector.parallel_from = 1
        seen: list[tuple[int, int]] = []
        store.projector.rebuild(on_progress=lambda done, head: seen.append((done, head)), batch=batch)
        assert store.projector.processes == 2
        assert tables_and_positions(store) == caught_up
        assert seen and seen[-1][0] == seen[-1][1] == store.facts.head()  # progress ends where both fills did
        store.projector.parallel_from = 1 << 40
        store.projector.rebuild(batch=batch)
        assert store.projector.processes == 1
        assert tables_and_positions(store) == caught_up
    finally:
        store.close()


def test_a_failed_second_process_fails_the_rebuild_and_changes_nothing(store: Store, tmp_path: Path) -> None:
    try:
        store.projector.catch_up()
        before = tables_and_positions(store)
        location = store.location
        if location.backend == "sqlite":  # a store the second process cannot open: in a directory that is not there
            missing = tmp_path / "kompass_no_such_directory" / "kompass.db"
            elsewhere = replace(location, url=f"sqlite:///{missing}", path=missing)
        else:
            url = location.url.rsplit("/", 1)[0] + "/kompass_no_such_database"
            elsewhere = replace(location, dbname="kompass_no_such_database", url=url)
        store.projector.location = elsewhere
        store.projector.parallel_from = 1
        with pytest.raises(StorageUnavailable, match="kompass_no_such_"):
            store.projector.rebuild()
        assert tables_and_positions(store) == before
        if location.backend == "sqlite":
            assert shadow_tables(store.engine) == []
        else:
            assert not scratch_schema_exists(store.engine)
    finally:
        store.close()


def test_a_failed_fill_here_stops_the_second_process(pg_store: Store) -> None:
    areas = tuple(pg_store.framework.area_keys)
    order = FillOrder(pg_store.location, (PORTFOLIO, NETWORK), areas, 100_000, 5_000, os.getpid(), pg_store.facts.head())

    def fails(_report: Callable[[int, int], None]) -> int:
        raise ConcurrentChange("this process's fill failed")

    try:
        with pytest.raises(ConcurrentChange):
            parallel_fill.fill_together(order, fails)
        assert [pid for pid in children(os.getpid()) if running(pid) and b"parallel_fill" in command_line(pid)] == []
    finally:
        pg_store.close()


def test_the_second_process_runs_this_kompass_whatever_the_working_directory(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python -m` puts the working directory first on the module path: a `kompass` package there (another
    checkout, or one planted by someone else) would have been the code the second process ran."""
    planted = tmp_path / "kompass"
    planted.mkdir()
    marker = tmp_path / "planted-code-ran"
    (planted / "__init__.py").write_text(f"open({str(marker)!r}, 'w').close()\nraise SystemExit(99)\n")
    monkeypatch.chdir(tmp_path)
    try:
        store.projector.catch_up()
        caught_up = tables_and_positions(store)
        store.projector.parallel_from = 1
        store.projector.rebuild()
        assert store.projector.processes == 2
        assert tables_and_positions(store) == caught_up
        assert not marker.exists()
    finally:
        store.close()


@contextmanager
def scratch_for_portfolio_and_network(store: Store) -> Iterator[None]:
    """The rebuild's fresh tables, made as a rebuild makes them, with positions for the portfolio and network
    projections (what a FillOrder for those two fills); dropped afterwards."""
    sqlite = store.location.backend == "sqlite"
    if sqlite:
        names = [table.name for table in blue_green.rebuilt_tables(store.projector.projections)]
        scratch = blue_green.shadow_engine(store.engine, names)
    else:
        with store.engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {blue_green.SCHEMA}"))
        scratch = blue_green.postgres_scratch_engine(store.engine.url)
    try:
        blue_green.create(store.engine, scratch, store.projector.projections)
        with scratch.begin() as conn:
            for name in (PORTFOLIO, NETWORK):
                conn.execute(insert(tracking).values(projection=name, position=0))
        scratch.dispose()
        yield
    finally:
        scratch.dispose()
        if sqlite:
            blue_green.drop_shadows(store.engine)
        else:
            with store.engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {blue_green.SCHEMA} CASCADE"))


def portfolio_and_network_order(store: Store, parent: int) -> FillOrder:
    """An order to fill the portfolio and network tables up to the head of the log, a page of one fact at a time."""
    return FillOrder(store.location, (PORTFOLIO, NETWORK), tuple(store.framework.area_keys), 100_000, 1, parent, store.facts.head())


def test_the_second_process_stops_when_the_rebuild_is_gone(store: Store) -> None:
    """Its parent is not the rebuild that ordered it (as after a kill -9 of the rebuild): it stops at its first
    page and fills no more."""
    try:
        with scratch_for_portfolio_and_network(store):
            order = portfolio_and_network_order(store, parent=1)
            command = [sys.executable, "-m", parallel_fill.__name__]
            done = subprocess.run(command, input=pickle.dumps(order), capture_output=True, check=False)
            assert done.returncode == ORPHANED, done.stderr
            assert done.stdout == b""  # no page was reported as filled
    finally:
        store.close()


def test_the_fills_leave_copying_the_wal_to_the_rebuilds_tidying(sqlite_url: str) -> None:
    """The commits of both fills of a rebuild in two processes never copy the WAL into the store file (they are on
    disk in the WAL); `copy_wal`, which the rebuild's tidying thread runs while they fill (`blue_green.tidying`),
    does. A fill in one process copies as commits do."""
    store = Store(sqlite_url, "admin")
    path = store.location.path
    assert path is not None
    names = [table.name for table in blue_green.rebuilt_tables(store.projector.projections)]
    second = parallel_fill.fill_engine(store.location)
    own = blue_green.shadow_engine(store.engine, names, copies_wal=False)
    alone = blue_green.shadow_engine(store.engine, names)
    try:
        for engine in (own, second):
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        with alone.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000  # SQLite's own: pages
        blob = bytes(4000)
        for number, engine in enumerate((own, second)):
            before = path.stat().st_size
            with engine.begin() as conn:  # 8 MB: twice what makes a commit of the live engine copy the WAL
                conn.exec_driver_sql(f"CREATE TABLE {blue_green.SHADOW}wal_test{number} (x BLOB)")
                conn.exec_driver_sql(f"INSERT INTO {blue_green.SHADOW}wal_test{number} VALUES (?)", [(blob,)] * 2000)
            assert path.stat().st_size < before + 1_000_000  # in the WAL only
            blue_green.copy_wal(store.engine)
            assert path.stat().st_size >= before + 8_000_000
    finally:
        second.dispose()
        own.dispose()
        alone.dispose()
        blue_green.drop_shadows(store.engine)
        store.close()


def test_copying_the_wal_never_fails_the_rebuild(tmp_path: Path) -> None:
    """It only saves the swap's commit some copying: a store it cannot open is left to that commit."""
    blue_green.copy_wal(create_engine(f"sqlite:///{tmp_path / 'no_such_directory' / 'kompass.db'}"))


@pytest.mark.parametrize("processes", [1, 2])
def test_a_rebuild_tidies_the_store_in_a_thread_of_its_own_while_it_fills(
    store: Store, monkeypatch: pytest.MonkeyPatch, processes: int
) -> None:
    """On SQLite a thread beside the fills of a rebuild in two processes drops the tables the last swap replaced, then
    copies the WAL into the file until the fills end (the second process takes longer to start than a few
    TIDY_EVERY), and is gone before the swap; a rebuild in one process drops them first itself and has no thread
    (its commits copy the WAL); on PostgreSQL there is nothing to tidy. The tables swapped in are those a catch-up
    makes."""
    done: list[tuple[str, str, bool]] = []
    swapping = [False]
    real_drop, real_copy, real_swap = blue_green.drop_retired, blue_green.copy_wal, blue_green.swap

    def noted(what: str, real: Callable[[Any], None]) -> Callable[[Any], None]:
        def run(live: Any) -> None:
            done.append((what, threading.current_thread().name, swapping[0]))
            real(live)

        return run

    def swap(*args: Any) -> None:
        swapping[0] = True
        assert not [t for t in threading.enumerate() if t.name == "kompass-rebuild-tidying"]
        real_swap(*args)

    monkeypatch.setattr(blue_green, "drop_retired", noted("drop", real_drop))
    monkeypatch.setattr(blue_green, "copy_wal", noted("copy", real_copy))
    monkeypatch.setattr(blue_green, "swap", swap)
    monkeypatch.setattr(blue_green, "TIDY_EVERY", 0.01)
    try:
        store.projector.catch_up()
        caught_up = tables_and_positions(store)
        store.projector.parallel_from = 1 if processes == 2 else 1 << 40
        store.projector.rebuild()
        assert store.projector.processes == processes
        assert tables_and_positions(store) == caught_up
    finally:
        store.close()
    if store.location.backend != "sqlite":
        assert [what for what, thread, _swapping in done if thread == "kompass-rebuild-tidying" or what == "copy"] == []
        return
    if processes == 1:  # it drops first itself, and its commits copy the WAL
        assert done == [("drop", threading.main_thread().name, False)]
        return
    assert done[0] == ("drop", "kompass-rebuild-tidying", False)
    assert {(what, thread, swapped) for what, thread, swapped in done[1:]} == {("copy", "kompass-rebuild-tidying", False)}


def test_a_failure_to_drop_the_replaced_tables_fails_the_rebuild_once_the_fill_is_over(
    sqlite_url: str, small_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tidying thread's drops fail (a store busy for longer than a rebuild waits, say): the fills go on to their
    end, then the rebuild fails with that error before the swap, and the tables in use stay as they were."""
    ok(sqlite_url, "import", str(small_log))
    store = Store(sqlite_url, "admin")
    filled: list[int] = []

    def cannot_drop(_live: Any) -> None:
        raise StorageUnavailable("the store is busy")

    monkeypatch.setattr(blue_green, "drop_retired", cannot_drop)
    try:
        store.projector.catch_up()
        caught_up = tables_and_positions(store)
        store.projector.parallel_from = 1  # in two processes: a rebuild in one drops before it fills
        with pytest.raises(StorageUnavailable, match="the store is busy"):
            store.projector.rebuild(on_progress=lambda done, _head: filled.append(done))
        assert filled and filled[-1] == store.facts.head()
        assert tables_and_positions(store) == caught_up
        assert shadow_tables(store.engine) == []
    finally:
        store.close()


def test_a_batch_that_reads_what_it_wrote_fails_while_its_writes_are_held(sqlite_url: str) -> None:
    """`held_writes`: the read would see the rows from before the batch; it is refused, and nothing is written."""
    store = Store(sqlite_url, "admin")
    tables = blue_green.rebuilt_tables(store.projector.projections)
    scratch = blue_green.shadow_engine(store.engine, [table.name for table in tables])
    try:
        blue_green.create(store.engine, scratch, store.projector.projections)
        with scratch.connect() as conn:
            driver: Any = conn.connection.driver_connection
            driver.held = held = HeldWrites(blue_green.shadow_names())
            conn.execute(insert(tracking).values(projection=PORTFOLIO, position=1))
            assert conn.execute(select(coverage.c.region)).first() is None  # another table: read at once
            with pytest.raises(ReadAfterHeldWrite, match="rm_tracking"):
                conn.execute(select(tracking.c.position))
            driver.held = None
            assert held.statements and conn.execute(select(tracking)).all() == []  # held, not written
            held.run(driver.cursor())
            assert [tuple(row) for row in conn.execute(select(tracking.c.projection, tracking.c.position))] == [(PORTFOLIO, 1)]
    finally:
        scratch.dispose()
        blue_green.drop_shadows(store.engine)
        store.close()


def test_a_second_process_failure_comes_back_as_its_error() -> None:
    assert isinstance(parallel_fill._failure(FAILED, "warning\nConcurrentChange: someone else"), ConcurrentChange)
    failed = parallel_fill._failure(FAILED, "OperationalError: connection refused")
    assert isinstance(failed, StorageUnavailable) and "connection refused" in str(failed)
    killed = parallel_fill._failure(-9, "")
    assert isinstance(killed, StorageUnavailable) and "-9" in str(killed) and "unchanged" in str(killed)


def test_the_log_read_by_aggregate_is_the_log_read_in_order(store: Store) -> None:
    """`facts_of` (what the coverage series part reads of aggregates that began before its batch): per aggregate,
    exactly the facts the ordered log holds of it up to the position asked, in log order; none of an aggregate
    that has none by then."""
    try:
        every = list(store.facts.facts())
        ids = sorted({f.originator_id for f in every}, key=str)
        for upto in (0, every[len(every) // 3].position, every[-1].position):
            expected: dict[Any, list[Any]] = {}
            for fact in every:
                if fact.position <= upto:
                    expected.setdefault(fact.originator_id, []).append(fact)
            assert store.facts.facts_of(ids, upto) == expected
        assert store.facts.facts_of([], every[-1].position) == {}
    finally:
        store.close()


def test_the_second_process_leaves_with_its_status_and_all_it_said() -> None:
    """`leave` skips the interpreter's tear-down (os._exit), so it must flush what the process wrote to its pipes
    first: the rebuild reads the last position from stdout and the error from stderr."""
    script = "import sys; from kompass.infrastructure.projections.parallel_fill import leave; "
    script += "print(12345, end=''); print('Error: it ended', end='', file=sys.stderr); leave(7)"
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}  # as a pipe is written to
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, env=buffered)
    assert (done.returncode, done.stdout, done.stderr) == (7, "12345", "Error: it ended")
