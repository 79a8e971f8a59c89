"""Betweenness as networkx computes it, counted by igraph.

Numbers follow networkx, because other programs compare them with their own: betweenness is
`networkx.betweenness_centrality(G, normalized=True)`'s; above 2,000 nodes it is sampled
(`k=1000`, `seed=42`) from sources drawn out of the sorted node keys (`sample_sources`).
igraph's C implementation of Brandes' algorithm does the counting (networkx's pure Python
would take minutes on 10,000 actors) and the result is rescaled as networkx rescales.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["EXACT_LIMIT", "SAMPLE_K", "SEED", "betweenness", "sample_sources"]

EXACT_LIMIT = 2000
"""Betweenness is exact up to this many nodes, sampled above (docs/definitions.md)."""
SAMPLE_K = 1000
SEED = 42


def sample_sources(graph: nx.Graph, k: int, seed: int = SEED) -> list[Any]:
    """The sampled sources: `random.Random(seed).sample(sorted node keys, k)`.

    Drawn from the sorted keys rather than the graph's own node order, so that any program
    reproduces them whatever order it built its graph in; they are what
    `networkx.betweenness_centrality(G, k=k, seed=seed)` picks for a graph whose nodes were
    added in sorted key order.

    Parameters
    ----------
    graph : networkx.Graph
    k : int
        How many sources.
    seed : int, optional
        The seed of the draw (42, as docs/definitions.md fixes it).

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph([("c", "a"), ("b", "d")])
    >>> sample_sources(g, 2) == random.Random(42).sample(["a", "b", "c", "d"], 2)
    True
    """
    return random.Random(seed).sample(sorted(graph.nodes()), k)


def betweenness(graph: nx.Graph, exact_limit: int = EXACT_LIMIT, k: int = SAMPLE_K, seed: int = SEED) -> tuple[dict[Any, float], bool]:
    """Normalised, unweighted betweenness, as networkx computes it; and whether it was sampled.

    Parameters
    ----------
    graph : networkx.Graph
    exact_limit : int, optional
        Exact up to this many nodes.
    k, seed : int, optional
        Above `exact_limit`, from `k` sources sampled with `seed`, rescaled as
        `networkx.betweenness_centrality(G, k=k, seed=seed)` does.

    Returns
    -------
    (dict, bool)
        ``{node: betweenness}`` and whether it was sampled.

    Examples
    --------
    The middle of a path of three lies on the one path between the ends:

    >>> import networkx as nx
    >>> betweenness(nx.path_graph(["a", "b", "c"]))
    ({'a': 0.0, 'b': 1.0, 'c': 0.0}, False)
    """
    import igraph

    keys = list(graph)
    n = len(keys)
    index = {key: i for i, key in enumerate(keys)}
    g = igraph.Graph(n=n, edges=[(index[a], index[b]) for a, b in graph.edges()], directed=False)
    sampled = n > exact_limit and k < n
    sources = [index[v] for v in sample_sources(graph, k, seed)] if sampled else None
    raw = g.betweenness(directed=False, sources=sources) if n else []
    return dict(zip(keys, _rescale(raw, n, sources), strict=True)), sampled


def _rescale(raw: list[float], n: int, sampled_sources: list[int] | None) -> list[float]:
    """networkx's `_rescale` for normalized=True, endpoints=False, undirected.

    igraph counts each unordered pair once where networkx counts both directions, hence
    the factor 2 (igraph's sums are exactly half of networkx's, sampled or not)."""
    big_n = n - 1
    if big_n < 2:
        return [2 * b for b in raw]
    if sampled_sources is None:
        scale = 1 / (big_n * (big_n - 1))
        return [2 * b * scale for b in raw]
    k = len(sampled_sources)
    scale_source = 1 / ((k - 1) * (big_n - 1)) if k > 1 else float("nan")
    scale_other = 1 / (k * (big_n - 1))
    sources = set(sampled_sources)
    return [2 * b * (scale_source if i in sources else scale_other) for i, b in enumerate(raw)]
