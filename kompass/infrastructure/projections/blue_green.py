"""Rebuilds nobody notices: fresh read tables are built beside the live ones and swapped in at once.

A rebuild (`Projector.rebuild`) replays the log into fresh copies of the projections' tables, while
queries go on reading, and catching up, the live ones. Only when the copies have reached the head of
the log does one transaction put them in the live tables' place and set the projections' positions:
readers see the old rows or the new ones, never a half-built read model (SQLite's WAL readers keep
their snapshot, PostgreSQL's keep theirs by MVCC). A rebuild killed before that transaction commits
leaves the live tables exactly as they were; the next rebuild drops what it left.

Where the copies live:
  - SQLite: in the store file itself, as shadow tables named `kompass_rebuild_<table>` (SHADOW), filled
    in the rebuild's batch transactions with the store's own durability (WAL, synchronous FULL). The
    swap renames each live table out of the way (RETIRED) and its shadow into its place (SQLite renames a
    table's primary key and unique indexes with it), then makes the secondary indexes under their own
    names: each row is written once, where copying the rows back into the live tables wrote every row
    twice. The replay's statements name the live tables; the shadow engine's driver connection rewrites
    those names (`_ShadowNames`), and an authorizer refuses it any write to a table that is not a shadow,
    so a statement that escaped the rewriting fails instead of touching a live table. The next rebuild
    drops the retired tables (`drop_retired`) in a thread of its own as it begins to fill (`tidying`), and
    fills their pages again: the file holds the read models about twice over (and about a batch more, when
    a fill wrote before the drops were done), and no more after repeated rebuilds.
  - PostgreSQL: the schema `kompass_rebuild` of the same database; the swap empties the live tables
    and fills them from the copies, so that they keep their identity (grants, owners).

While a rebuild runs it holds a lock that queries look at without waiting (SQLite: `rebuild_lock`;
PostgreSQL: a session advisory lock); the kernel or the server lets go of it when the process
ends, however it ends.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, Table, create_engine, delete, event, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.schema import CreateTable

from kompass.domain.errors import ConcurrentChange, StorageUnavailable
from kompass.infrastructure import rebuild_lock
from kompass.infrastructure.database import WRITE_LOCK, busy_timeout_ms, json_codec, sqlite_immediate_transactions
from kompass.infrastructure.projections.held_writes import HeldWrites
from kompass.infrastructure.projections.network.schema import DERIVED_CACHES
from kompass.infrastructure.projections.shapes import for_queries_only
from kompass.infrastructure.projections.tracking import tracking

SCHEMA = "kompass_rebuild"
"""The scratch copy's schema (PostgreSQL)."""
SHADOW = "kompass_rebuild_"
"""Prefix of a rebuild's fresh tables inside a SQLite store (never `rm_`: whatever lists the read tables by
their prefix does not see them)."""
RETIRED = "kompass_retired_"
"""Prefix of the live tables a swap replaced (SQLite), kept until the next rebuild drops them (`drop_retired`).
Why not dropped in the swap: dropping a table reads every page of it to free them, which took 6.4 s of a
13.5 s swap at 1,000,000 events (bench/rebuild_bench.py's store), while the store's writers and the rebuild
waited. The next rebuild drops them in a thread of its own while its fills work out their first batches
(`tidying`), letting writers in between the drops (`drop_retired`)."""
DROPS_HOLD_SECONDS = 0.5
"""How long `drop_retired` may hold the write lock, over one table's drop or several, before it lets it go long
enough for a waiting writer to take it (LET_WRITERS_IN)."""
LET_WRITERS_IN = 0.15
"""Seconds `drop_retired` leaves the write lock free between drops. A SQLite writer waiting for the lock (the
busy handler) looks again at most every 0.1 s; the moment between two back-to-back transactions is far shorter,
so without this pause a waiting writer never gets in until the last table is dropped."""
REBUILD_WAITS_SECONDS = 600
"""How long a rebuild's fills and its drops of the replaced tables wait for the store's write lock (SQLite), or the
busy timeout if that is longer (`rebuild_wait_ms`). Why longer than other writers: its two processes take the lock
in turns, and on a loaded machine whose pages were not in memory one of them waited out the 30 s busy timeout for
the other's writing (1,000,000 events, queries beside it), failing a rebuild minutes into its work. A rebuild that
waits holds nobody up; giving up loses the rebuild."""
ADVISORY_KEY = 0x6B6F6D70
"""PostgreSQL advisory lock held by a rebuild (below 2**31: pg_locks shows it as objid, classid 0)."""
SHADOW_CACHE_KIB = 262_144
"""The page cache of the connection filling the shadows (KiB, 256 MiB at most, taken only as pages are
touched). A batch transaction of a rebuild changes hundreds of MB of pages; with SQLite's default 8 MiB cache
they spilled to the WAL before the commit, and those changed again were written again (a 100,000-line
rebuild took 3 s more)."""
ANOTHER = "another rebuild or compaction of the read tables is under way; try again when it has finished"
REBUILDING_NOW = "a rebuild of the read tables is under way; compact the store when it has finished"


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


