"""The coverage series as rows: rewriting cells' series and per-actor counts from a batch's changes.

A batch's changes come as amounts added from a point on (`coverage_series.Cells` / `Pairs`); a cell's
stored rows are rewritten from the earliest changed point on. In log order points mostly grow, so that
is the end of a series and a batch rewrites few rows. A cell's distinct actors follow the per-actor
counts: they change where an actor's count in the cell reaches or leaves 0. Those counts are kept in
chunks, and rewritten the same way: from the chunk holding an actor's earliest change on.
"""

from __future__ import annotations

from operator import add
from typing import Any

import orjson
from sqlalchemy import Connection

from kompass.application import coverage_series as cs
from kompass.infrastructure.database import insert_rows, upsert_rows
from kompass.infrastructure.projections.batch import chunks, marker
from kompass.infrastructure.projections.coverage_series.schema import OPEN_CHUNK, bt_actor_counts, bt_series
from kompass.infrastructure.projections.coverage_series.written_keys import WrittenKeys
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


def keys_filter(dialect: str, columns: str, mark: str, count: int, width: int = 4) -> str:
    """`WHERE (columns) IN` `count` keys of `width` values, as plain driver SQL: SQLAlchemy renders a tuple IN (…)
    anew for every chunk, which cost more than the query. SQLite scans the whole table for `IN (VALUES …)`
    (0.9 s a chunk at 1,000,000 events, a rebuild that never ended) but searches the primary key for the
    same rows asked as a subquery; PostgreSQL searches it for a plain list."""
    key = "(" + ", ".join([mark] * width) + ")"
    keys = ", ".join([key] * count)
    if dialect == "sqlite":
        return f"WHERE ({columns}) IN (SELECT * FROM (VALUES {keys}))"
    return f"WHERE ({columns}) IN ({keys})"


CHUNK_PAIRS = 64
"""[point, n] pairs per closed chunk of an actor's counts (`bt_actor_counts`): a chunk of recording times is then
about 2.2 KB, within one SQLite page, and a batch in log order merges and writes again at most this many of an
actor's stored pairs."""

Chunk = tuple[str, int, str]
"""A stored chunk of an actor's counts: its last point (`OPEN_CHUNK` for the last chunk), the count before its
first point, its pairs as JSON text."""


def apply_actor_counts(conn: Connection, pairs: cs.Pairs, cells: cs.Cells, written: WrittenKeys | None = None) -> None:
    """Rewrite the chunks of per-actor counts a batch changes (`bt_actor_counts`), and turn where the counts
    reach or leave 0 into changes of the cells' distinct actors. An actor's counts change from its earliest
    changed point on, so only the chunks ending at or after it are read, merged and written again. `written`:
    the keys a rebuild's fill has written chunks for, to look up only those (`written_keys`)."""
    rows: list[tuple[Any, ...]] = []
    table = _quoted(conn, bt_actor_counts.name)
    empty = conn.exec_driver_sql(f"SELECT 1 FROM {table} LIMIT 1").first() is None
    if written is not None:
        written.begin(empty)
    if empty:
        # the first batch of a rebuild finds the table empty: nothing to read back or delete, key by key (and
        # a key whose changes cancel out makes no counts, so no row)
        for key, deltas in pairs.items():
            if counts := _fresh_counts(key, deltas, cells):
                rows += chunk_rows(key, 0, counts)
        rows.sort()  # in key order: each insert extends the primary key's index where the last one left it
        insert_rows(conn, bt_actor_counts, rows)
        if written is not None:
            written.add(pairs)
        return
    starts = {k: min(p for p, d in deltas.items() if d) for k, deltas in pairs.items() if any(deltas.values())}
    stored = _chunks_from(conn, starts if written is None else {k: at for k, at in starts.items() if written.may_hold(k)})
    if written is not None:
        written.add(starts)  # after the lookups: a key new in this batch is not looked up
    for key in starts:
        if found := stored.get(key):
            before = found[0][1]
            old_counts = {point: n for _, _, text in found for point, n in orjson.loads(text)}
            counts = _merged_counts(key, before, old_counts, pairs[key], cells)
        else:  # no chunk ends at or after the change: the count there is 0 (`chunk_rows` keeps one that is not)
            before, counts = 0, _fresh_counts(key, pairs[key], cells)
        rows += chunk_rows(key, before, counts)
    _replace_chunks(conn, [(*key, last) for key, found in stored.items() for last, _, _ in found], rows)


