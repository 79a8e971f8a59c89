"""The corrections of an initiative: each a new event, with the reason kept for auditors."""

from __future__ import annotations

from datetime import date

from kompass.application import commands as c
from kompass.application.handlers.dispatch import carry_out, changed_initiative, existing_on
from kompass.application.permissions import Access
from kompass.application.session import Session

__all__ = [
    "change_roles", "move_lead_region", "reorient_initiative", "retarget_indicator", "retype_initiative", "schedule_initiative",
    "unfund_initiative", "withdraw_result",
]


@carry_out.register
def retype_initiative(command: c.RetypeInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = changed_initiative(session, access, command.ref, "retype", effective)
    initiative.retype(command.type, reason=command.reason, by=by, effective=effective)


@carry_out.register
def reorient_initiative(command: c.ReorientInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = changed_initiative(session, access, command.ref, "reorient", effective)
    initiative.reorient(command.orientation, reason=command.reason, by=by, effective=effective)


@carry_out.register
def change_roles(command: c.ChangeRoles, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = changed_initiative(session, access, command.ref, "change the roles of", effective)
    initiative.change_roles(list(command.roles), reason=command.reason, by=by, effective=effective)


@carry_out.register
def unfund_initiative(command: c.UnfundInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = changed_initiative(session, access, command.ref, "remove funding of", effective)
    initiative.unfund(command.source, command.amount_sek, command.year, reason=command.reason, by=by, effective=effective)


@carry_out.register
def withdraw_result(command: c.WithdrawResult, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = changed_initiative(session, access, command.ref, "withdraw results of", effective)
    initiative.withdraw_result(command.type, command.text, reason=command.reason, by=by, effective=effective)


@carry_out.register
def retarget_indicator(command: c.RetargetIndicator, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = changed_initiative(session, access, command.ref, "retarget indicators of", effective)
    initiative.retarget(command.name, command.target, command.unit, reason=command.reason, by=by, effective=effective)


@carry_out.register
def schedule_initiative(command: c.ScheduleInitiative, session: Session, access: Access, by: str, effective: date) -> None:
    initiative = changed_initiative(session, access, command.ref, "schedule", effective)
    initiative.schedule(command.start, command.end, reason=command.reason, by=by, effective=effective)


@carry_out.register
def move_lead_region(command: c.MoveLeadRegion, session: Session, access: Access, by: str, effective: date) -> None:
    access.require_admin(f"change the lead region of {command.ref}")
    initiative = session.initiative(command.ref)
    existing_on(session, initiative, effective)
    initiative.move_lead(command.region, reason=command.reason, by=by, effective=effective)