def rebuilt_tables(projections: Sequence[Any]) -> list[Table]:
    """The tables a rebuild of `projections` writes: their positions' and their own."""
    return [tracking, *(table for p in projections for table in p.TABLES)]


@contextmanager
def scratch(live: Engine, projections: Sequence[Any], *, copies_wal: bool = True) -> Iterator[Engine]:
    """Hold the rebuild lock and give an engine on an empty scratch place for the fresh tables of
    `projections` (on SQLite, its commits copying the WAL into the file unless `copies_wal` is False:
    `shadow_engine`); afterwards drop what is left of it and let go of the lock. Raises ConcurrentChange
    when another rebuild holds the lock."""
    path = store_path(live)
    if path is not None:
        with _sqlite_scratch(live, path, rebuilt_tables(projections), copies_wal) as engine:
            yield engine
    else:
        with _postgres_scratch(live) as engine:
            yield engine


@contextmanager
def _sqlite_scratch(live: Engine, path: Path, tables: Sequence[Table], copies_wal: bool) -> Iterator[Engine]:
    try:
        fd = rebuild_lock.hold(path)
    except OSError as error:  # a read-only directory, say: the lock file cannot be made
        raise StorageUnavailable(f"cannot rebuild beside {path}: {error.strerror or error}") from None
    if fd is None:
        raise ConcurrentChange(ANOTHER)
    try:
        drop_shadows(live)  # what a killed rebuild left
        rebuild_lock.staging_path(path).unlink(missing_ok=True)  # the scratch file of an earlier kompass
        engine = shadow_engine(live, [table.name for table in tables], copies_wal=copies_wal)
        try:
            yield engine
        finally:
            engine.dispose()
            with suppress(SQLAlchemyError):  # a store busy now keeps them until the next rebuild drops them
                drop_shadows(live)  # a failed rebuild's tables (none after a swap)
    finally:
        rebuild_lock.release(fd)


def drop_shadows(live: Engine) -> None:
    """Drop every shadow table of the SQLite store (their indexes go with them), in one transaction."""
    with live.connect().execution_options(**{WRITE_LOCK: True}) as conn, _fast_delete(conn), conn.begin():
        for name in _shadow_names(conn):
            conn.exec_driver_sql(f"DROP TABLE main.{conn.dialect.identifier_preparer.quote(name)}")


def _shadow_names(conn: Connection, prefix: str = SHADOW) -> list[str]:
    """The tables whose names begin with `prefix` (the shadows, or the retired tables)."""
    query = "SELECT name FROM main.sqlite_master WHERE type = 'table' AND substr(name, 1, ?) = ?"
    return [str(name) for (name,) in conn.exec_driver_sql(query, (len(prefix), prefix))]


