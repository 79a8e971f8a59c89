"""Handlers: carry out one command against a session, after checking who may do it.

Each handler is a verb; it raises a domain error before anything changes, so a refused
command leaves the session as it was.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from functools import singledispatch
from typing import Any
from uuid import UUID

from kompass.application import commands as c
from kompass.application.permissions import Access
from kompass.application.session import Session
from kompass.domain.actor import Actor
from kompass.domain.errors import AlreadyExists, InvalidValue
from kompass.domain.initiative import Initiative
from kompass.domain.recording import actor_id, initiative_id, portfolio_id
from kompass.domain.vocabulary import require_effective


def stamp(command: c.Command, session: Session, access: Access) -> tuple[str, date]:
    """Who records the change and from when it holds (docs/command-log.md, the envelope)."""
    by = command.by or access.user
    access.require_author(by)
    effective = require_effective(command.effective or session.today, session.today)
    return by, effective


def handle(command: c.Command, session: Session, access: Access) -> None:
    """Carry out `command`; its events wait in the session until it is saved."""
    require_storable_text(command)
    by, effective = stamp(command, session, access)
    _handle(command, session, access, by, effective)


def require_storable_text(command: c.Command) -> None:
    """Every text can be stored on either backend: no lone surrogate (a JSON escape such as \\ud800, or a
    command-line argument that was not UTF-8), which UTF-8 cannot encode, and no NUL character, which
    PostgreSQL's text columns refuse (the event would be stored and then break every projection)."""
    for name in _field_names(type(command)):
        value: Any = getattr(command, name)
        texts = [value] if isinstance(value, str) else list(value) if isinstance(value, tuple) else []
        if isinstance(value, dict):
            texts = [*value, *value.values()]
        for text in texts:
            if isinstance(text, str):
                _require_storable(name, text)


_FIELD_NAMES: dict[type[c.Command], tuple[str, ...]] = {}


def _field_names(command_class: type[c.Command]) -> tuple[str, ...]:
    """Looked up once per class: an import checks every field of every line."""
    names = _FIELD_NAMES.get(command_class)
    if names is None:
        names = _FIELD_NAMES[command_class] = tuple(f.name for f in dataclasses.fields(command_class))
    return names


def _require_storable(name: str, text: str) -> None:
    if "\x00" in text:
        raise InvalidValue(f"{name} contains a NUL character (U+0000), which the store cannot keep")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            bad = ord(text[error.start])
            raise InvalidValue(f"{name} is not valid text (it holds a lone surrogate U+{bad:04X})") from None


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
    return named


@singledispatch
def _handle(command: c.Command, session: Session, access: Access, by: str, effective: date) -> None:
    raise TypeError(f"no handler for {type(command).__name__}")


@_handle.register
def register_actor(command: c.RegisterActor, session: Session, access: Access, by: str, effective: date) -> None:
    access.require_writer("register actors")
    session.check_new_actor(command.key)
    session.add(Actor.register(key=command.key, name=command.name, kind=command.kind, region=command.region, by=by, effective=effective))


@_handle.register
def rename_actor(command: c.RenameActor, session: Session, access: Access, by: str, effective: date) -> None:
    access.require_writer("rename actors")
    session.actor(command.key).rename(command.name, by=by, effective=effective)


@_handle.register
def merge_actor(command: c.MergeActor, session: Session, access: Access, by: str, effective: date) -> None:
    access.require_admin("merge actors")
    session.actor(command.key).merge_into(session.live_actor(command.into), by=by, effective=effective)


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


def _initiative(session: Session, access: Access, ref: str, what: str) -> Initiative:
    initiative = session.initiative(ref)
    access.require_region(initiative.region, f"{what} {ref}")
    return initiative


@_handle.register
def change_status(command: c.ChangeStatus, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "change the status of")
    initiative.change_status(command.status, reason=command.reason, by=by, effective=effective)


