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
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from kompass.infrastructure import tables as t
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.rebuild_lock import REBUILDING
from tests.integration.helpers import as_json, invoke, ok, refused, use_projector

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
