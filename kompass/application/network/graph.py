"""Building the networkx graph that every measure of the network is taken on.

Nodes are added in key order: sampled betweenness draws its sources from that order, so a
graph built in any other order would give other samples (see `centrality.sample_sources`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kompass.application.network.model import NetworkData, info_of, pair

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["build_graph", "graph_from_edges"]


def build_graph(data: NetworkData) -> nx.Graph:
    """A networkx graph with `name`, `kind` and `region` on every node and `weight` on every tie.

    Parameters
    ----------
    data : NetworkData
        The nodes, weighted ties and actors in scope.

    Returns
    -------
    networkx.Graph
        Nodes in key order (so that sampling is reproducible).

    Examples
    --------
    >>> from kompass.application.network.model import ActorInfo
    >>> data = NetworkData({"a": ActorInfo("a", "Alfa", "company")}, ["b", "a"], [("a", "b", 2)])
    >>> g = build_graph(data)
    >>> list(g), g.nodes["a"]["name"], g.nodes["b"]["kind"], g["a"]["b"]["weight"]
    (['a', 'b'], 'Alfa', 'other', 2)
    """
    import networkx as nx

    graph = nx.Graph()
    for key in sorted(data.nodes):
        info = info_of(data.actors, key)
        graph.add_node(key, name=info.name, kind=info.kind, region=info.region or "")
    graph.add_weighted_edges_from(sorted(data.edges))
    return graph


def graph_from_edges(edges: Iterable[tuple[str, str, int]], nodes: Iterable[str] = ()) -> nx.Graph:
    """A bare graph (no actor attributes) from an edge list; nodes sorted by key.

    Parameters
    ----------
    edges : iterable of (str, str, int)
        Ties and their weights, the ends in any order.
    nodes : iterable of str, optional
        Actors to include even when they have no tie.

    Examples
    --------
    >>> g = graph_from_edges([("b", "a", 1)], nodes=["z"])
    >>> list(g), list(g.edges(data="weight"))
    (['a', 'b', 'z'], [('a', 'b', 1)])
    """
    import networkx as nx

    edges = sorted((*pair(a, b), w) for a, b, w in edges)
    keys = set(nodes)
    for a, b, _ in edges:
        keys.add(a)
        keys.add(b)
    graph = nx.Graph()
    graph.add_nodes_from(sorted(keys), kind="other", name="", region="")
    graph.add_weighted_edges_from(edges)
    return graph
