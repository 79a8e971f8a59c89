"""A rebuild on PostgreSQL fills its fresh tables in two processes (kompass.infrastructure.projections.parallel_fill):
the tables it swaps in are the ones a rebuild in one process makes; a failure of the second process fails the
rebuild and leaves the tables in use as they were; the second process stops when the rebuild is gone."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, text

from kompass.domain.errors import ConcurrentChange, StorageUnavailable
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.projections import blue_green, parallel_fill
from kompass.infrastructure.projections.layout import NETWORK, PORTFOLIO
from kompass.infrastructure.projections.parallel_fill import FAILED, ORPHANED, FillOrder
from kompass.infrastructure.projections.tracking import tracking
from tests.integration.helpers import ok
from tests.processes import children, command_line, running

Tables = dict[str, list[str]]


def read_tables(engine: Engine) -> Tables:
    """Every read table's rows (as text, sorted), by table name (PostgreSQL)."""
    listed = text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'rm\\_%'")
    with engine.connect() as conn:
        names = [row[0] for row in conn.execute(listed)]
        return {name: sorted(map(repr, conn.execute(text(f'SELECT * FROM "{name}"')))) for name in names}


def scratch_schema_exists(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(text("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = :s)"), {"s": blue_green.SCHEMA}).scalar())


@pytest.fixture
def pg_store(pg_url: str, small_log: Path) -> Store:
    ok(pg_url, "import", str(small_log))
    return Store(pg_url, "admin")


def test_two_processes_fill_what_one_fills(pg_store: Store) -> None:
    try:
        pg_store.projector.catch_up()
        caught_up = read_tables(pg_store.engine)
        pg_store.projector.parallel_from = 1
        seen: list[tuple[int, int]] = []
        pg_store.projector.rebuild(on_progress=lambda done, head: seen.append((done, head)))
        assert pg_store.projector.processes == 2
        assert read_tables(pg_store.engine) == caught_up
        assert seen and seen[-1][0] == seen[-1][1] == pg_store.facts.head()  # progress ends where both fills did
        pg_store.projector.parallel_from = 1 << 40
        pg_store.projector.rebuild()
        assert pg_store.projector.processes == 1
        assert read_tables(pg_store.engine) == caught_up
    finally:
        pg_store.close()


def test_sqlite_fills_in_one_process(sqlite_url: str, small_log: Path) -> None:
    """One writer per file: a second process there would only wait for the first."""
    ok(sqlite_url, "import", str(small_log))
    store = Store(sqlite_url, "admin")
    try:
        store.projector.parallel_from = 1
        store.projector.rebuild()
        assert store.projector.processes == 1
    finally:
        store.close()


def test_a_failed_second_process_fails_the_rebuild_and_changes_nothing(pg_store: Store) -> None:
    try:
        pg_store.projector.catch_up()
        before = read_tables(pg_store.engine)
        location = pg_store.location
        assert location is not None
        elsewhere = location.url.rsplit("/", 1)[0] + "/kompass_no_such_database"
        pg_store.projector.location = replace(location, dbname="kompass_no_such_database", url=elsewhere)
        pg_store.projector.parallel_from = 1
        with pytest.raises(StorageUnavailable, match="kompass_no_such_database"):
            pg_store.projector.rebuild()
        assert read_tables(pg_store.engine) == before
        assert not scratch_schema_exists(pg_store.engine)
    finally:
        pg_store.close()


def test_a_failed_fill_here_stops_the_second_process(pg_store: Store) -> None:
    order = FillOrder(pg_store.location, (PORTFOLIO, NETWORK), tuple(pg_store.framework.area_keys), 100_000, 5_000, os.getpid())

    def fails(_report: Callable[[int, int], None]) -> int:
        raise ConcurrentChange("this process's fill failed")

    try:
        with pytest.raises(ConcurrentChange):
            parallel_fill.fill_together(order, fails)
        assert [pid for pid in children(os.getpid()) if running(pid) and b"parallel_fill" in command_line(pid)] == []
    finally:
        pg_store.close()


def test_the_second_process_stops_when_the_rebuild_is_gone(pg_store: Store) -> None:
    """Its parent is not the rebuild that ordered it (as after a kill -9 of the rebuild): it stops at its first
    page and fills no more."""
    try:
        with pg_store.engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {blue_green.SCHEMA}"))
        scratch = blue_green.postgres_scratch_engine(pg_store.engine.url)
        blue_green.create(pg_store.engine, scratch, pg_store.projector.projections)
        with scratch.begin() as conn:
            for name in (PORTFOLIO, NETWORK):
                conn.execute(insert(tracking).values(projection=name, position=0))
        scratch.dispose()
        order = FillOrder(pg_store.location, (PORTFOLIO, NETWORK), tuple(pg_store.framework.area_keys), 100_000, 1, 1)
        done = subprocess.run([sys.executable, "-m", parallel_fill.__name__], input=pickle.dumps(order), capture_output=True, check=False)
        assert done.returncode == ORPHANED, done.stderr
        assert done.stdout == b""  # no page was reported as filled
    finally:
        with pg_store.engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {blue_green.SCHEMA} CASCADE"))
        pg_store.close()


def test_a_second_process_failure_comes_back_as_its_error() -> None:
    assert isinstance(parallel_fill._failure(FAILED, "warning\nConcurrentChange: someone else"), ConcurrentChange)
    failed = parallel_fill._failure(FAILED, "OperationalError: connection refused")
    assert isinstance(failed, StorageUnavailable) and "connection refused" in str(failed)
    killed = parallel_fill._failure(-9, "")
    assert isinstance(killed, StorageUnavailable) and "-9" in str(killed) and "unchanged" in str(killed)
