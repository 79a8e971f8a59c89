"""Commands: what a user asks kompass to do, one class per op of the command log (docs/command-log.md).

The command line and the importer both build these; the handlers carry them out.
`by` and `effective` are optional: they default to the acting user and today.

A command is made of text the store can keep: building one refuses a lone surrogate or a NUL
in any field, and writes its keys (refs, actor keys, user ids, indicator names) in Unicode NFC
(`kompass.domain.text`), before anything, even an aggregate's id, is derived from them.
"""

from __future__ import annotations

from kompass.application.commands.actors import MergeActor, RegisterActor, RenameActor
from kompass.application.commands.base import Command
from kompass.application.commands.corrections import (
    ChangeRoles,
    MoveLeadRegion,
    ReorientInitiative,
    RetargetIndicator,
    RetypeInitiative,
    ScheduleInitiative,
    UnfundInitiative,
    WithdrawResult,
)
from kompass.application.commands.initiatives import (
    ChangeStatus,
    DefineIndicator,
    FundInitiative,
    JoinInitiative,
    LeaveInitiative,
    MeasureIndicator,
    ProposeInitiative,
    RecordResult,
    ReopenInitiative,
    RetitleInitiative,
    TagArea,
    UntagArea,
)
from kompass.application.commands.portfolios import AssessPortfolio, AssignCoordinator
from kompass.application.commands.users import GrantRole, PublishKey, RevokeRole

__all__ = [
    "OPS", "OP_OF", "AssessPortfolio", "AssignCoordinator", "ChangeRoles", "ChangeStatus", "Command", "DefineIndicator",
    "FundInitiative", "GrantRole", "JoinInitiative", "LeaveInitiative", "MeasureIndicator", "MergeActor", "MoveLeadRegion",
    "ProposeInitiative", "PublishKey", "RecordResult", "RegisterActor", "RenameActor", "ReopenInitiative", "ReorientInitiative",
    "RetargetIndicator", "RetitleInitiative", "RetypeInitiative", "RevokeRole", "ScheduleInitiative", "TagArea", "UnfundInitiative",
    "UntagArea", "WithdrawResult",
]

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
