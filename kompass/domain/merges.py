"""Following merges: the one rule for what a reference to a merged actor stands for.

When organisation A is merged into B, later references to A lead to B (and on, if B was merged
in turn). The command side follows merges through aggregates, the read side through records and
the network through its actor data; all of them call `survivor`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

__all__ = ["Mergeable", "survivor"]


class Mergeable(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def merged_into(self) -> str | None: ...


M = TypeVar("M", bound=Mergeable)


def survivor(actor: M, lookup: Callable[[str], M | None]) -> M:
    """The actor `actor` stands for now: its merges followed to the one not merged away.

    The walk stops at an actor `lookup` does not know (None; a lookup may also raise, e.g. NotFound)
    and at a cycle, which commands cannot make but a lenient read-side view of part of the log
    must survive.

    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class A:
    ...     key: str
    ...     merged_into: str | None = None
    >>> actors = {"a": A("a", "b"), "b": A("b", "c"), "c": A("c")}
    >>> survivor(actors["a"], actors.get).key
    'c'
    """
    seen = {actor.key}
    while actor.merged_into is not None and actor.merged_into not in seen:
        following = lookup(actor.merged_into)
        if following is None:
            break
        actor = following
        seen.add(actor.key)
    return actor
