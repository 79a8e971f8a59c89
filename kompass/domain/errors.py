"""The family of errors a user can cause.

Each one carries a message written for a coordinator, not a programmer; the command
line prints it as one line and maps the class to an exit code (docs/definitions.md#exit-codes).
"""

from __future__ import annotations


class KompassError(Exception):
    """A request kompass refused; nothing was written."""

    exit_code = 1


class RuleViolation(KompassError):
    """The request breaks a rule of the portfolio (a status move, a duplicate tag…)."""


class InvalidValue(RuleViolation):
    """A value is outside what the vocabulary or the rule allows."""


class NotFound(KompassError):
    """The request names an initiative, actor or region that does not exist."""


class AlreadyExists(RuleViolation):
    """The request would create something whose key is already taken."""


class PermissionDenied(KompassError):
    """The acting user may not make this change."""

    exit_code = 4


class ConcurrentChange(KompassError):
    """Someone else changed the same thing at the same moment; nothing was written."""

    exit_code = 3


class StorageUnavailable(KompassError):
    """The store cannot be reached, opened or written."""

    exit_code = 7


class IntegrityViolation(KompassError):
    """The log, a checkpoint, a proof or something derived from the log is not what it claims to be."""

    exit_code = 5


class SigningKeyMissing(KompassError):
    """A write needs the store's signing key, which is not where kompass looks for it."""


class StoreDamaged(KompassError):
    """A stored event cannot be read as the event it claims to be: the store was altered or broken."""

    exit_code = 5

    def __init__(self, position: int | None, reason: str) -> None:
        where = f" at position {position}" if position is not None else ""
        super().__init__(f"the store is damaged: the event{where} cannot be read ({reason}); run `kompass verify` to find what changed")
        self.position = position
