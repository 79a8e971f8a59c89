"""Which per-actor keys a rebuild's fill has written chunks for, so that it looks up only those.

Why: a batch reads back the stored chunks of every (axis, region, area, actor) it changes (`series`). In a
rebuild most of those keys are new: an actor counted in a cell for the first time. In the series process of a
1,000,000-event rebuild the batches asked for 1,883,884 keys and found 660,254; the lookups took 31.8–34.6 s. The
fill that began on the empty table has written every row in it, so it can tell a new key without asking the
database, if it remembers what it wrote: with this filter the same rebuild asked for 660,262 keys (8 false
hits) and the lookups took 17.9–18.0 s, the per-actor counts as a whole 43.3–43.6 s instead of 55.8–58.5 s (two
rounds each, alternated; bench/out's 1,000,000-line store).

Remembering the keys themselves would take memory growing with the store (1.4 million keys at that size, on the
order of 100 MB even as bare hashes). A Bloom filter (rbloom) holds them in a few MB and answers "never written"
for certain and "perhaps written" otherwise: a false "perhaps" costs one lookup that finds nothing, which is what
every key cost before; no answer is ever wrong. Filled past its expected size it answers "perhaps" more often,
never wrongly.

It is only sure while this fill is the table's only writer since it was empty: it takes its first look at the
table (`begin`) and never skips a lookup if the table held rows then. A rebuild's fresh tables are written by one
fill each; the live tables, which several processes may bring up to date, never get one.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from rbloom import Bloom

EXPECTED_KEYS = 4_000_000
"""The number of keys the filter is sized for (4.8 MB at FALSE_HITS): a 1,000,000-event rebuild writes about 1.4
million."""
FALSE_HITS = 0.01
"""The share of never-written keys the filter answers "perhaps" for (each costs a lookup that finds nothing)."""


class WrittenKeys:
    """The keys one fill has written rows for, since it began on an empty table."""

    def __init__(self, expected: int = EXPECTED_KEYS, false_hits: float = FALSE_HITS) -> None:
        self._written = Bloom(expected, false_hits)
        self._sure: bool | None = None
        """None before the first look at the table; then whether it was empty (and this fill its only writer)."""

    def begin(self, table_empty: bool) -> None:
        """Told at each batch whether the table is empty; only the first time counts."""
        if self._sure is None:
            self._sure = table_empty

    def may_hold(self, key: Hashable) -> bool:
        """False only when the table surely has no row of `key`."""
        return not self._sure or key in self._written

    def add(self, keys: Iterable[Hashable]) -> None:
        """`keys` have rows written (or may have: a key added that got none only costs a lookup)."""
        self._written.update(keys)
