"""What the property tests over random command plans share: one initialised, caught-up store made
once per module (a SQLite file or a PostgreSQL template database), a fresh copy of it for every
example, and playing a plan of commands and catch-ups into a store.

Copying a caught-up store is what keeps the examples cheap: `init` and the first catch-up over its
21 regions' events cost more than most examples. The fixtures wrapping the templates live in
tests/integration/conftest.py; the copies are context managers, so an example's store is gone
(file removed, database dropped) whether the example passed or failed.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings

from kompass.domain.errors import KompassError
from kompass.infrastructure.bootstrap import Store
from tests.conftest import PG_ADMIN_URL, drop_pg_database, init_store, new_pg_database

CATCH_UP = "catch up"
"""A plan's step that catches the projections up instead of running a command."""


def examples(count: int) -> settings:
    """Hypothesis settings of a property test over stores: `count` examples, no deadline (a store's
    example takes seconds on a busy machine), and the module's template fixture allowed."""
    return settings(max_examples=count, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def caught_up(url: str) -> None:
    """Catch every projection of the store at `url` up (the template's state every copy starts from)."""
    store = Store(url, "admin")
    try:
        store.projector.catch_up()
    finally:
        store.close()


@contextlib.contextmanager
def sqlite_template() -> Iterator[Path]:
    """A new store (made by `init`, caught up) in a SQLite file, removed afterwards."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "template.db"
        caught_up(init_store(f"sqlite:///{path}"))
        wal = Path(f"{path}-wal")
        assert not wal.exists() or wal.stat().st_size == 0, "a copy of the file alone would miss what the WAL still holds"
        yield path


@contextlib.contextmanager
def sqlite_copy(template: Path) -> Iterator[str]:
    """The URL of a copy of the SQLite `template`, removed afterwards."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "kompass.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"


@contextlib.contextmanager
def pg_template() -> Iterator[str]:
    """The name of a new PostgreSQL database holding a store (made by `init`, caught up), dropped afterwards."""
    url = new_pg_database()
    try:
        caught_up(url)
        yield url.rsplit("/", 1)[1]
    finally:
        drop_pg_database(url)


@contextlib.contextmanager
def pg_copy(template: str) -> Iterator[str]:
    """The URL of a new PostgreSQL database made from the `template` database, dropped afterwards."""
    import psycopg

    name = f"kompass_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
    try:
        yield url
    finally:
        drop_pg_database(url)


def play(store: Store, plan: list[Any], at_catch_up: Callable[[], object]) -> None:
    """Run the plan's commands in `store` as `admin`, skipping the refused ones as a coordinator would see
    them refused (random commands often name a status move not allowed or an unknown ref); at each
    `CATCH_UP` step call `at_catch_up` instead."""
    for item in plan:
        if item == CATCH_UP:
            at_catch_up()
            continue
        with contextlib.suppress(KompassError):
            store.kompass.execute(item, store.access())
