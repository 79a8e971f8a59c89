"""When a question is asked of: the present, or the portfolio as it was on a date as recorded by a time.

Its own module so that the lookups, the coverage questions and the network questions share it without
importing one another (the network's modules import networkx, which a lookup has no need of).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

__all__ = ["NOW", "When"]


@dataclass(frozen=True)
class When:
    """The present (both None), or the portfolio as it was on `as_of` as recorded by `known_at`."""

    as_of: date | None = None
    known_at: datetime | None = None

    @property
    def is_present(self) -> bool:
        return self.as_of is None and self.known_at is None


NOW = When()
