"""Fixtures of the property tests over random command plans (tests/integration/property_runs.py):
one template store a module, which every example copies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PG_UNAVAILABLE
from tests.integration import property_runs


@pytest.fixture(scope="module")
def sqlite_template() -> Iterator[Path]:
    """A SQLite file holding a new, caught-up store, for `property_runs.sqlite_copy`."""
    with property_runs.sqlite_template() as path:
        yield path


@pytest.fixture(scope="module")
def pg_template() -> Iterator[str]:
    """A PostgreSQL database holding a new, caught-up store, for `property_runs.pg_copy`; the test is
    skipped, with the reason, when no server answers."""
    if PG_UNAVAILABLE:
        pytest.skip(PG_UNAVAILABLE)
    with property_runs.pg_template() as name:
        yield name
