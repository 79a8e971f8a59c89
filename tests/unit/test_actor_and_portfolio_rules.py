"""The rules of actors and portfolios (docs/definitions.md, lifecycle), on the aggregates alone."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kompass.domain.actor import Actor
from kompass.domain.errors import InvalidValue, RuleViolation
from kompass.domain.portfolio import Assessment, Portfolio
from kompass.domain.vocabulary import ACTOR_KINDS, FOCUS_LEVELS, REGIONS
from tests.unit.helpers import AREAS, DAY, FRAMEWORK, WHO, assert_refused, event_name, last_event


def actor(key: str = "digg", name: str = "Myndigheten för digital förvaltning", kind: str = "agency", region: str | None = None) -> Actor:
    return Actor.register(key=key, name=name, kind=kind, region=region, **WHO)


def region_actor(code: str) -> Actor:
    return Actor.register(key=f"region-{code}", name=f"Region {REGIONS[code]}", kind="region", region=code, **WHO)


# --- registering ---------------------------------------------------------------------


def test_a_registered_actor_has_its_fields_and_one_event() -> None:
    digg = actor()
    assert (digg.key, digg.kind, digg.region, digg.merged_into, digg.former_names) == ("digg", "agency", None, None, [])
    assert len(digg.pending_events) == 1
    event: Any = digg.pending_events[0]
    assert event_name(event) == "ActorRegistered"
    assert (event.by, event.effective) == ("coord-14", DAY)


def test_the_actor_id_is_derived_from_its_key() -> None:
    assert actor().id == Actor.create_id("digg")


@pytest.mark.parametrize("key", ["digg", "kommun-1480", "a", "0", "lib.gbg", "rise_ict", "x" * 100])
def test_actor_keys_are_lowercase_slugs(key: str) -> None:
    assert actor(key=key).key == key


@pytest.mark.parametrize("key", ["", "Digg", "digg ", "kommun 1480", "-digg", ".digg", "_digg", "göteborg", "x" * 101, "a/b", None, 14])
def test_actor_keys_that_are_not_slugs_are_refused(key: Any) -> None:
    with pytest.raises(InvalidValue, match="slug"):
        actor(key=key)


@pytest.mark.parametrize("kind", [k for k in ACTOR_KINDS if k != "region"])
def test_every_actor_kind_but_region_can_be_registered_by_users(kind: str) -> None:
    assert actor(kind=kind).kind == kind


@pytest.mark.parametrize("kind", ["authority", "Municipality", ""])
def test_unknown_actor_kinds_are_refused(kind: str) -> None:
    with pytest.raises(InvalidValue, match="actor kind"):
        actor(kind=kind)


@pytest.mark.parametrize("name", ["", "  "])
def test_an_actor_needs_a_name(name: str) -> None:
    with pytest.raises(InvalidValue, match="name"):
        actor(name=name)


def test_an_actor_may_belong_to_a_region() -> None:
    assert actor(key="kommun-1480", kind="municipality", region="14").region == "14"


def test_an_actor_in_an_unknown_region_is_refused() -> None:
    with pytest.raises(InvalidValue, match="unknown region"):
        actor(key="kommun-9999", kind="municipality", region="99")


@pytest.mark.parametrize("code", list(REGIONS))
def test_region_actors_are_keyed_region_cc(code: str) -> None:
    region = region_actor(code)
    assert (region.key, region.kind, region.region) == (f"region-{code}", "region", code)


@pytest.mark.parametrize(("key", "region"), [("region-14", "12"), ("vgr", "14"), ("region-14", None), ("region-99", "99")])
def test_region_actors_with_another_key_or_without_their_region_are_refused(key: str, region: str | None) -> None:
    with pytest.raises(InvalidValue):
        Actor.register(key=key, name="Region X", kind="region", region=region, **WHO)


# --- renaming -------------------------------------------------------------------------


def test_renaming_keeps_the_former_name() -> None:
    digg = actor(name="E-delegationen")
    digg.rename("Myndigheten för digital förvaltning", **WHO)
    digg.rename("Digg", **WHO)
    assert digg.name == "Digg"
    assert digg.former_names == ["E-delegationen", "Myndigheten för digital förvaltning"]
    event = last_event(digg)
    assert event_name(event) == "ActorRenamed"
    assert event.name == "Digg"


def test_renaming_to_the_same_name_is_refused() -> None:
    digg = actor()
    assert_refused(digg, RuleViolation, digg.rename, digg.name, **WHO, match="already called")


def test_renaming_to_an_empty_name_is_refused() -> None:
    digg = actor()
    assert_refused(digg, InvalidValue, digg.rename, " ", **WHO)


def test_a_merged_actor_cannot_be_renamed() -> None:
    old, new = actor(key="old"), actor(key="new")
    old.merge_into(new, **WHO)
    assert_refused(old, RuleViolation, old.rename, "Another name", **WHO, match="merged into new")


def test_a_region_actor_can_be_renamed() -> None:
    region = region_actor("14")
    region.rename("Västra Götalandsregionen", **WHO)
    assert region.name == "Västra Götalandsregionen"


# --- merging --------------------------------------------------------------------------


def test_merging_points_the_actor_at_its_survivor() -> None:
    old, new = actor(key="old"), actor(key="new")
    old.merge_into(new, **WHO)
    assert old.merged_into == "new"
    assert new.merged_into is None
    event = last_event(old)
    assert event_name(event) == "ActorMerged"
    assert event.into == "new"
    assert len(new.pending_events) == 1, "the survivor records nothing"


def test_an_actor_cannot_be_merged_into_itself() -> None:
    digg = actor()
    assert_refused(digg, RuleViolation, digg.merge_into, digg, **WHO, match="into itself")


def test_an_actor_cannot_be_merged_into_another_instance_of_itself() -> None:
    digg = actor()
    assert_refused(digg, RuleViolation, digg.merge_into, actor(), **WHO, match="into itself")


def test_a_region_actor_cannot_be_merged() -> None:
    region, other = region_actor("14"), actor()
    assert_refused(region, RuleViolation, region.merge_into, other, **WHO, match="regions cannot be merged")


def test_an_actor_cannot_be_merged_into_a_region() -> None:
    digg, region = actor(), region_actor("14")
    assert_refused(digg, RuleViolation, digg.merge_into, region, **WHO, match="regions cannot be merged")


def test_two_regions_cannot_be_merged() -> None:
    a, b = region_actor("14"), region_actor("13")
    assert_refused(a, RuleViolation, a.merge_into, b, **WHO)


def test_an_actor_already_merged_cannot_be_merged_again() -> None:
    old, new, third = actor(key="old"), actor(key="new"), actor(key="third")
    old.merge_into(new, **WHO)
    assert_refused(old, RuleViolation, old.merge_into, third, **WHO, match="merged into new")


def test_an_actor_cannot_be_merged_into_a_merged_actor() -> None:
    old, new, third = actor(key="old"), actor(key="new"), actor(key="third")
    old.merge_into(new, **WHO)
    assert_refused(third, RuleViolation, third.merge_into, old, **WHO, match="merged into new")


# --- portfolio ------------------------------------------------------------------------


def portfolio(region: str = "14") -> Portfolio:
    return Portfolio.open(region=region, **WHO)


def assess(p: Portfolio, year: int = 2021, score: int = 8, light: str = "green", focus: dict[str, str] | None = None) -> None:
    p.assess(year, score, light, {"leadership": "high", "security": "low"} if focus is None else focus, framework=FRAMEWORK, **WHO)


def test_a_portfolio_is_opened_for_a_region() -> None:
    p = portfolio("25")
    assert (p.region, p.assessments, p.coordinator) == ("25", {}, None)
    assert p.id == Portfolio.create_id("25")
    assert event_name(p.pending_events[0]) == "PortfolioOpened"


def test_a_portfolio_for_an_unknown_region_is_refused() -> None:
    with pytest.raises(InvalidValue, match="unknown region"):
        portfolio("02")


def test_a_self_assessment_is_recorded_for_its_year() -> None:
    p = portfolio()
    assess(p)
    assert p.assessments == {2021: Assessment(2021, 8, "green", {"leadership": "high", "security": "low"})}
    event = last_event(p)
    assert event_name(event) == "SelfAssessed"
    assert (event.year, event.score, event.light, event.focus) == (2021, 8, "green", {"leadership": "high", "security": "low"})


@pytest.mark.parametrize("score", [1, 10])
def test_scores_from_1_to_10_are_accepted(score: int) -> None:
    p = portfolio()
    assess(p, score=score)
    assert p.assessments[2021].score == score


@pytest.mark.parametrize("score", [0, 11, -1, 5.5, 8.0, "8", True, None])
def test_scores_outside_1_to_10_or_not_whole_are_refused(score: object) -> None:
    p = portfolio()
    assert_refused(p, InvalidValue, assess, p, score=score, match="score")


@pytest.mark.parametrize("light", ["green", "yellow", "red"])
def test_each_traffic_light_is_accepted(light: str) -> None:
    p = portfolio()
    assess(p, light=light)
    assert p.assessments[2021].light == light


@pytest.mark.parametrize("light", ["amber", "Green", ""])
def test_unknown_traffic_lights_are_refused(light: str) -> None:
    p = portfolio()
    assert_refused(p, InvalidValue, assess, p, light=light, match="traffic light")


@pytest.mark.parametrize("level", FOCUS_LEVELS)
def test_each_focus_level_is_accepted_for_every_area(level: str) -> None:
    p = portfolio()
    assess(p, focus=dict.fromkeys(AREAS, level))
    assert p.assessments[2021].focus == dict.fromkeys(AREAS, level)


def test_an_assessment_may_declare_no_focus_at_all() -> None:
    p = portfolio()
    assess(p, focus={})
    assert p.assessments[2021].focus == {}


@pytest.mark.parametrize("focus", [{"leadership": "very high"}, {"leadership": "High"}, {"welfare": "high"}, {"": "low"}])
def test_unknown_focus_levels_and_areas_are_refused(focus: dict[str, str]) -> None:
    p = portfolio()
    assert_refused(p, InvalidValue, assess, p, focus=focus)


def test_focus_must_be_a_mapping() -> None:
    p = portfolio()
    assert_refused(p, InvalidValue, assess, p, focus=[("leadership", "high")], match="focus")


@pytest.mark.parametrize("year", [1999, 2101])
def test_assessment_years_out_of_range_are_refused(year: int) -> None:
    p = portfolio()
    assert_refused(p, InvalidValue, assess, p, year=year, match="out of range")


def test_a_repeated_assessment_for_the_same_year_replaces_the_earlier_one() -> None:
    p = portfolio()
    assess(p, year=2021, score=5, light="red")
    assess(p, year=2022, score=6, light="yellow")
    assess(p, year=2021, score=7, light="green", focus={})
    assert sorted(p.assessments) == [2021, 2022]
    assert p.assessments[2021] == Assessment(2021, 7, "green", {})
    assert p.assessments[2022].score == 6
    assert len(p.pending_events) == 4, "the replacement is itself recorded"


def test_the_assessment_keeps_its_own_copy_of_the_focus() -> None:
    p = portfolio()
    focus = {"leadership": "high"}
    assess(p, focus=focus)
    focus["security"] = "high"
    assert p.assessments[2021].focus == {"leadership": "high"}


def test_a_coordinator_is_assigned_by_user_id_and_can_be_replaced() -> None:
    p = portfolio()
    p.assign_coordinator("coord-14", **WHO)
    assert p.coordinator == "coord-14"
    event = last_event(p)
    assert event_name(event) == "CoordinatorAssigned"
    assert event.user == "coord-14"
    p.assign_coordinator("coord-14b", by="admin", effective=date(2024, 6, 1))
    assert p.coordinator == "coord-14b"


def test_assigning_the_current_coordinator_again_is_refused() -> None:
    p = portfolio()
    p.assign_coordinator("coord-14", **WHO)
    assert_refused(p, RuleViolation, p.assign_coordinator, "coord-14", **WHO, match="already the coordinator")


def test_a_coordinator_needs_a_user_id() -> None:
    p = portfolio()
    assert_refused(p, InvalidValue, p.assign_coordinator, "", **WHO, match="user id")
