"""`recorded_by`: who stored each event, a column of the events table that the store fills.

Why a column and not a field of the event: the client chooses an event's contents, but not who it
is. On PostgreSQL a BEFORE INSERT trigger overwrites the column with `session_user`, the login the
server authenticated, whatever the client sent; only a restore (`import --restore`) by an admin or
a superuser keeps the recorder named in the export, and the reference data of a store being
created keeps `kompass`. On SQLite there is no server: kompass writes the operating-system account,
and whoever can write the file could write anything (docs/security.md).

Stores made before the column existed gain it when they are opened by a role that may change the
table (NULL for their old events: `verify` reports those as unverifiable).
"""

from __future__ import annotations

from typing import Any

COLUMN = "recorded_by"
SYSTEM_RECORDER = "kompass"
"""Who records the reference data every store registers itself, so that every store's lines are the same."""
RESTORE_SETTING = "kompass.restore"
"""Transaction-local setting a restore sets: the trigger then keeps the recorder the export names, for an admin."""

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION kompass_recorded_by() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    IF current_setting('{RESTORE_SETTING}', true) = 'on' THEN
        IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user) THEN
            RETURN NEW;
        END IF;
        -- admins, under whatever role prefix the store's rules were installed with (pg_roles)
        IF to_regprocedure('kompass_is_privileged(name)') IS NOT NULL THEN
            IF kompass_is_privileged(session_user) THEN
                RETURN NEW;
            END IF;
        END IF;
    END IF;
    IF NEW.recorded_by = '{SYSTEM_RECORDER}' AND NEW.originator_version = 1
       AND EXISTS (SELECT 1 FROM kompass_log WHERE id = 1 AND size = 0) THEN
        RETURN NEW;  -- the reference data of a store being created (its first transaction)
    END IF;
    NEW.recorded_by := session_user;
    RETURN NEW;
END $f$
"""


def add_column(cursor: Any, table: str, backend: str) -> None:
    """Give the events table its `recorded_by` column and, on PostgreSQL, the trigger that fills it.
    Idempotent; run where the opener may change the table (it changes nothing when all is there)."""
    if backend == "sqlite":
        if not has_column(cursor, table, backend):
            cursor.execute(f"ALTER TABLE {table} ADD COLUMN {COLUMN} TEXT")
        return
    if not has_column(cursor, table, backend):
        cursor.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {COLUMN} text")
    cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s", (f"{table}_recorded_by",))
    if cursor.fetchone() is None:
        cursor.execute(POSTGRES_FUNCTION)
        cursor.execute(
            f"CREATE TRIGGER {table}_recorded_by BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION kompass_recorded_by()"
        )


def has_column(cursor: Any, table: str, backend: str) -> bool:
    if backend == "sqlite":
        cursor.execute(f"PRAGMA table_info({table})")
        return any(row[1] == COLUMN for row in cursor.fetchall())
    cursor.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s AND table_schema = current_schema()",
        (table, COLUMN),
    )
    return cursor.fetchone() is not None


def session_user(cursor: Any) -> str:
    """The PostgreSQL login of this connection, as the server authenticated it."""
    cursor.execute("SELECT session_user AS who")
    row = cursor.fetchone()
    return str(row["who"] if isinstance(row, dict) else row[0])
