"""Corrections on the aggregate alone: each one a new event named in the past tense; a refused one
records nothing and changes nothing; an aggregate rebuilt from its events (or from a snapshot made
before planned dates existed) ends in the same state."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from eventsourcing.domain import Snapshot
from hypothesis import given, settings
from hypothesis import strategies as st

from kompass.domain.errors import InvalidValue, NotFound, RuleViolation
from kompass.domain.initiative import FundingLine, Initiative, Result
from kompass.domain.vocabulary import COORDINATOR_ROLES, INITIATIVE_TYPES
from tests.unit.helpers import WHO, assert_refused, event_name, last_event, propose, public_state


def funded() -> Initiative:
    initiative = propose()
    initiative.fund("erdf", 15_000_000, 2022, **WHO)
    initiative.fund("erdf", 15_000_000, 2022, **WHO)
    initiative.record_result("direct", "Portal", **WHO)
    initiative.define_indicator("share", 100, "%", **WHO)
    return initiative


@pytest.mark.parametrize(
    ("command", "args", "event", "check"),
    [
        ("retype", ("project",), "InitiativeRetyped", lambda i: i.type == "project"),
        ("reorient", ("internal",), "InitiativeReoriented", lambda i: i.orientation == "internal"),
        ("change_roles", (["strategist", "lobbyist"],), "RolesChanged", lambda i: i.roles == ["strategist", "lobbyist"]),
        ("change_roles", ([],), "RolesChanged", lambda i: i.roles == []),
        ("unfund", ("erdf", 15_000_000, 2022), "FundingRemoved", lambda i: i.funding == [FundingLine("erdf", 15_000_000, 2022)]),
        ("withdraw_result", ("direct", "Portal"), "ResultWithdrawn", lambda i: i.results == []),
        ("retarget", ("share", 80, None), "IndicatorRetargeted", lambda i: (i.indicators["share"].target, i.indicators["share"].unit)
         == (80, "%")),
        ("schedule", (date(2021, 3, 1), None), "InitiativeScheduled", lambda i: (i.planned_start, i.planned_end) == ("2021-03-01", None)),
        ("move_lead", ("13",), "LeadRegionChanged", lambda i: i.region == "13" and i.lead_actor == "region-13"),
    ],
)
def test_each_correction_is_one_new_event(command: str, args: tuple[Any, ...], event: str, check: Any) -> None:
    initiative = funded()
    getattr(initiative, command)(*args, reason="why", **WHO)
    assert event_name(last_event(initiative)) == event
    assert last_event(initiative).reason == "why"
    assert check(initiative)
    copy = None
    for e in initiative.pending_events:
        copy = e.mutate(copy)
    assert public_state(copy) == public_state(initiative)


@pytest.mark.parametrize(
    ("command", "args", "error", "match"),
    [
        ("retype", ("collaboration",), RuleViolation, "already of type"),
        ("retype", ("party",), InvalidValue, "unknown initiative type"),
        ("reorient", ("external",), RuleViolation, "already external"),
        ("change_roles", (["collaboration_leader"],), RuleViolation, "exactly these roles"),
        ("change_roles", (["strategist", "strategist"],), InvalidValue, "duplicate roles"),
        ("unfund", ("erdf", 1_500_000, 2022), NotFound, "no funding line equal"),
        ("withdraw_result", ("capability", "Portal"), NotFound, "no result equal"),
        ("retarget", ("share", 100, "%"), RuleViolation, "already has target"),
        ("retarget", ("nope", 1, None), NotFound, "no indicator"),
        ("retarget", ("share", float("nan"), None), InvalidValue, "must be a number"),
        ("schedule", (date(2022, 1, 1), date(2021, 1, 1)), RuleViolation, "before the planned start"),
        ("schedule", (None, None), RuleViolation, "already has these planned dates"),
        ("move_lead", ("14",), RuleViolation, "already leads"),
        ("move_lead", ("99",), InvalidValue, "unknown region"),
    ],
)
def test_a_refused_correction_records_nothing(command: str, args: tuple[Any, ...], error: type[Exception], match: str) -> None:
    initiative = funded()
    assert_refused(initiative, error, getattr(initiative, command), *args, match=match, **WHO)


def test_the_new_lead_must_not_already_take_part() -> None:
    initiative = funded()
    initiative.join("region-13", "partner", **WHO)
    assert_refused(initiative, RuleViolation, initiative.move_lead, "13", match="remove it as a participant first", **WHO)


def test_unfund_removes_one_of_two_equal_lines_and_withdraw_one_of_two_equal_results() -> None:
    initiative = funded()
    initiative.record_result("direct", "Portal", **WHO)
    initiative.unfund("erdf", 15_000_000, 2022, **WHO)
    initiative.withdraw_result("direct", "Portal", **WHO)
    assert initiative.funding == [FundingLine("erdf", 15_000_000, 2022)]
    assert initiative.results == [Result("direct", "Portal")]


def test_a_snapshot_taken_before_planned_dates_existed_loads_and_can_be_scheduled() -> None:
    initiative = funded()
    snapshot = Snapshot.take(initiative)
    assert "planned_start" not in snapshot.state  # what every snapshot stored before schedule existed looks like
    restored = snapshot.mutate(None)
    assert isinstance(restored, Initiative)
    assert (restored.planned_start, restored.planned_end) == (None, None)
    restored.schedule(date(2021, 3, 1), date(2021, 12, 31), **WHO)
    assert (restored.planned_start, restored.planned_end) == ("2021-03-01", "2021-12-31")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(
    st.tuples(st.just("retype"), st.sampled_from(INITIATIVE_TYPES)),
    st.tuples(st.just("roles"), st.lists(st.sampled_from(COORDINATOR_ROLES), max_size=3)),
    st.tuples(st.just("fund"), st.integers(0, 3)),
    st.tuples(st.just("unfund"), st.integers(0, 3)),
), max_size=25))
def test_funding_never_goes_below_what_was_added_and_type_and_roles_stay_in_the_vocabulary(steps: list[tuple[str, Any]]) -> None:
    initiative = propose()
    added: list[int] = []
    for kind, value in steps:
        try:
            if kind == "retype":
                initiative.retype(value, **WHO)
            elif kind == "roles":
                initiative.change_roles(value, **WHO)
            elif kind == "fund":
                initiative.fund("regional", value, 2022, **WHO)
                added.append(value)
            else:
                initiative.unfund("regional", value, 2022, **WHO)
                added.remove(value)
        except (RuleViolation, NotFound):
            continue
    assert sorted(line.amount_sek for line in initiative.funding) == sorted(added)
    assert initiative.type in INITIATIVE_TYPES
    assert set(initiative.roles) <= set(COORDINATOR_ROLES) and len(set(initiative.roles)) == len(initiative.roles)
