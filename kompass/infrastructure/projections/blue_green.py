"""Rebuilds nobody notices: fresh read tables are built beside the live ones and swapped in at once.

A rebuild (`Projector.rebuild`) replays the log into a scratch copy of the projections' tables, while
queries go on reading, and catching up, the live ones. Only when the copy has reached the head of
the log does one transaction empty the live tables, fill them from the copy and set the projections'
positions: readers see the old rows or the new ones, never a half-built read model (SQLite's WAL
readers keep their snapshot, PostgreSQL's keep theirs by MVCC). A rebuild killed before that
transaction commits leaves the live tables exactly as they were.

Where the copy lives: on SQLite a scratch database file beside the store (`<store>.rebuild`, attached
for the swap), written without a journal or fsync, since losing it loses nothing; on PostgreSQL the
schema `kompass_rebuild` of the same database. The live tables keep their identity (grants,
indexes) because they are refilled, not replaced.

While a rebuild runs it holds a lock that queries look at without waiting (SQLite: `rebuild_lock`;
PostgreSQL: a session advisory lock); the kernel or the server lets go of it when the process
ends, however it ends.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, create_engine, delete, event, insert, select, text, update

from kompass.domain.errors import ConcurrentChange, StorageUnavailable
from kompass.infrastructure import rebuild_lock
from kompass.infrastructure.database import WRITE_LOCK, json_codec
from kompass.infrastructure.metadata import metadata
from kompass.infrastructure.projections.network.schema import DERIVED_CACHES
from kompass.infrastructure.projections.tracking import tracking

SCHEMA = "kompass_rebuild"
"""The scratch copy's schema (PostgreSQL) or attached database name (SQLite)."""
ADVISORY_KEY = 0x6B6F6D70
"""PostgreSQL advisory lock held by a rebuild (below 2**31: pg_locks shows it as objid, classid 0)."""
ANOTHER = "another rebuild of the read tables is under way; try again when it has finished"


def store_path(engine: Engine) -> Path | None:
    """The SQLite file behind `engine`, or None for PostgreSQL."""
    if engine.dialect.name != "sqlite":
        return None
    return Path(str(engine.url.database))


def rebuild_under_way(engine: Engine) -> bool:
    """Does a rebuild hold the store's rebuild lock? Never waits, never writes."""
    path = store_path(engine)
    if path is not None:
        return rebuild_lock.under_way(path)
    query = text(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = :key "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND granted)"
    )
    with engine.connect() as conn:
        return bool(conn.execute(query, {"key": ADVISORY_KEY}).scalar())


@contextmanager
def scratch(live: Engine) -> Iterator[Engine]:
    """Hold the rebuild lock and give an engine on an empty scratch place for the fresh tables;
    afterwards drop the scratch place and let go of the lock. Raises ConcurrentChange when another
    rebuild holds the lock."""
    path = store_path(live)
    if path is not None:
        with _sqlite_scratch(path) as engine:
            yield engine
    else:
        with _postgres_scratch(live) as engine:
            yield engine


@contextmanager
def _sqlite_scratch(path: Path) -> Iterator[Engine]:
    try:
        fd = rebuild_lock.hold(path)
    except OSError as error:  # a read-only directory, say: the lock file and the scratch file cannot be made
        raise StorageUnavailable(f"cannot rebuild beside {path}: {error.strerror or error}") from None
    if fd is None:
        raise ConcurrentChange(ANOTHER)
    staging = rebuild_lock.staging_path(path)
    try:
        staging.unlink(missing_ok=True)  # what a killed rebuild left
        engine = create_engine(f"sqlite:///{staging}", **json_codec())

        @event.listens_for(engine, "connect")
        def _scratch_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=OFF")
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.close()

        try:
            yield engine
        finally:
            engine.dispose()
    finally:
        staging.unlink(missing_ok=True)
        rebuild_lock.release(fd)


@contextmanager
def _postgres_scratch(live: Engine) -> Iterator[Engine]:
    with live.connect().execution_options(isolation_level="AUTOCOMMIT") as holder:
        if not holder.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}).scalar():
            raise ConcurrentChange(ANOTHER)
        try:
            holder.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))  # what a killed rebuild left
            holder.execute(text(f"CREATE SCHEMA {SCHEMA}"))
            engine = create_engine(
                live.url, connect_args={"options": f"-c search_path={SCHEMA}", "connect_timeout": 5}, **json_codec()
            )
            try:
                yield engine
            finally:
                engine.dispose()
                holder.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        finally:
            holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})


def create(engine: Engine, projections: Sequence[Any]) -> None:
    """The projections' tables and tracking rows at position 0, in the scratch place."""
    metadata.create_all(engine, tables=[tracking, *(table for p in projections for table in p.TABLES)])


def swap(live: Engine, staged: Engine, projections: Sequence[Any]) -> None:
    """In one transaction: refill the live tables of `projections` from the scratch copy and set
    their positions to the copy's."""
    names = [p.NAME for p in projections]
    tr = tracking.c
    with staged.connect() as conn:
        query = select(tr.projection, tr.position).where(tr.projection.in_(names))
        positions: dict[str, int] = {str(name): int(position) for name, position in conn.execute(query)}
    path = store_path(live)
    with live.connect().execution_options(**{WRITE_LOCK: True}) as conn:
        if path is not None:  # ATTACH is refused inside a transaction: the driver runs it before ours begins
            conn.connection.driver_connection.execute(  # type: ignore[union-attr]
                f"ATTACH DATABASE ? AS {SCHEMA}", (str(rebuild_lock.staging_path(path)),)
            )
        try:
            with conn.begin():
                # PostgreSQL: wait for a worker's open batch, and hold the next one off until this commits
                conn.execute(select(tr.projection).where(tr.projection.in_(names)).with_for_update()).all()
                for cache in DERIVED_CACHES:  # they remember answers of the tables being replaced
                    conn.execute(delete(cache))
                for projection in projections:
                    _refill(conn, projection.TABLES)
                    position = positions[projection.NAME]
                    conn.execute(update(tracking).where(tr.projection == projection.NAME).values(position=position))
        finally:
            if path is not None:
                conn.connection.driver_connection.execute(f"DETACH DATABASE {SCHEMA}")  # type: ignore[union-attr]


def _refill(conn: Connection, live_tables: Sequence[Any]) -> None:
    copies = MetaData()
    for table in live_tables:
        conn.execute(delete(table))
        name = conn.dialect.identifier_preparer.quote(table.name)
        if conn.dialect.name == "sqlite" and _same_columns(conn, name):
            # without a column list SQLite copies the records and index entries as they are, instead of decoding
            # and inserting row by row (its transfer optimisation): a swap took a tenth of a rebuild before
            conn.exec_driver_sql(f"INSERT INTO main.{name} SELECT * FROM {SCHEMA}.{name}")
            continue
        copy = table.to_metadata(copies, schema=SCHEMA)
        columns = [c.name for c in table.columns]
        conn.execute(insert(table).from_select(columns, select(*(copy.c[name] for name in columns))))



def _same_columns(conn: Connection, name: str) -> bool:
    """Do the live table and its copy have the same columns in the same order (SELECT * lines them up)?"""
    live = conn.exec_driver_sql(f"PRAGMA main.table_info({name})").all()
    copy = conn.exec_driver_sql(f"PRAGMA {SCHEMA}.table_info({name})").all()
    return [tuple(r) for r in live] == [tuple(r) for r in copy]
