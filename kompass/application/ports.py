"""What the application needs from the outside world, as protocols the infrastructure fills."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from kompass.application.facts import Fact

AppendEvents = Callable[[Sequence[Any]], None]


class AtomicAppender(Protocol):
    def transaction(self) -> AbstractContextManager[AppendEvents]:
        """A context in which events are appended in batches and committed together at the end.

        Raises ConcurrentChange if another writer recorded a conflicting event meanwhile.
        """
        ...


class FactLog(Protocol):
    """The notification log, read as facts in log order."""

    def head(self) -> int: ...

    def facts(self, after: int = 0, upto: int | None = None, batch: int = 1000) -> Iterator[Fact]: ...
