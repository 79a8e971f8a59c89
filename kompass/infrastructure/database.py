"""SQLAlchemy engine for the read side, with the settings kompass relies on."""

from __future__ import annotations

import operator
import os
from typing import Any

import orjson
from sqlalchemy import JSON, Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from kompass.infrastructure.settings import SQLITE_LOCK_TIMEOUT_ENV, StoreLocation, sqlite_lock_timeout

SQLITE_BUSY_TIMEOUT_MS = 30_000
"""The default wait for another process's write lock; env SQLITE_LOCK_TIMEOUT (seconds) overrides it."""
WRITE_LOCK = "kompass_write_lock"
"""Execution option: on SQLite, take the write lock when the transaction begins."""


def make_engine(location: StoreLocation) -> Engine:
    if location.backend == "sqlite":
        busy_ms = busy_timeout_ms()
        engine = create_engine(location.sqlalchemy_url, connect_args={"timeout": busy_ms / 1000}, **json_codec())
        sqlite_immediate_transactions(engine, busy_ms)
        return engine
    return create_engine(location.sqlalchemy_url, pool_pre_ping=True, connect_args={"connect_timeout": 5}, **json_codec())


def json_codec() -> dict[str, Any]:
    """Engine arguments: JSON columns written and read through orjson (see `_json_text`)."""
    return {"json_serializer": _json_text, "json_deserializer": orjson.loads}


def _json_text(value: Any) -> str:
    """JSON columns (initiative records above all) are written and read through orjson: a rebuild
    writes one record per changed initiative, and the standard library takes several times longer.
    Input never holds what orjson would refuse or change (NaN, infinities, lone surrogates, integers
    past 64 bits are refused where commands are read)."""
    return orjson.dumps(value).decode()


def busy_timeout_ms() -> int:
    if os.environ.get(SQLITE_LOCK_TIMEOUT_ENV, "").strip():
        return sqlite_lock_timeout() * 1000
    return SQLITE_BUSY_TIMEOUT_MS


def sqlite_immediate_transactions(engine: Engine, busy_ms: int) -> None:
    """Let a transaction take the write lock as it starts (with the WRITE_LOCK option), so
    two projection workers never read the same position and both apply the batch after it
    (SQLAlchemy's documented recipe for pysqlite transactions)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return  # no transaction: VACUUM and wal_checkpoint refuse to run inside one
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get(WRITE_LOCK, False) else "BEGIN")


def insert_many(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert many rows (every column given) through the driver's own executemany.

    Why: SQLAlchemy's executemany builds each row's parameters in Python, which took about a
    tenth of a rebuild's time for the bitemporal projection's rows; here they are plain tuples.
    JSON columns are written as `_json_text` writes them."""
    if rows:
        insert_rows(conn, table, _values(table, rows))


def upsert_many(conn: Any, table: Any, keys: list[str], rows: list[dict[str, Any]]) -> None:
    """`insert_many`, each row replacing the stored one of the same `keys` (INSERT … ON CONFLICT DO UPDATE,
    written alike for SQLite and PostgreSQL): the projections rewrite their changed records this way."""
    if not rows:
        return
    quote = conn.dialect.identifier_preparer.quote
    updates = ", ".join(f"{quote(c.name)} = excluded.{quote(c.name)}" for c in table.columns if c.name not in keys)
    conflict = f" ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET {updates}"
    conn.exec_driver_sql(_insert_sql(conn, table) + conflict, _values(table, rows))


def upsert_rows(conn: Any, table: Any, rows: list[tuple[Any, ...]]) -> None:
    """`insert_rows`, each row overwriting in place the stored row with the same primary key (INSERT … ON
    CONFLICT DO UPDATE): where a rewrite keeps most keys, overwriting a row costs one search of the key where
    deleting it and inserting it again cost two, and moved it between pages."""
    if not rows:
        return
    quote = conn.dialect.identifier_preparer.quote
    keys = [c.name for c in table.primary_key.columns]
    updates = ", ".join(f"{quote(c.name)} = excluded.{quote(c.name)}" for c in table.columns if c.name not in keys)
    conflict = f" ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET {updates}"
    conn.exec_driver_sql(_insert_sql(conn, table) + conflict, rows)


def _insert_sql(conn: Any, table: Any) -> str:
    quote = conn.dialect.identifier_preparer.quote
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    return (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in table.columns)}) "
        f"VALUES ({', '.join(mark for _ in table.columns)})"
    )


def _values(table: Any, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The rows as tuples in the table's column order, JSON columns as text."""
    columns = list(table.columns)
    json_columns = {c.name for c in columns if isinstance(c.type, JSON)}
    names = [c.name for c in columns]
    if json_columns:
        return [tuple(_json_text(row[n]) if n in json_columns else row[n] for n in names) for row in rows]
    # itemgetter picks a row's values in C: building the tuples in Python was a twentieth of a rebuild
    pick = operator.itemgetter(*names)
    return [pick(row) for row in rows] if len(names) > 1 else [(pick(row),) for row in rows]


def insert_rows(conn: Any, table: Any, rows: list[tuple[Any, ...]]) -> None:
    """Insert many rows given as tuples in the table's column order: for the rows a rebuild writes by the
    hundred thousand, without a dict each. A JSON column's value is given as its JSON text (`_json_text`
    writes the same).

    SQLite: the driver's executemany. PostgreSQL: COPY FROM STDIN in the same transaction, which the server
    takes as one stream instead of a statement per row: a 100,000-line rebuild's plain inserts went from
    executemany's round trips to a few COPY streams (`copy_rows`)."""
    if not rows:
        return
    quote = conn.dialect.identifier_preparer.quote
    columns = ", ".join(quote(c.name) for c in table.columns)
    if conn.dialect.name == "postgresql":
        copy_rows(conn, f"COPY {quote(table.name)} ({columns}) FROM STDIN", rows)
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    conn.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({', '.join(mark for _ in table.columns)})", rows)


def copy_rows(conn: Any, statement: str, rows: list[tuple[Any, ...]]) -> None:
    """Run a PostgreSQL `COPY … FROM STDIN` (text format) on the connection's own transaction, writing `rows`:
    psycopg writes each value as its type's text (strings escaped, None as NULL), and the server parses it
    into the column's type, JSON text into a json column included. A failure comes as SQLAlchemy's error for
    it (IntegrityError, OperationalError…), as from any other statement: callers catch those."""
    driver_error = conn.dialect.loaded_dbapi.Error
    cursor = conn.connection.driver_connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except driver_error as error:
        raise DBAPIError.instance(statement, None, error, driver_error) from error
    finally:
        cursor.close()


def upsert(dialect_name: str, table: Any, keys: list[str]) -> Any:
    """INSERT … ON CONFLICT DO UPDATE for the dialect at hand, to execute with a list of rows.

    One statement for any number of rows (executemany): SQLAlchemy compiles and caches it
    once, where a multi-row VALUES clause is compiled anew for every batch size."""
    insert = sqlite.insert if dialect_name == "sqlite" else postgresql.insert
    statement = insert(table)
    updates = {c.name: statement.excluded[c.name] for c in table.columns if c.name not in keys}
    return statement.on_conflict_do_update(index_elements=keys, set_=updates)
