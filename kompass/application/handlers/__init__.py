"""Handlers: carry out one command against a session, after checking who may do it.

Each handler is a verb; it raises a domain error before anything changes, so a refused
command leaves the session as it was.
"""

from __future__ import annotations

from datetime import date
from functools import singledispatch
from uuid import UUID

from kompass.application import commands as c
from kompass.application.permissions import Access
from kompass.application.session import Session
from kompass.domain.actor import Actor
from kompass.domain.errors import AlreadyExists, NotFound, RuleViolation
from kompass.domain.identity import user_aggregate_id
from kompass.domain.initiative import Initiative
from kompass.domain.recording import actor_id, initiative_id, portfolio_id
from kompass.domain.signing_key import SigningKey, require_own
from kompass.domain.text import require_user_id
from kompass.domain.user import User
from kompass.domain.vocabulary import require_assessed_year, require_effective


def stamp(command: c.Command, session: Session, access: Access) -> tuple[str, date]:
    """Who records the change and from when it holds (docs/command-log.md, the envelope)."""
    if command.by is not None and not session.restoring:
        require_user_id(command.by, "by")  # a restore keeps what older versions recorded
    by = command.by or access.user
    access.require_author(by)
    effective = require_effective(command.effective or session.today, session.today)
    return by, effective


def handle(command: c.Command, session: Session, access: Access) -> None:
    """Carry out `command`; its events wait in the session until it is saved."""
    by, effective = stamp(command, session, access)
    _handle(command, session, access, by, effective)


ACTOR_FIELDS = ("key", "into", "actor")
"""Fields of a command that name an actor by its key (RegisterActor's `key` names the new actor)."""

PORTFOLIO_COMMANDS = (c.AssessPortfolio, c.AssignCoordinator)
"""Commands whose `region` names the portfolio they change (elsewhere `region` is only a value)."""


def aggregates_named(command: c.Command) -> list[UUID]:
    """The aggregates a command names, so an import can read a whole window's in one query.

    A hint, not a rule: an aggregate a handler reaches otherwise (an actor a merge points to, the
    other participants of an initiative) is read when it is needed, only one round trip at a time.
    """
    named: list[UUID] = []
    ref = getattr(command, "ref", None)
    if ref is not None:
        named.append(initiative_id(ref))
    named += [actor_id(key) for key in (getattr(command, name, None) for name in ACTOR_FIELDS) if isinstance(key, str)]
    if isinstance(command, PORTFOLIO_COMMANDS):
        named.append(portfolio_id(command.region))
    if isinstance(command, (c.GrantRole, c.RevokeRole)):
        named.append(user_aggregate_id(command.user))
    return named


@singledispatch
def _handle(command: c.Command, session: Session, access: Access, by: str, effective: date) -> None:
    raise TypeError(f"no handler for {type(command).__name__}")


@_handle.register
def register_actor(command: c.RegisterActor, session: Session, access: Access, by: str, effective: date) -> None:
    where = f"region {command.region}" if command.region else "no region"
    access.require_actor(command.region, f"register actors for {where}")
    session.check_new_actor(command.key)
    session.add(Actor.register(key=command.key, name=command.name, kind=command.kind, region=command.region, by=by, effective=effective))


@_handle.register
def rename_actor(command: c.RenameActor, session: Session, access: Access, by: str, effective: date) -> None:
    actor = session.actor(command.key)
    access.require_actor(actor.region, f"rename {actor.key}")
    _existing_on(session, actor, effective)
    actor.rename(command.name, by=by, effective=effective)


@_handle.register
def merge_actor(command: c.MergeActor, session: Session, access: Access, by: str, effective: date) -> None:
    access.require_admin("merge actors")
    actor, survivor = session.actor(command.key), session.live_actor(command.into)
    for each in (actor, survivor):
        _existing_on(session, each, effective)
    actor.merge_into(survivor, by=by, effective=effective)


