"""Stateful property tests.

1. `InitiativeMachine` drives one Initiative through random commands (allowed and
   refused), keeps a model of what docs/definitions.md (lifecycle) says should happen, and after every step
   checks that
   - each command was allowed exactly when the model says so, and a refused one recorded
     nothing and changed nothing;
   - the live aggregate equals the one rebuilt by the library from its stored events
     (saved into an in-memory application and read back with `repository.get`);
   - the read side's lenient fold (catalogue.initiative.apply_to_initiative over facts) agrees with it;
   - areas are never empty nor duplicated, the status is one of the six, the lead region
     never takes part explicitly.
2. `CoverageMachine` grows a set of initiative facts and checks `tally`, `area_medians`
   and `gap_kind` against a naive reference written straight from docs/definitions.md.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from kompass.application.app import PortfolioApplication
from kompass.application.catalogue.initiative import apply_to_initiative
from kompass.application.facts import fact_from_event
from kompass.domain.coverage import InitiativeFacts, area_medians, gap_kind, tally
from kompass.domain.errors import KompassError, RuleViolation
from kompass.domain.initiative import Initiative
from kompass.domain.status import STATUSES
from kompass.domain.vocabulary import FUNDING_SOURCES, PARTICIPANT_ROLES, REGIONS, RESULT_TYPES
from tests.unit.helpers import AREAS, FRAMEWORK, initiative_state, public_state

MACHINE_SETTINGS = settings(max_examples=60, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ACTORS = ("digg", "vinnova", "kommun-1480", "region-14", "region-12")
INDICATORS = ("open-data", "trained-staff")
WHO: dict[str, Any] = {"by": "coord", "effective": date(2023, 5, 17)}
DATES = st.dates(min_value=date(2018, 1, 1), max_value=date(2025, 12, 31))

# --- the model: the lifecycle of docs/definitions.md written out again, independently of kompass.domain.status ---

RANK = {"proposed": 0, "planned": 1, "active": 2, "completed": 3}


def move_allowed(current: str, target: str, paused_from: str | None) -> bool:
    if target not in STATUSES or target == current or current in ("completed", "cancelled"):
        return False
    if target == "cancelled":
        return True
    if current == "paused":
        return target == paused_from
    if target == "paused":
        return current in ("planned", "active")
    return RANK[target] > RANK[current]


class InitiativeMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.app = PortfolioApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
        self.initiative: Initiative
        self.model: dict[str, Any] = {}

    @initialize(
        region=st.sampled_from(["14", "12"]),
        areas=st.lists(st.sampled_from(AREAS), min_size=1, max_size=5, unique=True),
    )
    def propose(self, region: str, areas: list[str]) -> None:
        self.initiative = Initiative.propose(
            ref=f"{region}-machine", region=region, title="A", areas=areas, type="project", framework=FRAMEWORK, **WHO
        )
        self.model = {
            "lead": f"region-{region}",
            "areas": list(areas),
            "status": "proposed",
            "paused_from": None,
            "before_final": None,
            "participants": {},
            "budget": 0,
            "results": [],
            "title": "A",
            "description": "",
            "indicators": {},
        }

    # --- carrying out a command and checking the outcome against the model -----------

    def attempt(self, allowed: bool, command: Any, *args: Any, **kwargs: Any) -> bool:
        initiative = self.initiative
        pending = len(initiative.pending_events)
        before = public_state(initiative)
        try:
            command(*args, **kwargs)
        except KompassError as error:
            assert isinstance(error, RuleViolation) or type(error).__name__ == "NotFound", error
            assert not allowed, f"refused although the lifecycle allows it: {error}"
            assert len(initiative.pending_events) == pending, "a refused command recorded an event"
            assert public_state(initiative) == before, "a refused command changed the initiative"
            return False
        assert allowed, "allowed although the lifecycle refuses it"
        assert len(initiative.pending_events) == pending + 1, "a command records exactly one event"
        return True

    @rule(area=st.sampled_from(AREAS))
    def tag(self, area: str) -> None:
        if self.attempt(area not in self.model["areas"], self.initiative.tag, area, framework=FRAMEWORK, **WHO):
            self.model["areas"].append(area)

    @rule(area=st.sampled_from(AREAS))
    def untag(self, area: str) -> None:
        areas = self.model["areas"]
        if self.attempt(area in areas and len(areas) > 1, self.initiative.untag, area, **WHO):
            areas.remove(area)

    @rule(status=st.sampled_from((*STATUSES, "bogus")))
    def move(self, status: str) -> None:
        m = self.model
        current = m["status"]
        if self.attempt(move_allowed(current, status, m["paused_from"]), self.initiative.change_status, status, **WHO):
            if status == "paused":
                m["paused_from"] = current
            elif current == "paused" and status != "cancelled":
                m["paused_from"] = None
            if status in ("completed", "cancelled"):
                m["before_final"] = current
            m["status"] = status

    @precondition(lambda self: self.model)
    @rule(choices=st.lists(st.sampled_from(range(60)), min_size=1, max_size=3))
    def walk(self, choices: list[int]) -> None:
        """One to three steps through the life cycle that the model allows, reopening final ones
        (random moves are mostly refused; this reaches every corner of the graph)."""
        m = self.model
        for choice in choices:
            if m["status"] in ("completed", "cancelled"):
                self.reopen("walking on")
                continue
            targets = [s for s in STATUSES if move_allowed(m["status"], s, m["paused_from"])]
            self.move(targets[choice % len(targets)])

    @precondition(lambda self: self.model and self.model["status"] in ("completed", "cancelled"))
    @rule()
    def reopen_with_a_reason(self) -> None:
        self.reopen("second phase")

    @rule(reason=st.sampled_from(["", "  ", "money found"]))
    def reopen(self, reason: str) -> None:
        m = self.model
        allowed = m["status"] in ("completed", "cancelled") and bool(reason.strip())
        if self.attempt(allowed, self.initiative.reopen, reason=reason, **WHO):
            m["status"] = m["before_final"]

    @rule(actor=st.sampled_from(ACTORS), role=st.sampled_from((*PARTICIPANT_ROLES, "member")))
    def join(self, actor: str, role: str) -> None:
        m = self.model
        allowed = role in PARTICIPANT_ROLES and actor != m["lead"] and actor not in m["participants"]
        if self.attempt(allowed, self.initiative.join, actor, role, **WHO):
            m["participants"][actor] = role

    @rule(actor=st.sampled_from(ACTORS))
    def leave(self, actor: str) -> None:
        if self.attempt(actor in self.model["participants"], self.initiative.leave, actor, **WHO):
            del self.model["participants"][actor]

    @rule(
        source=st.sampled_from(FUNDING_SOURCES),
        amount=st.integers(min_value=-10, max_value=10**8),
        year=st.integers(min_value=1995, max_value=2105),
    )
    def fund(self, source: str, amount: int, year: int) -> None:
        allowed = amount >= 0 and 2000 <= year <= 2100
        if self.attempt(allowed, self.initiative.fund, source, amount, year, **WHO):
            self.model["budget"] += amount

    @rule(type_=st.sampled_from((*RESULT_TYPES, "impact")), text=st.sampled_from(["", "Twelve municipalities"]))
    def result(self, type_: str, text: str) -> None:
        if self.attempt(type_ in RESULT_TYPES and bool(text), self.initiative.record_result, type_, text, **WHO):
            self.model["results"].append((type_, text))

    @rule(title=st.sampled_from(["A", "B", " "]), description=st.sampled_from([None, "", "about"]))
    def retitle(self, title: str, description: str | None) -> None:
        m = self.model
        new_description = m["description"] if description is None else description
        allowed = bool(title.strip()) and (title, new_description) != (m["title"], m["description"])
        if self.attempt(allowed, self.initiative.retitle, title, description, **WHO):
            m["title"], m["description"] = title, new_description

    @rule(name=st.sampled_from(INDICATORS), goal=st.integers(min_value=0, max_value=100))
    def define_indicator(self, name: str, goal: int) -> None:
        if self.attempt(name not in self.model["indicators"], self.initiative.define_indicator, name, goal, "%", **WHO):
            self.model["indicators"][name] = (goal, [])

    @rule(name=st.sampled_from(INDICATORS), value=st.floats(min_value=0, max_value=100), on=DATES)
    def measure(self, name: str, value: float, on: date) -> None:
        if self.attempt(name in self.model["indicators"], self.initiative.measure, name, value, by="coord", effective=on):
            self.model["indicators"][name][1].append((on, value))

    @precondition(lambda self: self.model)
    @rule()
    def save(self) -> None:
        """Store the pending events now and then, so replays start from a saved prefix too."""
        self.app.save(self.initiative)

    # --- invariants ---------------------------------------------------------------

    @invariant()
    def the_aggregate_matches_the_model(self) -> None:
        i, m = self.initiative, self.model
        assert i.areas == m["areas"]
        assert i.status == m["status"]
        assert i.participants == m["participants"]
        assert sum(line.amount_sek for line in i.funding) == m["budget"]
        assert [(r.type, r.text) for r in i.results] == m["results"]
        assert (i.title, i.description) == (m["title"], m["description"])
        assert {k: (v.target, v.measurements) for k, v in i.indicators.items()} == m["indicators"]
        if i.status == "paused":
            assert i.paused_from == m["paused_from"]

    @invariant()
    def the_state_is_always_well_formed(self) -> None:
        i = self.initiative
        assert i.areas, "areas are never empty"
        assert len(set(i.areas)) == len(i.areas), "areas are never duplicated"
        assert set(i.areas) <= set(AREAS)
        assert i.status in STATUSES
        assert i.lead_actor not in i.participants, "the lead region never takes part explicitly"
        if i.status == "paused":
            assert i.paused_from in ("planned", "active")
        if i.status in ("completed", "cancelled"):
            assert i.status_before is not None and i.status_before not in ("completed", "cancelled")
        assert all(line.amount_sek >= 0 and 2000 <= line.year <= 2100 for line in i.funding)

    @invariant()
    def replaying_the_stored_events_rebuilds_the_same_initiative(self) -> None:
        i = self.initiative
        self.app.save(i)
        rebuilt: Initiative = self.app.repository.get(i.id)
        assert initiative_state(rebuilt) == initiative_state(i)
        assert rebuilt.proposed_on == i.proposed_on

    @invariant()
    def the_lenient_read_side_fold_agrees_with_the_aggregate(self) -> None:
        i = self.initiative
        self.app.save(i)
        notifications = self.app.recorder.select_notifications(start=1, limit=10_000)
        record = None
        for n in notifications:
            record = apply_to_initiative(record, fact_from_event(self.app.mapper.to_domain_event(n), n.id))
        assert record is not None
        assert record.areas == i.areas
        assert record.status == i.status
        assert record.status_before == i.status_before
        assert record.paused_from == i.paused_from
        assert record.participants == i.participants
        assert record.budget_sek == sum(line.amount_sek for line in i.funding)
        assert (record.title, record.description) == (i.title, i.description)
        assert [(r["type"], r["text"]) for r in record.results] == [(r.type, r.text) for r in i.results]
        assert {k: [tuple(x) for x in v["measurements"]] for k, v in record.indicators.items()} == {
            k: [(on.isoformat(), value) for on, value in v.measurements] for k, v in i.indicators.items()
        }


InitiativeMachine.TestCase.settings = MACHINE_SETTINGS
TestInitiativeMachine = InitiativeMachine.TestCase


# --- coverage ------------------------------------------------------------------------

REGION_CODES = tuple(REGIONS)
COUNTING = ("active", "completed")
PIPELINE = ("proposed", "planned")


def reference_coverage(
    facts: list[InitiativeFacts],
) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[str, tuple[int, Fraction]], dict[tuple[str, str], str | None]]:
    """docs/definitions.md computed the slow, obvious way."""
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for region in REGION_CODES:
        for area in AREAS:
            counting = [f for f in facts if f.status in COUNTING and region in f.regions and area in f.areas]
            pipeline = [f for f in facts if f.status in PIPELINE and region in f.regions and area in f.areas]
            cells[(region, area)] = {
                "initiatives": len(counting),
                "weighted": sum((Fraction(1, len(f.areas)) for f in counting), Fraction(0)),
                "pipeline": len(pipeline),
                "budget": sum((Fraction(f.budget_sek) / len(f.areas) for f in counting), Fraction(0)),
                "actors": set().union(*(f.actors for f in counting)),
            }
    national: dict[str, tuple[int, Fraction]] = {}
    gaps: dict[tuple[str, str], str | None] = {}
    for area in AREAS:
        distinct = {f.key: f for f in facts if f.status in COUNTING and area in f.areas}
        national[area] = (len(distinct), sum((Fraction(1, len(f.areas)) for f in distinct.values()), Fraction(0)))
        median = sorted(cells[(r, area)]["weighted"] for r in REGION_CODES)[10]  # the 11th smallest of 21
        for region in REGION_CODES:
            cell = cells[(region, area)]
            if cell["initiatives"] == 0:
                gaps[(region, area)] = "absent" if cell["pipeline"] == 0 else "pipeline_only"
            elif median > 0 and 2 * cell["weighted"] < median:
                gaps[(region, area)] = "thin"
            else:
                gaps[(region, area)] = None
    return cells, national, gaps


facts_strategy = st.builds(
    lambda regions, areas, status, budget, actors: (regions, tuple(areas), status, budget, frozenset(actors)),
    regions=st.sets(st.sampled_from(REGION_CODES), min_size=1, max_size=21),
    areas=st.lists(st.sampled_from(AREAS), min_size=1, max_size=5, unique=True),
    status=st.sampled_from(STATUSES),
    budget=st.integers(min_value=0, max_value=5_000_001),
    actors=st.sets(st.sampled_from(("digg", "vinnova", "gu", "region-14")), max_size=3),
)


class CoverageMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.facts: list[InitiativeFacts] = []

    @rule(data=facts_strategy)
    def add_initiative(self, data: tuple[Any, ...]) -> None:
        regions, areas, status, budget, actors = data
        self.facts.append(
            InitiativeFacts(
                key=f"i{len(self.facts)}", regions=frozenset(regions), areas=areas, status=status, budget_sek=budget, actors=actors
            )
        )

    @precondition(lambda self: self.facts)
    @rule(index=st.integers(min_value=0), status=st.sampled_from(STATUSES))
    def change_status(self, index: int, status: str) -> None:
        old = self.facts[index % len(self.facts)]
        self.facts[index % len(self.facts)] = InitiativeFacts(
            key=old.key, regions=old.regions, areas=old.areas, status=status, budget_sek=old.budget_sek, actors=old.actors
        )

    @invariant()
    def tally_and_gaps_match_the_reference(self) -> None:
        cells, national = tally(self.facts, REGION_CODES, AREAS)
        expected_cells, expected_national, expected_gaps = reference_coverage(self.facts)
        for key, cell in cells.items():
            expected = expected_cells[key]
            assert (cell.initiatives, cell.weighted, cell.pipeline, cell.budget, cell.actors) == (
                expected["initiatives"],
                expected["weighted"],
                expected["pipeline"],
                expected["budget"],
                expected["actors"],
            ), key
        for area, figures in national.items():
            assert (figures.initiatives, figures.weighted) == expected_national[area]
        medians = area_medians({k: c.weighted for k, c in cells.items()}, AREAS, REGION_CODES)
        for (region, area), cell in cells.items():
            assert gap_kind(cell.initiatives, cell.pipeline, cell.weighted, medians[area]) == expected_gaps[(region, area)]


CoverageMachine.TestCase.settings = settings(MACHINE_SETTINGS, max_examples=40, stateful_step_count=15)
TestCoverageMachine = CoverageMachine.TestCase
