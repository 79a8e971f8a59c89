"""The commands of the actors: register, rename, merge (ops `actor.*`)."""

from __future__ import annotations

from dataclasses import dataclass

from kompass.application.commands.base import Command

__all__ = ["MergeActor", "RegisterActor", "RenameActor"]


@dataclass(frozen=True, kw_only=True)
class RegisterActor(Command):
    key: str
    name: str
    kind: str
    region: str | None = None


@dataclass(frozen=True, kw_only=True)
class RenameActor(Command):
    key: str
    name: str


@dataclass(frozen=True, kw_only=True)
class MergeActor(Command):
    key: str
    into: str
