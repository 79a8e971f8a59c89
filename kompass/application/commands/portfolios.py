"""The commands of a region's portfolio: the yearly self-assessment and the coordinator (ops `portfolio.*`)."""

from __future__ import annotations

from dataclasses import dataclass

from kompass.application.commands.base import Command

__all__ = ["AssessPortfolio", "AssignCoordinator"]


@dataclass(frozen=True, kw_only=True)
class AssessPortfolio(Command):
    region: str
    year: int
    score: int
    light: str
    focus: dict[str, str] | None = None
    """None keeps the focus declared earlier for the same year; {} declares none."""


@dataclass(frozen=True, kw_only=True)
class AssignCoordinator(Command):
    region: str
    user: str
