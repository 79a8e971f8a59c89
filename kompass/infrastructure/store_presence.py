"""Whether a kompass store is where the user pointed, and the lock under which one is made.

Only `init`, `demo` and `import --restore` create a store. Every other command first asks
`require_store`: a mistyped path, a missing directory or the default location on a new
machine must not quietly become an empty store that answers "every area absent", and a
SQLite file that holds some other program's tables must not get kompass's tables added.

A store is created under `creation_lock`, so that many processes starting on the same new
store at once make one store (and one first admin) and the others wait and find it made.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from kompass.domain.errors import StorageUnavailable
from kompass.infrastructure.settings import StoreLocation

SQLITE_EVENTS_TABLE = "stored_events"
POSTGRES_EVENTS_TABLE = "kompass_events"
"""The eventsourcing library's event tables (its SQLite module's name, and ours on PostgreSQL)."""
CREATION_LOCK_KEY = 0x6B6F6D70617373
"""The PostgreSQL advisory lock held while a store is created ('kompass' in ASCII); one per database."""


def missing(where: str) -> StorageUnavailable:
    return StorageUnavailable(f"no kompass store at {where}: create one with `kompass init` (or try `kompass demo`)")


def require_store(location: StoreLocation) -> None:
    """Refuse (exit 7) when no kompass store exists at `location`; create nothing."""
    if location.backend == "sqlite":
        assert location.path is not None
        with _directory_lock(location.path, exclusive=False):
            if sqlite_contents(location.path) != "kompass":
                raise missing(str(location.path))
    elif not _postgres_has_events(location):
        raise missing(location.shown_url)


def require_creatable(location: StoreLocation) -> None:
    """A new store goes into a new file, an empty one, or a kompass store (which is then only opened)."""
    if location.backend == "sqlite":
        assert location.path is not None
        sqlite_contents(location.path)


def sqlite_contents(path: Path) -> str:
    """`none` (no file, or one without tables) or `kompass`; anything else is refused with its reason."""
    if path.is_dir():
        raise StorageUnavailable(f"{path} is a directory: give --db sqlite:///FILE")
    if not path.exists() or path.stat().st_size == 0:
        return "none"
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise StorageUnavailable(f"{path} is not a kompass store ({error}): give another --db") from None
    if not names:
        return "none"
    if SQLITE_EVENTS_TABLE not in names:
        raise StorageUnavailable(
            f"{path} is a SQLite database of another program, not a kompass store: kompass leaves it alone (give another --db)"
        )
    return "kompass"


def _postgres_has_events(location: StoreLocation) -> bool:
    import psycopg

    try:
        with psycopg.connect(_conninfo(location), connect_timeout=5) as connection:
            row = connection.execute("SELECT to_regclass(%s) IS NOT NULL", (POSTGRES_EVENTS_TABLE,)).fetchone()
    except psycopg.Error as error:
        first = (str(error).strip() or type(error).__name__).splitlines()[0]
        raise StorageUnavailable(f"cannot reach the store at {location.shown_url}: {first}") from None
    return bool(row and row[0])


def _conninfo(location: StoreLocation) -> str:
    from psycopg.conninfo import make_conninfo

    return make_conninfo(
        host=location.host, port=location.port, dbname=location.dbname, user=location.user, password=location.password or None
    )


@contextmanager
def creation_lock(location: StoreLocation) -> Iterator[None]:
    """Held while a store is created: on SQLite a lock on the file's directory (not on the file, whose
    POSIX locks are SQLite's own), on PostgreSQL an advisory lock of the database."""
    if location.backend == "sqlite":
        assert location.path is not None
        try:
            location.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageUnavailable(f"cannot create {location.path.parent}: {error.strerror}") from None
        with _directory_lock(location.path, exclusive=True):
            yield
        return
    import psycopg

    try:
        connection = psycopg.connect(_conninfo(location), connect_timeout=5, autocommit=True)
    except psycopg.Error as error:
        first = (str(error).strip() or type(error).__name__).splitlines()[0]
        raise StorageUnavailable(f"cannot reach the store at {location.shown_url}: {first}") from None
    try:
        connection.execute("SELECT pg_advisory_lock(%s)", (CREATION_LOCK_KEY,))
        yield
    finally:
        connection.close()  # ends the session, and with it the lock


@contextmanager
def _directory_lock(path: Path, *, exclusive: bool) -> Iterator[None]:
    """flock on the store's directory; where that is impossible (no such directory, no fcntl) no lock."""
    try:
        import fcntl
        import os

        descriptor = os.open(path.parent, os.O_RDONLY)
    except (ImportError, OSError):
        yield
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        with suppress(OSError):
            os.close(descriptor)
