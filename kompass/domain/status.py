"""The life of an initiative (docs/definitions.md): which status moves are allowed, and what
each move does to the status, the status before it and the status paused from.

The one place of these rules: the `Initiative` aggregate checks and applies them when a change
is made, and the read-side fold (`application/catalogue/initiative.py`) applies them when the
log is replayed, so the two cannot disagree.
"""

from __future__ import annotations

from typing import NamedTuple

from kompass.domain.errors import RuleViolation
from kompass.domain.vocabulary import require_one_of

FORWARD = ("proposed", "planned", "active", "completed")
STATUSES = (*FORWARD, "paused", "cancelled")
FINAL = frozenset({"completed", "cancelled"})
COUNTING = frozenset({"active", "completed"})
"""Statuses in which an initiative counts for coverage."""
PIPELINE = frozenset({"proposed", "planned"})
PAUSABLE = frozenset({"planned", "active"})


def check_move(current: str, target: str, paused_from: str | None) -> None:
    """Raise RuleViolation unless `current` → `target` is an allowed move."""
    require_one_of(target, STATUSES, "status")
    if target == current:
        raise RuleViolation(f"the initiative is already {current}")
    if current in FINAL:
        raise RuleViolation(f"the initiative is {current}, which is final: reopen it (with a reason) first")
    if target == "cancelled":
        return
    if current == "paused":
        if target != paused_from:
            raise RuleViolation(f"a paused initiative can only go back to {paused_from} or be cancelled")
        return
    if target == "paused":
        if current not in PAUSABLE:
            raise RuleViolation(f"only a planned or active initiative can be paused, not {current}")
        return
    if FORWARD.index(target) < FORWARD.index(current):
        raise RuleViolation(f"status cannot go back from {current} to {target}")


def check_reopen(current: str, ref: str) -> None:
    """Raise RuleViolation unless an initiative in status `current` may be reopened."""
    if current not in FINAL:
        raise RuleViolation(f"only a completed or cancelled initiative can be reopened; {ref} is {current}")


class Standing(NamedTuple):
    """Where an initiative stands in its life."""

    status: str
    before: str | None
    """The status held just before the last move: what a reopen returns to."""
    paused_from: str | None
    """The status a paused initiative was paused from: the only one it may go back to."""


PROPOSED = Standing("proposed", None, None)
"""A new initiative's standing."""


def moved(standing: Standing, target: str) -> Standing:
    """The standing after a move to `target` (StatusChanged), the move being allowed or recorded."""
    paused_from = standing.paused_from
    if target == "paused":
        paused_from = standing.status
    elif standing.status == "paused" and target != "cancelled":
        paused_from = None
    return Standing(target, standing.status, paused_from)


def reopened(standing: Standing) -> Standing:
    """The standing after a reopen (InitiativeReopened): back to the status before the final one."""
    return Standing(standing.before or "active", standing.status, standing.paused_from)