def drop_retired(live: Engine) -> None:
    """Drop the tables earlier swaps retired (SQLite; PostgreSQL keeps none), one transaction each, and once the
    drops have held the write lock for DROPS_HOLD_SECONDS, leave it free for LET_WRITERS_IN seconds, so that the
    store's writers wait for about one table's drop at most.

    Why: a rebuild drops them while its fills work out their first batches (`tidying`), and the fills then wait
    for the write lock like any writer, for at most the busy timeout. Taken back to back, the drops kept it out
    until the last one: at 1,000,000 events with the file's pages not in memory they took 22 s in all (10 s the
    largest), and a rebuild failed with "database is locked" when its second process had waited 30 s. Each drop
    itself waits for the lock as long as a rebuild's fill does (`_patient`)."""
    if store_path(live) is None:
        return
    with live.connect() as conn:
        names = _shadow_names(conn, RETIRED)
    held = 0.0
    for name in names:
        if held >= DROPS_HOLD_SECONDS:
            time.sleep(LET_WRITERS_IN)
            held = 0.0
        started = time.perf_counter()
        with live.connect().execution_options(**{WRITE_LOCK: True}) as conn, _patient(conn), _fast_delete(conn), conn.begin():
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS main.{conn.dialect.identifier_preparer.quote(name)}")
        held += time.perf_counter() - started


def rebuild_wait_ms() -> int:
    """How long a rebuild waits for the store's write lock, in milliseconds (REBUILD_WAITS_SECONDS)."""
    return max(busy_timeout_ms(), REBUILD_WAITS_SECONDS * 1000)


@contextmanager
def _patient(conn: Connection) -> Iterator[None]:
    """SQLite: this connection waits for the write lock as long as a rebuild does (`rebuild_wait_ms`), for the
    transaction it begins next, and as long as before afterwards (it goes back to the pool). Why: a rebuild drops the
    replaced tables while its second process works out its first batch, and that process may write meanwhile;
    a drop that gave up after the busy timeout failed the rebuild like a fill that gave up."""
    driver: Any = conn.connection.driver_connection
    before = int(driver.execute("PRAGMA busy_timeout").fetchone()[0])
    driver.execute(f"PRAGMA busy_timeout={rebuild_wait_ms()}")
    try:
        yield
    finally:
        driver.execute(f"PRAGMA busy_timeout={before}")


def compact(live: Engine) -> tuple[int, int] | None:
    """SQLite: drop the tables earlier swaps retired and rewrite the store file without the room they took
    (`VACUUM`, then the write-ahead log copied in and emptied); the file's size with its WAL before and after,
    in bytes. None for PostgreSQL, which keeps no retired tables (its own vacuum reuses dead rows' room).

    Holds the rebuild lock shared, so no rebuild starts meanwhile (nor is one under way: ConcurrentChange), while
    queries see no rebuild. `VACUUM` takes the store's write lock for as long as it copies the file: writers wait
    for it (up to the busy timeout), readers go on."""
    path = store_path(live)
    if path is None:
        return None
    try:
        fd = rebuild_lock.hold_shared(path)
    except OSError as error:  # a read-only directory, say: the lock file cannot be made
        raise StorageUnavailable(f"cannot compact {path}: {error.strerror or error}") from None
    if fd is None:
        raise ConcurrentChange(REBUILDING_NOW)
    try:
        before = _size_on_disk(path)
        drop_retired(live)
        with live.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").all()  # a reader still on an old snapshot: next time
        return before, _size_on_disk(path)
    finally:
        rebuild_lock.release(fd)


def _size_on_disk(path: Path) -> int:
    """The store file's size and its write-ahead log's, in bytes."""
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def shadow_names() -> re.Pattern[str]:
    """Finds the shadow tables a statement names (as the shadow engine's driver connection runs it)."""
    return re.compile(rf"(?<![\w$]){SHADOW}\w+")


