"""Who may change what (docs/definitions.md).

Admins change everything; a coordinator changes initiatives and portfolios of their own
regions and may register actors; auditors and analysts only read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kompass.domain.errors import PermissionDenied

ROLES = ("admin", "coordinator", "auditor", "analyst")


@dataclass(frozen=True)
class Grants:
    user: str
    roles: frozenset[str] = frozenset()
    regions: frozenset[str] = field(default_factory=frozenset)
    """The regions a coordinator coordinates."""

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles


class Access:
    """The acting user's permissions, asked before anything is recorded."""

    def __init__(self, grants: Grants) -> None:
        self.grants = grants

    @property
    def user(self) -> str:
        return self.grants.user

    def require_admin(self, what: str) -> None:
        if not self.grants.is_admin:
            raise PermissionDenied(f"{self.user} may not {what}: only an admin may")

    def require_writer(self, what: str) -> None:
        if not (self.grants.is_admin or "coordinator" in self.grants.roles):
            raise PermissionDenied(f"{self.user} may not {what}: only an admin or a coordinator may")

    def require_region(self, region: str, what: str) -> None:
        if self.grants.is_admin:
            return
        if "coordinator" in self.grants.roles and region in self.grants.regions:
            return
        raise PermissionDenied(f"{self.user} may not {what}: only an admin or a coordinator of region {region} may")

    def require_author(self, by: str) -> None:
        """Recording on someone else's behalf (backfilling) is for admins only (docs/command-log.md)."""
        if by != self.user and not self.grants.is_admin:
            raise PermissionDenied(f"{self.user} may not record changes as {by}: only an admin may record on behalf of others")


class OpenAccess(Access):
    """Everything allowed: for tests of the domain and the worked examples."""

    def __init__(self, user: str = "admin") -> None:
        super().__init__(Grants(user=user, roles=frozenset({"admin"})))
