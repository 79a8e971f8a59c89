"""Corrections of an initiative: each a new event; `reason` is kept in the history for auditors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kompass.application.commands.base import Command

__all__ = [
    "ChangeRoles", "MoveLeadRegion", "ReorientInitiative", "RetargetIndicator", "RetypeInitiative", "ScheduleInitiative",
    "UnfundInitiative", "WithdrawResult",
]


@dataclass(frozen=True, kw_only=True)
class RetypeInitiative(Command):
    ref: str
    type: str
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class ReorientInitiative(Command):
    ref: str
    orientation: str
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class ChangeRoles(Command):
    ref: str
    roles: tuple[str, ...]
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class UnfundInitiative(Command):
    ref: str
    source: str
    amount_sek: int
    year: int
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class WithdrawResult(Command):
    ref: str
    type: str
    text: str
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class RetargetIndicator(Command):
    ref: str
    name: str
    target: float
    unit: str | None = None
    """None keeps the indicator's unit."""
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class ScheduleInitiative(Command):
    ref: str
    start: date | None = None
    end: date | None = None
    """Both planned dates are set at once; one left out (or null) is cleared."""
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class MoveLeadRegion(Command):
    ref: str
    region: str
    reason: str = ""
