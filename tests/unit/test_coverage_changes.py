"""`coverage_series.changes` (what replacing an initiative's steps changes in the cells and the per-actor counts)
against a reference written cell by cell from the statement of what a contribution adds: equal for arbitrary
steps, with or without a shared beginning, once the entries that add nothing are left out."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kompass.application import coverage_series as cs
from kompass.domain.coverage import Contribution

REGIONS = ["AB", "M", "O"]
AREAS = ["infra", "kompetens", "ledning"]
ACTORS = ["a", "b", "c"]

contributions = st.builds(
    Contribution,
    regions=st.frozensets(st.sampled_from(REGIONS), min_size=1),
    areas=st.lists(st.sampled_from(AREAS), unique=True, max_size=3).map(tuple),
    counting=st.booleans(),
    parts=st.integers(1, 5),
    budget_sek=st.integers(0, 10_000_000),
    actors=st.frozensets(st.sampled_from(ACTORS)),
)
steps = st.lists(st.tuples(st.integers(0, 40), st.none() | contributions), max_size=6, unique_by=lambda step: step[0]).map(
    lambda found: [(f"2021-{point:02d}", added) for point, added in sorted(found, key=lambda step: step[0])]
)


def per_cell(added: Contribution | None) -> dict[tuple[str, str], tuple[tuple[int, ...], frozenset[str]]]:
    """What a contribution adds to each cell, written out cell by cell."""
    if added is None:
        return {}
    weighted, budget = added.scaled(cs.SCALE)
    found: dict[tuple[str, str], tuple[tuple[int, ...], frozenset[str]]] = {}
    for area in added.areas:
        found[(cs.NATIONAL, area)] = ((added.initiatives, weighted, 0, 0), frozenset[str]())
        for region in added.regions:
            found[(region, area)] = ((added.initiatives, weighted, added.pipeline, budget), added.cell_actors)
    return found


def reference(axis: str, old: list[cs.Step], new: list[cs.Step]) -> tuple[cs.Cells, cs.Pairs]:
    cells: cs.Cells = {}
    pairs: cs.Pairs = {}
    nothing: tuple[tuple[int, ...], frozenset[str]] = ((0, 0, 0, 0), frozenset())
    for sign, series in ((-1, old), (1, new)):
        before: dict[tuple[str, str], tuple[tuple[int, ...], frozenset[str]]] = {}
        for point, added in series:
            after = per_cell(added)
            for cell in before.keys() | after.keys():
                (was, was_keys), (now, now_keys) = before.get(cell, nothing), after.get(cell, nothing)
                total = cells.setdefault((axis, *cell), {}).setdefault(point, [0, 0, 0, 0, 0])
                for i in range(4):
                    total[i] += sign * (now[i] - was[i])
                for key in now_keys - was_keys:
                    counts = pairs.setdefault((axis, *cell, key), {})
                    counts[point] = counts.get(point, 0) + sign
                for key in was_keys - now_keys:
                    counts = pairs.setdefault((axis, *cell, key), {})
                    counts[point] = counts.get(point, 0) - sign
            before = after
    return cells, pairs


def meaningful(cells: cs.Cells, pairs: cs.Pairs) -> tuple[dict[Any, Any], dict[Any, Any]]:
    """Without the entries that add nothing."""
    kept_cells = {k: {p: d for p, d in v.items() if any(d)} for k, v in cells.items()}
    kept_pairs = {k: {p: n for p, n in v.items() if n} for k, v in pairs.items()}
    return {k: v for k, v in kept_cells.items() if v}, {k: v for k, v in kept_pairs.items() if v}


@settings(max_examples=300, deadline=None)
@given(old=steps, new=steps, shared=st.integers(0, 3))
def test_changes_are_the_cell_by_cell_differences(old: list[cs.Step], new: list[cs.Step], shared: int) -> None:
    new = old[:shared] + [step for step in new if not old[:shared] or step[0] > old[:shared][-1][0]]
    cells: cs.Cells = {}
    pairs: cs.Pairs = {}
    cs.changes(cs.EFFECTIVE, old, new, cells, pairs)
    assert meaningful(cells, pairs) == meaningful(*reference(cs.EFFECTIVE, old, new))


def test_a_changed_actor_moves_only_that_actors_counts() -> None:
    """The usual step of a rebuild (an actor joins): the cells' numbers stay, one count per regional cell moves."""
    before = Contribution(frozenset({"O"}), ("infra",), True, 1, 100, frozenset({"a"}))
    after = Contribution(frozenset({"O"}), ("infra",), True, 1, 100, frozenset({"a", "b"}))
    cells: cs.Cells = {}
    pairs: cs.Pairs = {}
    cs.changes(cs.RECORDED, [], [("t1", before), ("t2", after)], cells, pairs)
    assert meaningful(cells, pairs) == (
        {("r", "", "infra"): {"t1": [1, 60, 0, 0, 0]}, ("r", "O", "infra"): {"t1": [1, 60, 0, 6000, 0]}},
        {("r", "O", "infra", "a"): {"t1": 1}, ("r", "O", "infra", "b"): {"t2": 1}},
    )
