"""The rules of corrections: changing what an initiative was recorded with.

A correction never edits a recorded event; it is a new event that says what holds from now
on (retyped, reoriented, a funding line removed…). These checks run before such an event is
triggered, so a refused correction changes nothing. They are kept apart from the aggregate,
which only triggers the events, so each rule reads on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from kompass.domain.errors import InvalidValue, NotFound, RuleViolation
from kompass.domain.vocabulary import (
    COORDINATOR_ROLES,
    INITIATIVE_TYPES,
    ORIENTATIONS,
    region_actor_key,
    require_one_of,
    require_region,
)


def check_retype(ref: str, current: str, new: str) -> None:
    require_one_of(new, INITIATIVE_TYPES, "initiative type")
    if new == current:
        raise RuleViolation(f"{ref} is already of type {new}")


def check_reorient(ref: str, current: str, new: str) -> None:
    require_one_of(new, ORIENTATIONS, "orientation")
    if new == current:
        raise RuleViolation(f"{ref} is already {new}")


def check_roles(roles: Sequence[str]) -> None:
    """A set of coordinator roles: each one known, none twice (an empty set is allowed)."""
    for role in roles:
        require_one_of(role, COORDINATOR_ROLES, "coordinator role")
    if len(set(roles)) != len(roles):
        raise InvalidValue(f"duplicate roles in {', '.join(roles)}")


def check_new_roles(ref: str, current: Sequence[str], new: Sequence[str]) -> None:
    check_roles(new)
    if set(new) == set(current):
        raise RuleViolation(f"{ref} already exercises exactly these roles")


def check_present(ref: str, held: Iterable[object], wanted: object, what: str) -> None:
    """Removing a funding line or a result: one equal to the given one must be there."""
    if wanted not in list(held):
        raise NotFound(f"{ref} has no {what} equal to the one given")


def check_retarget(ref: str, name: str, current: tuple[float, str], new: tuple[float, str]) -> None:
    if new == current:
        raise RuleViolation(f"indicator {name!r} of {ref} already has target {new[0]}{new[1]}")


def check_schedule(ref: str, current: tuple[date | None, date | None], start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise RuleViolation(f"the planned end {end.isoformat()} is before the planned start {start.isoformat()}")
    if (start, end) == current:
        raise RuleViolation(f"{ref} already has these planned dates")


def check_lead_region(ref: str, current: str, new: str, participants: Iterable[str]) -> None:
    """The lead region moves; the new lead must not already take part under another role."""
    require_region(new)
    if new == current:
        raise RuleViolation(f"region {new} already leads {ref}")
    if region_actor_key(new) in set(participants):
        raise RuleViolation(f"{region_actor_key(new)} takes part in {ref}: remove it as a participant first")
