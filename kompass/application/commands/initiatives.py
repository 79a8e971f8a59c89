"""The commands of an initiative's life: propose, move, tag, take part, fund, record results and indicators
(ops `initiative.*` but the corrections).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from kompass.application.commands.base import Command

__all__ = [
    "ChangeStatus", "DefineIndicator", "FundInitiative", "JoinInitiative", "LeaveInitiative", "MeasureIndicator", "ProposeInitiative",
    "RecordResult", "ReopenInitiative", "RetitleInitiative", "TagArea", "UntagArea",
]


@dataclass(frozen=True, kw_only=True)
class ProposeInitiative(Command):
    ref: str
    region: str
    title: str
    areas: tuple[str, ...]
    type: str
    orientation: str = "external"
    roles: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class ChangeStatus(Command):
    ref: str
    status: str
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class ReopenInitiative(Command):
    ref: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class TagArea(Command):
    ref: str
    area: str


@dataclass(frozen=True, kw_only=True)
class UntagArea(Command):
    ref: str
    area: str


@dataclass(frozen=True, kw_only=True)
class JoinInitiative(Command):
    ref: str
    actor: str
    role: str = "partner"


@dataclass(frozen=True, kw_only=True)
class LeaveInitiative(Command):
    ref: str
    actor: str


@dataclass(frozen=True, kw_only=True)
class FundInitiative(Command):
    ref: str
    source: str
    amount_sek: int
    year: int


@dataclass(frozen=True, kw_only=True)
class RecordResult(Command):
    ref: str
    type: str
    text: str


@dataclass(frozen=True, kw_only=True)
class RetitleInitiative(Command):
    ref: str
    title: str
    description: str | None = None


@dataclass(frozen=True, kw_only=True)
class DefineIndicator(Command):
    KEYS: ClassVar[frozenset[str]] = Command.KEYS | {"name"}
    ref: str
    name: str
    target: float
    unit: str = ""


@dataclass(frozen=True, kw_only=True)
class MeasureIndicator(Command):
    KEYS: ClassVar[frozenset[str]] = Command.KEYS | {"name"}
    ref: str
    name: str
    value: float
