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
from pathlib import Path

import pytest

os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="kompass-test-config-")
"""Signing keys of test stores go to a directory of this test run, never the user's own."""
os.environ.pop("KOMPASS_SIGNING_KEY", None)

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


def new_pg_database() -> str:
    """Create an empty database and return its SQLAlchemy URL."""
    import psycopg

    name = f"kompass_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}"


def drop_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def empty_pg_store() -> Iterator[str]:
    """A fresh PostgreSQL database for the life of a fixture, dropped afterwards; the test is skipped,
    with the reason, when no server answers."""
    if PG_UNAVAILABLE:
        pytest.skip(PG_UNAVAILABLE)
    url = new_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty store's URL, once on a SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kompass.db'}"
        return
    yield from empty_pg_store()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """An empty PostgreSQL store's URL (skipped when no server answers)."""
    yield from empty_pg_store()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kompass.db'}"


@pytest.fixture
def small_log(tmp_path: Path) -> Path:
    """The worked example's command log (copied into the project's fixtures)."""
    target = tmp_path / "small.jsonl"
    shutil.copy(FIXTURES / "small.jsonl", target)
    return target
