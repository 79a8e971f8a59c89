"""The event catalogue: every kind of event kompass stores, each in ONE entry holding how the
read side folds it, how history says it, how the export writes it back as a command, and which
projections it concerns. Everything that reads the log dispatches by the event's type here.

One module per aggregate (`initiative`, `actor`, `portfolio`, `user`, `signing_key`); adding an event is one entry in
its aggregate's module, and `tests/unit/test_catalogue.py` fails while any event of the domain
lacks one.
"""

from __future__ import annotations

from typing import Any

from kompass.application.catalogue import actor, corrections, initiative, portfolio, signing_key, user
from kompass.application.catalogue.entry import COVERAGE, NETWORK, PROJECTIONS, RECORDS, Aggregate, Entry, Export

__all__ = [
    "AGGREGATES", "CATALOGUE", "COVERAGE", "NETWORK", "PROJECTIONS", "RECORDS", "Aggregate", "Entry", "Export", "concerning",
]

assert corrections  # its entries register themselves among the initiative's events
CATALOGUE: dict[str, Entry[Any]] = {**initiative.EVENTS, **actor.EVENTS, **portfolio.EVENTS, **user.EVENTS, **signing_key.EVENTS}
"""Every event kompass stores, by type (the event class's name)."""

AGGREGATES: dict[str, Aggregate] = {
    a.name: a for a in (initiative.INITIATIVE, actor.ACTOR, portfolio.PORTFOLIO, user.USER, signing_key.SIGNING_KEY)
}


def concerning(projection: str) -> frozenset[str]:
    """The event types that concern `projection` (RECORDS, COVERAGE or NETWORK)."""
    return frozenset(name for name, entry in CATALOGUE.items() if projection in entry.concerns)
