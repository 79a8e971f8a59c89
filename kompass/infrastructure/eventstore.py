"""The event store: the eventsourcing application on SQLite or PostgreSQL, an atomic batch
appender for imports, and the notification log read as facts."""

from __future__ import annotations

import base64
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, project_aggregate
from eventsourcing.persistence import IntegrityError, OperationalError, PersistenceError, StoredEvent

from kompass.application import ports
from kompass.application.app import PortfolioApplication
from kompass.application.facts import Fact
from kompass.domain.errors import ConcurrentChange, StorageUnavailable
from kompass.domain.identity import signing_key_id
from kompass.domain.signing_key import SigningKey
from kompass.infrastructure.fact_decoder import FactDecoder
from kompass.infrastructure.pg_roles import EventsLock, refusal
from kompass.infrastructure.recorded_by import RESTORE_SETTING, add_column, has_column
from kompass.infrastructure.settings import StoreLocation
from kompass.infrastructure.tlog import TransparencyLog

CONNECT_TIMEOUT_SECONDS = 5
"""How long to wait for a PostgreSQL server that does not answer at all."""

APPEND_ONLY_SQLITE = (
    "CREATE TRIGGER IF NOT EXISTS {table}_append_only_delete BEFORE DELETE ON {table} "
    "BEGIN SELECT RAISE(ABORT, 'kompass: events are never deleted'); END",
    "CREATE TRIGGER IF NOT EXISTS {table}_append_only_update BEFORE UPDATE ON {table} "
    "BEGIN SELECT RAISE(ABORT, 'kompass: events are never changed'); END",
)
APPEND_ONLY_POSTGRES = (
    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'kompass_append_only') THEN "
    "CREATE FUNCTION kompass_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$f$ BEGIN RAISE EXCEPTION 'kompass: events are never changed or deleted'; END $f$; END IF; END $$",
    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = '{table}_append_only') THEN "
    "CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
    "FOR EACH ROW EXECUTE FUNCTION kompass_append_only(); END IF; END $$",
    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = '{table}_append_only_truncate') THEN "
    "CREATE TRIGGER {table}_append_only_truncate BEFORE TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION kompass_append_only(); END IF; END $$",
)
"""Event rows are never deleted or changed: on SQLite a deleted top row's position could be reused.
On PostgreSQL a row trigger does not fire on TRUNCATE, so a statement trigger refuses that too."""


def open_application(location: StoreLocation) -> PortfolioApplication:
    """Open the event store, creating its table and triggers only where they are missing, so that a
    read-only PostgreSQL role (docs/postgres-roles.md) can open an existing store without DDL."""
    try:
        env = location.eventsourcing_env()
        if location.backend == "postgres":
            _reach_server(location)
            env["CREATE_TABLE"] = "no"  # the library's CREATE TABLE IF NOT EXISTS needs CREATE on the schema
        app = PortfolioApplication(env=env)
        if location.backend == "postgres":
            for recorder in (app.recorder, app.snapshots.recorder if app.snapshots else None):
                if recorder is not None and not _table_exists(recorder):
                    recorder.create_table()  # type: ignore[attr-defined]
        _protect_log(app, location)
    except (PersistenceError, OSError) as error:
        raise StorageUnavailable(f"cannot open the store at {location.shown_url}: {_first_line(error)}") from None
    return app


def _reach_server(location: StoreLocation) -> None:
    """One direct connection first: the library's pool retries a refused connection until its timeout
    and then says only that it got none, where psycopg says at once why (refused, no such database…)."""
    import psycopg

    try:
        psycopg.connect(
            host=location.host, port=location.port, dbname=location.dbname, user=location.user,
            password=location.password or None, connect_timeout=CONNECT_TIMEOUT_SECONDS,
        ).close()
    except psycopg.Error as error:
        raise StorageUnavailable(f"cannot reach the store at {location.shown_url}: {_first_line(error)}") from None


def _table_exists(recorder: Any) -> bool:
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL AS found", (recorder.events_table_name,))
        row = cursor.fetchone()
    return bool(row["found"] if isinstance(row, dict) else row[0])


def _protect_log(app: PortfolioApplication, location: StoreLocation) -> None:
    recorder: Any = app.recorder
    statements = APPEND_ONLY_SQLITE if location.backend == "sqlite" else APPEND_ONLY_POSTGRES
    with recorder.datastore.transaction(commit=True) as cursor:
        if location.backend == "postgres" and not _may_alter(cursor, events_table(app)):
            return  # a role that may not change the table opens the store as its owner left it
        for statement in statements:
            cursor.execute(statement.format(table=events_table(app)))
        add_column(cursor, events_table(app), location.backend)


