"""The event store: the eventsourcing application on SQLite or PostgreSQL, opened with its log
protected (rows never changed or deleted).

Writing and reading live beside it: `event_appends` (the atomic batch appender of imports and
commands) and `event_reads` (the notification log read as facts).
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import PersistenceError

from kompass.application.app import PortfolioApplication
from kompass.domain.errors import StorageUnavailable
from kompass.infrastructure.recorded_by import add_column
from kompass.infrastructure.settings import StoreLocation

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
        raise StorageUnavailable(f"cannot open the store at {location.shown_url}: {first_line(error)}") from None
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
        raise StorageUnavailable(f"cannot reach the store at {location.shown_url}: {first_line(error)}") from None


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


def first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]