def shadow_engine(live: Engine, names: Iterable[str], *, copies_wal: bool = True) -> Engine:
    """An engine on the store file whose statements write the shadows of the tables `names` instead, with
    the live engine's settings (WAL, synchronous FULL, write lock taken as a batch begins), waiting for the write
    lock up to REBUILD_WAITS_SECONDS.

    `copies_wal=False`: its commits never copy the WAL into the store file (`wal_autocheckpoint=0`; each commit
    is still on disk in the WAL when it returns). For the fills of a rebuild in two processes: a thread of the
    rebuild's own process copies it while both fills go on (`tidying`). A commit that copied the WAL was
    1.3-1.8 s of every batch of the rebuild's own fill at 1,000,000 events, since it copied the second process's
    pages too (earlier still, each process copied its own: the second process's commits took 11.2-15.0 s in all,
    against 6.9 s without)."""
    busy_ms = rebuild_wait_ms()
    connection = _ShadowNames.connection_class({name: SHADOW + name for name in names})
    engine = create_engine(live.url, connect_args={"timeout": busy_ms / 1000, "factory": connection}, **json_codec())
    sqlite_immediate_transactions(engine, busy_ms)

    @event.listens_for(engine, "connect")
    def _shadows_only(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_authorizer(_writes_shadows_only)
        dbapi_connection.execute(f"PRAGMA cache_size=-{SHADOW_CACHE_KIB}")
        dbapi_connection.execute("PRAGMA secure_delete=OFF")  # see _fast_delete
        if not copies_wal:
            dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")  # `tidying` copies it

    return engine


def copy_wal(live: Engine) -> None:
    """SQLite: copy the pages the WAL holds into the store file, as far as the readers' snapshots allow, without
    waiting for any reader or writer (a PASSIVE checkpoint). What a commit with automatic checkpoints does
    itself, done here for a rebuild's fills in two processes, which leave it to others (`shadow_engine`): a WAL
    never copied only grows, and every reader searches it. Never fails its caller: what it could not copy, the next
    commit that copies the WAL does (the swap's, at the latest)."""
    with suppress(SQLAlchemyError), live.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").all()


TIDY_EVERY = 0.25
"""Seconds between two copies of the WAL into the store file while a rebuild fills (`tidying`)."""


@contextmanager
def tidying(live: Engine) -> Iterator[None]:
    """SQLite: while a rebuild fills its fresh tables in two processes, a thread of its own drops the tables the last
    swap replaced (`drop_retired`) and then copies the fills' commits from the WAL into the store file every
    TIDY_EVERY seconds (`copy_wal`), until the fills end; then raises what the drops raised, if the fills did not
    fail first. PostgreSQL: nothing to do.

    Why a thread: both are the store's housekeeping, and most of their time is the file's reading, writing and
    syncing, during which SQLite lets other Python threads run. Done by the fill itself they delayed it: at
    1,000,000 events the drops (3.5-7.7 s) came before the rebuild's own fill began, and each of its batch commits
    copied the WAL (1.3-1.8 s each), so that this fill, not the second process's, ended the rebuild. A fill that
    writes before the drops are done takes new pages at the end of the file instead of the freed ones: the file
    then keeps room for about a batch more, which later rebuilds fill again.

    Not for a rebuild in one process: its batches hold the write lock from their start, so the store's other
    writers get in only while it is free between two batches, and that is while each commit copies the WAL. With
    the copying in a thread, a command waited for the whole rebuild."""
    if store_path(live) is None:
        yield
        return
    done = threading.Event()
    failed: list[BaseException] = []

    def tidy() -> None:
        try:
            drop_retired(live)
        except BaseException as error:  # noqa: BLE001 — raised in the rebuild's thread once the fill is over
            failed.append(error)
        while not done.wait(TIDY_EVERY):
            copy_wal(live)

    thread = threading.Thread(target=tidy, name="kompass-rebuild-tidying", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
    if failed:
        raise failed[0]


class _ShadowNames:
    """Rewrites the names of live tables in a statement's text into their shadows' names: whole
    identifiers only (`rm_coverage` and never part of `rm_coverage_actors` or `ix_rm_coverage_…`).
    On the driver's own connection and cursors, so that statements the writers run on the driver's
    cursor are rewritten too. Statements repeat, so each text is rewritten once."""

    @staticmethod
    def renamer(shadows: dict[str, str]) -> Callable[[str], str]:
        """A statement's text with each name of `shadows` replaced by its shadow's."""
        names = "|".join(re.escape(name) for name in sorted(shadows, key=len, reverse=True))
        pattern = re.compile(rf"(?<![\w$])({names})(?![\w$])")

        @lru_cache(maxsize=4096)
        def shadowed(sql: str) -> str:
            return pattern.sub(lambda found: shadows[found.group(1)], sql)

        return shadowed

    @staticmethod
    def connection_class(shadows: dict[str, str]) -> type[sqlite3.Connection]:
        """The driver connection class: statements renamed, and held back while its `held` is set (`held_writes`)."""
        shadowed = _ShadowNames.renamer(shadows)

        class ShadowCursor(sqlite3.Cursor):
            def execute(self, sql: str, parameters: Any = (), /) -> Any:
                named = shadowed(sql)
                held: HeldWrites | None = getattr(self.connection, "held", None)
                if held is not None and held.take(sql, named, parameters, many=False):
                    return self
                return super().execute(named, parameters)

            def executemany(self, sql: str, parameters: Any, /) -> Any:
                named = shadowed(sql)
                held: HeldWrites | None = getattr(self.connection, "held", None)
                if held is not None and held.take(sql, named, parameters, many=True):
                    return self
                return super().executemany(named, parameters)

            def executescript(self, script: str, /) -> Any:
                return super().executescript(shadowed(script))

        class ShadowConnection(sqlite3.Connection):
            held: HeldWrites | None = None
            """The writes of the batch under way, while they are held back (None: statements run at once)."""

            def cursor(self, factory: Any = ShadowCursor) -> Any:
                return super().cursor(factory)

            def execute(self, sql: str, parameters: Any = (), /) -> Any:
                return self.cursor().execute(sql, parameters)

            def executemany(self, sql: str, parameters: Any, /) -> Any:
                return self.cursor().executemany(sql, parameters)

            def executescript(self, script: str, /) -> Any:
                return self.cursor().executescript(script)

        return ShadowConnection


_WRITES = {
    sqlite3.SQLITE_INSERT: 0,
    sqlite3.SQLITE_UPDATE: 0,
    sqlite3.SQLITE_DELETE: 0,
    sqlite3.SQLITE_CREATE_TABLE: 0,
    sqlite3.SQLITE_DROP_TABLE: 0,
    sqlite3.SQLITE_CREATE_INDEX: 1,
    sqlite3.SQLITE_DROP_INDEX: 1,
    sqlite3.SQLITE_ALTER_TABLE: 1,
}
"""Actions that change a table, and which of the authorizer's two names is the table's."""


def _writes_shadows_only(action: int, first: str | None, second: str | None, _database: str | None, _trigger: str | None) -> int:
    """The shadow engine's authorizer: it writes shadow tables (and the schema table, to make them) only."""
    if action not in _WRITES:
        return sqlite3.SQLITE_OK
    name = (first, second)[_WRITES[action]] or ""
    if name.startswith(SHADOW) or name.startswith("sqlite_"):
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def postgres_scratch_engine(url: Any) -> Engine:
    """An engine on the store's database whose statements name the scratch schema's tables (PostgreSQL): the
    rebuild's own, and a second process's filling some of them (`parallel_fill`)."""
    return create_engine(url, connect_args={"options": f"-c search_path={SCHEMA}", "connect_timeout": 5}, **json_codec())


@contextmanager
def _postgres_scratch(live: Engine) -> Iterator[Engine]:
    with live.connect().execution_options(isolation_level="AUTOCOMMIT") as holder:
        if not holder.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}).scalar():
            raise ConcurrentChange(ANOTHER)
        try:
            holder.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))  # what a killed rebuild left
            holder.execute(text(f"CREATE SCHEMA {SCHEMA}"))
            engine = postgres_scratch_engine(live.url)
            try:
                yield engine
            finally:
                engine.dispose()
                holder.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        finally:
            holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})


