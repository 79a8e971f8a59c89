"""The coverage series as rows: rewriting cells' series and per-actor counts from a batch's changes.

A batch's changes come as amounts added from a point on (`coverage_series.Cells` / `Pairs`); a cell's
stored rows are rewritten from the earliest changed point on. In log order points mostly grow, so that
is the end of a series and a batch rewrites few rows. A cell's distinct actors follow the per-actor
counts: they change where an actor's count in the cell reaches or leaves 0.
"""

from __future__ import annotations

from operator import add
from typing import Any

import orjson
from sqlalchemy import Connection

from kompass.application import coverage_series as cs
from kompass.infrastructure.database import insert_rows
from kompass.infrastructure.projections.batch import chunks, marker
from kompass.infrastructure.projections.coverage_series.schema import bt_actor_counts, bt_series
from kompass.infrastructure.projections.layout import CELL_NUMBERS


def _rewritten(
    key: tuple[str, str, str], base: tuple[int, ...], old: dict[str, tuple[int, ...]], deltas: dict[str, list[int]]
) -> list[tuple[Any, ...]]:
    """A cell's rows from its earliest change on: at every point of the stored series or its changes, the
    stored value plus the changes summed so far, leaving out the rows that repeat the value before them.
    Sums by `map(add)` on tuples: a rebuild meets every point of every cell here."""
    value = last = base
    added = (0,) * len(base)
    rows: list[tuple[Any, ...]] = []
    for point in sorted(old.keys() | deltas.keys()) if old else sorted(deltas):
        value = old.get(point, value)
        change = deltas.get(point)
        if change is not None:
            added = tuple(map(add, added, change))
        new = tuple(map(add, value, added))
        if new != last:
            rows.append((*key, point, *new))
            last = new
    return rows


def _summed(key: tuple[str, str, str], deltas: dict[str, list[int]]) -> list[tuple[Any, ...]]:
    """`_rewritten` of a cell with nothing stored (every cell of a rebuild's first batch): the running sums of
    its changes, in five plain numbers rather than tuples mapped by `add`."""
    a = b = c = d = e = 0
    last = (0, 0, 0, 0, 0)
    rows: list[tuple[Any, ...]] = []
    for point in sorted(deltas):
        da, db, dc, dd, de = deltas[point]
        a, b, c, d, e = a + da, b + db, c + dc, d + dd, e + de
        new = (a, b, c, d, e)
        if new != last:
            rows.append((*key, point, a, b, c, d, e))
            last = new
    return rows


def keys_filter(dialect: str, columns: str, mark: str, count: int) -> str:
    """`WHERE (columns) IN` `count` keys of four values, as plain driver SQL: SQLAlchemy renders a tuple IN (…)
    anew for every chunk, which cost more than the query. SQLite scans the whole table for `IN (VALUES …)`
    (0.9 s a chunk at 1,000,000 events, a rebuild that never ended) but searches the primary key for the
    same rows asked as a subquery; PostgreSQL searches it for a plain list."""
    keys = ", ".join([f"({mark}, {mark}, {mark}, {mark})"] * count)
    if dialect == "sqlite":
        return f"WHERE ({columns}) IN (SELECT * FROM (VALUES {keys}))"
    return f"WHERE ({columns}) IN ({keys})"


def apply_actor_counts(conn: Connection, pairs: cs.Pairs, cells: cs.Cells) -> None:
    """Rewrite the per-actor counts touched (a row per actor and cell, `bt_actor_counts`), and turn where
    they reach or leave 0 into changes of the cells' distinct actors."""
    a = bt_actor_counts.c
    quote = conn.dialect.identifier_preparer.quote
    mark = marker(conn)
    table, columns = quote(bt_actor_counts.name), ", ".join(quote(c.name) for c in (a.axis, a.region, a.area, a.actor))
    rows: list[tuple[Any, ...]] = []
    if conn.exec_driver_sql(f"SELECT 1 FROM {table} LIMIT 1").first() is None:
        # the first batch of a rebuild finds the table empty: nothing to read back or delete, key by key (and
        # a key whose changes cancel out makes no counts, so no row)
        for key, deltas in pairs.items():
            if counts := _fresh_counts(key, deltas, cells):
                rows.append((*key, orjson.dumps(counts).decode()))
        insert_rows(conn, bt_actor_counts, rows)
        return
    touched = [k for k, d in pairs.items() if any(d.values())]
    stored: dict[tuple[str, str, str, str], dict[str, int]] = {}
    wheres = []
    for chunk in chunks(sorted(touched), 200):  # every read first, then the deletes (`held_writes`)
        values = tuple(x for k in chunk for x in k)
        where = keys_filter(conn.dialect.name, columns, mark, len(chunk))
        wheres.append((where, values))
        query = f"SELECT {columns}, {quote('counts')} FROM {table} {where}"
        for axis, region, area, actor, counts in conn.exec_driver_sql(query, values):
            stored[(axis, region, area, actor)] = dict(orjson.loads(counts))
    for where, values in wheres:
        conn.exec_driver_sql(f"DELETE FROM {table} {where}", values)
    for key in touched:
        old_counts, deltas = stored.get(key), pairs[key]
        counts = _fresh_counts(key, deltas, cells) if not old_counts else _merged_counts(key, old_counts, deltas, cells)
        if counts:
            rows.append((*key, orjson.dumps(counts).decode()))
    insert_rows(conn, bt_actor_counts, rows)


