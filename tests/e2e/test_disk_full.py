"""A full disk (issue 7): the write is refused in one line with exit code 7, nothing is half-written,
and once there is room again the store verifies and takes the same write whole.

A real SQLite store on a real, small file system: a tmpfs of 1 MiB mounted for the test, so every
write past it fails with ENOSPC as on a full disk. Mounting needs root (as in CI and on the
development machines); elsewhere the test is skipped and says why.
"""

from __future__ import annotations

import errno
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import init_store
from tests.e2e.program import run as kompass
from tests.e2e.program import succeeded
from tests.e2e.test_crash import small_generated_log

__all__ = ["small_generated_log"]  # the fixture, shared with the crash tests
SMALL_DISK = "1m"
ROOM = "64m"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SMALL_DISK}", "tmpfs", str(mount_point)], capture_output=True, text=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here (needs root): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "--lazy", str(mount_point)], check=False)


def events_in(store: Path) -> int:
    """Read straight from the file: opening a Store would try to write."""
    with sqlite3.connect(store) as conn:
        return int(conn.execute("SELECT count(*) FROM stored_events").fetchone()[0])


def fill(directory: Path) -> Path:
    """Write a file until the file system has no room left."""
    filler = directory / "filler"
    with filler.open("wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC, error
    return filler


def refused_for_want_of_room(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 7, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr
    assert "full" in lines[0], lines[0]
    assert "Traceback" not in result.stderr


def test_a_full_disk_refuses_the_write_whole_and_the_store_recovers(small_disk: Path, small_generated_log: Path) -> None:
    store = small_disk / "kompass.db"
    url = f"sqlite:///{store}"
    init_store(url)  # the login running the test is the first admin, and makes `admin` (whom the commands act as) one
    before = events_in(store)

    # An import larger than the disk: refused, and none of it is in the log.
    refused_for_want_of_room(kompass(url, "import", str(small_generated_log)))
    assert events_in(store) == before

    # One command with no room left on the disk: SQLite may still have room inside its write-ahead
    # log (it keeps the file's size), so the command is either recorded whole or refused whole.
    filler = fill(small_disk)
    add = ("initiative", "add", "--ref", "14-full", "--region", "14", "--title", "Full", "--area", "security", "--type", "training")
    one = kompass(url, *add)
    if one.returncode == 0:
        assert events_in(store) == before + 1
    else:
        refused_for_want_of_room(one)
        assert events_in(store) == before

    # Room again: the store is whole, and the same writes go through completely.
    filler.unlink()
    subprocess.run(["mount", "-o", f"remount,size={ROOM}", str(small_disk)], check=True)
    assert "verified" in succeeded(kompass(url, "verify")).stdout
    imported = succeeded(kompass(url, "import", str(small_generated_log)))
    assert "imported 8000 commands" in imported.stderr
    if one.returncode != 0:
        succeeded(kompass(url, *add))
    assert events_in(store) == before + 8000 + 1
