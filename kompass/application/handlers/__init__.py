"""Handlers: carry out one command against a session, after checking who may do it.

Each handler is a verb; it raises a domain error before anything changes, so a refused
command leaves the session as it was.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from kompass.application import commands as c
from kompass.application.handlers import actors, corrections, initiatives, portfolios, users
from kompass.application.handlers.dispatch import carry_out
from kompass.application.permissions import Access
from kompass.application.session import Session
from kompass.domain.identity import user_aggregate_id
from kompass.domain.recording import actor_id, initiative_id, portfolio_id
from kompass.domain.text import require_user_id
from kompass.domain.vocabulary import require_effective

__all__ = ["ACTOR_FIELDS", "PORTFOLIO_COMMANDS", "aggregates_named", "handle", "stamp"]

VERBS = (actors, corrections, initiatives, portfolios, users)
"""The verbs, a module per kind of command; importing them registers each with the dispatcher (`carry_out`)."""
_handle = carry_out  # the dispatcher under its older name (tests ask it for each op's verb)


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
    carry_out(command, session, access, by, effective)


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
