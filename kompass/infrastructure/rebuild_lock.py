"""Is a rebuild of a SQLite store's read tables under way? Told by a lock file beside the store.

A rebuild holds an exclusive `flock` on `<store>.rebuild-lock` for as long as it runs. The kernel
lets go of the lock when the process ends, however it ends (SIGKILL included), so a killed rebuild
never leaves a store that claims to be rebuilding, and the next rebuild may start at once. Queries
look at the lock without waiting for it. Standard library only: the lean read path
(`sqlite_coverage`) asks too, before it has imported SQLAlchemy.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

REBUILDING = (
    "the read tables are being rebuilt: this answer comes from the tables in use until the rebuild "
    "swaps the new ones in"
)
"""What a query says (a warning on stderr) while a rebuild is under way."""


def lock_path(store: Path) -> Path:
    return store.with_name(store.name + ".rebuild-lock")


def staging_path(store: Path) -> Path:
    """Where an earlier kompass's rebuild wrote its fresh tables (a scratch database beside the store); a rebuild
    now writes them inside the store (`blue_green.SHADOW`) and removes this file if a killed one left it."""
    return store.with_name(store.name + ".rebuild")


def hold(store: Path) -> int | None:
    """Take the rebuild lock; returns its file descriptor, or None when another rebuild holds it."""
    fd = os.open(lock_path(store), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def hold_shared(store: Path) -> int | None:
    """Take the rebuild lock shared: no rebuild starts while it is held, and queries see none under way (they look
    with a shared lock too). For work that must not meet a rebuild (`blue_green.compact`). Returns its file
    descriptor, or None when a rebuild holds the lock."""
    fd = os.open(lock_path(store), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def release(fd: int) -> None:
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


def under_way(store: Path) -> bool:
    """True while some process holds the rebuild lock of `store` (never waits)."""
    try:
        fd = os.open(lock_path(store), os.O_RDONLY)
    except OSError:
        return False  # no lock file (never rebuilt here) or not readable: nobody we can see
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)
