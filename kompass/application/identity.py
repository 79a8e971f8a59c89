"""Acting on someone's behalf, like sudo: the rule in one place.

The real identity is established by the store (the operating-system account, or the PostgreSQL
login); `--as USER` / KOMPASS_USER name whom to act as. Only an admin may act as another user;
the permission checks are then USER's, events record `by` = USER, and the store records the real
identity as `recorded_by`. Anyone else naming another user is refused before anything happens,
reads included.
"""

from __future__ import annotations

from dataclasses import dataclass

from kompass.application.permissions import Grants
from kompass.domain.errors import PermissionDenied


@dataclass(frozen=True)
class Identity:
    real: str
    """Who the store knows is acting: it records this as every event's `recorded_by`."""
    acting: str
    """Whose permissions apply, and who is an event's `by` unless a line names another."""

    @property
    def on_behalf(self) -> bool:
        return self.acting != self.real


def require_may_act(identity: Identity, real_grants: Grants) -> None:
    """Refuse (exit 4) a non-admin who names another user."""
    if identity.on_behalf and not real_grants.is_admin:
        raise PermissionDenied(
            f"{identity.real} may not act as {identity.acting}: only an admin may act on another user's behalf"
        )
