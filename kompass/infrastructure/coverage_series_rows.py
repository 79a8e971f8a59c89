"""The coverage series (kompass.application.coverage_series) as rows: kept by the bitemporal
projection's batches, read by `--as-of` / `--known-at` coverage questions one row per cell.

A batch works out again the steps of every initiative it touches and of every initiative whose named
actors were merged in it, takes the old steps' amounts away from the cells' series and adds the new
ones, from the earliest point that changed on: in log order points mostly grow, so that is the end of
a series and a batch rewrites few rows. A cell's distinct actors follow the per-actor counts: they
change where an actor's count in the cell reaches or leaves 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import add
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import Connection, delete, select

from kompass.application import coverage_series as cs
from kompass.application.facts import Fact
from kompass.infrastructure import tables as t
from kompass.infrastructure.database import insert_many, insert_rows, upsert

CHUNK = 400
T = TypeVar("T")
Loader = Callable[[list[UUID]], dict[UUID, list[Fact]]]
"""Every stored fact of the given aggregates, in log order."""
MERGING = frozenset({"ActorMerged"})
"""The actor events that change what the initiatives naming the actor count (whom a key stands for)."""


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def update(conn: Connection, areas: frozenset[str], new: dict[UUID, list[Fact]], every: dict[UUID, list[Fact]], load: Loader) -> None:
    """Bring the series up to a batch: `new` its facts per aggregate, `every` all stored facts of those
    aggregates (the batch's included), `load` reads other aggregates' facts."""
    facts: dict[UUID, list[Fact]] = dict(every)
    actor_ids = _register_actors(conn, every)
    merged = {_actor_key(every[i]) for i, fs in new.items() if any(f.type in MERGING for f in fs)}
    recount = {i for i, fs in every.items() if fs and fs[0].aggregate == "initiative"}
    recount |= _depending_on(conn, merged - {None})
    facts.update(load([i for i in recount if i not in facts]))
    old = _steps(conn, recount)
    named = _actors_of(conn, recount, facts, actor_ids, load)
    cells: cs.Cells = {}
    pairs: cs.Pairs = {}
    rows = []
    for i in sorted(recount):
        mine = facts.get(i, []) + [f for key in named[i] for f in facts.get(actor_ids.get(key) or _NONE, [])]
        prefixes: cs.Prefixes = {}
        now = {axis: cs.steps(mine, i, areas, axis, prefixes) for axis in cs.AXES}
        memo: cs.Memo = {}
        for axis in cs.AXES:
            cs.changes(axis, old.get(i, {}).get(axis, []), now[axis], cells, pairs, memo)
        written: cs.Written = {}
        rows.append({"initiative_id": str(i), "steps": {axis: cs.to_json(now[axis], written) for axis in cs.AXES}})
    if rows:
        conn.execute(upsert(conn.dialect.name, t.bt_steps, ["initiative_id"]), rows)
    _write_depends(conn, recount, named)
    _apply_actor_counts(conn, pairs, cells)
    _apply_cells(conn, cells)


_NONE = UUID(int=0)


def _actor_key(facts: list[Fact]) -> str | None:
    return next((str(f.data["key"]) for f in facts if f.type == "ActorRegistered"), None)


def _register_actors(conn: Connection, every: dict[UUID, list[Fact]]) -> dict[str, UUID]:
    """Record which aggregate holds each newly registered actor key; the batch's keys → ids."""
    found = {}
    for i, facts in every.items():
        if facts and facts[0].aggregate == "actor" and (key := _actor_key(facts)) is not None:
            found[key] = i
    if found:
        rows = [{"key": k, "aggregate_id": str(i)} for k, i in found.items()]
        conn.execute(upsert(conn.dialect.name, t.bt_actor_ids, ["key"]), rows)
    return found


def _depending_on(conn: Connection, keys: Iterable[str | None]) -> set[UUID]:
    wanted = sorted(k for k in keys if k is not None)
    found: set[UUID] = set()
    for chunk in _chunks(wanted):
        query = select(t.bt_depends.c.initiative_id).where(t.bt_depends.c.actor.in_(chunk))
        found.update(UUID(r) for r in conn.execute(query).scalars())
    return found


def _steps(conn: Connection, ids: set[UUID]) -> dict[UUID, dict[str, list[cs.Step]]]:
    found: dict[UUID, dict[str, list[cs.Step]]] = {}
    for chunk in _chunks(sorted(str(i) for i in ids)):
        for i, steps in conn.execute(select(t.bt_steps.c.initiative_id, t.bt_steps.c.steps).where(t.bt_steps.c.initiative_id.in_(chunk))):
            found[UUID(i)] = {axis: cs.from_json(steps[axis]) for axis in cs.AXES}
    return found


def _actors_of(
    conn: Connection, ids: set[UUID], facts: dict[UUID, list[Fact]], actor_ids: dict[str, UUID], load: Loader
) -> dict[UUID, set[str]]:
    """Per initiative, the actor keys it names and those they are merged into (followed to the end);
    their aggregates' facts are loaded into `facts` on the way."""
    named = {i: cs.named_actors(facts.get(i, [])) for i in ids}
    frontier = set().union(*named.values()) if named else set()
    reached: dict[str, set[str]] = {}
    """Per actor key: the keys its facts merge it into."""
    while frontier:
        _known_ids(conn, frontier - set(actor_ids), actor_ids)
        ids_wanted = [actor_ids[k] for k in frontier if k in actor_ids and actor_ids[k] not in facts]
        facts.update(load(ids_wanted))
        for key in frontier:
            reached[key] = cs.merge_targets(facts.get(actor_ids[key], [])) if key in actor_ids else set()
        frontier = set().union(*reached.values()) - set(reached)
    result = {}
    for i, keys in named.items():
        closure, todo = set(keys), list(keys)
        while todo:
            for target in reached.get(todo.pop(), set()):
                if target not in closure:
                    closure.add(target)
                    todo.append(target)
        result[i] = closure
    return result


def _known_ids(conn: Connection, keys: set[str], actor_ids: dict[str, UUID]) -> None:
    for chunk in _chunks(sorted(keys)):
        query = select(t.bt_actor_ids.c.key, t.bt_actor_ids.c.aggregate_id).where(t.bt_actor_ids.c.key.in_(chunk))
        actor_ids.update({k: UUID(i) for k, i in conn.execute(query)})


def _write_depends(conn: Connection, ids: set[UUID], named: dict[UUID, set[str]]) -> None:
    texts = sorted(str(i) for i in ids)
    for chunk in _chunks(texts):
        conn.execute(delete(t.bt_depends).where(t.bt_depends.c.initiative_id.in_(chunk)))
    insert_many(conn, t.bt_depends, [{"actor": k, "initiative_id": str(i)} for i in ids for k in sorted(named[i])])


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


def _apply_actor_counts(conn: Connection, pairs: cs.Pairs, cells: cs.Cells) -> None:
    """Rewrite the per-actor counts touched, and turn where they reach or leave 0 into changes of the
    cells' distinct actors."""
    a = t.bt_series_actors.c
    touched = sorted(k for k, d in pairs.items() if any(d.values()))
    stored: defaultdict[tuple[str, str, str, str], dict[str, int]] = defaultdict(dict)
    quote = conn.dialect.identifier_preparer.quote
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    table, columns = quote(t.bt_series_actors.name), ", ".join(quote(c.name) for c in (a.axis, a.region, a.area, a.actor))
    # the first batch of a rebuild finds the table empty: nothing to read back or delete, key by key
    empty = conn.exec_driver_sql(f"SELECT 1 FROM {table} LIMIT 1").first() is None
    for chunk in [] if empty else _chunks(touched, 200):
        # plain driver SQL: SQLAlchemy renders a tuple IN (…) anew for every chunk, which cost more than the query
        keys = ", ".join([f"({mark}, {mark}, {mark}, {mark})"] * len(chunk))
        values = tuple(x for k in chunk for x in k)
        where = f"WHERE ({columns}) IN (VALUES {keys})" if conn.dialect.name == "sqlite" else f"WHERE ({columns}) IN ({keys})"
        query = f"SELECT {columns}, {quote('point')}, {quote('n')} FROM {table} {where}"
        for axis, region, area, actor, point, n in conn.exec_driver_sql(query, values):
            stored[(axis, region, area, actor)][point] = n
        conn.exec_driver_sql(f"DELETE FROM {table} {where}", values)
    rows: list[tuple[Any, ...]] = []
    for key in touched:
        # `_rewritten` for one number, inline: this loop meets every actor of every cell
        old_counts, deltas = stored.get(key, {}), pairs[key]
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
                rows.append((*key, point, new))
                last = new
    insert_rows(conn, t.bt_series_actors, rows)


def _apply_cells(conn: Connection, cells: cs.Cells) -> None:
    """Rewrite each changed cell's series from its earliest change on. Three small statements per cell on
    the driver's own cursor: SQLAlchemy compiling them anew for every cell cost more than running them."""
    quote = conn.dialect.identifier_preparer.quote
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    table, names = quote(t.bt_series.name), ", ".join(quote(n) for n in _NAMES)
    same = f"{quote('axis')} = {mark} AND {quote('region')} = {mark} AND {quote('area')} = {mark}"
    point = quote("point")
    base_sql = f"SELECT {names} FROM {table} WHERE {same} AND {point} < {mark} ORDER BY {point} DESC LIMIT 1"
    old_sql = f"SELECT {point}, {names} FROM {table} WHERE {same} AND {point} >= {mark} ORDER BY {point}"
    delete_sql = f"DELETE FROM {table} WHERE {same} AND {point} >= {mark}"
    rows: list[tuple[Any, ...]] = []
    cursor = conn.connection.cursor()
    try:
        for key, changed in sorted(cells.items()):
            deltas = {p: d for p, d in changed.items() if any(d)}
            if not deltas:
                continue
            where = (*key, min(deltas))
            cursor.execute(base_sql, where)
            before = cursor.fetchone()
            base = tuple(before) if before is not None else (0,) * 5
            cursor.execute(old_sql, where)
            old = {r[0]: tuple(r[1:]) for r in cursor.fetchall()}
            if old:
                cursor.execute(delete_sql, where)
            rows += _rewritten(key, base, old, deltas)
    finally:
        cursor.close()
    insert_rows(conn, t.bt_series, rows)


_NAMES = ("initiatives", "weighted60", "pipeline", "budget60", "actors")


def cells_at(conn: Connection, axis: str, point: str, cells: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[int]]:
    """Each cell's numbers at `point` on `axis`: the last row at or before it (zeros before the first).
    One prepared statement run per cell, each a descent of the primary key."""
    quote = conn.dialect.identifier_preparer.quote
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    names = ", ".join(quote(n) for n in _NAMES)
    sql = (
        f"SELECT {names} FROM {quote(t.bt_series.name)} WHERE {quote('axis')} = {mark} AND {quote('region')} = {mark} "
        f"AND {quote('area')} = {mark} AND {quote('point')} <= {mark} ORDER BY {quote('point')} DESC LIMIT 1"
    )
    found = {}
    cursor = conn.connection.cursor()  # the driver's own: 110 small reads, without a result object each
    try:
        for region, area in cells:
            cursor.execute(sql, (axis, region, area, point))
            row = cursor.fetchone()
            found[(region, area)] = list(row) if row is not None else [0] * 5
    finally:
        cursor.close()
    return found


def reset(conn: Connection) -> None:
    for table in TABLES:
        conn.execute(delete(table))


TABLES: tuple[Any, ...] = (t.bt_actor_ids, t.bt_steps, t.bt_depends, t.bt_series, t.bt_series_actors)
