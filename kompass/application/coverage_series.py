"""Coverage along one time axis, per initiative: the steps at which what it adds to the cells changes.

A question about the past on one axis — `--as-of D` with everything recorded, or `--known-at T`
with every effective date — sees each initiative as it was then: folded from its own facts and the
facts of the actors it names (a merge changes whom it counts), effective by D (or recorded by T),
in log order. What it then adds to the cells is `domain.coverage.contribution`, the one statement
of the rule. Along the axis that contribution is a step function of the points (effective days,
or recording times) at which its facts take effect; the bitemporal projection keeps these steps,
and the per-cell sums of them as running series, so that a question reads one row per cell
(kompass.infrastructure.coverage_series_rows) instead of every initiative.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any
from uuid import UUID

from kompass.application.bitemporal import time_key
from kompass.application.facts import Fact
from kompass.application.records import initiative_facts, region_actors
from kompass.application.state import PortfolioState
from kompass.domain.coverage import Contribution, contribution

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
        return lambda fact: fact.effective.isoformat()
    return lambda fact: time_key(fact.recorded_at)


def steps(facts: Sequence[Fact], initiative_id: UUID, areas: Collection[str], axis: str) -> list[Step]:
    """The initiative's contribution along `axis`, from its facts and its actors' facts (any order)."""
    ordered = sorted(facts, key=lambda f: f.position)
    point = point_of(axis)
    keyed = [(point(f), f) for f in ordered]
    in_order = all(a[0] <= b[0] for a, b in itertools.pairwise(keyed))
    result: list[Step] = []
    state, taken = _empty(), 0
    for here in sorted({p for p, _ in keyed}):
        if in_order:
            # the points never go back in log order: each point's facts extend the previous point's
            while taken < len(keyed) and keyed[taken][0] <= here:
                state.apply(keyed[taken][1])
                taken += 1
        else:
            state = _empty()
            for p, fact in keyed:
                if p <= here:
                    state.apply(fact)
        added = _contribution(state, initiative_id, areas)
        if not result or result[-1][1] != added:
            result.append((here, added))
    return result


_REGION_ACTORS = region_actors()


def _empty() -> PortfolioState:
    """A state to fold into, sharing the region actors' records (no fact changes them; building them anew
    for every fold was a sixth of a rebuild)."""
    return PortfolioState(actors=dict(_REGION_ACTORS))


def _contribution(state: PortfolioState, initiative_id: UUID, areas: Collection[str]) -> Contribution | None:
    record = state.initiatives.get(initiative_id)
    return None if record is None else contribution(initiative_facts(record, state.actor), areas)


def named_actors(facts: Sequence[Fact]) -> set[str]:
    """The actor keys an initiative's facts name (those whose merges change what it counts)."""
    return {str(f.data["actor"]) for f in facts if f.aggregate == "initiative" and "actor" in f.data}


def merge_targets(facts: Sequence[Fact]) -> set[str]:
    """The actors that actors' facts merge into (followed like the actors named)."""
    return {str(f.data["into"]) for f in facts if f.type == "ActorMerged"}


def amounts(added: Contribution) -> Iterator[tuple[Cell, Amounts, frozenset[str]]]:
    """What a contribution adds to each cell (and to the national row of each area): the numbers
    and the actors it brings to the cell's distinct actors."""
    weighted, budget = added.scaled(SCALE)
    for area in added.areas:
        yield (NATIONAL, area), (added.initiatives, weighted, 0, 0), frozenset()
        for region in added.regions:
            yield (region, area), (added.initiatives, weighted, added.pipeline, budget), added.cell_actors


def changes(old: list[Step], new: list[Step]) -> tuple[dict[Cell, dict[str, list[int]]], dict[tuple[str, str, str], dict[str, int]]]:
    """What replacing one initiative's steps `old` by `new` changes, as differences at points: per cell
    and point, the amounts to add from that point on; per (region, area, actor) and point, the count
    of the initiative's memberships to add."""
    cells: dict[Cell, dict[str, list[int]]] = {}
    actors: dict[tuple[str, str, str], dict[str, int]] = {}
    for sign, series in ((-1, old), (1, new)):
        for n, (start, added) in enumerate(series):
            if added is None:
                continue
            end = series[n + 1][0] if n + 1 < len(series) else None
            for at, s in ((start, sign), (end, -sign)):
                if at is None:
                    continue
                for cell, numbers, keys in amounts(added):
                    total = cells.setdefault(cell, {}).setdefault(at, [0, 0, 0, 0])
                    for i, x in enumerate(numbers):
                        total[i] += s * x
                    for key in keys:
                        counts = actors.setdefault((*cell, key), {})
                        counts[at] = counts.get(at, 0) + s
    return cells, actors


def to_json(series: list[Step]) -> list[Any]:
    return [[p, None if c is None else _contribution_json(c)] for p, c in series]


def _contribution_json(c: Contribution) -> dict[str, Any]:
    return {
        "regions": sorted(c.regions), "areas": list(c.areas), "counting": c.counting, "parts": c.parts,
        "budget_sek": c.budget_sek, "actors": sorted(c.actors),
    }


def from_json(rows: list[Any]) -> list[Step]:
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
