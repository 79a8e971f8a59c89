"""The straight way of working out an aggregate's versions gives exactly the general way's rectangles, in order.

`bitemporal.versions` takes a shortcut for an aggregate whose every fact is recorded after the one before and
takes effect no earlier (`_straight`): each fact then changes only the row's last cell or adds one. Here random
initiatives of that kind (same-day facts, facts that change nothing, areas tagged and untagged back) are worked
out both ways; the property tests of the bitemporal rows (tests/integration/test_bitemporal_property.py) compare
either with a replay of the log.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from kompass.application.bitemporal import _in_general, remembered_time_key, versions
from kompass.application.facts import Fact
from kompass.domain.identity import portfolio_id

AREAS = ("security", "competence", "innovation")
CHANGES: list[tuple[str, Any]] = [
    ("StatusChanged", st.fixed_dictionaries({"status": st.sampled_from(("active", "paused", "completed")), "reason": st.just("")})),
    ("AreaTagged", st.fixed_dictionaries({"area": st.sampled_from(AREAS)})),
    ("AreaUntagged", st.fixed_dictionaries({"area": st.sampled_from(AREAS)})),
    ("FundingAdded", st.fixed_dictionaries({"source": st.just("vinnova"), "amount_sek": st.integers(0, 3), "year": st.just(2021)})),
    ("ActorJoined", st.fixed_dictionaries({"actor": st.sampled_from(("a", "b")), "role": st.just("partner")})),
]
PROPOSED = {"ref": "01-2021-0000001", "region": "01", "title": "Insats", "description": "", "areas": ["security"],
            "type": "analysis", "orientation": "internal", "roles": ["strategist"]}
AGGREGATE = UUID(int=7)
PORTFOLIO = portfolio_id("01")
START = datetime(2021, 1, 1, tzinfo=UTC)

changes = st.one_of(*(st.tuples(st.just(name), data) for name, data in CHANGES))
"""A later fact of the initiative: its type and data."""


@st.composite
def straight_facts(draw: st.DrawFn) -> list[Fact]:
    """An initiative's facts, each recorded after the one before and effective no earlier (often the same day)."""
    later = draw(st.lists(st.tuples(changes, st.integers(0, 2), st.integers(1, 10**6)), max_size=12))
    day, moment = date(2021, 1, 1) + timedelta(days=draw(st.integers(0, 3))), START
    facts = [Fact(1, moment, day, "u", "initiative", AGGREGATE, 1, "InitiativeProposed", dict(PROPOSED))]
    for n, ((kind, data), days, microseconds) in enumerate(later, 2):
        day, moment = day + timedelta(days=days), moment + timedelta(microseconds=microseconds)
        facts.append(Fact(n, moment, day, "u", "initiative", AGGREGATE, n, kind, dict(data)))
    return facts


PORTFOLIO_CHANGES = st.one_of(
    st.tuples(st.just("CoordinatorAssigned"), st.fixed_dictionaries({"user": st.sampled_from(("anna", "bo"))})),
    st.tuples(st.just("SelfAssessed"), st.fixed_dictionaries(
        {"year": st.sampled_from((2021, 2022)), "score": st.integers(1, 2), "light": st.just("green"), "focus": st.just({})}
    )),
)
"""A region's portfolio: nothing to show until it has a coordinator or an assessment, and a coordinator given
back on the same day brings the cell before back (the straight way's merge)."""


@st.composite
def straight_portfolio(draw: st.DrawFn) -> list[Fact]:
    later = draw(st.lists(st.tuples(PORTFOLIO_CHANGES, st.integers(0, 1), st.integers(1, 10**6)), max_size=12))
    day, moment = date(2021, 1, 1), START
    facts = [Fact(1, moment, day, "u", "portfolio", PORTFOLIO, 1, "PortfolioOpened", {"region": "01"})]
    for n, ((kind, data), days, microseconds) in enumerate(later, 2):
        day, moment = day + timedelta(days=days), moment + timedelta(microseconds=microseconds)
        facts.append(Fact(n, moment, day, "u", "portfolio", PORTFOLIO, n, kind, dict(data)))
    return facts


@given(straight_facts() | straight_portfolio())
def test_the_straight_way_gives_the_general_ways_rectangles(facts: list[Fact]) -> None:
    recorded = [remembered_time_key(f.recorded_at) for f in facts]
    assert versions(facts) == _in_general(facts, recorded)


def test_a_coordinator_given_back_on_the_same_day_merges_the_cells() -> None:
    """Anna on the 1st, Bo on the 2nd, Anna again on the 2nd: the cell from the 2nd goes, the 1st's runs on."""
    opened = Fact(1, START, date(2021, 1, 1), "u", "portfolio", PORTFOLIO, 1, "PortfolioOpened", {"region": "01"})
    steps = [(date(2021, 1, 1), "anna"), (date(2021, 1, 2), "bo"), (date(2021, 1, 2), "anna")]
    facts = [opened] + [
        Fact(n, START + timedelta(seconds=n), day, "u", "portfolio", PORTFOLIO, n, "CoordinatorAssigned", {"user": user})
        for n, (day, user) in enumerate(steps, 2)
    ]
    recorded = [remembered_time_key(f.recorded_at) for f in facts]
    found = versions(facts)
    assert found == _in_general(facts, recorded)
    assert [(v.eff_from, v.eff_to, v.rec_to is None) for v in found][-1] == ("2021-01-01", None, True)


def test_facts_on_the_last_cells_day_change_that_cell() -> None:
    """Tagged on the 2nd, untagged again on the 3rd, then retagged on the 3rd: the cell from the 3rd changes twice."""
    proposed = Fact(1, START, date(2021, 1, 1), "u", "initiative", AGGREGATE, 1, "InitiativeProposed", dict(PROPOSED))
    steps = [(date(2021, 1, 2), "AreaTagged"), (date(2021, 1, 3), "AreaUntagged"), (date(2021, 1, 3), "AreaTagged")]
    facts = [proposed] + [
        Fact(n, START + timedelta(seconds=n), day, "u", "initiative", AGGREGATE, n, kind, {"area": "innovation"})
        for n, (day, kind) in enumerate(steps, 2)
    ]
    recorded = [remembered_time_key(f.recorded_at) for f in facts]
    found = versions(facts)
    assert found == _in_general(facts, recorded)
    assert len({(v.eff_from, v.eff_to) for v in found}) >= 3
