"""Shared fixtures: stores on a real SQLite file and on the local PostgreSQL.

Every storage test takes `db_url` and runs on both backends. When no PostgreSQL server
answers (a laptop), the PostgreSQL half is skipped with a visible reason.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import settings

# CI judges the code, not the draw: there every property and fuzz test runs the same examples on every run
# (locally they draw anew, to keep finding new cases).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

os.environ.setdefault("KOMPASS_TEST_CONFIG_HOME", tempfile.mkdtemp(prefix="kompass-test-config-"))
os.environ["XDG_CONFIG_HOME"] = os.environ["KOMPASS_TEST_CONFIG_HOME"]
"""Signing keys of test stores go to a directory of this test run, never the user's own. Worker processes that
a test spawns import this module again: they inherit the run's directory, so they find the keys of its stores."""
os.environ.pop("KOMPASS_SIGNING_KEY", None)


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist each worker keeps its stores' keys in a directory of its own, as a run by itself does
    (the workers inherit the directory of the process that started them)."""
    worker = getattr(config, "workerinput", {}).get("workerid")
    if worker:
        home = tempfile.mkdtemp(prefix=f"kompass-test-config-{worker}-")
        os.environ["KOMPASS_TEST_CONFIG_HOME"] = os.environ["XDG_CONFIG_HOME"] = home

NEW_STORE_EVENTS = 44
"""What `init_store` leaves: the 21 regions' actors and portfolios, the real identity's grant as first admin, `admin`'s grant."""

PG_ADMIN_URL = os.environ.get("KOMPASS_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
FIXTURES = Path(__file__).parent / "fixtures"


def _pg_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=2):
            return None
    except Exception as error:  # noqa: BLE001 — any failure means "no server here"
        return f"no PostgreSQL server answers at {PG_ADMIN_URL}: {str(error).splitlines()[0] if str(error) else type(error).__name__}"


PG_UNAVAILABLE = _pg_available()


def new_pg_database(*, initialised: bool = True) -> str:
    """Create a database and return its SQLAlchemy URL: a new store made by `init` (with `admin` as its admin),
    or with `initialised=False` an empty database where no store exists yet."""
    import psycopg

    name = f"kompass_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    url = f"{base}/{name}"
    return init_store(url) if initialised else url


def drop_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_dropper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kompass-test-drop")
_drops: list[Future[None]] = []


def drop_pg_database_later(url: str) -> None:
    """Drop the database in a thread of this test process while the next tests run. A DROP DATABASE waits for the
    server to write a checkpoint, seconds on a busy machine, and no test needs to wait for it; the run waits for
    every drop at its end and fails if one failed (`pytest_sessionfinish`)."""
    _drops.append(_dropper.submit(drop_pg_database, url))


def empty_pg_store() -> Iterator[str]:
    """A fresh PostgreSQL database for the life of a fixture, dropped afterwards; the test is skipped,
    with the reason, when no server answers."""
    if PG_UNAVAILABLE:
        pytest.skip(PG_UNAVAILABLE)
    url = new_pg_database(initialised=False)
    try:
        yield url
    finally:
        drop_pg_database_later(url)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files holding a test marked `slow` first, each file's tests in their order. Under pytest-xdist the workers take
    whole files in this order (`make test`), so the longest start at once and the many short ones fill in at the end."""
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Wait for the databases dropped in the background; a drop that failed fails the run, as it did in a teardown."""
    _dropper.shutdown(wait=True)
    failed = [error for error in (drop.exception() for drop in _drops) if error is not None]
    if failed:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        for error in failed:
            print(f"\ndropping a test database failed: {error!r}")


def init_store(url: str, admin: str = "admin") -> str:
    """What `kompass init` does: create the store at `url`, whose first admin is the real identity of this
    test run (its OS account on SQLite, its PostgreSQL login), who then also makes `admin` an admin. The
    tests act as `admin` (and as coordinators) with `--as`, which only an admin may: the real identity is one."""
    from kompass.application.commands import GrantRole
    from kompass.infrastructure.bootstrap import Store

    store = Store(url, create=True)
    try:
        if admin != store.identity.real:
            store.kompass.execute(GrantRole(user=admin, role="admin"), store.access())
    finally:
        store.close()
    return url


def restore_store(url: str, export: Path, admin: str = "admin") -> str:
    """What `kompass import --restore EXPORT` does into the new store at `url` (by the real identity of this
    test run, who is its admin when the export names none), then `admin` made an admin too, as `init_store` does."""
    from kompass.application.commands import GrantRole
    from kompass.infrastructure.bootstrap import Store
    from kompass.infrastructure.command_log import read_command_log, restore_items

    store = Store(url, create=True, restore=True)
    try:
        assert store.is_empty(), f"{url} is not a new store"
        store.kompass.restore(restore_items(read_command_log(export, restore=True), None), store.identity.real)
        if admin not in store.users.admins():
            store.kompass.execute(GrantRole(user=admin, role="admin"), store.access())
    finally:
        store.close()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new store's URL (made by `init`, with `admin` as its admin), once on a SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        yield init_store(f"sqlite:///{tmp_path / 'kompass.db'}")
        return
    for url in empty_pg_store():
        yield init_store(url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def no_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where no store exists yet: a SQLite path with no file, or an empty PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kompass.db'}"
        return
    yield from empty_pg_store()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new PostgreSQL store's URL, made by `init` (skipped when no server answers)."""
    for url in empty_pg_store():
        yield init_store(url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new SQLite store's URL, made by `init`."""
    return init_store(f"sqlite:///{tmp_path / 'kompass.db'}")


@pytest.fixture
def small_log(tmp_path: Path) -> Path:
    """The worked example's command log (copied into the project's fixtures)."""
    target = tmp_path / "small.jsonl"
    shutil.copy(FIXTURES / "small.jsonl", target)
    return target
