"""Rebuilds nobody notices (kompass.infrastructure.projections.blue_green): a rebuild fills fresh tables beside
the live ones and swaps them in with one transaction, on SQLite and PostgreSQL.

To tell the old tables from the new, a live coverage cell is first made wrong by hand: queries
during the rebuild must still show it (they read the live tables) and say that a rebuild is under
way; after the swap the rebuilt, right value is there and nothing is said any more.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, update
from sqlalchemy.exc import DatabaseError

from kompass.infrastructure import rebuild_lock
from kompass.infrastructure import tables as t
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.database import WRITE_LOCK
from kompass.infrastructure.projections import blue_green
from kompass.infrastructure.projections.network import writer as network
from kompass.infrastructure.projections.shapes import for_queries_only
from kompass.infrastructure.rebuild_lock import REBUILDING
from tests.integration.helpers import as_json, invoke, ok, refused, snapshot, use_projector

CELL = ("01", "competence")


def cell(url: str) -> tuple[int, str]:
    """Coverage of CELL as `kompass coverage` prints it, and what the command said on stderr."""
    result = ok(url, "coverage", "--format", "json")
    data: dict[str, Any] = json.loads(result.stdout)
    row = next(r for r in data["regions"] if r["region"] == CELL[0])
    return int(row["areas"][CELL[1]]["initiatives"]), result.stderr


def spoil_live_cell(store: Store) -> int:
    """Write a wrong count into the live table (what an older projection code might have left)."""
    c = t.coverage.c
    with store.engine.begin() as conn:
        conn.execute(update(t.coverage).where((c.region == CELL[0]) & (c.area == CELL[1])).values(initiatives=999))
        return int(conn.execute(select(t.tracking.c.position).where(t.tracking.c.projection == "portfolio")).scalar_one())


def test_queries_during_a_rebuild_answer_from_the_live_tables_and_say_so(db_url: str, small_log: Path) -> None:
    ok(db_url, "import", str(small_log))
    right, said = cell(db_url)
    assert REBUILDING not in said
    store = Store(db_url, "admin")
    try:
        position = spoil_live_cell(store)
        seen: list[tuple[int, str, int, int]] = []

        def during(done: int, _head: int) -> None:
            """Each page of the rebuild: what a query answers, what a second rebuild gets, where the live tables are."""
            value, stderr = cell(db_url)
            second = invoke(db_url, "projections", "rebuild")
            with store.engine.connect() as conn:
                live = int(conn.execute(select(t.tracking.c.position).where(t.tracking.c.projection == "portfolio")).scalar_one())
            seen.append((value, stderr, second.exit_code, live))

        use_projector(store, page=20).rebuild(during, batch=40)
    finally:
        store.close()
    assert len(seen) >= 3, "the rebuild should take several pages"
    for value, stderr, second_exit, live in seen:
        assert value == 999, "a query during the rebuild read something other than the live tables"
        assert REBUILDING in stderr, f"a query during the rebuild did not say so: {stderr!r}"
        assert second_exit == 3, "a second rebuild must be refused while one runs (conflict)"
        assert live == position, "the live tables moved before the swap"
    after, said = cell(db_url)
    assert (after, REBUILDING in said) == (right, False)


def test_a_rebuild_that_fails_half_way_leaves_the_live_tables_and_the_next_one_works(db_url: str, small_log: Path) -> None:
    ok(db_url, "import", str(small_log))
    right, _ = cell(db_url)
    store = Store(db_url, "admin")
    try:
        spoil_live_cell(store)

        def fail(done: int, _head: int) -> None:
            if done > 40:
                raise RuntimeError("the rebuild dies here")

        try:
            use_projector(store, page=20).rebuild(fail, batch=40)
        except RuntimeError:
            pass
        else:
            raise AssertionError("the rebuild should have failed")
        assert cell(db_url) == (999, ""), "the failed rebuild touched the live tables, or the store still says it rebuilds"
        store.projector.rebuild()
    finally:
        store.close()
    assert cell(db_url) == (right, "")


def test_a_rebuild_of_one_projection_swaps_only_its_tables(db_url: str, small_log: Path) -> None:
    ok(db_url, "import", str(small_log))
    store = Store(db_url, "admin")
    try:
        spoil_live_cell(store)
        network_before = as_json(db_url, "network", "metrics")
        store.projector.rebuild(only="network")
        assert cell(db_url)[0] == 999, "the portfolio tables were swapped by a rebuild of the network only"
        assert as_json(db_url, "network", "metrics") == network_before
        assert all(s.behind == 0 for s in store.projector.status())
    finally:
        store.close()


def test_verify_checks_the_bitemporal_rows_against_a_replay(db_url: str, small_log: Path) -> None:
    """The bitemporal rows are a read model like the others: `verify` compares them with a replay."""
    ok(db_url, "import", str(small_log))
    ok(db_url, "coverage", "--as-of", "2021-06-30")  # caught up
    ok(db_url, "verify")
    store = Store(db_url, "admin")
    try:
        v = t.bt_versions.c
        with store.engine.begin() as conn:
            row = conn.execute(select(v.aggregate_id, v.eff_from, v.rec_from).order_by(v.aggregate_id)).first()
            assert row is not None
            key = (v.aggregate_id == row[0]) & (v.eff_from == row[1]) & (v.rec_from == row[2])
            conn.execute(update(t.bt_versions).where(key).values(eff_from="1999-01-01"))
    finally:
        store.close()
    assert "rm_bt_versions" in refused(db_url, "verify", code=5)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write in a read-only directory")
def test_a_rebuild_where_no_scratch_file_can_be_made_is_refused_in_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kompass.db'}"
    ok(url, "init")
    tmp_path.chmod(0o555)
    try:
        message = refused(url, "projections", "rebuild", code=7)
    finally:
        tmp_path.chmod(0o755)
    assert "cannot rebuild beside" in message


def test_a_live_table_whose_columns_are_in_another_order_is_refilled_by_name(sqlite_url: str, small_log: Path) -> None:
    """The swap copies a table with SELECT * only when the live columns line up with the copy's; a live
    table made with its columns in another order (by hand, or by a future migration) is refilled by name."""
    ok(sqlite_url, "import", str(small_log))
    right, _said = cell(sqlite_url)
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(rm_coverage)")]
        conn.execute("ALTER TABLE rm_coverage RENAME TO rm_coverage_old")
        conn.execute(f"CREATE TABLE rm_coverage AS SELECT {', '.join(reversed(columns))} FROM rm_coverage_old")
        conn.execute("DROP TABLE rm_coverage_old")
        conn.execute("UPDATE rm_coverage SET initiatives = 999 WHERE region = ? AND area = ?", CELL)
    assert cell(sqlite_url)[0] == 999
    ok(sqlite_url, "projections", "rebuild")
    assert cell(sqlite_url)[0] == right


def schema(path: str) -> list[tuple[str, str, str, str | None]]:
    """The store's tables and indexes as sqlite_master holds them (autoindexes included), in name order; a table's
    name in its CREATE statement unquoted (a renamed table's is quoted by SQLite: `CREATE TABLE "rm_coverage" (…`)."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").fetchall()
    unquoted = [sql.replace(f'CREATE TABLE "{name}" (', f"CREATE TABLE {name} (", 1) if sql else sql for _k, name, _t, sql in rows]
    return [(kind, name, table, sql) for (kind, name, table, _sql), sql in zip(rows, unquoted, strict=True)]


def in_use(rows: list[tuple[str, str, str, str | None]]) -> list[tuple[str, str, str, str | None]]:
    """`schema` without the tables a swap retired (and their primary keys' indexes)."""
    return [row for row in rows if not row[2].startswith(blue_green.RETIRED)]


def retired(path: str) -> dict[str, list[str]]:
    """The retired tables, each with its indexes (by name)."""
    found: dict[str, list[str]] = {}
    for kind, name, table, _sql in schema(path):
        if table.startswith(blue_green.RETIRED):
            found.setdefault(table, []).extend([name] if kind == "index" else [])
    return found


def test_a_rebuild_leaves_the_schema_exactly_as_a_new_store_has_it(sqlite_url: str, small_log: Path) -> None:
    """The swap renames each live table out of the way and its shadow into its place: every table, primary key,
    unique constraint and index in use is there afterwards under its own name with the same statement, and no
    shadow is left. The replaced tables stay, retired, with none of the names the tables in use need."""
    ok(sqlite_url, "import", str(small_log))
    path = sqlite_url.removeprefix("sqlite:///")
    before = schema(path)
    assert any(name.startswith("ix_rm_") for _type, name, _table, _sql in before)
    ok(sqlite_url, "projections", "rebuild")
    assert in_use(schema(path)) == before
    store = Store(sqlite_url, "admin")
    try:
        store.projector.rebuild(only="network")
        tables = [table.name for table in store.projector.projections if table.NAME == "network" for table in table.TABLES]
    finally:
        store.close()
    assert in_use(schema(path)) == before
    assert sorted(retired(path)) == sorted(blue_green.RETIRED + name for name in tables)
    assert all(name.startswith("sqlite_autoindex_") for names in retired(path).values() for name in names)


def test_the_tables_a_swap_replaced_are_dropped_by_the_next_rebuild(sqlite_url: str, small_log: Path) -> None:
    """A swap keeps the tables it replaced, renamed (dropping them read every page of them while the store's
    writers waited); the next rebuild drops them before it fills, so only the last swap's are ever there."""
    ok(sqlite_url, "import", str(small_log))
    path = sqlite_url.removeprefix("sqlite:///")
    ok(sqlite_url, "projections", "rebuild")
    first = sorted(retired(path))
    assert blue_green.RETIRED + t.coverage.name in first
    store = Store(sqlite_url, "admin")
    try:
        spoil_live_cell(store)
    finally:
        store.close()
    ok(sqlite_url, "projections", "rebuild")
    assert sorted(retired(path)) == first
    with sqlite3.connect(path) as conn:  # the table the second swap replaced: the spoiled one, not the first's
        spoiled = conn.execute(
            f"SELECT initiatives FROM {blue_green.RETIRED}{t.coverage.name} WHERE region = ? AND area = ?", CELL
        ).fetchone()
    assert spoiled == (999,)
    assert cell(sqlite_url) != (999, "")


def test_a_writer_waiting_while_the_replaced_tables_are_dropped_gets_in_before_the_last_drop(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next rebuild drops the replaced tables one transaction each while its second process works out its first
    batch; that process, or anyone's import, then waits for the write lock for at most the busy timeout. Taken back
    to back, the drops kept a waiting writer out until the last one (SQLite's busy handler looks again only every few
    milliseconds, up to 0.1 s), and at 1,000,000 events a rebuild failed with "database is locked". Here the drops
    let the lock go after each one (DROPS_HOLD_SECONDS 0); a writer that starts waiting after the first drop gets it
    while replaced tables are still there. Back to back, it got in only after the last drop in most runs."""
    path = sqlite_url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:  # replaced tables big enough that a drop takes a while
        for number in range(12):
            conn.execute(f"CREATE TABLE {blue_green.RETIRED}t{number} (payload BLOB)")
            conn.execute(f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                         f"INSERT INTO {blue_green.RETIRED}t{number} SELECT randomblob(2000) FROM n")
    monkeypatch.setattr(blue_green, "DROPS_HOLD_SECONDS", 0.0)
    store = Store(sqlite_url, "admin")
    writer = sqlite3.connect(path, isolation_level=None, timeout=60)
    try:
        dropping = threading.Thread(target=blue_green.drop_retired, args=(store.engine,))
        dropping.start()
        while len(retired(path)) == 12:  # the first drop committed: the next ones follow
            time.sleep(0.001)
        writer.execute("BEGIN IMMEDIATE")
        left = len(retired(path))
        writer.execute("COMMIT")
        dropping.join()
    finally:
        writer.close()
        store.close()
    assert 0 < left < 12
    assert retired(path) == {}


def test_a_rebuild_waits_for_the_write_lock_longer_than_other_writers(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild's two processes take the write lock in turns; one gave up after the busy timeout (30 s) while the
    other wrote on a loaded machine, failing the rebuild. The engine that fills the fresh tables waits up to
    REBUILD_WAITS_SECONDS; the store's own engine still gives up after SQLITE_LOCK_TIMEOUT (1 s here)."""
    monkeypatch.setenv("SQLITE_LOCK_TIMEOUT", "1")
    monkeypatch.setattr(blue_green, "REBUILD_WAITS_SECONDS", 5)
    path = sqlite_url.removeprefix("sqlite:///")
    store = Store(sqlite_url, "admin")
    shadows = blue_green.shadow_engine(store.engine, [t.coverage.name])
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(DatabaseError, match="locked"), store.engine.connect().execution_options(**{WRITE_LOCK: True}) as conn:
            conn.begin()
        letting_go = threading.Timer(2.0, lambda: holder.execute("COMMIT"))
        letting_go.start()
        with shadows.connect().execution_options(**{WRITE_LOCK: True}) as conn, conn.begin():
            conn.exec_driver_sql("SELECT 1")
        letting_go.join()
    finally:
        holder.close()
        shadows.dispose()
        store.close()


def test_the_drops_of_the_replaced_tables_wait_for_the_write_lock_as_long_as_a_fill(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild drops the replaced tables while its second process works out its first batch and may write: a drop
    that gave up after the busy timeout would fail the rebuild as a fill that gave up did. The drops wait up to
    REBUILD_WAITS_SECONDS, and the connection goes back to the pool waiting as long as the store's (1 s here)."""
    monkeypatch.setenv("SQLITE_LOCK_TIMEOUT", "1")
    monkeypatch.setattr(blue_green, "REBUILD_WAITS_SECONDS", 5)
    path = sqlite_url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute(f"CREATE TABLE {blue_green.RETIRED}t (payload BLOB)")
    store = Store(sqlite_url, "admin")
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        holder.execute("BEGIN IMMEDIATE")
        letting_go = threading.Timer(2.0, lambda: holder.execute("COMMIT"))
        letting_go.start()
        blue_green.drop_retired(store.engine)
        letting_go.join()
        with store.engine.connect() as conn:
            waits = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
    finally:
        holder.close()
        store.close()
    assert retired(path) == {}
    assert waits == 1000


def test_the_fresh_tables_are_filled_with_the_indexes_the_batches_read_by_and_no_others(db_url: str) -> None:
    """A rebuild's fresh tables leave out the indexes that serve queries only (made once at the swap, or kept by the
    live table): every other secondary index is there, and at least one is left out."""
    store = Store(db_url, "admin")
    try:
        projections = store.projector.projections
        tables = blue_green.rebuilt_tables(projections)
        sqlite = db_url.startswith("sqlite")
        with blue_green.scratch(store.engine, projections) as engine:
            blue_green.create(store.engine, engine, projections)
            look = inspect(store.engine)

            def fresh_indexes(name: str) -> Any:
                return look.get_indexes(blue_green.SHADOW + name) if sqlite else look.get_indexes(name, schema=blue_green.SCHEMA)

            made = {
                (table.name, tuple(index["column_names"])) for table in tables for index in fresh_indexes(table.name) if not index["unique"]
            }
        every = {(table.name, tuple(c.name for c in index.columns)): for_queries_only(index) for table in tables for index in table.indexes}
        assert made == {key for key, queries_only in every.items() if not queries_only}
        assert {("rm_bt_versions", ("eff_to",)), ("rm_participants", ("actor",))} <= set(every)
        assert every[("rm_bt_versions", ("eff_to",))] and not every[("rm_participants", ("actor",))]
    finally:
        store.close()


def test_a_swap_that_fails_half_way_leaves_the_live_tables(db_url: str, small_log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The swap is one transaction: failing after it has replaced some tables, it replaces none of them."""
    ok(db_url, "import", str(small_log))
    right, _ = cell(db_url)
    store = Store(db_url, "admin")
    try:
        spoil_live_cell(store)
        network_before = as_json(db_url, "network", "metrics")
        status_before = [(s.name, s.position) for s in store.projector.status()]
        replaced: list[str] = []
        put_in = blue_green._rename_in if db_url.startswith("sqlite") else blue_green._refill

        def fail_at_the_fifth(conn: Any, table: Any) -> None:
            if len(replaced) == 4:
                raise RuntimeError("the swap dies here")
            replaced.append(table.name)
            put_in(conn, table)

        monkeypatch.setattr(blue_green, "_rename_in", fail_at_the_fifth)
        monkeypatch.setattr(blue_green, "_refill", fail_at_the_fifth)
        with pytest.raises(RuntimeError):
            store.projector.rebuild()
        assert len(replaced) == 4
        assert cell(db_url) == (999, ""), "the failed swap changed the live tables, or the store still says it rebuilds"
        assert as_json(db_url, "network", "metrics") == network_before
        assert [(s.name, s.position) for s in store.projector.status()] == status_before
        monkeypatch.undo()
        store.projector.rebuild()
    finally:
        store.close()
    assert cell(db_url) == (right, "")


def shadows(path: str) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE name LIKE '%kompass_rebuild%'")]


def test_what_a_killed_rebuild_left_goes_and_repeated_rebuilds_reuse_the_file(sqlite_url: str, small_log: Path) -> None:
    """A killed rebuild leaves its shadow tables in the store; the next rebuild drops them first. The pages of the
    tables a swap replaced are reused by the next rebuild, which drops them: the file stops growing after the first."""
    ok(sqlite_url, "import", str(small_log))
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:  # what a rebuild killed while filling leaves
        conn.execute("CREATE TABLE kompass_rebuild_rm_coverage (region TEXT, area TEXT)")
        conn.execute("CREATE INDEX ix_kompass_rebuild_rm_coverage_area ON kompass_rebuild_rm_coverage (area)")
        conn.execute("CREATE TABLE kompass_rebuild_rm_tracking (projection TEXT, position INTEGER)")
    right, _ = cell(sqlite_url)
    sizes = []
    for _ in range(4):
        ok(sqlite_url, "projections", "rebuild")
        assert shadows(path) == []
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        sizes.append(Path(path).stat().st_size)
    assert sizes[1] == sizes[2] == sizes[3], f"the store grows with every rebuild: {sizes}"
    assert cell(sqlite_url) == (right, "")


def test_the_replay_writes_shadow_tables_only(sqlite_url: str, small_log: Path) -> None:
    """The shadow engine writes the shadow of a table its statements name; a table it was not given stays the
    live one and is refused to it (its authorizer), so a statement that escaped the renaming cannot touch it."""
    ok(sqlite_url, "import", str(small_log))
    store = Store(sqlite_url, "admin")
    try:
        live = store.engine
        store.projector.catch_up()
        with live.connect() as conn:
            edges = conn.exec_driver_sql("SELECT count(*) FROM rm_net_edges").scalar()
        assert edges
        with blue_green.scratch(live, [network]) as engine:
            blue_green.create(live, engine, [network])
            with engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO rm_net_edges (a, b, weight) VALUES ('x', 'y', 1)")
                cursor = conn.connection.cursor()  # the driver's own cursor, as some writers use
                cursor.execute("DELETE FROM rm_net_edges WHERE a = ?", ("nobody",))
                cursor.close()
                assert conn.exec_driver_sql("SELECT count(*) FROM rm_net_edges").scalar() == 1
            for statement in ("DELETE FROM rm_coverage", "DROP TABLE rm_coverage", "UPDATE rm_initiatives SET status = 'x'"):
                with pytest.raises(DatabaseError, match="not authorized"), engine.begin() as conn:
                    conn.exec_driver_sql(statement)
            with live.connect() as conn:
                assert conn.exec_driver_sql("SELECT count(*) FROM kompass_rebuild_rm_net_edges").scalar() == 1
                assert conn.exec_driver_sql("SELECT count(*) FROM rm_net_edges").scalar() == edges
        assert shadows(sqlite_url.removeprefix("sqlite:///")) == []
    finally:
        store.close()


def test_only_whole_names_of_live_tables_are_renamed() -> None:
    rename = blue_green._ShadowNames.renamer({"rm_coverage": "kompass_rebuild_rm_coverage"})
    assert rename('SELECT a FROM rm_coverage JOIN "rm_coverage" ON rm_coverage.a = rm_coverage_actors.a') == (
        'SELECT a FROM kompass_rebuild_rm_coverage JOIN "kompass_rebuild_rm_coverage" ON kompass_rebuild_rm_coverage.a = '
        "rm_coverage_actors.a"
    )
    assert rename("CREATE INDEX ix_rm_coverage_area ON main.rm_coverage (area)") == (
        "CREATE INDEX ix_rm_coverage_area ON main.kompass_rebuild_rm_coverage (area)"
    )


def size_on_disk(path: str) -> int:
    wal = Path(path + "-wal")
    return Path(path).stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def test_compacting_gives_back_the_room_of_the_replaced_tables_and_keeps_everything_else(sqlite_url: str, small_log: Path) -> None:
    """`projections compact` drops the retired tables and rewrites the file without them: it shrinks, the schema in
    use, the answers and the log stay as they were, `verify` still finds nothing wrong, and rebuilds go on."""
    ok(sqlite_url, "import", str(small_log))
    path = sqlite_url.removeprefix("sqlite:///")
    before = schema(path)
    ok(sqlite_url, "projections", "rebuild")
    assert retired(path)
    answers = (snapshot(sqlite_url), as_json(sqlite_url, "gaps"), ok(sqlite_url, "export").stdout)
    grown = size_on_disk(path)
    said = ok(sqlite_url, "projections", "compact").stderr
    assert retired(path) == {}
    assert in_use(schema(path)) == before
    assert size_on_disk(path) < grown
    assert said.startswith("gave back ") and "MB: the store now takes " in said, said
    assert (snapshot(sqlite_url), as_json(sqlite_url, "gaps"), ok(sqlite_url, "export").stdout) == answers
    ok(sqlite_url, "verify")
    ok(sqlite_url, "projections", "rebuild")
    assert (snapshot(sqlite_url), as_json(sqlite_url, "gaps")) == answers[:2]


def test_compacting_waits_for_no_rebuild_and_no_rebuild_starts_meanwhile(sqlite_url: str, small_log: Path) -> None:
    """A compaction is refused while a rebuild holds its lock; while a compaction holds it (shared), a rebuild is
    refused and queries say nothing of a rebuild, for there is none."""
    ok(sqlite_url, "import", str(small_log))
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    held = rebuild_lock.hold(path)
    assert held is not None
    try:
        during = invoke(sqlite_url, "projections", "compact")
        assert (during.exit_code, during.stderr.splitlines()[-1]) == (3, f"Error: {blue_green.REBUILDING_NOW}")
    finally:
        rebuild_lock.release(held)
    shared = rebuild_lock.hold_shared(path)
    assert shared is not None
    try:
        assert refused(sqlite_url, "projections", "rebuild", code=3) == blue_green.ANOTHER
        assert REBUILDING not in cell(sqlite_url)[1]
        ok(sqlite_url, "projections", "compact")  # two compactions may meet: SQLite's write lock takes them in turn
    finally:
        rebuild_lock.release(shared)


def test_a_store_that_keeps_no_replaced_tables_has_nothing_to_give_back(pg_url: str, small_log: Path) -> None:
    ok(pg_url, "import", str(small_log))
    ok(pg_url, "projections", "rebuild")
    assert ok(pg_url, "projections", "compact").stderr == "nothing to give back: this store keeps no replaced tables\n"