@_handle.register
def propose_initiative(command: c.ProposeInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    access.require_region(command.region, "propose initiatives for region " + command.region)
    session.check_new_initiative(command.ref)
    session.add(
        Initiative.propose(
            ref=command.ref,
            region=command.region,
            title=command.title,
            areas=list(command.areas),
            type=command.type,
            framework=session.framework,
            orientation=command.orientation,
            roles=list(command.roles),
            description=command.description,
            by=by,
            effective=effective,
        )
    )


def _initiative(session: Session, access: Access, ref: str, what: str, effective: date) -> Initiative:
    """The initiative a command changes, once the user may change it and the change holds after its proposal."""
    initiative = session.initiative(ref)
    access.require_region(initiative.region, f"{what} {ref}")
    _existing_on(session, initiative, effective)
    return initiative


def _existing_on(session: Session, aggregate: Initiative | Actor, effective: date) -> None:
    """A restore records the history as it was, also what older versions let predate its subject."""
    if not session.restoring:
        aggregate.require_existing_on(effective)


@_handle.register
def change_status(command: c.ChangeStatus, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "change the status of", effective)
    initiative.change_status(command.status, reason=command.reason, by=by, effective=effective)


@_handle.register
def reopen_initiative(command: c.ReopenInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    _initiative(session, access, command.ref, "reopen", effective).reopen(reason=command.reason, by=by, effective=effective)


@_handle.register
def tag_area(command: c.TagArea, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "tag", effective)
    initiative.tag(command.area, framework=session.framework, by=by, effective=effective)


@_handle.register
def untag_area(command: c.UntagArea, session: Session, access: Access, by: str, effective: date) -> None:
    _initiative(session, access, command.ref, "untag", effective).untag(command.area, by=by, effective=effective)


@_handle.register
def join_initiative(command: c.JoinInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = session.initiative(command.ref)
    actor = session.live_actor(command.actor)
    access.require_participant(initiative.region, actor.kind, actor.region, f"add {actor.key} to {command.ref}")
    _existing_on(session, initiative, effective)
    _existing_on(session, actor, effective)
    already = {session.live_actor(key).key for key in initiative.participants}
    if actor.key in already:
        raise AlreadyExists(f"{actor.key} already takes part in {command.ref}")
    initiative.join(actor.key, command.role, by=by, effective=effective)


@_handle.register
def leave_initiative(command: c.LeaveInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    """Ends every participation that resolves to the same actor (A merged into B: leaving ends both).

    A restore replays each recorded ActorLeft exactly as it was, one key per line.
    """
    initiative = session.initiative(command.ref)
    leaving = session.live_actor(command.actor)
    access.require_participant(initiative.region, leaving.kind, leaving.region, f"remove {command.actor} from {command.ref}")
    _existing_on(session, initiative, effective)
    if session.restoring and command.actor in initiative.participants:
        keys = [command.actor]
    else:
        keys = [k for k in initiative.participants if session.live_actor(k).key == leaving.key] or [command.actor]
    for key in keys:
        initiative.leave(key, by=by, effective=effective)


@_handle.register
def fund_initiative(command: c.FundInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "fund", effective)
    initiative.fund(command.source, command.amount_sek, command.year, by=by, effective=effective)


@_handle.register
def record_result(command: c.RecordResult, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "record results of", effective)
    initiative.record_result(command.type, command.text, by=by, effective=effective)


@_handle.register
def retitle_initiative(command: c.RetitleInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "retitle", effective)
    initiative.retitle(command.title, command.description, by=by, effective=effective)


@_handle.register
def define_indicator(command: c.DefineIndicator, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "define indicators of", effective)
    initiative.define_indicator(command.name, command.target, command.unit, by=by, effective=effective)


@_handle.register
def measure_indicator(command: c.MeasureIndicator, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "measure", effective)
    initiative.measure(command.name, command.value, by=by, effective=effective)


@_handle.register
def assess_portfolio(command: c.AssessPortfolio, session: Session, access: Access, by: str, effective: date) -> None:
    access.require_region(command.region, f"assess the portfolio of region {command.region}")
    if not session.restoring:
        require_assessed_year(command.year, session.today.year)
    session.portfolio(command.region).assess(
        command.year,
        command.score,
        command.light,
        None if command.focus is None else dict(command.focus),
        framework=session.framework,
        by=by,
        effective=effective,
    )


@_handle.register
def assign_coordinator(command: c.AssignCoordinator, session: Session, access: Access, by: str, effective: date) -> None:
    access.require_admin("assign coordinators")
    if not session.restoring:
        session.require_registered_user(command.user)
    session.portfolio(command.region).assign_coordinator(command.user, by=by, effective=effective)


@_handle.register
def grant_role(command: c.GrantRole, session: Session, access: Access, by: str, effective: date) -> None:
    access.require_admin("manage users")
    user = session.user(command.user)
    if user is None:
        session.add(User.register(user=command.user, role=command.role, regions=list(command.regions), by=by, effective=effective))
    else:
        user.grant(command.role, list(command.regions), by=by, effective=effective)


@_handle.register
def revoke_role(command: c.RevokeRole, session: Session, access: Access, by: str, effective: date) -> None:
    """The one place of the rule that a store keeps an admin: without one, nobody could grant roles again."""
    access.require_admin("manage users")
    user = session.user(command.user)
    if user is None:
        raise NotFound(f"{command.user} has no role")
    if command.role == "admin" and "admin" in user.roles and not session.admins() - {command.user}:
        raise RuleViolation(f"{command.user} is the last admin: grant admin to someone else first")
    user.revoke(command.role, list(command.regions), by=by, effective=effective)


# --- corrections ------------------------------------------------------------------------


@_handle.register
def retype_initiative(command: c.RetypeInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    _initiative(session, access, command.ref, "retype", effective).retype(command.type, reason=command.reason, by=by, effective=effective)


@_handle.register
def reorient_initiative(command: c.ReorientInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "reorient", effective)
    initiative.reorient(command.orientation, reason=command.reason, by=by, effective=effective)


@_handle.register
def change_roles(command: c.ChangeRoles, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "change the roles of", effective)
    initiative.change_roles(list(command.roles), reason=command.reason, by=by, effective=effective)


@_handle.register
def unfund_initiative(command: c.UnfundInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "remove funding of", effective)
    initiative.unfund(command.source, command.amount_sek, command.year, reason=command.reason, by=by, effective=effective)


@_handle.register
def withdraw_result(command: c.WithdrawResult, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "withdraw results of", effective)
    initiative.withdraw_result(command.type, command.text, reason=command.reason, by=by, effective=effective)


@_handle.register
def retarget_indicator(command: c.RetargetIndicator, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "retarget indicators of", effective)
    initiative.retarget(command.name, command.target, command.unit, reason=command.reason, by=by, effective=effective)


@_handle.register
def schedule_initiative(command: c.ScheduleInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "schedule", effective)
    initiative.schedule(command.start, command.end, reason=command.reason, by=by, effective=effective)


@_handle.register
def move_lead_region(command: c.MoveLeadRegion, session: Session, access: Access, by: str, effective: date) -> None:
    access.require_admin(f"change the lead region of {command.ref}")
    initiative = session.initiative(command.ref)
    _existing_on(session, initiative, effective)
    initiative.move_lead(command.region, reason=command.reason, by=by, effective=effective)


@_handle.register
def publish_key(command: c.PublishKey, session: Session, access: Access, by: str, effective: date) -> None:
    """Only the user a key is for publishes it, never an admin on their behalf: both the acting user and the
    real login must be that user (a restore re-records what the log holds, where `by` is that user)."""
    if not session.restoring:
        require_own(command.user, access.user)
        require_own(command.user, access.real)
    if session.has_signing_key(command.user, command.public_key):
        raise AlreadyExists(f"that signing key of {command.user} is already published")
    session.add(SigningKey.publish(user=command.user, public_key=command.public_key, by=by, effective=effective))