def create(live: Engine, engine: Engine, projections: Sequence[Any]) -> None:
    """The projections' fresh tables, empty, in the scratch place `engine` of the store `live`.

    SQLite: made through the live engine from each table's definition under its shadow's name, its
    secondary indexes under names of their own (the replay looks rows up by them; the swap makes them
    again under the live names). Indexes that serve queries only are left out (`shapes.QUERIES_ONLY`):
    nothing reads by them during the fill, and the swap (SQLite) or the live table (PostgreSQL) has them."""
    tables = rebuilt_tables(projections)
    if store_path(live) is None:
        with engine.begin() as conn:
            for table in tables:
                _create_for_fill(conn, table)
        return
    shadows = MetaData()
    with live.connect().execution_options(**{WRITE_LOCK: True}) as conn, conn.begin():
        for table in tables:
            _create_for_fill(conn, table.to_metadata(shadows, name=SHADOW + table.name))


def _create_for_fill(conn: Connection, table: Table) -> None:
    """`table` with its keys, unique constraints and the indexes a projection's batches read by."""
    conn.execute(CreateTable(table))
    for index in table.indexes:
        if not for_queries_only(index):
            index.create(conn)


def swap(live: Engine, staged: Engine, projections: Sequence[Any]) -> None:
    """In one transaction: put the fresh tables of `projections` in the live ones' place and set their
    positions to the fresh ones'."""
    names = [p.NAME for p in projections]
    tr = tracking.c
    with staged.connect() as conn:
        query = select(tr.projection, tr.position).where(tr.projection.in_(names))
        positions: dict[str, int] = {str(name): int(position) for name, position in conn.execute(query)}
    sqlite = store_path(live) is not None
    with live.connect().execution_options(**{WRITE_LOCK: True}) as conn, _fast_delete(conn), conn.begin():
        # PostgreSQL: wait for a worker's open batch, and hold the next one off until this commits
        conn.execute(select(tr.projection).where(tr.projection.in_(names)).with_for_update()).all()
        for cache in DERIVED_CACHES:  # they remember answers of the tables being replaced
            conn.execute(delete(cache))
        for projection in projections:
            for table in projection.TABLES:
                (_rename_in if sqlite else _refill)(conn, table)
            conn.execute(update(tracking).where(tr.projection == projection.NAME).values(position=positions[projection.NAME]))
        if sqlite:
            conn.exec_driver_sql(f"DROP TABLE main.{SHADOW}{tracking.name}")


