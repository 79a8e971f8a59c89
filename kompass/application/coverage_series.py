"""Coverage along one time axis, per initiative: the steps at which what it adds to the cells changes.

A question about the past on one axis — `--as-of D` with everything recorded, or `--known-at T`
with every effective date — sees each initiative as it was then: folded from its own facts and the
facts of the actors it names (a merge changes whom it counts), effective by D (or recorded by T),
in log order. What it then adds to the cells is `domain.coverage.contribution`, the one statement
of the rule. Along the axis that contribution is a step function of the points (effective days,
or recording times) at which its facts take effect; the bitemporal projection keeps these steps,
and the per-cell sums of them as running series, so that a question reads one row per cell
(kompass.infrastructure.projections.coverage_series) instead of every initiative.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterable, Sequence
from operator import attrgetter
from typing import Any, NamedTuple
from uuid import UUID

from kompass.application.bitemporal import remembered_day_key, remembered_time_key
from kompass.application.catalogue import COVERAGE, concerning
from kompass.application.facts import Fact
from kompass.application.records import initiative_facts, region_actors
from kompass.application.state import PortfolioState
from kompass.domain.coverage import Contribution, contributes, contribution

EFFECTIVE = "e"
"""The axis of `--as-of`: effective days (ISO text), everything recorded so far."""
RECORDED = "r"
"""The axis of `--known-at`: recording times (`bitemporal.time_key` text), every effective date."""
AXES = (EFFECTIVE, RECORDED)
NATIONAL = ""
"""The region of the national figures' rows (per area, over all regions)."""
SCALE = 60
"""Weights and budgets are kept times 60, as in the present-time tables: every share 1/n, n ≤ 5, is whole."""

Step = tuple[str, Contribution | None]
"""From this point on the axis (until the next step), the initiative adds this (None: nothing)."""
Cell = tuple[str, str]
Amounts = tuple[int, int, int, int]
"""A cell's initiatives, weighted × SCALE, pipeline and budget × SCALE."""


def point_of(axis: str) -> Callable[[Fact], str]:
    """Where a fact takes effect on the axis, as the text the rows are ordered by."""
    if axis == EFFECTIVE:
        return lambda fact: remembered_day_key(fact.effective)
    return lambda fact: remembered_time_key(fact.recorded_at)


Prefixes = dict[int, Contribution | None]
"""What an initiative adds once the first n of its facts (in log order) are folded, by n: the same on
both axes, so the second axis takes it from the first instead of working it out again."""


def both_steps(facts: Sequence[Fact], initiative_id: UUID, areas: Collection[str]) -> dict[str, list[Step]]:
    """`steps` on both axes. When neither effective days nor recording times ever go back in log order (most
    initiatives), every point of either axis sees a prefix of the facts in log order: one fold gives both."""
    ordered = sorted(facts, key=_POSITION)
    days = [remembered_day_key(f.effective) for f in ordered]
    times = [remembered_time_key(f.recorded_at) for f in ordered]
    if not _growing(days) or not _growing(times):
        prefixes: Prefixes = {}
        return {axis: steps(ordered, initiative_id, areas, axis, prefixes) for axis in AXES}
    moving = [f.type in RECOUNTED or f.aggregate != "initiative" for f in ordered]
    ends = {axis: _moved_ends(points, moving) for axis, points in ((EFFECTIVE, days), (RECORDED, times))}
    wanted = sorted({n for found in ends.values() for _point, n in found})
    added: dict[int, Contribution | None] = {}
    state, folded = _empty(), 0
    for n in wanted:
        for fact in ordered[folded:n]:
            state.apply(fact)
        folded = n
        added[n] = _contribution(state, initiative_id, areas)
    result: dict[str, list[Step]] = {}
    for axis, found in ends.items():
        series: list[Step] = []
        for point, n in found:
            if not series or series[-1][1] != added[n]:
                series.append((point, added[n]))
        result[axis] = series
    return result


def _growing(points: list[str]) -> bool:
    return all(a <= b for a, b in itertools.pairwise(points))


