"""The verbs of an initiative's life: propose, move, tag, take part, fund, record results and indicators."""

from __future__ import annotations

from datetime import date

from kompass.application import commands as c
from kompass.application.handlers.dispatch import carry_out, changed_initiative, existing_on
from kompass.application.permissions import Access
from kompass.application.session import Session
from kompass.domain.errors import AlreadyExists
from kompass.domain.initiative import Initiative

__all__ = [
    "change_status", "define_indicator", "fund_initiative", "join_initiative", "leave_initiative", "measure_indicator",
    "propose_initiative", "record_result", "reopen_initiative", "retitle_initiative", "tag_area", "untag_area",
]


@carry_out.register
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


@carry_out.register
def change_status(command: c.ChangeStatus, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = changed_initiative(session, access, command.ref, "change the status of", effective)
    initiative.change_status(command.status, reason=command.reason, by=by, effective=effective)


@carry_out.register
def reopen_initiative(command: c.ReopenInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    changed_initiative(session, access, command.ref, "reopen", effective).reopen(reason=command.reason, by=by, effective=effective)


@carry_out.register
def tag_area(command: c.TagArea, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = changed_initiative(session, access, command.ref, "tag", effective)
    initiative.tag(command.area, framework=session.framework, by=by, effective=effective)


@carry_out.register
def untag_area(command: c.UntagArea, session: Session, access: Access, by: str, effective: date) -> None:
    changed_initiative(session, access, command.ref, "untag", effective).untag(command.area, by=by, effective=effective)


@carry_out.register
def join_initiative(command: c.JoinInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = session.initiative(command.ref)
    actor = session.live_actor(command.actor)
    access.require_participant(initiative.region, actor.kind, actor.region, f"add {actor.key} to {command.ref}")
    existing_on(session, initiative, effective)
    existing_on(session, actor, effective)
    already = {session.live_actor(key).key for key in initiative.participants}
    if actor.key in already:
        raise AlreadyExists(f"{actor.key} already takes part in {command.ref}")
    initiative.join(actor.key, command.role, by=by, effective=effective)


@carry_out.register
def leave_initiative(command: c.LeaveInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    """Ends every participation that resolves to the same actor (A merged into B: leaving ends both).

    A restore replays each recorded ActorLeft exactly as it was, one key per line.
    """
    initiative = session.initiative(command.ref)
    leaving = session.live_actor(command.actor)
    access.require_participant(initiative.region, leaving.kind, leaving.region, f"remove {command.actor} from {command.ref}")
    existing_on(session, initiative, effective)
    if session.restoring and command.actor in initiative.participants:
        keys = [command.actor]
    else:
        keys = [k for k in initiative.participants if session.live_actor(k).key == leaving.key] or [command.actor]
    for key in keys:
        initiative.leave(key, by=by, effective=effective)


@carry_out.register
def fund_initiative(command: c.FundInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = changed_initiative(session, access, command.ref, "fund", effective)
    initiative.fund(command.source, command.amount_sek, command.year, by=by, effective=effective)


@carry_out.register
def record_result(command: c.RecordResult, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = changed_initiative(session, access, command.ref, "record results of", effective)
    initiative.record_result(command.type, command.text, by=by, effective=effective)


@carry_out.register
def retitle_initiative(command: c.RetitleInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = changed_initiative(session, access, command.ref, "retitle", effective)
    initiative.retitle(command.title, command.description, by=by, effective=effective)


@carry_out.register
def define_indicator(command: c.DefineIndicator, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = changed_initiative(session, access, command.ref, "define indicators of", effective)
    initiative.define_indicator(command.name, command.target, command.unit, by=by, effective=effective)


@carry_out.register
def measure_indicator(command: c.MeasureIndicator, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = changed_initiative(session, access, command.ref, "measure", effective)
    initiative.measure(command.name, command.value, by=by, effective=effective)
