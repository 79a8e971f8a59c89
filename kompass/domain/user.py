"""A user's roles, as events: who was granted or lost which role, for which regions, and when.

Roles are facts of the log like any other change, so history, export, restore and `--as-of`
cover them, and `verify` can ask whether whoever recorded an event held the right to at that
moment. The aggregate knows one user; the rule that a store keeps at least one admin needs all
users and lives with the service that grants and revokes (application/users.py).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from kompass.domain.errors import InvalidValue, NotFound
from kompass.domain.identity import user_aggregate_id
from kompass.domain.recording import KompassAggregate
from kompass.domain.text import require_user_id
from kompass.domain.vocabulary import require_region

ROLES = ("admin", "coordinator", "auditor", "analyst", "projector")
"""Every role a user may hold (docs/definitions.md, who may change what)."""


def require_role(role: str, regions: list[str]) -> list[str]:
    """A known role, and the regions it is held for (sorted, each a region code); a coordinator needs one."""
    if role not in ROLES:
        raise InvalidValue(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    for region in regions:
        require_region(region)
    if role == "coordinator" and not regions:
        raise InvalidValue("a coordinator needs at least one --region")
    if role != "coordinator" and regions:
        raise InvalidValue(f"only a coordinator holds regions, not {role}")
    return sorted(set(regions))


class User(KompassAggregate):
    @staticmethod
    def create_id(user: str, role: str, regions: list[str]) -> UUID:
        return user_aggregate_id(user)

    @classmethod
    def register(cls, *, user: str, role: str, regions: list[str], by: str, effective: date) -> User:
        """The user's first grant makes the aggregate."""
        require_user_id(user)
        return cls(user=user, role=role, regions=require_role(role, regions), by=by, effective=effective)

    @event("Registered")
    def __init__(self, *, user: str, role: str, regions: list[str], by: str, effective: date) -> None:
        self.user = user
        self.roles: dict[str, frozenset[str]] = {role: frozenset(regions)}

    def grant(self, role: str, regions: list[str], *, by: str, effective: date) -> None:
        regions = require_role(role, regions)
        if role in self.roles and self.roles[role] >= set(regions):
            shown = f" for region {', '.join(regions)}" if regions else ""
            raise InvalidValue(f"{self.user} already has the role {role}{shown}")
        self._role_granted(user=self.user, role=role, regions=regions, by=by, effective=effective)

    @event("RoleGranted")
    def _role_granted(self, user: str, role: str, regions: list[str], by: str, effective: date) -> None:
        self.roles[role] = self.roles.get(role, frozenset()) | set(regions)

    def revoke(self, role: str, regions: list[str], *, by: str, effective: date) -> None:
        """Without regions the whole role goes; with regions, a coordinator loses only those."""
        if role not in self.roles:
            raise NotFound(f"{self.user} does not have the role {role}")
        regions = sorted(set(regions))
        if role != "coordinator" and regions:
            raise InvalidValue(f"only a coordinator holds regions, not {role}")
        if role == "coordinator" and not set(regions) <= self.roles[role]:
            raise NotFound(f"{self.user} is not a coordinator of region {', '.join(sorted(set(regions) - self.roles[role]))}")
        if role == "coordinator" and not regions:
            regions = sorted(self.roles[role])  # the event names what was taken away, so a fold needs no history
        self._role_revoked(user=self.user, role=role, regions=regions, by=by, effective=effective)

    @event("RoleRevoked")
    def _role_revoked(self, user: str, role: str, regions: list[str], by: str, effective: date) -> None:
        left = self.roles[role] - set(regions)
        if left:
            self.roles[role] = left
        else:
            del self.roles[role]

    @property
    def regions(self) -> frozenset[str]:
        return self.roles.get("coordinator", frozenset())
