"""Keeping the read models, as use cases: where each projection stands, a rebuild from the whole log, a
catch-up, a worker that follows the log, and giving back the room a rebuild's replaced tables keep.
`kompass projections status|rebuild|run|compact` call one method each.

The work is the `ProjectionKeeper` port's (`infrastructure/projections/projector.py`); who may rebuild is decided here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kompass.application.permissions import Access
from kompass.application.ports import ProjectionKeeper

__all__ = ["Compaction", "Progress", "ProjectionService", "ProjectionStatus"]

Progress = Callable[[int, int], None]
"""Told (position reached, head of the log) as a replay goes."""


@dataclass(frozen=True)
class ProjectionStatus:
    """A projection's position in the log against the head of the log."""

    name: str
    position: int
    head: int

    @property
    def behind(self) -> int:
        return self.head - self.position


@dataclass(frozen=True)
class Compaction:
    """The store's size on disk (bytes, with its write-ahead log) before and after a compaction."""

    before: int
    after: int

    @property
    def freed(self) -> int:
        return max(0, self.before - self.after)


class ProjectionService:
    def __init__(self, keeper: ProjectionKeeper, access: Callable[[], Access]) -> None:
        self.keeper = keeper
        self.access = access
        """The acting user's grants."""

    def status(self) -> list[ProjectionStatus]:
        return self.keeper.status()

    def rebuild(self, batch: int | None = None, progress: Progress | None = None) -> int:
        """Replay the whole log into fresh tables and swap them in (admins and the projector only); the facts read."""
        self.access().require_projector("rebuild the projections")
        return self.keeper.rebuild(progress, batch=batch)

    def compact(self) -> Compaction | None:
        """Drop the tables the last rebuild replaced and give their room back to the file system (admins and the
        projector only); None where the store keeps no such tables (PostgreSQL)."""
        self.access().require_projector("compact the store")
        return self.keeper.compact()

    def catch_up(self, batch: int | None = None) -> int:
        """Apply what the projections have not seen yet; the facts applied."""
        return self.keeper.catch_up(batch=batch)

    def follow(self, poll_seconds: float, batch: int | None = None) -> None:
        """Keep catching up, looking at the log every `poll_seconds` when idle, until interrupted."""
        self.keeper.follow(poll_seconds, batch=batch)