def _moved_ends(points: list[str], moving: list[bool]) -> list[tuple[str, int]]:
    """The points (in order) whose facts concern coverage, the first point always, each with how many facts
    are folded by its end (points that only repeat what came before add what they added: `steps`)."""
    found: list[tuple[str, int]] = []
    moved = True
    for n, point in enumerate(points):
        moved = moved or moving[n]
        if n + 1 == len(points) or points[n + 1] != point:
            if moved:
                found.append((point, n + 1))
            moved = False
    return found


def steps(
    facts: Sequence[Fact], initiative_id: UUID, areas: Collection[str], axis: str, prefixes: Prefixes | None = None
) -> list[Step]:
    """The initiative's contribution along `axis`, from its facts and its actors' facts (any order).
    `prefixes`, if given, is shared by the calls for the two axes of the same facts."""
    ordered = sorted(facts, key=_POSITION)
    index = {f.position: n for n, f in enumerate(ordered)}
    points = list(map(point_of(axis), ordered))
    groups: dict[str, list[Fact]] = {}
    for here, fact in zip(points, ordered, strict=True):
        found = groups.get(here)
        if found is None:
            groups[here] = [fact]
        else:
            found.append(fact)
    result: list[Step] = []
    state: PortfolioState | None = _empty()
    pending: list[Fact] = []
    """Facts that extend `state` but are not folded into it yet: they wait until its contribution is
    wanted and not already known from the other axis."""
    applied = -1
    """The log position of the last fact of `state` and `pending` (None: it misses some)."""
    folded = 0
    """How many facts `state` and `pending` hold: when they are the first ones in log order, a prefix."""
    for here in sorted(groups):
        new = groups[here]
        moved = not result or any(f.type in RECOUNTED or f.aggregate != "initiative" for f in new) if len(new) > 1 else (
            not result or new[0].type in RECOUNTED or new[0].aggregate != "initiative"
        )
        if state is not None and new[0].position > applied:
            # the usual case: this point's facts come after every fact folded so far, so they extend the fold
            pending += new
            applied = new[-1].position
            folded += len(new)
        elif moved:
            # a fact back-dated on this axis: fold this point's view again, in log order
            state, pending, folded = _empty(), [], 0
            for there, fact in zip(points, ordered, strict=True):
                if there <= here:
                    state.apply(fact)
                    applied = fact.position
                    folded += 1
        else:
            state, pending = None, []  # nothing that concerns coverage came, and the fold is left behind
        if not moved:
            continue  # nothing that concerns coverage: it adds what it added before
        assert state is not None
        prefix = prefixes is not None and index[applied] == folded - 1
        if prefix and prefixes is not None and folded in prefixes:
            added = prefixes[folded]
        else:
            for fact in pending:
                state.apply(fact)
            pending = []
            added = _contribution(state, initiative_id, areas)
            if prefix and prefixes is not None:
                prefixes[folded] = added
        if not result or result[-1][1] != added:
            result.append((here, added))
    return result


_POSITION = attrgetter("position")
_REGION_ACTORS = region_actors()
RECOUNTED = concerning(COVERAGE)
"""The initiative events after which its contribution is taken again (as the portfolio projection does)."""


def _empty() -> PortfolioState:
    """A state to fold into, sharing the region actors' records (no fact changes them; building them anew
    for every fold was a sixth of a rebuild)."""
    return PortfolioState(actors=dict(_REGION_ACTORS))


def _contribution(state: PortfolioState, initiative_id: UUID, areas: Collection[str]) -> Contribution | None:
    record = state.initiatives.get(initiative_id)
    if record is None or not contributes(record.status):
        return None  # what `contribution` says of it, without following its participants' merges first
    return contribution(initiative_facts(record, state.actor), areas)


def named_actors(facts: Sequence[Fact]) -> set[str]:
    """The actor keys an initiative's facts name (those whose merges change what it counts)."""
    return {str(f.data["actor"]) for f in facts if f.aggregate == "initiative" and "actor" in f.data}


def merge_targets(facts: Sequence[Fact]) -> set[str]:
    """The actors that actors' facts merge into (followed like the actors named)."""
    return {str(f.data["into"]) for f in facts if f.type == "ActorMerged"}