def _replace_chunks(conn: Connection, stored: list[tuple[str, str, str, str, str]], rows: list[tuple[Any, ...]]) -> None:
    """Put `rows` in the place of the chunks read back (`stored`, by whole key), in key order. SQLite: a row whose
    key was read back overwrites it in place (`upsert_rows`), and only the chunks no row replaces are deleted: in
    log order a batch rewrites the open chunk of most keys it reads back. PostgreSQL: every chunk read back is
    deleted and the rows are copied in (`insert_rows`), which its COPY makes cheaper than upserting them."""
    rows.sort()
    if conn.dialect.name != "sqlite":
        _delete_chunks(conn, stored)
        insert_rows(conn, bt_actor_counts, rows)
        return
    replaced = {row[:5] for row in rows}
    _delete_chunks(conn, [key for key in stored if key not in replaced])
    upsert_rows(conn, bt_actor_counts, rows)


def chunk_rows(key: tuple[str, str, str, str], before: int, counts: list[tuple[str, int]]) -> list[tuple[Any, ...]]:
    """An actor's counts from some point on as rows of `bt_actor_counts`: closed chunks of `CHUNK_PAIRS` pairs,
    then the open chunk with the rest. The open chunk is left out only when it would say "0 from here on, no
    pairs": a key without an open chunk has the count 0 after its last closed one."""
    rows: list[tuple[Any, ...]] = []
    start = 0
    while len(counts) - start > CHUNK_PAIRS:
        piece = counts[start : start + CHUNK_PAIRS]
        rows.append((*key, piece[-1][0], before, orjson.dumps(piece).decode()))
        before = piece[-1][1]
        start += CHUNK_PAIRS
    rest = counts[start:]
    if rest or before:
        rows.append((*key, OPEN_CHUNK, before, orjson.dumps(rest).decode()))
    return rows


def _chunks_from(conn: Connection, starts: dict[tuple[str, str, str, str], str]) -> dict[tuple[str, str, str, str], list[Chunk]]:
    """Per key, its stored chunks ending at or after its start, in order: one query per 200 keys, asking for
    the chunks ending at or after the earliest start among them, the others left out here."""
    found: dict[tuple[str, str, str, str], list[Chunk]] = {}
    for chunk in chunks(sorted(starts), 200):
        values = (*(x for k in chunk for x in k), min(starts[k] for k in chunk))
        for axis, region, area, actor, ends, n, text in conn.exec_driver_sql(chunks_query(conn, len(chunk)), values):
            key = (axis, region, area, actor)
            if ends >= starts[key]:
                found.setdefault(key, []).append((ends, n, text))
    for ends_in_order in found.values():
        ends_in_order.sort()
    return found


def chunks_query(conn: Connection, count: int) -> str:
    """The chunks of `count` keys (axis, region, area, actor) ending at or after a point (the last parameter)."""
    a = bt_actor_counts.c
    columns = ", ".join(_quoted(conn, c.name) for c in (a.axis, a.region, a.area, a.actor))
    last, before, counts = (_quoted(conn, c.name) for c in (a.last_point, a.count_before, a.counts))
    table, mark = _quoted(conn, bt_actor_counts.name), marker(conn)
    where = keys_filter(conn.dialect.name, columns, mark, count)
    return f"SELECT {columns}, {last}, {before}, {counts} FROM {table} {where} AND {last} >= {mark}"


def _delete_chunks(conn: Connection, keys: list[tuple[str, str, str, str, str]]) -> None:
    """Delete chunks by their whole key, after every read (`held_writes`)."""
    for chunk in chunks(keys, 200):
        conn.exec_driver_sql(delete_chunks_sql(conn, len(chunk)), tuple(x for k in chunk for x in k))


def delete_chunks_sql(conn: Connection, count: int) -> str:
    """Delete `count` chunks given by their whole key (axis, region, area, actor, last_point)."""
    a = bt_actor_counts.c
    columns = ", ".join(_quoted(conn, c.name) for c in (a.axis, a.region, a.area, a.actor, a.last_point))
    where = keys_filter(conn.dialect.name, columns, marker(conn), count, 5)
    return f"DELETE FROM {_quoted(conn, bt_actor_counts.name)} {where}"


def _quoted(conn: Connection, name: str) -> str:
    """A table or column name as the dialect writes it in plain SQL."""
    return str(conn.dialect.identifier_preparer.quote(name))


def _merged_counts(
    key: tuple[str, str, str, str], before: int, old_counts: dict[str, int], deltas: dict[str, int], cells: cs.Cells
) -> list[tuple[str, int]]:
    """An actor's stored counts in a cell (`before` the first point, `old_counts` from there on) with a batch's
    changes added (`_rewritten` for one number, inline: this loop meets every pair read back), and the changes of
    the cell's distinct actors they make."""
    counts: list[tuple[str, int]] = []
    value = last = before
    added = before_diff = 0
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
