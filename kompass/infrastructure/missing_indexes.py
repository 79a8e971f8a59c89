"""Indexes that a store made by an earlier kompass lacks, made when someone who may opens it.

Why: `create_all` makes the tables a store lacks but adds nothing to a table that exists, so an index given
to a read table later (a lookup that used to read the whole table) would reach existing stores only through a
rebuild on SQLite, and never on PostgreSQL, whose rebuild refills the live tables in place. Queries are right
without it, only slower.

Making an index needs the write lock (SQLite) or the table's ownership (PostgreSQL). A login that does not own
the table (a coordinator's, a reader's) leaves it to the next one that does: `kompass init`, which an upgrade
of a PostgreSQL store asks the administrator to run, or the owner's own next command. A store that cannot be
written (a read-only copy) is left as it is. The check is a query or two on every opening; the lock is taken
only when an index is missing.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, Index, MetaData, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.schema import CreateIndex

from kompass.infrastructure.database import WRITE_LOCK

_SQLITE_INDEXES = "SELECT name FROM sqlite_master WHERE type = 'index'"
_POSTGRES_INDEXES = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
_POSTGRES_OWNED = (
    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND pg_has_role(current_user, tableowner, 'MEMBER')"
)


def missing_indexes(conn: Connection, metadata: MetaData) -> list[Index]:
    """The indexes of `metadata` that its tables in the database lack and this login may make."""
    sqlite = conn.dialect.name == "sqlite"
    present = {str(name) for (name,) in conn.execute(text(_SQLITE_INDEXES if sqlite else _POSTGRES_INDEXES))}
    tables = _sqlite_tables(conn) if sqlite else {str(name) for (name,) in conn.execute(text(_POSTGRES_OWNED))}
    return [
        index
        for table in metadata.sorted_tables
        if table.name in tables
        for index in sorted(table.indexes, key=lambda i: str(i.name))
        if str(index.name) not in present
    ]


def _sqlite_tables(conn: Connection) -> set[str]:
    return {str(name) for (name,) in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))}


def make_missing_indexes(engine: Engine, metadata: MetaData) -> list[str]:
    """Make the indexes `missing_indexes` finds, in one transaction; returns their names (none when the store
    cannot be written: they are made by the next opening that can)."""
    with engine.connect() as conn:
        wanted = missing_indexes(conn, metadata)
    if not wanted:
        return []
    try:
        with engine.connect().execution_options(**{WRITE_LOCK: True}) as conn, conn.begin():
            for index in wanted:
                conn.execute(CreateIndex(index, if_not_exists=True))  # another opening may make it meanwhile
    except DBAPIError as error:
        if _may_not_write(error):
            return []
        raise
    return [str(index.name) for index in wanted]


def _may_not_write(error: DBAPIError) -> bool:
    """A store this login may not change the schema of: read-only (SQLite) or not the tables' owner (PostgreSQL)."""
    reason = str(getattr(error, "orig", error)).lower()
    return "readonly" in reason or "read-only" in reason or "must be owner" in reason or "permission denied" in reason