@contextmanager
def _fast_delete(conn: Connection) -> Iterator[None]:
    """SQLite: free the dropped tables' pages without overwriting them with zeros (`secure_delete`, on in some
    builds of SQLite, Debian's among them), for this connection and this transaction only. Zeroing them wrote every
    freed page once more through the WAL: 360 MB, and 1.3 s of a 100,000-line rebuild's swap. It hides nothing
    here: read-model rows are derived from the log, which the same file keeps (personal details are never in
    either: `persons.forget` scrubs the register with secure_delete on and VACUUM)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    driver: Any = conn.connection.driver_connection
    before = driver.execute("PRAGMA secure_delete").fetchone()[0]
    driver.execute("PRAGMA secure_delete=OFF")
    try:
        yield
    finally:
        driver.execute(f"PRAGMA secure_delete={int(before)}")


def _rename_in(conn: Connection, table: Table) -> None:
    """SQLite: the live table retired (renamed out of the way, its secondary indexes dropped: their names are
    the fresh table's), its shadow renamed into its place, the shadow's secondary indexes dropped and the
    table's own made (building an index over a whole table at once is cheaper than keeping it at every insert,
    and its name is free only once the live table's index is gone)."""
    quote = conn.dialect.identifier_preparer.quote
    name, retired = quote(table.name), quote(RETIRED + table.name)
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS main.{retired}")  # one no rebuild has dropped since (`drop_retired`)
    if conn.exec_driver_sql("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?", (table.name,)).first():
        _drop_secondary_indexes(conn, table.name)
        # unquoted unless it must be: SQLite writes the new name into the table's CREATE statement as given
        conn.exec_driver_sql(f"ALTER TABLE main.{name} RENAME TO {retired}")
    conn.exec_driver_sql(f"ALTER TABLE main.{quote(SHADOW + table.name)} RENAME TO {name}")
    _drop_secondary_indexes(conn, table.name)
    for index in table.indexes:
        index.create(conn)


def _drop_secondary_indexes(conn: Connection, table: str) -> None:
    """The indexes of `table` made by name (a primary key's or unique constraint's own go with the table)."""
    query = "SELECT name FROM main.sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL"
    for (index,) in conn.exec_driver_sql(query, (table,)).all():
        conn.exec_driver_sql(f"DROP INDEX main.{conn.dialect.identifier_preparer.quote(index)}")


def _refill(conn: Connection, table: Table) -> None:
    """PostgreSQL: the live table emptied and filled from its copy in the scratch schema, by column name."""
    conn.execute(delete(table))
    copy = table.to_metadata(MetaData(), schema=SCHEMA)
    columns = [c.name for c in table.columns]
    conn.execute(insert(table).from_select(columns, select(*(copy.c[name] for name in columns))))
