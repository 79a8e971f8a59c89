"""The verbs of users: roles granted and revoked (a store keeps an admin), a signing key published by its own user."""

from __future__ import annotations

from datetime import date

from kompass.application import commands as c
from kompass.application.handlers.dispatch import carry_out
from kompass.application.permissions import Access
from kompass.application.session import Session
from kompass.domain.errors import AlreadyExists, NotFound, RuleViolation
from kompass.domain.signing_key import SigningKey, require_own
from kompass.domain.user import User

__all__ = ["grant_role", "publish_key", "revoke_role"]


@carry_out.register
def grant_role(command: c.GrantRole, session: Session, access: Access, by: str, effective: date) -> None:
    access.require_admin("manage users")
    user = session.user(command.user)
    if user is None:
        session.add(User.register(user=command.user, role=command.role, regions=list(command.regions), by=by, effective=effective))
    else:
        user.grant(command.role, list(command.regions), by=by, effective=effective)


@carry_out.register
def revoke_role(command: c.RevokeRole, session: Session, access: Access, by: str, effective: date) -> None:
    """The one place of the rule that a store keeps an admin: without one, nobody could grant roles again."""
    access.require_admin("manage users")
    user = session.user(command.user)
    if user is None:
        raise NotFound(f"{command.user} has no role")
    if command.role == "admin" and "admin" in user.roles and not session.admins() - {command.user}:
        raise RuleViolation(f"{command.user} is the last admin: grant admin to someone else first")
    user.revoke(command.role, list(command.regions), by=by, effective=effective)


@carry_out.register
def publish_key(command: c.PublishKey, session: Session, access: Access, by: str, effective: date) -> None:
    """Only the user a key is for publishes it, never an admin on their behalf: both the acting user and the
    real login must be that user (a restore re-records what the log holds, where `by` is that user)."""
    if not session.restoring:
        require_own(command.user, access.user)
        require_own(command.user, access.real)
    if session.has_signing_key(command.user, command.public_key):
        raise AlreadyExists(f"that signing key of {command.user} is already published")
    session.add(SigningKey.publish(user=command.user, public_key=command.public_key, by=by, effective=effective))