Cells = dict[tuple[str, str, str], dict[str, list[int]]]
"""(axis, region, area) → point → what to add to the cell's numbers and distinct actors from there on."""
Pairs = dict[tuple[str, str, str, str], dict[str, int]]
"""(axis, region, area, actor) → point → what to add to the actor's count in the cell from there on."""


class Shares(NamedTuple):
    """What one contribution adds, cell by cell: the same numbers to the national row of each of its areas, the
    same numbers and actors to each cell of its regions × areas. Kept as these groups, not per cell: a step between
    two contributions works out what changes once per group and adds it to each cell."""

    national: Amounts
    regional: Amounts
    keys: frozenset[str]
    """The actors it brings to each regional cell's distinct actors."""
    national_cells: frozenset[Cell]
    regional_cells: frozenset[Cell]


_NOTHING = Shares((0, 0, 0, 0), (0, 0, 0, 0), frozenset(), frozenset(), frozenset())


def _shares_of(added: Contribution) -> Shares:
    weighted, budget = added.scaled(SCALE)
    return Shares(
        (added.initiatives, weighted, 0, 0),
        (added.initiatives, weighted, added.pipeline, budget),
        added.cell_actors,
        frozenset((NATIONAL, area) for area in added.areas),
        frozenset((region, area) for area in added.areas for region in added.regions),
    )


Memo = dict[int, tuple[Contribution, Shares]]
"""What contributions add to the cells, by the contribution's identity (`changes`)."""


def changes(axis: str, old: list[Step], new: list[Step], cells: Cells, pairs: Pairs, memo: Memo | None = None) -> None:
    """Add to `cells` and `pairs` what replacing one initiative's steps `old` by `new` changes: at each
    step, the difference between what it adds and what the step before added. Steps the two share
    at their start cancel out and are skipped. `memo`, if given, is shared by the calls for one
    initiative's two axes."""
    memo = {} if memo is None else memo
    same = 0
    while same < min(len(old), len(new)) and old[same] == new[same]:
        same += 1
    for sign, series in ((-1, old), (1, new)):
        before = _shares(series[same - 1][1], memo) if same else _NOTHING
        for point, added in series[same:]:
            after = _shares(added, memo)
            _step(axis, point, sign, before, after, cells, pairs)
            before = after


def _shares(added: Contribution | None, memo: Memo) -> Shares:
    if added is None:
        return _NOTHING
    found = memo.get(id(added))
    if found is None or found[0] is not added:
        # the two axes of an initiative mostly step through the same contributions (`Prefixes`): remembered
        # by identity, and kept alive with it so that an id is never taken for another's
        found = memo[id(added)] = (added, _shares_of(added))
    return found[1]


def _step(axis: str, point: str, sign: int, before: Shares, after: Shares, cells: Cells, pairs: Pairs) -> None:
    """Add to the cells what going from `before` to `after` at `point` changes (times `sign`): per group of cells,
    the change of its numbers, and of its actors for the regional cells, worked out once for the group."""
    both, gone, came = _compared(before.national_cells, after.national_cells)
    _numbers(axis, point, sign, (both, gone, came), before.national, after.national, cells)
    both, gone, came = _compared(before.regional_cells, after.regional_cells)
    _numbers(axis, point, sign, (both, gone, came), before.regional, after.regional, cells)
    old_keys, new_keys = before.keys, after.keys
    if both and old_keys is not new_keys and old_keys != new_keys:
        for key in new_keys - old_keys:
            for cell in both:
                _count(pairs, (axis, *cell, key), point, sign)
        for key in old_keys - new_keys:
            for cell in both:
                _count(pairs, (axis, *cell, key), point, -sign)
    for key in new_keys:
        for cell in came:
            _count(pairs, (axis, *cell, key), point, sign)
    for key in old_keys:
        for cell in gone:
            _count(pairs, (axis, *cell, key), point, -sign)


_NO_CELLS: frozenset[Cell] = frozenset()
_ZERO: Amounts = (0, 0, 0, 0)