def _may_alter(cursor: Any, table: str) -> bool:
    """Whether this PostgreSQL role owns the events table (only the owner may add a column or a trigger)."""
    cursor.execute("SELECT pg_has_role(session_user, tableowner, 'USAGE') AS owner FROM pg_tables "
                   "WHERE tablename = %s AND schemaname = current_schema()", (table,))
    row = cursor.fetchone()
    return bool(row and (row["owner"] if isinstance(row, dict) else row[0]))


def events_table(app: PortfolioApplication) -> str:
    """The library names the table itself: stored_events on SQLite, kompass_events on PostgreSQL."""
    return str(app.recorder.events_table_name)  # type: ignore[attr-defined]


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


PRELOAD_CHUNK = 500
"""Aggregate ids per read-back query of an import: well under SQLite's limit of bound parameters."""


class AppendTransaction(ports.AppendTransaction):
    """One open database transaction of an import: append events in batches, and read back
    aggregates as this transaction sees them (its own appended events included), so the
    importer can forget aggregates it is done with and keep memory bounded."""

    def __init__(
        self,
        app: PortfolioApplication,
        cursor: Any,
        insert: Callable[[Any, list[Any], list[str | None]], list[str | None]],
        backend: str,
        log: TransparencyLog,
        recorder: str,
    ) -> None:
        self.app = app
        self.cursor = cursor
        self._insert = insert
        self.recorder = recorder
        self.log = log.extension(cursor)
        self._sqlite = backend == "sqlite"
        columns = f"SELECT originator_id, originator_version, topic, state FROM {events_table(app)} WHERE originator_id"
        order = "ORDER BY originator_id, originator_version"
        self._select_one = f"{columns} = {'?' if self._sqlite else '%s'} {order}"
        self._select_many = f"{columns} IN ({{marks}}) {order}" if self._sqlite else f"{columns} = ANY(%s) {order}"

    def __call__(self, events: Sequence[Any], recorded_by: Sequence[str | None] | None = None) -> None:
        """The one place events are stored: each row with its recorder, each line into the tree with the
        recorder the store kept (on PostgreSQL its trigger decides, see `recorded_by`)."""
        stored = [self.app.mapper.to_stored_event(e) for e in events]
        asked: list[str | None] = list(recorded_by) if recorded_by is not None else [self.recorder] * len(stored)
        kept = self._insert(self.cursor, stored, asked)
        self.log.extend(events, kept)

    def get(self, aggregate_id: UUID) -> Any:
        self.cursor.execute(self._select_one, (self._key(aggregate_id),))
        found = self._project(self.cursor.fetchall())
        if aggregate_id not in found:
            raise AggregateNotFoundError(aggregate_id)
        return found[aggregate_id]

    def get_many(self, aggregate_ids: Collection[UUID]) -> dict[UUID, Any]:
        """Many aggregates in a few queries, None for those not stored: one round trip per chunk
        instead of one per aggregate, which on PostgreSQL was an import's largest cost after appending."""
        wanted = list(aggregate_ids)
        found: dict[UUID, Any] = dict.fromkeys(wanted)
        for start in range(0, len(wanted), PRELOAD_CHUNK):
            chunk = [self._key(i) for i in wanted[start : start + PRELOAD_CHUNK]]
            if self._sqlite:
                self.cursor.execute(self._select_many.format(marks=",".join("?" * len(chunk))), chunk)
            else:
                self.cursor.execute(self._select_many, (chunk,))
            found.update(self._project(self.cursor.fetchall()))
        return found

    def _key(self, aggregate_id: UUID) -> Any:
        """The library stores ids as hex text on SQLite and as uuid on PostgreSQL."""
        return aggregate_id.hex if self._sqlite else aggregate_id

    def _project(self, rows: Sequence[Any]) -> dict[UUID, Any]:
        """Rows ordered by aggregate and version → each aggregate as its events leave it."""
        histories: dict[UUID, list[Any]] = {}
        for row in rows:
            originator = row["originator_id"]
            aggregate_id = UUID(originator) if isinstance(originator, str) else originator
            stored = StoredEvent(aggregate_id, row["originator_version"], row["topic"], bytes(row["state"]))
            histories.setdefault(aggregate_id, []).append(self.app.mapper.to_domain_event(stored))
        return {aggregate_id: project_aggregate(None, events) for aggregate_id, events in histories.items()}


