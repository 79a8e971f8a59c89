"""The rules of an initiative (docs/definitions.md, lifecycle), one behaviour per test, on the aggregate alone.

Every refused command must raise before anything changes: no pending event, same state
(the pattern of the eventsourcing library's bank-accounts example).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kompass.domain.errors import AlreadyExists, InvalidValue, KompassError, NotFound, RuleViolation
from kompass.domain.initiative import FundingLine, Initiative, Result
from kompass.domain.status import STATUSES
from kompass.domain.vocabulary import COORDINATOR_ROLES, FUNDING_SOURCES, INITIATIVE_TYPES, PARTICIPANT_ROLES, RESULT_TYPES
from tests.unit.helpers import AREAS, DAY, FRAMEWORK, WHO, assert_refused, event_name, last_event, propose

# --- proposing ---------------------------------------------------------------


def test_a_proposed_initiative_starts_proposed_with_its_fields_and_one_event() -> None:
    initiative = propose()
    assert initiative.status == "proposed"
    assert initiative.status_before is None
    assert initiative.paused_from is None
    assert initiative.areas == ["innovation", "infrastructure"]
    assert initiative.participants == {}
    assert initiative.funding == [] and initiative.results == [] and initiative.indicators == {}
    assert initiative.lead_actor == "region-14"
    assert len(initiative.pending_events) == 1
    created: Any = initiative.pending_events[0]
    assert event_name(created) == "InitiativeProposed"
    assert created.by == "coord-14"
    assert created.effective == DAY


def test_the_initiative_id_is_derived_from_its_ref() -> None:
    assert propose().id == propose().id == Initiative.create_id("14-2021-opendata")
    assert propose(ref="14-2021-other").id != propose().id


def test_the_base_framework_has_the_five_areas_of_se_2017() -> None:
    assert FRAMEWORK.key == "se-2017"
    assert AREAS == ("competence", "security", "innovation", "leadership", "infrastructure")


@pytest.mark.parametrize("area", AREAS)
def test_every_area_of_the_framework_can_be_proposed(area: str) -> None:
    assert propose(areas=[area]).areas == [area]


def test_an_initiative_may_span_all_five_areas() -> None:
    assert propose(areas=list(AREAS)).areas == list(AREAS)


def test_an_initiative_needs_at_least_one_area() -> None:
    with pytest.raises(InvalidValue, match="at least one area"):
        propose(areas=[])


@pytest.mark.parametrize("area", ["digital_security", "Security", "", "welfare"])
def test_areas_outside_the_framework_are_refused(area: str) -> None:
    with pytest.raises(InvalidValue, match="unknown area"):
        propose(areas=["security", area])


def test_duplicate_areas_are_refused() -> None:
    with pytest.raises(InvalidValue, match="duplicate areas"):
        propose(areas=["security", "innovation", "security"])


@pytest.mark.parametrize("type_", INITIATIVE_TYPES)
def test_every_initiative_type_is_accepted(type_: str) -> None:
    assert propose(type=type_).type == type_


@pytest.mark.parametrize("type_", ["workshop", "Project", ""])
def test_unknown_initiative_types_are_refused(type_: str) -> None:
    with pytest.raises(InvalidValue, match="initiative type"):
        propose(type=type_)


@pytest.mark.parametrize("orientation", ["internal", "external"])
def test_both_orientations_are_accepted(orientation: str) -> None:
    assert propose(orientation=orientation).orientation == orientation


def test_an_unknown_orientation_is_refused() -> None:
    with pytest.raises(InvalidValue, match="orientation"):
        propose(orientation="both")


def test_all_five_coordinator_roles_are_accepted_together() -> None:
    assert propose(roles=list(COORDINATOR_ROLES)).roles == list(COORDINATOR_ROLES)


def test_roles_may_be_left_out() -> None:
    assert propose(roles=None).roles == []


def test_an_unknown_coordinator_role_is_refused() -> None:
    with pytest.raises(InvalidValue, match="coordinator role"):
        propose(roles=["strategist", "visionary"])


def test_duplicate_coordinator_roles_are_refused() -> None:
    with pytest.raises(InvalidValue, match="duplicate roles"):
        propose(roles=["strategist", "strategist"])


@pytest.mark.parametrize("region", ["00", "02", "11", "26", "14 ", "VG", ""])
def test_unknown_lead_regions_are_refused(region: str) -> None:
    with pytest.raises(InvalidValue, match="unknown region"):
        propose(region=region)


@pytest.mark.parametrize("title", ["", "   "])
def test_an_empty_title_is_refused(title: str) -> None:
    with pytest.raises(InvalidValue, match="title"):
        propose(title=title)


@pytest.mark.parametrize("ref", ["14-2021-opendata", "a", "x" * 100, "Region_14/2021:öppna-data"])
def test_refs_are_short_visible_keys(ref: str) -> None:
    assert propose(ref=ref).ref == ref


@pytest.mark.parametrize(
    "ref",
    ["", "x" * 101, "14 2021", "14-2021\topendata", "14-2021\n", "\u00a0lead", "a\x00b", "a\x1bb"],
    ids=["empty", "too-long", "space", "tab", "newline", "nbsp", "nul", "escape"],
)
def test_refs_with_spaces_or_control_characters_or_too_long_are_refused(ref: str) -> None:
    with pytest.raises(InvalidValue, match="ref"):
        propose(ref=ref)


# --- tagging and untagging -----------------------------------------------------


def test_tagging_adds_an_area_and_records_it() -> None:
    initiative = propose()
    initiative.tag("security", framework=FRAMEWORK, **WHO)
    assert initiative.areas == ["innovation", "infrastructure", "security"]
    assert event_name(last_event(initiative)) == "AreaTagged"
    assert last_event(initiative).area == "security"


def test_tagging_an_area_already_present_is_refused() -> None:
    initiative = propose()
    assert_refused(initiative, RuleViolation, initiative.tag, "innovation", framework=FRAMEWORK, **WHO, match="already tagged")


def test_tagging_an_area_outside_the_framework_is_refused() -> None:
    initiative = propose()
    assert_refused(initiative, InvalidValue, initiative.tag, "welfare", framework=FRAMEWORK, **WHO)


def test_untagging_removes_an_area() -> None:
    initiative = propose()
    initiative.untag("innovation", **WHO)
    assert initiative.areas == ["infrastructure"]
    assert event_name(last_event(initiative)) == "AreaUntagged"


def test_untagging_an_area_not_tagged_is_refused() -> None:
    initiative = propose()
    assert_refused(initiative, RuleViolation, initiative.untag, "security", **WHO, match="not tagged")


def test_untagging_the_last_area_is_refused() -> None:
    initiative = propose(areas=["security"])
    assert_refused(initiative, RuleViolation, initiative.untag, "security", **WHO, match="last area")


def test_the_last_area_can_be_replaced_by_tagging_first() -> None:
    initiative = propose(areas=["security"])
    initiative.tag("competence", framework=FRAMEWORK, **WHO)
    initiative.untag("security", **WHO)
    assert initiative.areas == ["competence"]


def test_an_untagged_area_can_be_tagged_again() -> None:
    initiative = propose()
    initiative.untag("innovation", **WHO)
    initiative.tag("innovation", framework=FRAMEWORK, **WHO)
    assert initiative.areas == ["infrastructure", "innovation"]


# --- the status machine ----------------------------------------------------------

# How to reach each situation from `proposed`, and where each may go next (docs/definitions.md, lifecycle).
PATHS = {
    "proposed": [],
    "planned": ["planned"],
    "active": ["active"],
    "completed": ["active", "completed"],
    "cancelled": ["cancelled"],
    "paused-from-planned": ["planned", "paused"],
    "paused-from-active": ["active", "paused"],
}
ALLOWED = {
    "proposed": {"planned", "active", "completed", "cancelled"},
    "planned": {"active", "completed", "paused", "cancelled"},
    "active": {"completed", "paused", "cancelled"},
    "completed": set(),
    "cancelled": set(),
    "paused-from-planned": {"planned", "cancelled"},
    "paused-from-active": {"active", "cancelled"},
}


def in_situation(situation: str) -> Initiative:
    initiative = propose()
    for status in PATHS[situation]:
        initiative.change_status(status, **WHO)
    return initiative


MOVES = [(situation, target) for situation in PATHS for target in STATUSES]


@pytest.mark.parametrize(("situation", "target"), MOVES, ids=[f"{s}->{t}" for s, t in MOVES])
def test_each_status_move_is_allowed_or_refused_as_designed(situation: str, target: str) -> None:
    initiative = in_situation(situation)
    current = initiative.status
    if target in ALLOWED[situation]:
        initiative.change_status(target, reason="because", **WHO)
        assert initiative.status == target
        assert initiative.status_before == current
        event = last_event(initiative)
        assert event_name(event) == "StatusChanged"
        assert (event.status, event.reason) == (target, "because")
    else:
        assert_refused(initiative, RuleViolation, initiative.change_status, target, **WHO)


@pytest.mark.parametrize(("start", "target"), [("proposed", "active"), ("proposed", "completed"), ("planned", "completed")])
def test_forward_moves_may_skip_steps(start: str, target: str) -> None:
    initiative = in_situation(start)
    initiative.change_status(target, **WHO)
    assert initiative.status == target


@pytest.mark.parametrize(("start", "target"), [("planned", "proposed"), ("active", "planned"), ("active", "proposed")])
def test_no_move_goes_backwards(start: str, target: str) -> None:
    initiative = in_situation(start)
    assert_refused(initiative, RuleViolation, initiative.change_status, target, **WHO, match="cannot go back")


@pytest.mark.parametrize("situation", list(PATHS))
def test_setting_the_status_an_initiative_already_has_is_refused(situation: str) -> None:
    initiative = in_situation(situation)
    assert_refused(initiative, RuleViolation, initiative.change_status, initiative.status, **WHO, match="already")


@pytest.mark.parametrize("status", ["done", "Active", "", "reopened"])
def test_unknown_statuses_are_refused(status: str) -> None:
    initiative = propose()
    assert_refused(initiative, InvalidValue, initiative.change_status, status, **WHO, match="unknown status")


@pytest.mark.parametrize("situation", ["proposed", "paused-from-planned"])
def test_only_planned_or_active_initiatives_can_be_paused(situation: str) -> None:
    initiative = in_situation(situation)
    assert_refused(initiative, RuleViolation, initiative.change_status, "paused", **WHO)


@pytest.mark.parametrize("paused_from", ["planned", "active"])
def test_a_paused_initiative_can_only_resume_to_where_it_was(paused_from: str) -> None:
    initiative = in_situation(f"paused-from-{paused_from}")
    assert initiative.paused_from == paused_from
    for elsewhere in {"proposed", "planned", "active", "completed"} - {paused_from}:
        assert_refused(initiative, RuleViolation, initiative.change_status, elsewhere, **WHO, match=f"only go back to {paused_from}")
    initiative.change_status(paused_from, **WHO)
    assert initiative.status == paused_from
    assert initiative.paused_from is None


def test_a_resumed_initiative_can_be_paused_again_and_remembers_the_new_place() -> None:
    initiative = in_situation("paused-from-planned")
    initiative.change_status("planned", **WHO)
    initiative.change_status("active", **WHO)
    initiative.change_status("paused", **WHO)
    assert initiative.paused_from == "active"
    assert_refused(initiative, RuleViolation, initiative.change_status, "planned", **WHO)


@pytest.mark.parametrize("situation", ["proposed", "planned", "active", "paused-from-planned", "paused-from-active"])
def test_any_non_final_initiative_can_be_cancelled(situation: str) -> None:
    initiative = in_situation(situation)
    initiative.change_status("cancelled", **WHO)
    assert initiative.status == "cancelled"


@pytest.mark.parametrize("final", ["completed", "cancelled"])
def test_completed_and_cancelled_are_final(final: str) -> None:
    initiative = in_situation(final)
    for target in STATUSES:
        assert_refused(initiative, RuleViolation, initiative.change_status, target, **WHO)


@pytest.mark.parametrize(
    ("path", "back_to"),
    [
        (["active", "completed"], "active"),
        (["completed"], "proposed"),
        (["planned", "completed"], "planned"),
        (["cancelled"], "proposed"),
        (["planned", "cancelled"], "planned"),
        (["active", "cancelled"], "active"),
    ],
)
def test_reopen_returns_to_the_status_before_the_final_one(path: list[str], back_to: str) -> None:
    initiative = propose()
    for status in path:
        initiative.change_status(status, **WHO)
    final = initiative.status
    initiative.reopen(reason="the evaluation asked for more", **WHO)
    assert initiative.status == back_to
    assert initiative.status_before == final


def test_reopening_is_recorded_with_its_reason() -> None:
    initiative = in_situation("completed")
    initiative.reopen(reason="second phase funded", **WHO)
    event = last_event(initiative)
    assert event_name(event) == "InitiativeReopened"
    assert event.reason == "second phase funded"
    assert event.by == "coord-14"


@pytest.mark.parametrize("paused_from", ["planned", "active"])
def test_a_paused_then_cancelled_initiative_reopens_paused_and_can_resume(paused_from: str) -> None:
    initiative = in_situation(f"paused-from-{paused_from}")
    initiative.change_status("cancelled", **WHO)
    initiative.reopen(reason="money found", **WHO)
    assert initiative.status == "paused"
    assert initiative.paused_from == paused_from
    other = "active" if paused_from == "planned" else "planned"
    assert_refused(initiative, RuleViolation, initiative.change_status, other, **WHO)
    initiative.change_status(paused_from, **WHO)
    assert initiative.status == paused_from


def test_a_reopened_initiative_can_be_completed_again_and_reopened_again() -> None:
    initiative = in_situation("completed")
    initiative.reopen(reason="one more round", **WHO)
    initiative.change_status("completed", **WHO)
    initiative.reopen(reason="and another", **WHO)
    assert initiative.status == "active"


def test_reopen_after_cancelling_a_reopened_initiative_returns_to_the_status_before_cancelling() -> None:
    initiative = in_situation("completed")
    initiative.reopen(reason="one more round", **WHO)
    initiative.change_status("cancelled", **WHO)
    initiative.reopen(reason="not cancelled after all", **WHO)
    assert initiative.status == "active"


@pytest.mark.parametrize("situation", ["proposed", "planned", "active", "paused-from-planned", "paused-from-active"])
def test_only_a_final_initiative_can_be_reopened(situation: str) -> None:
    initiative = in_situation(situation)
    assert_refused(initiative, RuleViolation, initiative.reopen, reason="why not", **WHO, match="only a completed or cancelled")


@pytest.mark.parametrize("reason", ["", "  ", "\n"])
def test_reopening_needs_a_reason(reason: str) -> None:
    initiative = in_situation("cancelled")
    assert_refused(initiative, InvalidValue, initiative.reopen, reason=reason, **WHO, match="reason")


# --- participants ----------------------------------------------------------------


@pytest.mark.parametrize("role", PARTICIPANT_ROLES)
def test_an_actor_joins_with_any_participant_role(role: str) -> None:
    initiative = propose()
    initiative.join("digg", role, **WHO)
    assert initiative.participants == {"digg": role}
    event = last_event(initiative)
    assert event_name(event) == "ActorJoined"
    assert (event.actor, event.role) == ("digg", role)


def test_another_region_takes_part_as_an_actor() -> None:
    initiative = propose()
    initiative.join("region-12", "partner", **WHO)
    assert initiative.participants == {"region-12": "partner"}


def test_joining_an_actor_twice_is_refused() -> None:
    initiative = propose()
    initiative.join("digg", "partner", **WHO)
    assert_refused(initiative, AlreadyExists, initiative.join, "digg", "funder", **WHO, match="already takes part")


def test_explicitly_joining_the_lead_region_is_refused() -> None:
    initiative = propose(region="14")
    assert_refused(initiative, RuleViolation, initiative.join, "region-14", "partner", **WHO, match="leads")


@pytest.mark.parametrize("role", ["member", "Lead", ""])
def test_an_unknown_participant_role_is_refused(role: str) -> None:
    initiative = propose()
    assert_refused(initiative, InvalidValue, initiative.join, "digg", role, **WHO, match="participant role")


def test_a_participant_can_leave_and_join_again() -> None:
    initiative = propose()
    initiative.join("digg", "partner", **WHO)
    initiative.leave("digg", **WHO)
    assert initiative.participants == {}
    assert event_name(last_event(initiative)) == "ActorLeft"
    initiative.join("digg", "expert", **WHO)
    assert initiative.participants == {"digg": "expert"}


def test_leaving_is_refused_for_an_actor_that_does_not_take_part() -> None:
    initiative = propose()
    initiative.join("digg", "partner", **WHO)
    assert_refused(initiative, NotFound, initiative.leave, "vinnova", **WHO, match="does not take part")


def test_the_lead_region_cannot_leave_its_own_initiative() -> None:
    initiative = propose()
    assert_refused(initiative, NotFound, initiative.leave, "region-14", **WHO)


# --- funding, results, retitling, indicators -----------------------------------------


@pytest.mark.parametrize("source", FUNDING_SOURCES)
def test_funding_lines_are_recorded_for_each_source(source: str) -> None:
    initiative = propose()
    initiative.fund(source, 1_500_000, 2022, **WHO)
    assert initiative.funding == [FundingLine(source, 1_500_000, 2022)]
    event = last_event(initiative)
    assert event_name(event) == "FundingAdded"
    assert (event.source, event.amount_sek, event.year) == (source, 1_500_000, 2022)


def test_funding_lines_accumulate_and_zero_is_allowed() -> None:
    initiative = propose()
    initiative.fund("erdf", 0, 2021, **WHO)
    initiative.fund("erdf", 10, 2021, **WHO)
    assert [line.amount_sek for line in initiative.funding] == [0, 10]


def test_negative_funding_is_refused() -> None:
    initiative = propose()
    assert_refused(initiative, InvalidValue, initiative.fund, "erdf", -1, 2022, **WHO, match="negative")


@pytest.mark.parametrize("amount", [1.5, 100.0, "100", True, None])
def test_funding_that_is_not_whole_kronor_is_refused(amount: object) -> None:
    initiative = propose()
    assert_refused(initiative, InvalidValue, initiative.fund, "erdf", amount, 2022, **WHO, match="whole number")


@pytest.mark.parametrize("year", [1999, 2101, 0, 21])
def test_funding_years_out_of_range_are_refused(year: int) -> None:
    initiative = propose()
    assert_refused(initiative, InvalidValue, initiative.fund, "erdf", 100, year, **WHO, match="out of range")


@pytest.mark.parametrize("year", [2000, 2100])
def test_funding_years_at_the_edges_of_the_range_are_accepted(year: int) -> None:
    initiative = propose()
    initiative.fund("regional", 100, year, **WHO)
    assert initiative.funding[-1].year == year


def test_an_unknown_funding_source_is_refused() -> None:
    initiative = propose()
    assert_refused(initiative, InvalidValue, initiative.fund, "eruf", 100, 2022, **WHO, match="funding source")


@pytest.mark.parametrize("type_", RESULT_TYPES)
def test_results_of_each_type_are_recorded(type_: str) -> None:
    initiative = propose()
    initiative.record_result(type_, "Twelve municipalities publish open data", **WHO)
    assert initiative.results == [Result(type_, "Twelve municipalities publish open data")]
    assert event_name(last_event(initiative)) == "ResultRecorded"


def test_an_unknown_result_type_is_refused() -> None:
    initiative = propose()
    assert_refused(initiative, InvalidValue, initiative.record_result, "impact", "text", **WHO, match="result type")


def test_an_empty_result_text_is_refused() -> None:
    initiative = propose()
    assert_refused(initiative, InvalidValue, initiative.record_result, "direct", " ", **WHO)


def test_retitling_changes_title_and_keeps_the_description_when_none_is_given() -> None:
    initiative = propose()
    initiative.retitle("Open data in all municipalities", None, **WHO)
    assert initiative.title == "Open data in all municipalities"
    assert initiative.description == "Municipalities publish open data"
    event = last_event(initiative)
    assert event_name(event) == "InitiativeRetitled"
    assert event.description == "Municipalities publish open data"


def test_retitling_may_change_only_the_description() -> None:
    initiative = propose()
    initiative.retitle(initiative.title, "A new description", **WHO)
    assert initiative.description == "A new description"


def test_retitling_may_clear_the_description() -> None:
    initiative = propose()
    initiative.retitle(initiative.title, "", **WHO)
    assert initiative.description == ""


def test_retitling_to_the_same_title_and_description_is_refused() -> None:
    initiative = propose()
    assert_refused(initiative, RuleViolation, initiative.retitle, initiative.title, None, **WHO, match="already has")
    assert_refused(initiative, RuleViolation, initiative.retitle, initiative.title, initiative.description, **WHO)


def test_retitling_to_an_empty_title_is_refused() -> None:
    initiative = propose()
    assert_refused(initiative, InvalidValue, initiative.retitle, "", "x", **WHO, match="title")


def test_an_indicator_is_defined_then_measured_on_its_effective_date() -> None:
    initiative = propose()
    initiative.define_indicator("open-data-municipalities", 100, "%", **WHO)
    initiative.measure("open-data-municipalities", 64, by="coord-14", effective=date(2022, 12, 31))
    initiative.measure("open-data-municipalities", 80.5, by="coord-14", effective=date(2023, 12, 31))
    indicator = initiative.indicators["open-data-municipalities"]
    assert (indicator.target, indicator.unit) == (100, "%")
    assert indicator.measurements == [(date(2022, 12, 31), 64), (date(2023, 12, 31), 80.5)]
    assert event_name(last_event(initiative)) == "IndicatorMeasured"


def test_defining_an_indicator_twice_is_refused() -> None:
    initiative = propose()
    initiative.define_indicator("open-data", 100, "%", **WHO)
    assert_refused(initiative, AlreadyExists, initiative.define_indicator, "open-data", 50, "%", **WHO, match="already has an indicator")


def test_measuring_an_unknown_indicator_is_refused() -> None:
    initiative = propose()
    assert_refused(initiative, NotFound, initiative.measure, "open-data", 64, **WHO, match="define it first")


@pytest.mark.parametrize("target", ["100", None, True, float("nan"), float("inf"), 1e16])
def test_an_indicator_target_must_be_a_plausible_number(target: object) -> None:
    initiative = propose()
    assert_refused(initiative, InvalidValue, initiative.define_indicator, "open-data", target, "%", **WHO)


@pytest.mark.parametrize("value", ["64", None, False, float("nan")])
def test_a_measured_value_must_be_a_number(value: object) -> None:
    initiative = propose()
    initiative.define_indicator("open-data", 100, "%", **WHO)
    assert_refused(initiative, InvalidValue, initiative.measure, "open-data", value, **WHO, match="value")


@pytest.mark.parametrize("name", ["", "open data", "x" * 101])
def test_indicator_names_follow_the_ref_format(name: str) -> None:
    initiative = propose()
    assert_refused(initiative, InvalidValue, initiative.define_indicator, name, 100, "%", **WHO, match="indicator name")


def test_every_refusal_is_a_kompass_error_with_exit_code_1() -> None:
    initiative = propose()
    info = assert_refused(initiative, KompassError, initiative.untag, "security", **WHO)
    assert info.value.exit_code == 1


def test_events_carry_by_and_effective() -> None:
    initiative = propose()
    initiative.change_status("planned", by="admin", effective=date(2021, 5, 4))
    event = last_event(initiative)
    assert (event.by, event.effective) == ("admin", date(2021, 5, 4))
