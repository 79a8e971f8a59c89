"""Appending events: one transaction per import or command, with the log's tree and signed checkpoint
written in it, on SQLite (BEGIN IMMEDIATE, one insert per batch) and PostgreSQL (COPY, the roles' lock).

Every write goes through `AtomicAppender.transaction`, so `recorded_by` is set in one place
(docs/security.md) and a refused or failed write leaves nothing behind.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, project_aggregate
from eventsourcing.persistence import IntegrityError, OperationalError, PersistenceError, StoredEvent

from kompass.application import ports
from kompass.application.app import PortfolioApplication
from kompass.domain.errors import ConcurrentChange, StorageUnavailable
from kompass.domain.identity import signing_key_id
from kompass.domain.signing_key import SigningKey
from kompass.infrastructure.eventstore import events_table, first_line
from kompass.infrastructure.pg_roles import EventsLock, refusal
from kompass.infrastructure.recorded_by import RESTORE_SETTING
from kompass.infrastructure.tlog import TransparencyLog

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
            raise StorageUnavailable(f"the store refused the write: {first_line(error)}") from None
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