def _merged_counts(
    key: tuple[str, str, str, str], old_counts: dict[str, int], deltas: dict[str, int], cells: cs.Cells
) -> list[tuple[str, int]]:
    """An actor's stored counts in a cell with a batch's changes added (`_rewritten` for one number, inline:
    this loop meets every actor of every cell), and the changes of the cell's distinct actors they make."""
    counts: list[tuple[str, int]] = []
    value = added = last = before_diff = 0
    for point in sorted(old_counts.keys() | deltas.keys()):
        value = old_counts.get(point, value)
        added += deltas.get(point, 0)
        new = value + added
        diff = (new > 0) - (value > 0)
        if diff != before_diff:
            cells.setdefault(key[:3], {}).setdefault(point, [0, 0, 0, 0, 0])[4] += diff - before_diff
            before_diff = diff
        if new != last:
            counts.append((point, new))
            last = new
    return counts


def _fresh_counts(key: tuple[str, str, str, str], deltas: dict[str, int], cells: cs.Cells) -> list[tuple[str, int]]:
    """An actor's counts in a cell that has none stored (every one in a rebuild): the running sum of the
    deltas, and a change of the cell's distinct actors wherever it reaches or leaves 0."""
    counts: list[tuple[str, int]] = []
    total = 0
    counted = False
    changes = None
    for point in sorted(deltas) if len(deltas) > 1 else deltas:
        delta = deltas[point]
        if not delta:
            continue
        total += delta
        if (total > 0) != counted:
            counted = not counted
            if changes is None:
                changes = cells.setdefault(key[:3], {})
            changes.setdefault(point, [0, 0, 0, 0, 0])[4] += 1 if counted else -1
        counts.append((point, total))
    return counts


def apply_cells(conn: Connection, cells: cs.Cells) -> None:
    """Rewrite each changed cell's series from its earliest change on. Three small statements per cell on
    the driver's own cursor: SQLAlchemy compiling them anew for every cell cost more than running them."""
    quote = conn.dialect.identifier_preparer.quote
    mark = marker(conn)
    table, names = quote(bt_series.name), ", ".join(quote(n) for n in CELL_NUMBERS)
    same = f"{quote('axis')} = {mark} AND {quote('region')} = {mark} AND {quote('area')} = {mark}"
    point = quote("point")
    base_sql = f"SELECT {names} FROM {table} WHERE {same} AND {point} < {mark} ORDER BY {point} DESC LIMIT 1"
    old_sql = f"SELECT {point}, {names} FROM {table} WHERE {same} AND {point} >= {mark} ORDER BY {point}"
    delete_sql = f"DELETE FROM {table} WHERE {same} AND {point} >= {mark}"
    rows: list[tuple[Any, ...]] = []
    # the first batch of a rebuild finds the table empty: nothing to read back or delete, cell by cell
    empty = conn.exec_driver_sql(f"SELECT 1 FROM {table} LIMIT 1").first() is None
    cursor = conn.connection.cursor()
    emptied = []
    try:
        for key, changed in sorted(cells.items()):
            deltas = {p: d for p, d in changed.items() if any(d)}
            if not deltas:
                continue
            if empty:
                rows += _summed(key, deltas)
                continue
            where = (*key, min(deltas))
            cursor.execute(base_sql, where)
            before = cursor.fetchone()
            base = tuple(before) if before is not None else (0,) * 5
            cursor.execute(old_sql, where)
            old = {r[0]: tuple(r[1:]) for r in cursor.fetchall()}
            if old:
                emptied.append(where)
            rows += _rewritten(key, base, old, deltas)
        for where in emptied:  # every read first, then the deletes (`held_writes`): the cells are distinct
            cursor.execute(delete_sql, where)
    finally:
        cursor.close()
    insert_rows(conn, bt_series, rows)
