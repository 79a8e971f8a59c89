"""`kompass network whatif`: what breaks when some actors leave."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kompass.application.network.model import NetworkData, pair
from kompass.application.network.risks import cut_off_initiatives, member_index

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["WhatIf", "what_if"]


@dataclass(frozen=True)
class WhatIf:
    removed: list[str]
    not_in_network: list[str]
    components_before: int
    components_after: int
    cut_off: list[list[str]]
    """Groups of actors that lose touch with the rest of their part of the network."""
    lost_ties: list[tuple[str, str, int]]
    initiatives_without_partner: list[str]
    """Initiatives that had two or more actors and are left with at most one."""
    initiatives_cut_off: list[str]


def what_if(graph: nx.Graph, data: NetworkData, remove: Iterable[str]) -> WhatIf:
    """What breaks when these actors leave (keys already resolved through merges).

    Each component that loses someone falls into pieces; all but its largest (ties: the piece
    holding the smallest key) are cut off.

    Examples
    --------
    >>> from kompass.application.network.graph import graph_from_edges
    >>> from kompass.application.network.model import Membership
    >>> data = NetworkData({}, [], [], [Membership("i1", frozenset({"a", "b"})), Membership("i2", frozenset({"b", "c", "d"}))])
    >>> g = graph_from_edges([("a", "b", 1), ("b", "c", 1), ("b", "d", 1), ("c", "d", 1)])
    >>> r = what_if(g, data, ["b", "nobody"])
    >>> r.removed, r.not_in_network, r.components_after, r.cut_off, r.initiatives_without_partner
    (['b'], ['nobody'], 2, [['a']], ['i1'])
    """
    import networkx as nx

    wanted = sorted(set(remove))
    removed = [k for k in wanted if k in graph]
    gone = set(removed)
    lost = sorted({(*pair(a, b), int(w)) for r in removed for a, b, w in graph.edges(r, data="weight", default=1)})
    rest = graph.subgraph([v for v in graph if v not in gone])
    cut_off: list[list[str]] = []
    for component in nx.connected_components(graph):
        if not component & gone:
            continue
        pieces = sorted((sorted(p) for p in nx.connected_components(rest.subgraph(component - gone))), key=lambda p: (-len(p), p[0]))
        cut_off.extend(pieces[1:])
    cut_off.sort(key=lambda p: (-len(p), p[0]))
    memberships = data.memberships or []
    touched = [m for m in memberships if m.members & gone]
    without = sorted(m.initiative for m in touched if len(m.members) >= 2 and len(m.members - gone) <= 1)
    severed = {k for p in cut_off for k in p}
    return WhatIf(
        removed=removed,
        not_in_network=[k for k in wanted if k not in graph],
        components_before=nx.number_connected_components(graph),
        components_after=nx.number_connected_components(rest),
        cut_off=cut_off,
        lost_ties=lost,
        initiatives_without_partner=without,
        initiatives_cut_off=cut_off_initiatives(gone, severed, member_index(memberships)),
    )
