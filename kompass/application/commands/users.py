"""The commands of users: roles granted and revoked, and a signing key published (ops `user.*`, `key.publish`)."""

from __future__ import annotations

from dataclasses import dataclass

from kompass.application.commands.base import Command

__all__ = ["GrantRole", "PublishKey", "RevokeRole"]


@dataclass(frozen=True, kw_only=True)
class GrantRole(Command):
    """A role for a user (a coordinator's for regions): a `user` aggregate's event, so roles have a history."""

    user: str
    role: str
    regions: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RevokeRole(Command):
    """A role taken away; a coordinator's regions may be taken away one by one (none given: all)."""

    user: str
    role: str
    regions: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class PublishKey(Command):
    """A user's public signing key (base64 of the 32 raw Ed25519 bytes), published by that user;
    kompass records it by itself before the first checkpoint the key signs (docs/security.md)."""

    user: str
    public_key: str
