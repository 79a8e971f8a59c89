"""Handlers, sessions and permissions, through the service on the library's in-memory store.

`Kompass.execute` saves through the eventsourcing application (POPO persistence);
imports go through an appender, faked here with one that stores a whole file's events
only when the transaction ends without an error (as the SQL appender does).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from kompass.application import commands as c
from kompass.application.app import PortfolioApplication
from kompass.application.handlers import handle
from kompass.application.permissions import Access, Grants, OpenAccess
from kompass.application.ports import AppendTransaction, AtomicAppender, UserDirectory
from kompass.application.service import Kompass, LineRefused
from kompass.domain.errors import (
    AlreadyExists,
    ConcurrentChange,
    InvalidValue,
    KompassError,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from kompass.domain.recording import actor_id, initiative_id
from kompass.domain.vocabulary import REGIONS
from tests.unit.helpers import FRAMEWORK, event_name

TODAY = date(2024, 6, 30)
SINCE = date(2000, 1, 1)
"""When the fixture's actors and initiatives begin: the tests back-date changes to them as far as 2000."""
ADMIN = OpenAccess("admin")


def grants(user: str, *roles: str, regions: tuple[str, ...] = ()) -> Access:
    return Access(Grants(user=user, roles=frozenset(roles), regions=frozenset(regions)))


COORD_14 = grants("coord-14", "coordinator", regions=("14",))
COORD_12 = grants("coord-12", "coordinator", regions=("12",))
ANALYST = grants("ana", "analyst")
AUDITOR = grants("audit", "auditor")


class Directory(UserDirectory):
    """The user register of these tests: the users above hold their roles."""

    def __init__(self, *known: Access) -> None:
        self.known = {access.user: access.grants for access in known}

    def grants_of(self, user: str) -> Grants:
        return self.known.get(user, Grants(user))


USERS = Directory(ADMIN, COORD_14, COORD_12, ANALYST, AUDITOR)


class MemoryTransaction(AppendTransaction):
    """Appends events to a list; `get` and `get_many` read the store as this transaction sees it."""

    def __init__(self, app: PortfolioApplication) -> None:
        self.app = app
        self.events: list[Any] = []

    def __call__(self, events: Sequence[Any], recorded_by: Sequence[str | None] | None = None) -> None:
        self.events.extend(events)

    def get(self, aggregate_id: UUID) -> Any:
        try:
            aggregate: Any = self.app.repository.get(aggregate_id)
        except AggregateNotFoundError:
            aggregate = None
        for event in self.events:
            if event.originator_id == aggregate_id and (aggregate is None or event.originator_version > aggregate.version):
                aggregate = event.mutate(aggregate)
        if aggregate is None:
            raise AggregateNotFoundError(aggregate_id)
        return aggregate

    def get_many(self, aggregate_ids: Collection[UUID]) -> dict[UUID, Any]:
        found: dict[UUID, Any] = {}
        for aggregate_id in aggregate_ids:
            try:
                found[aggregate_id] = self.get(aggregate_id)
            except AggregateNotFoundError:
                found[aggregate_id] = None
        return found


class MemoryAppender(AtomicAppender):
    """Stores a transaction's events only when it ends without an error."""

    def __init__(self, app: PortfolioApplication) -> None:
        self.app = app

    @contextmanager
    def transaction(self, *, restore: bool = False) -> Iterator[MemoryTransaction]:
        append = MemoryTransaction(self.app)
        yield append
        try:
            self.app.recorder.insert_events([self.app.mapper.to_stored_event(e) for e in append.events])
        except IntegrityError:
            raise ConcurrentChange("someone else was first") from None


@pytest.fixture
def app() -> PortfolioApplication:
    return PortfolioApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


@pytest.fixture
def kompass(app: PortfolioApplication) -> Kompass:
    service = Kompass(app, MemoryAppender(app), FRAMEWORK, today=lambda: TODAY, users=USERS)
    assert service.initialise(None, by="admin")
    for key, kind, region in [("digg", "agency", None), ("vinnova", "agency", None), ("kommun-1480", "municipality", "14")]:
        service.execute(c.RegisterActor(key=key, name=key.title(), kind=kind, region=region, effective=SINCE), ADMIN)
    for ref, region in [("14-open", "14"), ("12-skills", "12")]:
        service.execute(
            c.ProposeInitiative(
                ref=ref, region=region, title=f"Initiative {ref}", areas=("security", "competence"), type="project", effective=SINCE
            ),
            ADMIN,
        )
    return service


