"""The one dispatcher of the handlers (by the command's type), and the lookups that several of them share."""

from __future__ import annotations

from datetime import date
from functools import singledispatch

from kompass.application import commands as c
from kompass.application.permissions import Access
from kompass.application.session import Session
from kompass.domain.actor import Actor
from kompass.domain.initiative import Initiative

__all__ = ["changed_initiative", "existing_on"]


@singledispatch
def carry_out(command: c.Command, session: Session, access: Access, by: str, effective: date) -> None:
    raise TypeError(f"no handler for {type(command).__name__}")


def changed_initiative(session: Session, access: Access, ref: str, what: str, effective: date) -> Initiative:
    """The initiative a command changes, once the user may change it and the change holds after its proposal."""
    initiative = session.initiative(ref)
    access.require_region(initiative.region, f"{what} {ref}")
    existing_on(session, initiative, effective)
    return initiative


def existing_on(session: Session, aggregate: Initiative | Actor, effective: date) -> None:
    """A restore records the history as it was, also what older versions let predate its subject."""
    if not session.restoring:
        aggregate.require_existing_on(effective)
