"""What the application needs from the outside world, as protocols the infrastructure fills."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol
from uuid import UUID

from kompass.application.facts import Fact


class AppendTransaction(Protocol):
    """Appends batches of events; `get` and `get_many` read aggregates as this transaction sees them."""

    def __call__(self, events: Sequence[Any]) -> None: ...

    def get(self, aggregate_id: UUID) -> Any: ...

    def get_many(self, aggregate_ids: Collection[UUID]) -> dict[UUID, Any]:
        """Several aggregates at once, as `get` would read each of them; None for those not stored."""
        ...


class AtomicAppender(Protocol):
    def transaction(self) -> AbstractContextManager[AppendTransaction]:
        """A context in which events are appended in batches and committed together at the end.

        Raises ConcurrentChange if another writer recorded a conflicting event meanwhile.
        """
        ...


class FactLog(Protocol):
    """The notification log, read as facts in log order."""

    def head(self) -> int: ...

    def facts(self, after: int = 0, upto: int | None = None, batch: int = 1000) -> Iterator[Fact]: ...