class AtomicAppender(ports.AtomicAppender):
    """Appends events in batches inside one database transaction (docs/command-log.md: all or nothing).

    The library saves one transaction per call; an import of 100,000 lines needs batches
    that commit together, so this reaches one level below `Application.save`, into the
    recorder of the pinned eventsourcing version (9.5.6). Every write of kompass goes through
    here, so each one extends the Merkle tree and stores its signed checkpoint before it commits.
    """

    def __init__(self, app: PortfolioApplication, backend: str, log: TransparencyLog, recorder: str) -> None:
        self.app = app
        self.backend = backend
        self.log = log
        self.recorder = recorder
        """Who this process is, as the store established it: what SQLite rows record (PostgreSQL's trigger sets its own)."""

    @contextmanager
    def transaction(self, *, restore: bool = False) -> Iterator[AppendTransaction]:
        try:
            if self.backend == "sqlite":
                with self._sqlite() as append:
                    yield append
            else:
                with self._postgres(restore) as append:
                    yield append
        except IntegrityError:
            raise ConcurrentChange(
                "someone else changed the same records while this was being written; nothing was written — try again"
            ) from None
        except OperationalError as error:
            raise StorageUnavailable(f"the store refused the write: {_first_line(error)}") from None
        except PersistenceError as error:
            denied = refusal(error)
            if denied is None:
                raise
            raise denied from None

    @contextmanager
    def _sqlite(self) -> Iterator[AppendTransaction]:
        """BEGIN IMMEDIATE: the import holds SQLite's write lock from its first read. The library's
        deferred BEGIN would let another process commit between the import's reads and its first
        append, and SQLite then refuses that append at once ("database is locked", SQLITE_BUSY_SNAPSHOT)
        instead of waiting: a mere concurrent write made the import fail as if the store were broken."""
        import sqlite3

        recorder: Any = self.app.recorder
        with recorder.datastore.get_connection(commit=True) as conn:
            cursor = conn.cursor()
            try:
                try:
                    cursor.execute("BEGIN IMMEDIATE")
                    insert = SqliteInsert(events_table(self.app)).insert
                    append = AppendTransaction(self.app, cursor, insert, self.backend, self.log, self.recorder)
                    yield append
                    append.log.finish()
                except BaseException:
                    conn.rollback()
                    raise
                conn.commit()
            except sqlite3.IntegrityError as error:
                raise IntegrityError(error) from error
            except sqlite3.OperationalError as error:
                raise OperationalError(error) from error
            finally:
                cursor.sqlite_cursor.close()

    @contextmanager
    def _postgres(self, restore: bool) -> Iterator[AppendTransaction]:
        recorder: Any = self.app.recorder
        with recorder.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as cursor:
            if restore:
                cursor.execute(f"SELECT set_config('{RESTORE_SETTING}', 'on', true)")
            insert = PostgresCopy(recorder, self.recorder).insert
            append = AppendTransaction(self.app, cursor, insert, self.backend, self.log, self.recorder)
            yield append
            self._publish_signing_key(append)
            append.log.finish()

    def _publish_signing_key(self, append: AppendTransaction) -> None:
        """On PostgreSQL the writer signs the checkpoint with their own key: unless the log already holds it, its
        public half is published here, by them, in this transaction and before the checkpoint it is about to sign
        (docs/security.md). Not for a transaction that appended nothing, nor for a new store's first (the
        reference data `init` records, signed by the store's key, the same events in every store)."""
        extension = append.log
        if extension.tree is None or extension.start_size == 0:
            return
        user, public_key = self.log.user, base64.b64encode(self.log.user_signer(extension.store_id).public_key).decode()
        try:
            append.get(signing_key_id(user, public_key))
            return
        except AggregateNotFoundError:
            pass
        key = SigningKey.publish(user=user, public_key=public_key, by=user, effective=date.today())
        append(key.collect_events())


class SqliteInsert:
    """Stores rows as the library's insert does, with the `recorded_by` column kompass fills on SQLite."""

    def __init__(self, table: str) -> None:
        self.statement = f"INSERT INTO {table} (originator_id, originator_version, topic, state, recorded_by) VALUES (?, ?, ?, ?, ?)"

    def insert(self, cursor: Any, stored_events: Sequence[StoredEvent], recorded_by: list[str | None]) -> list[str | None]:
        rows = [
            (e.originator_id.hex if isinstance(e.originator_id, UUID) else e.originator_id, e.originator_version, e.topic, e.state, who)
            for e, who in zip(stored_events, recorded_by, strict=True)
        ]
        cursor.executemany(self.statement, rows)
        return recorded_by


