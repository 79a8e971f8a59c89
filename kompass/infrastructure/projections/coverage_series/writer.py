"""The coverage series' batch writer, run by the bitemporal projection's batches.

A batch works out again the steps of every initiative it touches and of every initiative whose named
actors were merged in it (kompass.application.coverage_series), and hands the differences between the
old steps and the new ones to `series`, which rewrites the cells' rows from the earliest point that
changed on. Which actors an initiative names, and whom they are merged into, is kept here too
(`rm_bt_actor_ids`, `rm_bt_depends`), so that a merge finds the initiatives it changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import attrgetter
from uuid import UUID

from sqlalchemy import Connection, delete, select

from kompass.application import coverage_series as cs
from kompass.application.facts import Fact
from kompass.infrastructure.database import insert_many, upsert_many
from kompass.infrastructure.projections.batch import chunks
from kompass.infrastructure.projections.coverage_series.schema import TABLES, bt_actor_ids, bt_depends, bt_steps
from kompass.infrastructure.projections.coverage_series.series import apply_actor_counts, apply_cells
from kompass.infrastructure.projections.coverage_series.written_keys import WrittenKeys

__all__ = ["TABLES", "update"]

Loader = Callable[[list[UUID]], dict[UUID, list[Fact]]]
"""Every stored fact of the given aggregates, in log order."""
ROWS = 400
"""Keys per IN (…) list here."""
MERGING = frozenset({"ActorMerged"})
"""The actor events that change what the initiatives naming the actor count (whom a key stands for)."""


def update(
    conn: Connection,
    areas: frozenset[str],
    new: dict[UUID, list[Fact]],
    every: dict[UUID, list[Fact]],
    load: Loader,
    written: WrittenKeys | None = None,
) -> None:
    """Bring the series up to a batch: `new` its facts per aggregate, `every` all stored facts of those
    aggregates (the batch's included), `load` reads other aggregates' facts; `written`, in a rebuild's fill, the
    per-actor keys it has written (`written_keys`)."""
    facts: dict[UUID, list[Fact]] = dict(every)
    registered = _registered_actors(every)
    actor_ids = dict(registered)  # and those looked up on the way (`_actors_of`)
    merged = {_actor_key(every[i]) for i, fs in new.items() if any(f.type in MERGING for f in fs)}
    recount = {i for i, fs in every.items() if fs and fs[0].aggregate == "initiative"}
    recount |= _depending_on(conn, merged - {None})
    facts.update(load([i for i in recount if i not in facts]))
    # an initiative whose first fact is in this batch has no steps stored, nor actors it depends on: most of a
    # rebuild's batch, whose lookups found nothing
    begun = {i for i, fs in new.items() if fs and fs[0].version == 1}
    old = _steps(conn, recount - begun)
    named = _actors_of(conn, recount, facts, actor_ids, load)
    cells: cs.Cells = {}
    pairs: cs.Pairs = {}
    rows = []
    for i in sorted(recount, key=_number):
        mine = facts.get(i, []) + [f for key in named[i] for f in facts.get(actor_ids.get(key) or _NONE, [])]
        now = cs.both_steps(mine, i, areas)
        memo: cs.Memo = {}
        for axis in cs.AXES:
            cs.changes(axis, old.get(i, {}).get(axis, []), now[axis], cells, pairs, memo)
        rows.append({"initiative_id": str(i), "steps": cs.steps_to_json(now)})
    if rows:
        upsert_many(conn, bt_steps, ["initiative_id"], rows)
    _write_depends(conn, recount, named, begun)
    if registered:  # after every read of the table (`held_writes`); `_actors_of` looked up only other keys
        upsert_many(conn, bt_actor_ids, ["key"], [{"key": k, "aggregate_id": str(i)} for k, i in registered.items()])
    apply_actor_counts(conn, pairs, cells, written)
    apply_cells(conn, cells)


_NONE = UUID(int=0)
_number = attrgetter("int")
"""A UUID's sort key, read in C: sorting by UUID.__lt__ called Python for every comparison."""


def _actor_key(facts: list[Fact]) -> str | None:
    return next((str(f.data["key"]) for f in facts if f.type == "ActorRegistered"), None)


def _registered_actors(every: dict[UUID, list[Fact]]) -> dict[str, UUID]:
    """Which aggregate holds each actor key the batch registers (`update` records them): the batch's keys → ids."""
    found = {}
    for i, facts in every.items():
        if facts and facts[0].aggregate == "actor" and (key := _actor_key(facts)) is not None:
            found[key] = i
    return found


def _depending_on(conn: Connection, keys: Iterable[str | None]) -> set[UUID]:
    wanted = sorted(k for k in keys if k is not None)
    found: set[UUID] = set()
    for chunk in chunks(wanted, ROWS):
        query = select(bt_depends.c.initiative_id).where(bt_depends.c.actor.in_(chunk))
        found.update(UUID(r) for r in conn.execute(query).scalars())
    return found


def _steps(conn: Connection, ids: set[UUID]) -> dict[UUID, dict[str, list[cs.Step]]]:
    found: dict[UUID, dict[str, list[cs.Step]]] = {}
    for chunk in chunks(sorted(str(i) for i in ids), ROWS):
        for i, steps in conn.execute(select(bt_steps.c.initiative_id, bt_steps.c.steps).where(bt_steps.c.initiative_id.in_(chunk))):
            found[UUID(i)] = cs.steps_from_json(steps)
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
    for chunk in chunks(sorted(keys), ROWS):
        query = select(bt_actor_ids.c.key, bt_actor_ids.c.aggregate_id).where(bt_actor_ids.c.key.in_(chunk))
        actor_ids.update({k: UUID(i) for k, i in conn.execute(query)})


def _write_depends(conn: Connection, ids: set[UUID], named: dict[UUID, set[str]], begun: set[UUID]) -> None:
    """Replace the rows of the initiatives `ids` (those of `begun` have none yet)."""
    texts = sorted(str(i) for i in ids - begun)
    for chunk in chunks(texts, ROWS):
        conn.execute(delete(bt_depends).where(bt_depends.c.initiative_id.in_(chunk)))
    insert_many(conn, bt_depends, [{"actor": k, "initiative_id": str(i)} for i in ids for k in sorted(named[i])])
