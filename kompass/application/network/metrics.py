"""The measures of `kompass network metrics`: per actor degree, weighted degree, betweenness and
community; for the network its density, articulation points and bridges (docs/definitions.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kompass.application.network.centrality import EXACT_LIMIT, SAMPLE_K, SEED, betweenness
from kompass.application.network.model import pair

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["NetworkMetrics", "NodeMetrics", "communities", "compute_metrics", "top_nodes"]


@dataclass(frozen=True)
class NodeMetrics:
    actor: str
    kind: str
    degree: int
    weighted_degree: int
    betweenness: float
    community: int


@dataclass(frozen=True)
class NetworkMetrics:
    nodes: list[NodeMetrics]
    """Sorted by actor key."""
    density: float
    articulation_points: list[str]
    bridges: list[tuple[str, str]]
    sampled: bool

    def node(self, key: str) -> NodeMetrics | None:
        return next((n for n in self.nodes if n.actor == key), None)


def communities(graph: nx.Graph, seed: int = SEED) -> dict[Any, int]:
    """Louvain communities (networkx, weighted, fixed seed), numbered in order of their smallest key.

    Examples
    --------
    Two triangles joined by one tie fall into two communities:

    >>> import networkx as nx
    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e"), ("e", "f"), ("f", "d")])
    >>> communities(g)
    {'a': 0, 'b': 0, 'c': 0, 'd': 1, 'e': 1, 'f': 1}
    """
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return {}
    found = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    ordered = sorted((sorted(c) for c in found), key=lambda c: c[0])
    return {key: i for i, members in enumerate(ordered) for key in members}


def compute_metrics(graph: nx.Graph, exact_limit: int = EXACT_LIMIT, k: int = SAMPLE_K) -> NetworkMetrics:
    """Every measure of the network, nodes in key order.

    Examples
    --------
    >>> import networkx as nx
    >>> m = compute_metrics(nx.path_graph(["a", "b", "c"]))
    >>> m.articulation_points, m.bridges, m.density, m.node("b").betweenness
    (['b'], [('a', 'b'), ('b', 'c')], 0.6666666666666666, 1.0)
    """
    import networkx as nx

    between, sampled = betweenness(graph, exact_limit, k)
    community = communities(graph)
    nodes = [
        NodeMetrics(
            actor=key, kind=graph.nodes[key].get("kind", "other"), degree=graph.degree(key),
            weighted_degree=int(graph.degree(key, weight="weight")), betweenness=between[key], community=community[key],
        )
        for key in sorted(graph)
    ]
    return NetworkMetrics(
        nodes=nodes,
        density=nx.density(graph),
        articulation_points=sorted(nx.articulation_points(graph)),
        bridges=sorted(pair(a, b) for a, b in nx.bridges(graph)),
        sampled=sampled,
    )


def top_nodes(metrics: NetworkMetrics, top: int | None) -> list[NodeMetrics]:
    """The `top` nodes by betweenness (then weighted degree, then key), in key order; all for None.

    Examples
    --------
    >>> import networkx as nx
    >>> [n.actor for n in top_nodes(compute_metrics(nx.path_graph(["a", "b", "c"])), 1)]
    ['b']
    """
    if top is None:
        return metrics.nodes
    best = sorted(metrics.nodes, key=lambda n: (-n.betweenness, -n.weighted_degree, n.actor))[:top]
    return sorted(best, key=lambda n: n.actor)
