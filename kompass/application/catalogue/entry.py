"""What an entry of the event catalogue holds: everything the read side does with one kind of event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = ["COVERAGE", "NETWORK", "PROJECTIONS", "RECORDS", "Aggregate", "Entry", "Export", "Summary"]

RECORDS = "records"
"""It changes a record the portfolio projection keeps (an initiative, an actor, an assessment)."""
COVERAGE = "coverage"
"""It can change coverage: the portfolio projection recounts the initiative's contribution."""
NETWORK = "network"
"""It can change the network: the network projection applies it."""
PROJECTIONS = frozenset({RECORDS, COVERAGE, NETWORK})

Summary = Callable[[dict[str, Any], str], str]
"""(the event's data, its aggregate's key) -> the change in words a coordinator understands."""

F = TypeVar("F")


@dataclass(frozen=True)
class Export:
    """The command-log line that records an event again: its op and the fields it carries
    besides the aggregate's key and the envelope (docs/command-log.md)."""

    op: str
    fields: tuple[str, ...]
    reference_only: bool = False
    """Written only for what kompass registers itself in every store (one export line per stored event,
    since the lines are the leaves of the log's Merkle tree); a restore skips such lines, an import refuses the op."""


@dataclass(frozen=True)
class Aggregate:
    """How an aggregate's events name it: the field of its first event holding its key, and its region."""

    name: str
    key_field: str
    region_field: str


@dataclass(frozen=True)
class Entry(Generic[F]):
    """One kind of stored event and everything the read side does with it.

    `fold` applies it to the aggregate's read-side record (its type depends on the aggregate);
    `export` says how the export writes it; every stored event has an export line.
    """

    type: str
    aggregate: Aggregate
    fold: F
    summary: Summary
    export: Export | None
    concerns: frozenset[str]