def head(app: PortfolioApplication) -> int:
    return app.recorder.max_notification_id() or 0


def stored_events(app: PortfolioApplication, after: int = 0) -> list[Any]:
    return [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(start=after + 1, limit=10_000)]


def initiative(kompass: Kompass, ref: str = "14-open") -> Any:
    return kompass.app.repository.get(initiative_id(ref))


def actor(kompass: Kompass, key: str) -> Any:
    return kompass.app.repository.get(actor_id(key))


def refused(kompass: Kompass, error: type[BaseException], command: c.Command, access: Access = ADMIN, match: str | None = None) -> Any:
    """The command is refused with `error` and nothing is written."""
    before = head(kompass.app)
    with pytest.raises(error, match=match) as info:
        kompass.execute(command, access)
    assert head(kompass.app) == before, "a refused command wrote events"
    return info.value


# --- the service on the in-memory store -----------------------------------------------------


def test_initialising_registers_the_21_regions_once(app: PortfolioApplication) -> None:
    service = Kompass(app, MemoryAppender(app), FRAMEWORK, today=lambda: TODAY)
    assert not service.is_initialised()
    assert service.initialise("admin", by="root") is True
    assert head(app) == 2 * len(REGIONS) + 1  # and the first admin's grant
    assert service.is_initialised()
    assert service.initialise("mallory", by="mallory") is False
    assert head(app) == 2 * len(REGIONS) + 1
    session = service.session()
    for code in REGIONS:
        assert session.actor(f"region-{code}").kind == "region"
        assert session.portfolio(code).region == code


def test_a_command_is_saved_and_reloads_from_the_store(kompass: Kompass) -> None:
    kompass.execute(c.ChangeStatus(ref="14-open", status="active", reason="started"), ADMIN)
    reloaded = initiative(kompass)
    assert reloaded.status == "active"
    assert reloaded.status_before == "proposed"
    event = stored_events(kompass.app)[-1]
    assert event_name(event) == "StatusChanged"
    assert (event.by, event.effective) == ("admin", TODAY)


def test_proposing_a_ref_that_exists_is_refused(kompass: Kompass) -> None:
    refused(kompass, AlreadyExists, c.ProposeInitiative(ref="14-open", region="14", title="t", areas=("security",), type="project"))


def test_registering_a_key_that_exists_is_refused(kompass: Kompass) -> None:
    refused(kompass, AlreadyExists, c.RegisterActor(key="digg", name="Digg", kind="agency"))
    refused(kompass, AlreadyExists, c.RegisterActor(key="region-14", name="VGR", kind="region", region="14"))


def test_unknown_initiatives_and_actors_are_not_found(kompass: Kompass) -> None:
    refused(kompass, NotFound, c.ChangeStatus(ref="nope", status="active"))
    refused(kompass, NotFound, c.JoinInitiative(ref="14-open", actor="nobody"))
    refused(kompass, NotFound, c.RenameActor(key="nobody", name="x"))
    refused(kompass, NotFound, c.MergeActor(key="digg", into="nobody"))


def test_a_domain_refusal_through_the_service_writes_nothing(kompass: Kompass) -> None:
    refused(kompass, RuleViolation, c.ChangeStatus(ref="14-open", status="proposed"))
    refused(kompass, RuleViolation, c.UntagArea(ref="14-open", area="innovation"))
    refused(kompass, RuleViolation, c.JoinInitiative(ref="14-open", actor="region-14"))


def test_a_refused_command_leaves_the_session_unchanged(kompass: Kompass) -> None:
    session = kompass.session()
    with pytest.raises(RuleViolation):
        handle(c.TagArea(ref="14-open", area="security"), session, ADMIN)
    assert session.changed() == []
    assert session.collect_events() == []


def test_commands_in_one_session_see_each_other(kompass: Kompass) -> None:
    session = kompass.session()
    handle(c.ProposeInitiative(ref="14-new", region="14", title="New", areas=("leadership",), type="analysis"), session, ADMIN)
    handle(c.JoinInitiative(ref="14-new", actor="digg", role="expert"), session, ADMIN)
    events = session.collect_events()
    assert [event_name(e) for e in events] == ["InitiativeProposed", "ActorJoined"]
    assert session.changed() == []


