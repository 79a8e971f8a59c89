"""The life of an initiative (docs/definitions.md): which status moves are allowed.

Kept apart from the aggregate so the same rules answer "may I?" for the command line's
help and for the aggregate's guards.
"""

from __future__ import annotations

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