def _compared(before: frozenset[Cell], after: frozenset[Cell]) -> tuple[frozenset[Cell], frozenset[Cell], frozenset[Cell]]:
    """(the cells in both, those only before, those only after): mostly the same cells, found without set algebra."""
    if before is after or before == after:
        return after, _NO_CELLS, _NO_CELLS
    both = before & after
    return both, before - both, after - both


def _numbers(
    axis: str, point: str, sign: int, groups: tuple[frozenset[Cell], frozenset[Cell], frozenset[Cell]], old: Amounts, new: Amounts,
    cells: Cells,
) -> None:
    """Add to each cell what its numbers change by: `new - old` where it is in both, `-old` where it went, `new`
    where it came."""
    both, gone, came = groups
    if both and old != new:
        _add(axis, point, both, sign, new, old, cells)
    if gone:
        _add(axis, point, gone, sign, _ZERO, old, cells)
    if came:
        _add(axis, point, came, sign, new, _ZERO, cells)


def _add(axis: str, point: str, where: Iterable[Cell], sign: int, new: Amounts, old: Amounts, cells: Cells) -> None:
    # dict.get before setdefault: a setdefault builds its default (a list, a dict) even when the key is there
    d0, d1, d2, d3 = sign * (new[0] - old[0]), sign * (new[1] - old[1]), sign * (new[2] - old[2]), sign * (new[3] - old[3])
    for cell in where:
        key = (axis, *cell)
        by_point = cells.get(key)
        if by_point is None:
            by_point = cells[key] = {}
        total = by_point.get(point)
        if total is None:
            total = by_point[point] = [0, 0, 0, 0, 0]
        total[0] += d0
        total[1] += d1
        total[2] += d2
        total[3] += d3


def _count(pairs: Pairs, pair: tuple[str, str, str, str], point: str, change: int) -> None:
    counts = pairs.get(pair)
    if counts is None:
        pairs[pair] = {point: change}
    else:
        counts[point] = counts.get(point, 0) + change


def steps_to_json(now: dict[str, list[Step]]) -> dict[str, Any]:
    """Both axes' steps as stored: each contribution once, as a list under "c" (the two axes mostly share them,
    `Prefixes`: known by identity, kept alive here so that an id is never taken for another's), and each axis's
    steps as [point, index into "c" or None]. A third of the text that writing every step's contribution took."""
    found: dict[int, tuple[Contribution, int]] = {}
    contributions: list[list[Any]] = []
    stored: dict[str, Any] = {"c": contributions}
    for axis in AXES:
        rows: list[list[Any]] = []
        for p, c in now[axis]:
            if c is None:
                rows.append([p, None])
                continue
            kept = found.get(id(c))
            if kept is None:
                kept = found[id(c)] = (c, len(contributions))
                contributions.append([sorted(c.regions), list(c.areas), c.counting, c.parts, c.budget_sek, sorted(c.actors)])
            rows.append([p, kept[1]])
        stored[axis] = rows
    return stored


def steps_from_json(stored: dict[str, Any]) -> dict[str, list[Step]]:
    """Both axes' steps from `steps_to_json`'s text, or from the rows kompass wrote before it (each step's
    contribution written out: `from_json`). Steps that share a contribution share its object, which
    `changes` remembers its cells by."""
    if "c" not in stored:
        return {axis: from_json(stored[axis]) for axis in AXES}
    made = [
        Contribution(frozenset(regions), tuple(areas), bool(counting), int(parts), int(budget), frozenset(actors))
        for regions, areas, counting, parts, budget, actors in stored["c"]
    ]
    return {axis: [(str(p), None if n is None else made[n]) for p, n in stored[axis]] for axis in AXES}


def from_json(rows: list[Any]) -> list[Step]:
    """One axis's steps as kompass stored them before `steps_to_json`: each step's contribution written out."""
    return [
        (
            str(p),
            None
            if c is None
            else Contribution(
                frozenset(c["regions"]), tuple(c["areas"]), bool(c["counting"]), int(c["parts"]), int(c["budget_sek"]),
                frozenset(c["actors"]),
            ),
        )
        for p, c in rows
    ]
