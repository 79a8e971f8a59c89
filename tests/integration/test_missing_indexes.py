"""An index that a store made by an earlier kompass lacks (kompass.infrastructure.missing_indexes) is made when the
store is opened by a login that may make it, on SQLite and on PostgreSQL; a login that does not own the tables,
or a store that cannot be written, opens it as it is and answers as before."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from kompass.infrastructure import tables
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.missing_indexes import make_missing_indexes, missing_indexes
from kompass.infrastructure.projections.coverage_series.schema import bt_depends
from tests.integration.helpers import invoke, ok
from tests.integration.pg_logins import made_store, superuser

INDEX = "ix_rm_bt_depends_initiative_id"
"""The index the coverage series' rewrite of an initiative's actors reads by (it scanned the table before)."""


def indexes(engine: Engine) -> set[str]:
    query = "SELECT name FROM sqlite_master WHERE type = 'index'" if engine.dialect.name == "sqlite" else (
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    )
    with engine.connect() as conn:
        return {str(name) for (name,) in conn.execute(text(query))}


def drop(engine: Engine, name: str) -> None:
    with engine.begin() as conn:
        conn.execute(text(f"DROP INDEX {name}"))


def test_a_new_store_lacks_no_index(db_url: str) -> None:
    store = Store(db_url, "admin")
    try:
        with store.engine.connect() as conn:
            assert missing_indexes(conn, tables.metadata) == []
        assert INDEX in indexes(store.engine)
    finally:
        store.close()


def test_an_index_a_store_lacks_is_made_when_it_is_opened(db_url: str, small_log: Path) -> None:
    ok(db_url, "import", str(small_log))
    before = ok(db_url, "coverage", "--format", "json").stdout
    store = Store(db_url, "admin")
    drop(store.engine, INDEX)
    store.close()
    again = Store(db_url, "admin")
    try:
        assert INDEX in indexes(again.engine)
        assert ok(db_url, "coverage", "--format", "json").stdout == before
    finally:
        again.close()


def test_the_rewrite_of_an_initiatives_actors_reads_by_the_index(sqlite_url: str) -> None:
    store = Store(sqlite_url, "admin")
    try:
        query = f"EXPLAIN QUERY PLAN DELETE FROM {bt_depends.name} WHERE initiative_id IN ('a', 'b')"
        with store.engine.connect() as conn:
            plan = " ".join(str(row[-1]) for row in conn.execute(text(query)))
        assert f"USING INDEX {INDEX}" in plan and "SCAN" not in plan, plan
    finally:
        store.close()


def test_a_store_that_cannot_be_written_is_opened_as_it_is(sqlite_url: str) -> None:
    store = Store(sqlite_url, "admin")
    drop(store.engine, INDEX)
    path = Path(str(store.engine.url.database))
    store.close()
    read_only = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        assert make_missing_indexes(read_only, tables.metadata) == []
        assert INDEX not in indexes(read_only)
    finally:
        read_only.dispose()
    writable = create_engine(f"sqlite:///{path}")
    try:
        assert make_missing_indexes(writable, tables.metadata) == [INDEX]
        assert INDEX in indexes(writable)
    finally:
        writable.dispose()


def test_a_login_that_does_not_own_the_tables_leaves_the_index_to_the_owner(small_log: Path) -> None:
    with made_store() as store:
        ok(store.url, "import", str(small_log), user=None)
        ok(store.url, "projections", "run", user=None)
        before = ok(store.url, "coverage", "--format", "json", user=None).stdout
        analyst = store.login("ana", "analyst")
        with superuser(store.url) as conn:
            conn.execute(f"DROP INDEX {INDEX}")
        answer = invoke(store.url_as(analyst), "coverage", "--format", "json", user=None)
        assert answer.exit_code == 0 and answer.stdout == before, (answer.exit_code, answer.stderr)
        assert INDEX not in pg_indexes(store.url)
        ok(store.url, "coverage", "--format", "json", user=None)  # the owner (the database's superuser here)
        assert INDEX in pg_indexes(store.url)


def pg_indexes(url: str) -> set[str]:
    with superuser(url) as conn:
        return {str(name) for (name,) in conn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")}