def test_execute_gives_up_with_a_concurrent_change_after_retrying(kompass: Kompass, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    @contextmanager
    def conflicting_transaction() -> Iterator[Any]:
        calls.append(1)
        yield lambda events: None
        raise ConcurrentChange("someone else was first")

    monkeypatch.setattr(kompass.appender, "transaction", conflicting_transaction)
    with pytest.raises(ConcurrentChange) as info:
        kompass.execute(c.ChangeStatus(ref="14-open", status="active"), ADMIN)
    assert info.value.exit_code == 3
    assert len(calls) > 1, "the command is retried on fresh state"


def test_an_initiative_with_hundreds_of_events_saves_and_reloads(kompass: Kompass) -> None:
    # Guards against snapshots of aggregates holding values the transcoder cannot encode
    # (FundingLine, Result, Indicator), which once broke the save of the 200th event.
    session = kompass.session()
    initiative_ = session.initiative("14-open")
    initiative_.define_indicator("n", 100, "st", by="admin", effective=TODAY)
    for n in range(210):
        initiative_.fund("erdf", n, 2022, by="admin", effective=TODAY)
        initiative_.measure("n", n, by="admin", effective=TODAY)
    initiative_.record_result("direct", "done", by="admin", effective=TODAY)
    kompass.app.save(initiative_)
    reloaded = initiative(kompass)
    assert reloaded.version == initiative_.version > 400
    assert reloaded.funding == initiative_.funding
    assert reloaded.indicators == initiative_.indicators
    assert reloaded.results == initiative_.results
    kompass.execute(c.FundInitiative(ref="14-open", source="erdf", amount_sek=1, year=2023), ADMIN)


# --- merged actors ---------------------------------------------------------------------------


def merge(kompass: Kompass, key: str, into: str) -> None:
    kompass.execute(c.MergeActor(key=key, into=into), ADMIN)


def test_joining_a_merged_actor_joins_its_survivor(kompass: Kompass) -> None:
    merge(kompass, "vinnova", "digg")
    kompass.execute(c.JoinInitiative(ref="14-open", actor="vinnova", role="funder"), ADMIN)
    assert initiative(kompass).participants == {"digg": "funder"}


def test_joining_the_survivor_when_the_merged_actor_already_takes_part_is_refused(kompass: Kompass) -> None:
    kompass.execute(c.JoinInitiative(ref="14-open", actor="vinnova", role="funder"), ADMIN)
    merge(kompass, "vinnova", "digg")
    refused(kompass, AlreadyExists, c.JoinInitiative(ref="14-open", actor="digg", role="partner"), match="already takes part")


def test_joining_the_merged_actor_when_it_already_takes_part_is_refused(kompass: Kompass) -> None:
    kompass.execute(c.JoinInitiative(ref="14-open", actor="vinnova", role="funder"), ADMIN)
    merge(kompass, "vinnova", "digg")
    refused(kompass, AlreadyExists, c.JoinInitiative(ref="14-open", actor="vinnova", role="partner"))


def test_leaving_by_the_survivor_ends_a_participation_recorded_under_the_merged_key(kompass: Kompass) -> None:
    kompass.execute(c.JoinInitiative(ref="14-open", actor="vinnova", role="funder"), ADMIN)
    merge(kompass, "vinnova", "digg")
    kompass.execute(c.LeaveInitiative(ref="14-open", actor="digg"), ADMIN)
    assert initiative(kompass).participants == {}


def test_leaving_by_the_merged_key_ends_the_survivors_participation(kompass: Kompass) -> None:
    merge(kompass, "vinnova", "digg")
    kompass.execute(c.JoinInitiative(ref="14-open", actor="digg", role="partner"), ADMIN)
    kompass.execute(c.LeaveInitiative(ref="14-open", actor="vinnova"), ADMIN)
    assert initiative(kompass).participants == {}


@pytest.mark.parametrize("leaving", ["digg", "vinnova"])
def test_leaving_ends_every_participation_that_resolves_to_the_same_actor(kompass: Kompass, leaving: str) -> None:
    # Both took part before the merge: afterwards they are one actor, and one `leave` ends it.
    kompass.execute(c.JoinInitiative(ref="14-open", actor="vinnova", role="funder"), ADMIN)
    kompass.execute(c.JoinInitiative(ref="14-open", actor="digg", role="partner"), ADMIN)
    merge(kompass, "vinnova", "digg")
    kompass.execute(c.LeaveInitiative(ref="14-open", actor=leaving), ADMIN)
    assert initiative(kompass).participants == {}
    kompass.execute(c.JoinInitiative(ref="14-open", actor="digg", role="expert"), ADMIN)
    assert initiative(kompass).participants == {"digg": "expert"}


def test_leaving_an_initiative_the_actor_does_not_take_part_in_is_refused(kompass: Kompass) -> None:
    refused(kompass, NotFound, c.LeaveInitiative(ref="14-open", actor="digg"), match="does not take part")


def test_merging_into_a_merged_actor_merges_into_its_survivor(kompass: Kompass) -> None:
    merge(kompass, "vinnova", "digg")
    merge(kompass, "kommun-1480", "vinnova")
    assert actor(kompass, "kommun-1480").merged_into == "digg"


def test_merging_an_actor_into_one_that_was_merged_into_it_is_refused(kompass: Kompass) -> None:
    merge(kompass, "vinnova", "digg")
    refused(kompass, RuleViolation, c.MergeActor(key="digg", into="vinnova"), match="into itself")


def test_a_merged_actor_cannot_be_merged_or_renamed_again(kompass: Kompass) -> None:
    merge(kompass, "vinnova", "digg")
    refused(kompass, RuleViolation, c.MergeActor(key="vinnova", into="kommun-1480"), match="merged into digg")
    refused(kompass, RuleViolation, c.RenameActor(key="vinnova", name="Vinnova 2"), match="merged into digg")


def test_merging_keeps_both_actors_histories(kompass: Kompass) -> None:
    merge(kompass, "vinnova", "digg")
    assert actor(kompass, "vinnova").key == "vinnova"
    assert actor(kompass, "vinnova").merged_into == "digg"
    assert actor(kompass, "digg").merged_into is None


def test_the_lead_region_cannot_be_joined_explicitly_through_the_service(kompass: Kompass) -> None:
    refused(kompass, RuleViolation, c.JoinInitiative(ref="12-skills", actor="region-12", role="partner"), match="leads")
    kompass.execute(c.JoinInitiative(ref="12-skills", actor="region-14", role="partner"), ADMIN)
    assert initiative(kompass, "12-skills").participants == {"region-14": "partner"}


# --- permissions ---------------------------------------------------------------------------


def test_grants_and_open_access() -> None:
    assert OpenAccess().grants.is_admin
    assert OpenAccess("root").user == "root"
    assert not COORD_14.grants.is_admin


def test_a_coordinator_proposes_in_their_own_region(kompass: Kompass) -> None:
    kompass.execute(c.ProposeInitiative(ref="14-mine", region="14", title="t", areas=("security",), type="project"), COORD_14)
    assert stored_events(kompass.app)[-1].by == "coord-14"


def test_a_coordinator_cannot_propose_in_another_region(kompass: Kompass) -> None:
    error = refused(
        kompass,
        PermissionDenied,
        c.ProposeInitiative(ref="12-theirs", region="12", title="t", areas=("security",), type="project"),
        COORD_14,
    )
    assert error.exit_code == 4


OTHER_REGION_COMMANDS = [
    c.ChangeStatus(ref="12-skills", status="active"),
    c.ReopenInitiative(ref="12-skills", reason="x"),
    c.TagArea(ref="12-skills", area="innovation"),
    c.UntagArea(ref="12-skills", area="security"),
    c.JoinInitiative(ref="12-skills", actor="digg"),
    c.LeaveInitiative(ref="12-skills", actor="digg"),
    c.FundInitiative(ref="12-skills", source="erdf", amount_sek=1, year=2022),
    c.RecordResult(ref="12-skills", type="direct", text="x"),
    c.RetitleInitiative(ref="12-skills", title="x"),
    c.DefineIndicator(ref="12-skills", name="n", target=1),
    c.MeasureIndicator(ref="12-skills", name="n", value=1),
    c.AssessPortfolio(region="12", year=2021, score=5, light="red"),
]


@pytest.mark.parametrize("command", OTHER_REGION_COMMANDS, ids=lambda cmd: type(cmd).__name__)
def test_a_coordinator_changes_only_their_own_regions(kompass: Kompass, command: c.Command) -> None:
    refused(kompass, PermissionDenied, command, COORD_14)


def test_a_coordinator_of_several_regions_changes_each_of_them(kompass: Kompass) -> None:
    both = grants("coord-12-14", "coordinator", regions=("12", "14"))
    kompass.execute(c.ChangeStatus(ref="12-skills", status="planned"), both)
    kompass.execute(c.ChangeStatus(ref="14-open", status="planned"), both)
    assert initiative(kompass, "12-skills").status == initiative(kompass).status == "planned"


def test_a_coordinator_maintains_their_own_initiatives_and_portfolio(kompass: Kompass) -> None:
    for command in [
        c.ChangeStatus(ref="14-open", status="active"),
        c.TagArea(ref="14-open", area="innovation"),
        c.JoinInitiative(ref="14-open", actor="digg"),
        c.FundInitiative(ref="14-open", source="erdf", amount_sek=100, year=2022),
        c.RecordResult(ref="14-open", type="direct", text="done"),
        c.AssessPortfolio(region="14", year=2021, score=8, light="green", focus={"security": "high"}),
    ]:
        kompass.execute(command, COORD_14)
    assert kompass.session().portfolio("14").assessments[2021].score == 8


def test_a_coordinator_may_register_and_rename_their_regions_actors(kompass: Kompass) -> None:
    kompass.execute(c.RegisterActor(key="gu", name="Göteborgs universitet", kind="university", region="14"), COORD_14)
    kompass.execute(c.RenameActor(key="gu", name="University of Gothenburg"), COORD_14)
    kompass.execute(c.RenameActor(key="kommun-1480", name="Göteborgs Stad"), COORD_14)
    assert actor(kompass, "gu").name == "University of Gothenburg"


@pytest.mark.parametrize(
    "command",
    [
        c.RegisterActor(key="lu", name="Lunds universitet", kind="university", region="12"),
        c.RegisterActor(key="agency-x", name="X", kind="agency"),
        c.RenameActor(key="region-01", name="Region Pwned"),
        c.RenameActor(key="digg", name="Digg (taken over)"),
        c.MergeActor(key="kommun-1480", into="digg"),
    ],
    ids=["register-for-12", "register-without-region", "rename-region-01", "rename-without-region", "merge"],
)
def test_a_coordinator_may_not_touch_actors_of_other_regions_or_of_none(kompass: Kompass, command: c.Command) -> None:
    refused(kompass, PermissionDenied, command, COORD_14, match="^coord-14 may not .*: only an admin")
    kompass.execute(command, ADMIN)


def test_only_a_regions_coordinator_adds_or_removes_its_region_actor(kompass: Kompass) -> None:
    """Joining region-01 to a 14 initiative would make it one of region 01's and fill region 01's cells."""
    join_01 = c.JoinInitiative(ref="14-open", actor="region-01", role="target")
    refused(kompass, PermissionDenied, join_01, COORD_14, match="only an admin or a coordinator of region 01")
    refused(kompass, PermissionDenied, c.JoinInitiative(ref="14-open", actor="region-12"), COORD_14)
    kompass.execute(c.JoinInitiative(ref="14-open", actor="region-12", role="partner"), COORD_12)  # 12 joins 14's work
    refused(kompass, PermissionDenied, c.LeaveInitiative(ref="14-open", actor="region-12"), COORD_14)
    kompass.execute(c.LeaveInitiative(ref="14-open", actor="region-12"), COORD_12)
    refused(kompass, PermissionDenied, c.JoinInitiative(ref="14-open", actor="digg"), COORD_12, match="region 14")
    kompass.execute(c.JoinInitiative(ref="14-open", actor="digg"), COORD_14)  # any other actor, in 14's own initiative
    kompass.execute(c.JoinInitiative(ref="12-skills", actor="region-14"), COORD_14)
    assert set(initiative(kompass).participants) == {"digg"}
    assert set(initiative(kompass, "12-skills").participants) == {"region-14"}


def test_an_import_line_obeys_the_same_participant_rule(kompass: Kompass) -> None:
    before = head(kompass.app)
    with pytest.raises(LineRefused) as info:
        kompass.import_commands(
            numbered(c.TagArea(ref="14-open", area="innovation"), c.JoinInitiative(ref="14-open", actor="region-01", role="target")),
            COORD_14,
        )
    assert (info.value.line, info.value.exit_code) == (2, 4)
    assert head(kompass.app) == before


def test_only_an_admin_merges_actors(kompass: Kompass) -> None:
    refused(kompass, PermissionDenied, c.MergeActor(key="vinnova", into="digg"), COORD_14, match="only an admin")


def test_only_an_admin_assigns_coordinators(kompass: Kompass) -> None:
    refused(kompass, PermissionDenied, c.AssignCoordinator(region="14", user="coord-14"), COORD_14)
    kompass.execute(c.AssignCoordinator(region="14", user="coord-14"), ADMIN)
    assert kompass.session().portfolio("14").coordinator == "coord-14"


def test_a_portfolio_coordinator_is_a_registered_user_named_by_id(kompass: Kompass) -> None:
    refused(kompass, InvalidValue, c.AssignCoordinator(region="14", user="Kristina Exempelsdotter"), match="slug")
    refused(kompass, InvalidValue, c.AssignCoordinator(region="14", user="kristina@region.example"), match="slug")
    refused(kompass, NotFound, c.AssignCoordinator(region="14", user="kristina"), match="not a registered user")
    no_register = Kompass(kompass.app, MemoryAppender(kompass.app), FRAMEWORK, today=lambda: TODAY)
    refused(no_register, NotFound, c.AssignCoordinator(region="14", user="coord-14"), match="not a registered user")


@pytest.mark.parametrize("by", ["Kristina Exempelsdotter", "kristina@region.example", "Coord-14"])
def test_by_is_a_user_id_on_every_path(kompass: Kompass, by: str) -> None:
    refused(kompass, InvalidValue, c.ChangeStatus(ref="14-open", status="active", by=by), match="by")
    with pytest.raises(LineRefused) as info:
        kompass.import_commands(numbered(c.ChangeStatus(ref="14-open", status="active", by=by)), ADMIN)
    assert isinstance(info.value.error, InvalidValue)


WRITES = [
    c.RegisterActor(key="new-actor", name="New", kind="company"),
    c.RenameActor(key="digg", name="Digg"),
    c.MergeActor(key="vinnova", into="digg"),
    c.ProposeInitiative(ref="14-x", region="14", title="t", areas=("security",), type="project"),
    c.ChangeStatus(ref="14-open", status="active"),
    c.AssessPortfolio(region="14", year=2021, score=5, light="red"),
    c.AssignCoordinator(region="14", user="someone"),
]


@pytest.mark.parametrize("access", [ANALYST, AUDITOR, grants("nobody")], ids=["analyst", "auditor", "no-role"])
@pytest.mark.parametrize("command", WRITES, ids=lambda cmd: type(cmd).__name__)
def test_analysts_and_auditors_cannot_write(kompass: Kompass, access: Access, command: c.Command) -> None:
    refused(kompass, PermissionDenied, command, access)


def test_a_coordinator_with_a_region_but_without_the_role_cannot_write(kompass: Kompass) -> None:
    refused(kompass, PermissionDenied, c.ChangeStatus(ref="14-open", status="active"), grants("x", "analyst", regions=("14",)))


def test_by_defaults_to_the_acting_user(kompass: Kompass) -> None:
    kompass.execute(c.ChangeStatus(ref="14-open", status="active"), COORD_14)
    assert stored_events(kompass.app)[-1].by == "coord-14"


def test_anyone_may_name_themselves_as_by(kompass: Kompass) -> None:
    kompass.execute(c.ChangeStatus(ref="14-open", status="active", by="coord-14"), COORD_14)
    assert stored_events(kompass.app)[-1].by == "coord-14"


def test_only_an_admin_may_record_on_behalf_of_another_user(kompass: Kompass) -> None:
    refused(kompass, PermissionDenied, c.ChangeStatus(ref="14-open", status="active", by="coord-12"), COORD_14, match="on behalf")
    kompass.execute(c.ChangeStatus(ref="14-open", status="active", by="coord-14"), ADMIN)
    assert stored_events(kompass.app)[-1].by == "coord-14"


# --- effective dates --------------------------------------------------------------------------


def test_effective_defaults_to_today(kompass: Kompass) -> None:
    kompass.execute(c.ChangeStatus(ref="14-open", status="active"), ADMIN)
    assert stored_events(kompass.app)[-1].effective == TODAY


@pytest.mark.parametrize("effective", [TODAY, date(2021, 3, 1), date(2000, 1, 1)])
def test_effective_dates_may_be_today_or_backdated(kompass: Kompass, effective: date) -> None:
    kompass.execute(c.ChangeStatus(ref="14-open", status="active", effective=effective), ADMIN)
    assert stored_events(kompass.app)[-1].effective == effective


@pytest.mark.parametrize("effective", [TODAY + timedelta(days=1), date(2100, 1, 1)])
def test_effective_dates_in_the_future_are_refused(kompass: Kompass, effective: date) -> None:
    refused(kompass, InvalidValue, c.ChangeStatus(ref="14-open", status="active", effective=effective), match="in the future")


def test_effective_dates_before_2000_are_refused(kompass: Kompass) -> None:
    refused(kompass, InvalidValue, c.ChangeStatus(ref="14-open", status="active", effective=date(1999, 12, 31)))


def test_a_future_effective_date_is_refused_for_registering_too(kompass: Kompass) -> None:
    refused(kompass, InvalidValue, c.RegisterActor(key="later", name="L", kind="company", effective=TODAY + timedelta(days=1)))


# --- imports (all or nothing) ------------------------------------------------------------------


def numbered(*commands: c.Command) -> list[tuple[int, c.Command, None]]:
    return [(line, command, None) for line, command in enumerate(commands, start=1)]


def test_an_import_applies_every_line_and_later_lines_see_earlier_ones(kompass: Kompass) -> None:
    before = head(kompass.app)
    summary = kompass.import_commands(
        numbered(
            c.RegisterActor(key="gu", name="GU", kind="university"),
            c.ProposeInitiative(ref="14-imp", region="14", title="t", areas=("security",), type="training"),
            c.JoinInitiative(ref="14-imp", actor="gu", role="expert"),
            c.ChangeStatus(ref="14-imp", status="active"),
        ),
        ADMIN,
    )
    assert (summary.commands, summary.events) == (4, 4)
    assert head(kompass.app) == before + 4
    reloaded = initiative(kompass, "14-imp")
    assert (reloaded.status, reloaded.participants) == ("active", {"gu": "expert"})


def test_an_imported_long_history_reloads_the_same(kompass: Kompass) -> None:
    lines: list[c.Command] = [c.DefineIndicator(ref="14-open", name="n", target=100, unit="st")]
    for n in range(120):
        lines += [
            c.FundInitiative(ref="14-open", source="erdf", amount_sek=n, year=2022),
            c.MeasureIndicator(ref="14-open", name="n", value=n),
        ]
    kompass.import_commands(numbered(*lines), ADMIN)
    reloaded = initiative(kompass)
    assert reloaded.version == 1 + len(lines)
    assert sum(line.amount_sek for line in reloaded.funding) == sum(range(120))
    assert reloaded.indicators["n"].measurements == [(TODAY, n) for n in range(120)]


def test_an_import_with_a_refused_line_writes_nothing_and_names_the_line(kompass: Kompass) -> None:
    before = head(kompass.app)
    with pytest.raises(LineRefused) as info:
        kompass.import_commands(
            numbered(
                c.ProposeInitiative(ref="14-imp", region="14", title="t", areas=("security",), type="training"),
                c.ChangeStatus(ref="14-imp", status="active"),
                c.ChangeStatus(ref="14-imp", status="planned"),
            ),
            ADMIN,
        )
    assert info.value.line == 3
    assert isinstance(info.value.error, RuleViolation)
    assert info.value.exit_code == 1
    assert head(kompass.app) == before
    with pytest.raises(NotFound):
        kompass.session().initiative("14-imp")


def test_an_import_refused_for_permission_keeps_exit_code_4(kompass: Kompass) -> None:
    before = head(kompass.app)
    with pytest.raises(LineRefused) as info:
        kompass.import_commands(numbered(c.ChangeStatus(ref="14-open", status="active", by="someone-else")), COORD_14)
    assert info.value.exit_code == 4
    assert head(kompass.app) == before


def test_an_admin_import_may_backfill_on_behalf_of_coordinators(kompass: Kompass) -> None:
    kompass.import_commands(numbered(c.ChangeStatus(ref="14-open", status="active", by="coord-14", effective=date(2021, 2, 1))), ADMIN)
    event = stored_events(kompass.app)[-1]
    assert (event.by, event.effective) == ("coord-14", date(2021, 2, 1))


def test_every_refusal_is_a_kompass_error(kompass: Kompass) -> None:
    for command in [c.ChangeStatus(ref="nope", status="active"), c.ChangeStatus(ref="14-open", status="x")]:
        with pytest.raises(KompassError):
            kompass.execute(command, ADMIN)
