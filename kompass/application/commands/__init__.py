"""Commands: what a user asks kompass to do, one class per op of the command log (docs/command-log.md).

The command line and the importer both build these; the handlers carry them out.
`by` and `effective` are optional: they default to the acting user and today.

A command is made of text the store can keep: building one refuses a lone surrogate or a NUL
in any field, and writes its keys (refs, actor keys, user ids, indicator names) in Unicode NFC
(`kompass.domain.text`), before anything, even an aggregate's id, is derived from them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from kompass.domain.text import normal, require_storable


@dataclass(frozen=True, kw_only=True)
class Command:
    by: str | None = None
    effective: date | None = None

    KEYS: ClassVar[frozenset[str]] = frozenset({"ref", "key", "into", "actor", "by", "user"})
    """Fields that name something: compared, and so stored, in NFC."""

    def __post_init__(self) -> None:
        for name in _field_names(type(self)):
            value: Any = getattr(self, name)
            if isinstance(value, str):
                require_storable(name, value)
                if name in self.KEYS:
                    object.__setattr__(self, name, normal(value))
            elif isinstance(value, (tuple, list)):
                for item in value:
                    if isinstance(item, str):
                        require_storable(name, item)
            elif isinstance(value, dict):
                for item in (*value, *value.values()):
                    if isinstance(item, str):
                        require_storable(name, item)


_FIELD_NAMES: dict[type[Command], tuple[str, ...]] = {}


def _field_names(command_class: type[Command]) -> tuple[str, ...]:
    """Looked up once per class: an import builds a command for every line."""
    names = _FIELD_NAMES.get(command_class)
    if names is None:
        names = _FIELD_NAMES[command_class] = tuple(f.name for f in dataclasses.fields(command_class))
    return names


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


# --- corrections: each a new event; `reason` is kept in the history for auditors ---------


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


@dataclass(frozen=True, kw_only=True)
class PublishKey(Command):
    """A user's public signing key (base64 of the 32 raw Ed25519 bytes), published by that user;
    kompass records it by itself before the first checkpoint the key signs (docs/security.md)."""

    user: str
    public_key: str


OPS: dict[str, type[Command]] = {
    "actor.register": RegisterActor,
    "actor.rename": RenameActor,
    "actor.merge": MergeActor,
    "initiative.propose": ProposeInitiative,
    "initiative.status": ChangeStatus,
    "initiative.reopen": ReopenInitiative,
    "initiative.tag": TagArea,
    "initiative.untag": UntagArea,
    "initiative.join": JoinInitiative,
    "initiative.leave": LeaveInitiative,
    "initiative.fund": FundInitiative,
    "initiative.result": RecordResult,
    "initiative.retitle": RetitleInitiative,
    "initiative.indicator": DefineIndicator,
    "initiative.measure": MeasureIndicator,
    "initiative.retype": RetypeInitiative,
    "initiative.reorient": ReorientInitiative,
    "initiative.roles": ChangeRoles,
    "initiative.unfund": UnfundInitiative,
    "initiative.withdraw_result": WithdrawResult,
    "initiative.retarget": RetargetIndicator,
    "initiative.schedule": ScheduleInitiative,
    "initiative.lead_region": MoveLeadRegion,
    "portfolio.assess": AssessPortfolio,
    "portfolio.coordinator": AssignCoordinator,
    "user.grant": GrantRole,
    "user.revoke": RevokeRole,
    "key.publish": PublishKey,
}
"""The command log's op names (docs/command-log.md) and the command each one stands for."""

OP_OF: dict[type[Command], str] = {cls: op for op, cls in OPS.items()}
