"""Who holds which role, folded from the `user` aggregates' events (roles are facts of the log).

`user list --as-of DATE` and `verify` ask what was true at a moment; the permission checks of a
command ask the user's aggregate directly (infrastructure/users.py), which is always current.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from kompass.application.facts import Fact
from kompass.application.permissions import Grants

USER_TOPICS = "kompass.domain.user:"
"""The topic prefix of the user aggregate's events."""


class RoleBook:
    """Roles as the user events seen so far leave them."""

    def __init__(self) -> None:
        self.roles: dict[str, dict[str, frozenset[str]]] = {}

    def apply(self, fact: Fact) -> None:
        user, role, regions = fact.data["user"], fact.data["role"], frozenset(fact.data["regions"])
        held = self.roles.setdefault(user, {})
        if fact.type == "RoleRevoked":
            left = held.get(role, frozenset()) - regions
            if left:
                held[role] = left
            else:
                held.pop(role, None)
        else:
            held[role] = held.get(role, frozenset()) | regions

    def grants(self, user: str) -> Grants:
        held = self.roles.get(user, {})
        return Grants(user, frozenset(held), held.get("coordinator", frozenset()))

    def all(self) -> list[Grants]:
        return [self.grants(user) for user in sorted(self.roles) if self.roles[user]]


def grants_as_of(facts: Iterable[Fact], as_of: date | None = None, known_at: datetime | None = None) -> list[Grants]:
    """Every user with a role on `as_of` (effective dates; None: now), as recorded by `known_at`."""
    book = RoleBook()
    for fact in facts:
        if fact.aggregate != "user":
            continue
        if (as_of is not None and fact.effective > as_of) or (known_at is not None and fact.recorded_at > known_at):
            continue
        book.apply(fact)
    return book.all()
