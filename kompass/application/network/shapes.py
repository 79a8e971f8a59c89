"""The network as other programs read it: the JSON shapes of docs/definitions.md, and the graph
as GraphML, GEXF or node-link JSON for Gephi and other tools."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from kompass.application.network.metrics import NetworkMetrics, top_nodes
from kompass.application.network.risks import Risks
from kompass.application.network.whatif import WhatIf

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["export_graph", "metrics_json", "risks_json", "what_if_json"]


def metrics_json(metrics: NetworkMetrics, top: int | None = None) -> dict[str, Any]:
    """The `network metrics` shape of docs/definitions.md (the `top` nodes by betweenness, all for None).

    Examples
    --------
    >>> import networkx as nx
    >>> from kompass.application.network.metrics import compute_metrics
    >>> shape = metrics_json(compute_metrics(nx.path_graph(["a", "b"])))
    >>> shape["nodes"][0], shape["bridges"]
    ({'actor': 'a', 'kind': 'other', 'degree': 1, 'weighted_degree': 1, 'betweenness': 0.0, 'community': 0}, [['a', 'b']])
    """
    return {
        "nodes": [
            {"actor": n.actor, "kind": n.kind, "degree": n.degree, "weighted_degree": n.weighted_degree,
             "betweenness": n.betweenness, "community": n.community}
            for n in top_nodes(metrics, top)
        ],
        "density": metrics.density,
        "articulation_points": list(metrics.articulation_points),
        "bridges": [list(b) for b in metrics.bridges],
        "sampled": metrics.sampled,
    }


def risks_json(risks: Risks) -> dict[str, Any]:
    """The `network risks` shape of docs/definitions.md."""
    return {
        "key_actors": [vars(k) for k in risks.key_actors],
        "key_actor_count": risks.key_actor_count,
        "regions": [vars(r) for r in risks.regions],
        "cross_region_ties": [{"regions": list(t.regions), "ties": t.ties, "weight": t.weight} for t in risks.cross_region],
    }


def what_if_json(result: WhatIf) -> dict[str, Any]:
    """The `network whatif` shape of docs/definitions.md: a lost tie as {"actors": [a, b], "weight": w}."""
    data = vars(result).copy()
    data["lost_ties"] = [{"actors": [a, b], "weight": w} for a, b, w in result.lost_ties]
    return data


def export_graph(graph: nx.Graph, fmt: str, stamp: Mapping[str, Any]) -> bytes:
    """The graph as GraphML, GEXF or node-link JSON, with actor names, kinds and regions.

    Parameters
    ----------
    graph : networkx.Graph
        As `build_graph` makes it.
    fmt : {"graphml", "gexf", "json"}
    stamp : mapping
        Graph attributes (the log position, the scope); None values are left out.

    Examples
    --------
    >>> from kompass.application.network.graph import graph_from_edges
    >>> text = export_graph(graph_from_edges([("a", "b", 2)]), "json", {"log_position": 7, "area": None}).decode()
    >>> '"log_position": 7' in text, '"area"' in text
    (True, False)
    """
    import io
    import json

    import networkx as nx

    out = nx.Graph()
    out.graph.update({k: v for k, v in stamp.items() if v is not None})
    if fmt == "gexf":
        out.add_nodes_from((key, {**attrs, "label": attrs.get("name") or key}) for key, attrs in graph.nodes(data=True))
    else:
        out.add_nodes_from(graph.nodes(data=True))
    out.add_edges_from(graph.edges(data=True))
    if fmt == "json":
        data = nx.node_link_data(out, edges="edges")
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    buffer = io.BytesIO()
    writer: Callable[..., None] = nx.write_graphml if fmt == "graphml" else nx.write_gexf
    writer(out, buffer)
    return buffer.getvalue()
