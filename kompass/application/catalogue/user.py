"""The user aggregate's events in the catalogue: roles granted and revoked. They concern no projection
of the portfolio; the register of who holds which role folds them (application/users.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kompass.application.catalogue.entry import Aggregate, Entry, Export, Summary

__all__ = ["EVENTS", "USER"]

USER: Aggregate = Aggregate("user", key_field="user", region_field="")
UserFold = Callable[[Any, str, Any], None]

EVENTS: dict[str, Entry[UserFold]] = {}


def _nothing(_book: Any, _user: str, _fact: Any) -> None:
    """Roles are read by the user register, not by the portfolio's projections."""


def _words(verb: str) -> Summary:
    def summary(d: dict[str, Any], key: str) -> str:
        regions = f" for region {', '.join(d['regions'])}" if d.get("regions") else ""
        return f"{verb} {d['role']}{regions}"

    return summary


for _type, _verb, _op in (("Registered", "granted", "user.grant"), ("RoleGranted", "granted", "user.grant"),
                          ("RoleRevoked", "revoked", "user.revoke")):
    EVENTS[_type] = Entry(_type, USER, _nothing, _words(_verb), Export(_op, ("role", "regions")), frozenset())
