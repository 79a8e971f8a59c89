"""The actors' verbs: register, rename, merge."""

from __future__ import annotations

from datetime import date

from kompass.application import commands as c
from kompass.application.handlers.dispatch import carry_out, existing_on
from kompass.application.permissions import Access
from kompass.application.session import Session
from kompass.domain.actor import Actor

__all__ = ["merge_actor", "register_actor", "rename_actor"]



@carry_out.register
def register_actor(command: c.RegisterActor, session: Session, access: Access, by: str, effective: date) -> None:
    where = f"region {command.region}" if command.region else "no region"
    access.require_actor(command.region, f"register actors for {where}")
    session.check_new_actor(command.key)
    session.add(Actor.register(key=command.key, name=command.name, kind=command.kind, region=command.region, by=by, effective=effective))


@carry_out.register
def rename_actor(command: c.RenameActor, session: Session, access: Access, by: str, effective: date) -> None:
    actor = session.actor(command.key)
    access.require_actor(actor.region, f"rename {actor.key}")
    existing_on(session, actor, effective)
    actor.rename(command.name, by=by, effective=effective)


@carry_out.register
def merge_actor(command: c.MergeActor, session: Session, access: Access, by: str, effective: date) -> None:
    access.require_admin("merge actors")
    actor, survivor = session.actor(command.key), session.live_actor(command.into)
    for each in (actor, survivor):
        existing_on(session, each, effective)
    actor.merge_into(survivor, by=by, effective=effective)
