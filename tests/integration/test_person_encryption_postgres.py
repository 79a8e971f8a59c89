"""Crypto-shredding on PostgreSQL: after `person forget`, the server's WAL holds no name, e-mail or phone.

The WAL keeps every row version written, a deleted one too, and replicas and backups copy it; a
DELETE cannot reach those copies. The register therefore stores only ciphertext under a per-person
key kept outside the database, and `forget` destroys the key. This test records a person, forgets
them, forces a checkpoint and reads the raw WAL segments written meanwhile, as the server keeps
them on disk. A control row written in clear in the same window must be found there, so the test
can see clear text where there is some. A physical replication slot holds the window's segments: without
it the checkpoint (or one the other tests' writes trigger) may recycle them under a new name before they
are read, and the control row would seem absent.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from tests.conftest import PG_ADMIN_URL, PG_UNAVAILABLE
from tests.integration.helpers import as_json, ok, refused

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(PG_UNAVAILABLE is not None, reason=PG_UNAVAILABLE or "")]

SEGMENT = re.compile(r"[0-9A-F]{24}")


def superuser(query: str) -> str:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        cursor = conn.execute(query)
        row = cursor.fetchone() if cursor.description else None
    return "" if row is None else str(row[0])


def wal_directory() -> Path:
    directory = Path(superuser("SHOW data_directory")) / "pg_wal"
    if not os.access(directory, os.R_OK | os.X_OK):
        pytest.skip(f"the server's WAL directory {directory} cannot be read here (the server runs elsewhere or as another user)")
    return directory


@contextmanager
def wal_kept_from_now(tag: str) -> Iterator[str]:
    """Keep every WAL segment from now on while the block runs; yields the name of the first segment."""
    slot = f"kompass_wal_test_{tag}"
    superuser(f"SELECT pg_create_physical_replication_slot('{slot}', true)")
    try:
        yield superuser(f"SELECT pg_walfile_name(restart_lsn) FROM pg_replication_slots WHERE slot_name = '{slot}'")
    finally:
        superuser(f"SELECT pg_drop_replication_slot('{slot}')")


def segments_between(directory: Path, first: str, last: str) -> list[bytes]:
    """The WAL segment files from `first` to `last` (names sort in WAL order within a timeline)."""
    names = sorted(p.name for p in directory.iterdir() if SEGMENT.fullmatch(p.name) and first[8:] <= p.name[8:] <= last[8:])
    assert names, f"no WAL segment from {first} to {last} in {directory}"
    return [(directory / name).read_bytes() for name in names]


def test_the_wal_holds_no_personal_data_of_a_forgotten_person(pg_url: str) -> None:
    directory = wal_directory()
    tag = uuid.uuid4().hex[:10]
    name, email, phone = f"Walburga Qx{tag}sdotter", f"walburga.{tag}@region.example", f"+46 8 {tag[:3]} {tag[3:6]}"
    canary = f"clear-control-{tag}"
    with wal_kept_from_now(tag) as first:
        ok(pg_url, "person", "add", "coord-01", "--name", name, "--email", email, "--phone", phone)
        assert as_json(pg_url, "person", "show", "coord-01")["email"] == email
        with psycopg.connect(pg_url.replace("+psycopg", "", 1), autocommit=True) as conn:
            conn.execute("CREATE TABLE wal_control (t text)")
            conn.execute("INSERT INTO wal_control VALUES (%s)", (canary,))
        ok(pg_url, "person", "forget", "coord-01")
        superuser("CHECKPOINT")
        last = superuser("SELECT pg_walfile_name(pg_current_wal_lsn())")

        wal = segments_between(directory, first, last)
        assert any(canary.encode() in segment for segment in wal), "the control row written in clear must be visible in the WAL"
        for secret in (name, email, phone, f"Qx{tag}"):
            assert not any(secret.encode("utf-8") in segment for segment in wal), f"{secret!r} is in the WAL in clear"
    assert "no person" in refused(pg_url, "person", "show", "coord-01")