@_handle.register
def reopen_initiative(command: c.ReopenInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    _initiative(session, access, command.ref, "reopen").reopen(reason=command.reason, by=by, effective=effective)


@_handle.register
def tag_area(command: c.TagArea, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "tag")
    initiative.tag(command.area, framework=session.framework, by=by, effective=effective)


@_handle.register
def untag_area(command: c.UntagArea, session: Session, access: Access, by: str, effective: date) -> None:
    _initiative(session, access, command.ref, "untag").untag(command.area, by=by, effective=effective)


@_handle.register
def join_initiative(command: c.JoinInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "add participants to")
    actor = session.live_actor(command.actor)
    already = {session.live_actor(key).key for key in initiative.participants}
    if actor.key in already:
        raise AlreadyExists(f"{actor.key} already takes part in {command.ref}")
    initiative.join(actor.key, command.role, by=by, effective=effective)


@_handle.register
def leave_initiative(command: c.LeaveInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    """Ends every participation that resolves to the same actor (A merged into B: leaving ends both).

    A restore replays each recorded ActorLeft exactly as it was, one key per line.
    """
    initiative = _initiative(session, access, command.ref, "remove participants from")
    if session.restoring and command.actor in initiative.participants:
        keys = [command.actor]
    else:
        target = session.live_actor(command.actor).key
        keys = [k for k in initiative.participants if session.live_actor(k).key == target] or [command.actor]
    for key in keys:
        initiative.leave(key, by=by, effective=effective)


@_handle.register
def fund_initiative(command: c.FundInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "fund")
    initiative.fund(command.source, command.amount_sek, command.year, by=by, effective=effective)


@_handle.register
def record_result(command: c.RecordResult, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "record results of")
    initiative.record_result(command.type, command.text, by=by, effective=effective)


@_handle.register
def retitle_initiative(command: c.RetitleInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "retitle")
    initiative.retitle(command.title, command.description, by=by, effective=effective)


@_handle.register
def define_indicator(command: c.DefineIndicator, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "define indicators of")
    initiative.define_indicator(command.name, command.target, command.unit, by=by, effective=effective)


@_handle.register
def measure_indicator(command: c.MeasureIndicator, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "measure")
    initiative.measure(command.name, command.value, by=by, effective=effective)


@_handle.register
def assess_portfolio(command: c.AssessPortfolio, session: Session, access: Access, by: str, effective: date) -> None:
    access.require_region(command.region, f"assess the portfolio of region {command.region}")
    session.portfolio(command.region).assess(
        command.year,
        command.score,
        command.light,
        dict(command.focus),
        framework=session.framework,
        by=by,
        effective=effective,
    )


@_handle.register
def assign_coordinator(command: c.AssignCoordinator, session: Session, access: Access, by: str, effective: date) -> None:
    access.require_admin("assign coordinators")
    session.portfolio(command.region).assign_coordinator(command.user, by=by, effective=effective)


# --- corrections ------------------------------------------------------------------------


@_handle.register
def retype_initiative(command: c.RetypeInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    _initiative(session, access, command.ref, "retype").retype(command.type, reason=command.reason, by=by, effective=effective)


@_handle.register
def reorient_initiative(command: c.ReorientInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "reorient")
    initiative.reorient(command.orientation, reason=command.reason, by=by, effective=effective)


@_handle.register
def change_roles(command: c.ChangeRoles, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "change the roles of")
    initiative.change_roles(list(command.roles), reason=command.reason, by=by, effective=effective)


@_handle.register
def unfund_initiative(command: c.UnfundInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "remove funding of")
    initiative.unfund(command.source, command.amount_sek, command.year, reason=command.reason, by=by, effective=effective)


@_handle.register
def withdraw_result(command: c.WithdrawResult, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "withdraw results of")
    initiative.withdraw_result(command.type, command.text, reason=command.reason, by=by, effective=effective)


@_handle.register
def retarget_indicator(command: c.RetargetIndicator, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "retarget indicators of")
    initiative.retarget(command.name, command.target, command.unit, reason=command.reason, by=by, effective=effective)


@_handle.register
def schedule_initiative(command: c.ScheduleInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = _initiative(session, access, command.ref, "schedule")
    initiative.schedule(command.start, command.end, reason=command.reason, by=by, effective=effective)


@_handle.register
def move_lead_region(command: c.MoveLeadRegion, session: Session, access: Access, by: str, effective: date) -> None:
    access.require_admin(f"change the lead region of {command.ref}")
    session.initiative(command.ref).move_lead(command.region, reason=command.reason, by=by, effective=effective)
