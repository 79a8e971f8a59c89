"""Every rule once: the lifecycle, the coverage contribution and the merge resolver each have one home,
and both of their users (command side and read side; exact count and projection) get the same answers."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kompass.application.records import ActorRecord, InitiativeRecord, resolve
from kompass.domain import status as lifecycle
from kompass.domain.coverage import InitiativeFacts, contribution
from kompass.domain.errors import RuleViolation
from kompass.domain.merges import survivor
from kompass.infrastructure.projections.layout import SCALE

AREAS = ("competence", "security", "innovation", "leadership", "infrastructure")


@pytest.mark.parametrize(
    ("moves", "expected"),
    [
        (["active", "completed"], lifecycle.Standing("completed", "active", None)),
        (["active", "paused"], lifecycle.Standing("paused", "active", "active")),
        (["planned", "paused", "planned"], lifecycle.Standing("planned", "paused", None)),
        (["active", "paused", "cancelled"], lifecycle.Standing("cancelled", "paused", "active")),
    ],
)
def test_moves_and_their_effects(moves: list[str], expected: lifecycle.Standing) -> None:
    standing = lifecycle.PROPOSED
    for target in moves:
        lifecycle.check_move(standing.status, target, standing.paused_from)
        standing = lifecycle.moved(standing, target)
    assert standing == expected


def test_completed_reopens_to_the_status_before_it() -> None:
    completed = lifecycle.moved(lifecycle.moved(lifecycle.PROPOSED, "active"), "completed")
    assert lifecycle.reopened(completed).status == "active"
    lifecycle.check_reopen("completed", "r")
    with pytest.raises(RuleViolation):
        lifecycle.check_reopen("active", "r")


def test_the_read_side_record_stands_where_the_lifecycle_says() -> None:
    record = InitiativeRecord(ref="r", region="14", title="t")
    assert record.standing == lifecycle.PROPOSED


@given(
    st.lists(st.sampled_from(AREAS), min_size=1, max_size=5, unique=True),
    st.sampled_from(lifecycle.STATUSES),
    st.integers(min_value=0, max_value=10**12),
)
def test_the_projection_s_whole_numbers_are_the_exact_fractions_times_scale(areas: list[str], status: str, budget: int) -> None:
    facts = InitiativeFacts("r", frozenset({"14"}), tuple(areas), status, budget, frozenset({"region-14"}))
    c = contribution(facts, AREAS)
    if status in ("paused", "cancelled"):
        assert c is None
        return
    assert c is not None
    weighted, scaled_budget = c.scaled(SCALE)
    assert Fraction(weighted) == c.weighted * SCALE
    assert Fraction(scaled_budget) == c.budget * SCALE


def test_contribution_keeps_only_the_framework_s_areas_but_divides_among_all() -> None:
    facts = InitiativeFacts("r", frozenset({"14"}), ("security", "innovation"), "active", 100, frozenset())
    c = contribution(facts, ("security",))
    assert c is not None and c.areas == ("security",) and c.weighted == Fraction(1, 2) and c.budget == 50


def test_merges_are_followed_to_the_survivor_and_stop_at_cycles_and_unknown_keys() -> None:
    actors = {
        "a": ActorRecord("a", "A", "agency", merged_into="b"),
        "b": ActorRecord("b", "B", "agency", merged_into="c"),
        "c": ActorRecord("c", "C", "agency"),
        "x": ActorRecord("x", "X", "agency", merged_into="y"),
        "y": ActorRecord("y", "Y", "agency", merged_into="x"),
        "z": ActorRecord("z", "Z", "agency", merged_into="gone"),
    }
    assert survivor(actors["a"], actors.get).key == "c"
    assert survivor(actors["x"], actors.get).key == "y"
    assert survivor(actors["z"], actors.get).key == "z"
    assert resolve("a", actors.get).key == "c"
    assert resolve("unknown", actors.get).kind == "other"
