"""`kompass network diff`: how the network changed between two dates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kompass.application.network.metrics import NetworkMetrics
from kompass.application.network.model import pair

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["BETWEENNESS_NOISE", "diff"]

BETWEENNESS_NOISE = 1e-12


def diff(before: NetworkMetrics, after: NetworkMetrics, before_graph: nx.Graph, after_graph: nx.Graph) -> dict[str, Any]:
    """Actors and ties gained and lost, ties reweighted, and metric changes between two graphs.

    Returns the `network diff` shape of docs/definitions.md (without its `from` and `to`).

    Examples
    --------
    >>> from kompass.application.network.graph import graph_from_edges
    >>> from kompass.application.network.metrics import compute_metrics
    >>> g1, g2 = graph_from_edges([("a", "b", 1)]), graph_from_edges([("a", "b", 2), ("b", "c", 1)])
    >>> d = diff(compute_metrics(g1), compute_metrics(g2), g1, g2)
    >>> d["actors"], d["ties"]["gained"], d["ties"]["reweighted"]
    ({'gained': ['c'], 'lost': []}, [{'actors': ['b', 'c'], 'weight': 1}], [{'actors': ['a', 'b'], 'from': 1, 'to': 2}])
    """
    nodes_b, nodes_a = set(before_graph), set(after_graph)
    ties_b = {pair(a, b): int(w) for a, b, w in before_graph.edges(data="weight", default=1)}
    ties_a = {pair(a, b): int(w) for a, b, w in after_graph.edges(data="weight", default=1)}
    changes = []
    by_key_b = {n.actor: n for n in before.nodes}
    for n in after.nodes:
        old = by_key_b.get(n.actor)
        if old is None:
            continue
        for name in ("degree", "weighted_degree"):
            if getattr(old, name) != getattr(n, name):
                changes.append({"actor": n.actor, "metric": name, "from": getattr(old, name), "to": getattr(n, name)})
        if abs(old.betweenness - n.betweenness) > BETWEENNESS_NOISE:
            changes.append({"actor": n.actor, "metric": "betweenness", "from": old.betweenness, "to": n.betweenness})
    return {
        "actors": {"gained": sorted(nodes_a - nodes_b), "lost": sorted(nodes_b - nodes_a)},
        "ties": {
            "gained": [{"actors": list(p), "weight": ties_a[p]} for p in sorted(ties_a.keys() - ties_b.keys())],
            "lost": [{"actors": list(p), "weight": ties_b[p]} for p in sorted(ties_b.keys() - ties_a.keys())],
            "reweighted": [
                {"actors": list(p), "from": ties_b[p], "to": ties_a[p]}
                for p in sorted(ties_a.keys() & ties_b.keys()) if ties_a[p] != ties_b[p]
            ],
        },
        "density": {"from": before.density, "to": after.density},
        "sampled": before.sampled or after.sampled,
        "articulation_points": {
            "gained": sorted(set(after.articulation_points) - set(before.articulation_points)),
            "lost": sorted(set(before.articulation_points) - set(after.articulation_points)),
        },
        "bridges": {
            "gained": [list(b) for b in sorted(set(after.bridges) - set(before.bridges))],
            "lost": [list(b) for b in sorted(set(before.bridges) - set(after.bridges))],
        },
        "metrics": changes,
    }