class PostgresCopy:
    """Appends stored events on PostgreSQL with COPY, storing exactly what the library's insert stores.

    The library's insert sends each batch as one array of a composite type, and psycopg builds
    that array's text in Python: on an import it took two thirds of the time spent appending.
    COPY in binary format writes the same four columns into the same table, and the notification
    ids come from the same bigserial, in the order of the rows. Before each batch it does what
    the library does before its insert: it takes the same EXCLUSIVE table lock (ids are then
    issued in commit order, so a reader following the log never passes a gap that fills later)
    and sends the same NOTIFY on the library's channel.
    """

    def __init__(self, recorder: Any, login: str) -> None:
        from psycopg.sql import SQL, Identifier

        self.recorder = recorder
        self.login = login
        table = SQL("{schema}.{table}").format(schema=Identifier(recorder.datastore.schema), table=Identifier(recorder.events_table_name))
        self.statement = SQL(
            "COPY {table} (originator_id, originator_version, topic, state, recorded_by) FROM STDIN (FORMAT BINARY)"
        ).format(table=table)
        self.read_back = SQL("SELECT recorded_by FROM {table} ORDER BY notification_id DESC LIMIT %s").format(table=table)
        self.types = [recorder.datastore.originator_id_type, "int8", "text", "bytea", "text"]
        self.lock = EventsLock(recorder)

    def insert(self, cursor: Any, stored_events: Sequence[StoredEvent], recorded_by: list[str | None]) -> list[str | None]:
        """The trigger sets `recorded_by` to the login; where kompass asked for another recorder (a restore, the
        reference data of a new store) the rows are read back, under the table lock, to learn what it kept."""
        if not stored_events:
            return []
        self.lock(cursor)
        self.recorder._notify_channel(cursor)
        with cursor.copy(self.statement) as copy:
            copy.set_types(self.types)
            for event, who in zip(stored_events, recorded_by, strict=True):
                copy.write_row((event.originator_id, event.originator_version, event.topic, event.state, who))
        if all(who == self.login for who in recorded_by):
            return recorded_by
        cursor.execute(self.read_back, (len(stored_events),))
        return [row["recorded_by"] for row in reversed(cursor.fetchall())]


class NotificationFacts(ports.FactLog):
    """The notification log, read in order as facts."""

    def __init__(self, app: PortfolioApplication, backend: str) -> None:
        self.app = app
        self.decode = FactDecoder(app.mapper)
        self.sqlite = backend == "sqlite"
        self._select: str | None = None

    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def facts(self, after: int = 0, upto: int | None = None, batch: int = 1000, topic_prefix: str | None = None) -> Iterator[Fact]:
        """The stored events after `after` (up to `upto`), in log order, each with its `recorded_by`
        (the library's own reader does not know the column). `topic_prefix`: only events of those topics."""
        decode = self.decode
        position = after
        stop = upto if upto is not None else (1 << 62)
        recorder: Any = self.app.recorder
        statement = self._statement(topic_prefix)
        while True:
            with recorder.datastore.transaction(commit=False) as cursor:
                params: tuple[Any, ...] = (position, stop, *((topic_prefix + "%",) if topic_prefix else ()), batch)
                cursor.execute(statement, params)
                rows = cursor.fetchall()
            for row in rows:
                yield decode(_row(row))
            if len(rows) < batch:
                return
            position = int(rows[-1]["id"])

    def _statement(self, topic_prefix: str | None) -> str:
        table = events_table(self.app)
        recorder: Any = self.app.recorder
        if self._select is None:
            with recorder.datastore.transaction(commit=False) as cursor:
                column = "recorded_by" if has_column(cursor, table, "sqlite" if self.sqlite else "postgres") else "NULL"
            key, m = ("rowid", "?") if self.sqlite else ("notification_id", "%s")
            self._select = (f"SELECT {key} AS id, originator_id, originator_version, topic, state, {column} AS recorded_by "
                            f"FROM {table} WHERE {key} > {m} AND {key} <= {m} {{topics}}ORDER BY {key} LIMIT {m}")
        mark = "?" if self.sqlite else "%s"
        return self._select.format(topics=f"AND topic LIKE {mark} " if topic_prefix else "")


class StoredRow(NamedTuple):
    """A row of the events table with its position and recorder, as the fact decoder reads it."""

    id: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes
    recorded_by: str | None


def _row(row: Any) -> StoredRow:
    originator = row["originator_id"]
    return StoredRow(
        int(row["id"]), UUID(originator) if isinstance(originator, str) else originator, int(row["originator_version"]),
        str(row["topic"]), bytes(row["state"]), row["recorded_by"],
    )
