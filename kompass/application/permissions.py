"""Who may change what (docs/definitions.md, "Who may change what"): every rule in this one module.

The command line and the import of a command log reach the same checks (the handlers and the
application services call them), so a line of a file can do exactly what the command can.

- Admins change everything.
- A coordinator changes the initiatives and portfolios of their own regions and the actors whose
  `region` is one of theirs; actors without a region are the admins'. A region's actor
  (`region-CC`) decides which regions an initiative belongs to, so only CC's coordinator (or an
  admin) adds it to or removes it from an initiative, any initiative; other actors join and leave
  an initiative at the word of its lead region's coordinator.
- The person register: a coordinator writes only their own details; admins write and erase
  anyone's; only admins and the person read them.
- Projection rebuilds are for admins and the projector (the worker that keeps the read models).
- Auditors and analysts read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kompass.domain.errors import PermissionDenied

ROLES = ("admin", "coordinator", "auditor", "analyst", "projector")
"""`projector` is the projection worker's role (a service account on PostgreSQL)."""

REGION_ACTOR_KIND = "region"
"""The kind of actor whose taking part makes an initiative one of its region's (docs/definitions.md)."""


@dataclass(frozen=True)
class Grants:
    user: str
    roles: frozenset[str] = frozenset()
    regions: frozenset[str] = field(default_factory=frozenset)
    """The regions a coordinator coordinates."""

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def coordinates(self, region: str) -> bool:
        return "coordinator" in self.roles and region in self.regions


class Access:
    """The acting user's permissions, asked before anything is recorded."""

    def __init__(self, grants: Grants, real: str | None = None) -> None:
        self.grants = grants
        self.real = real if real is not None else grants.user
        """Who really acts (the login the store established); differs from `user` only when an admin acts as
        another user. What only the person themself may do (publishing their signing key) is checked against it."""

    @property
    def user(self) -> str:
        return self.grants.user

    def _deny(self, what: str, who: str) -> PermissionDenied:
        return PermissionDenied(f"{self.user} may not {what}: only {who} may")

    def require_admin(self, what: str) -> None:
        if not self.grants.is_admin:
            raise self._deny(what, "an admin")

    def require_writer(self, what: str) -> None:
        if not (self.grants.is_admin or "coordinator" in self.grants.roles):
            raise self._deny(what, "an admin or a coordinator")

    def require_region(self, region: str, what: str) -> None:
        if not (self.grants.is_admin or self.grants.coordinates(region)):
            raise self._deny(what, f"an admin or a coordinator of region {region}")

    def require_actor(self, region: str | None, what: str) -> None:
        """Registering or changing an actor: its region's coordinator; an actor without a region is the admins'."""
        if region is None:
            if not self.grants.is_admin:
                raise self._deny(what, "an admin (the actor belongs to no region)")
            return
        self.require_region(region, what)

    def require_participant(self, lead_region: str, actor_kind: str, actor_region: str | None, what: str) -> None:
        """Adding an actor to an initiative, or removing it.

        A region's actor makes the initiative count in that region's coverage, so it is that
        region's to add or remove, whichever region leads; any other actor is the lead region's.
        """
        if actor_kind == REGION_ACTOR_KIND and actor_region is not None:
            self.require_region(actor_region, what)
            return
        self.require_region(lead_region, what)

    def require_author(self, by: str) -> None:
        """Recording on someone else's behalf (backfilling) is for admins only (docs/command-log.md)."""
        if by != self.user and not self.grants.is_admin:
            raise PermissionDenied(f"{self.user} may not record changes as {by}: only an admin may record on behalf of others")

    def require_person_writer(self, person: str, what: str) -> None:
        """A coordinator records their own contact details; only admins record anyone else's."""
        if self.grants.is_admin or (person == self.user and "coordinator" in self.grants.roles):
            return
        if person == self.user:
            raise self._deny(what, "an admin or a coordinator recording their own details")
        raise self._deny(what, "an admin (others record only their own details)")

    def require_person_reader(self, person: str, what: str) -> None:
        """Names, e-mail addresses and phone numbers are for admins and for the person."""
        if not (self.grants.is_admin or person == self.user):
            raise self._deny(what, "an admin or the person themselves")

    def require_projector(self, what: str) -> None:
        if not (self.grants.is_admin or "projector" in self.grants.roles):
            raise self._deny(what, "an admin or the projector")


class OpenAccess(Access):
    """Everything allowed: for tests of the domain and the worked examples."""

    def __init__(self, user: str = "admin") -> None:
        super().__init__(Grants(user=user, roles=frozenset({"admin"})))
