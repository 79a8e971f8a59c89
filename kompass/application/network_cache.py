"""Present-time network metrics, remembered per log position: a repeated question costs nothing.

Metrics of the country's network take seconds on a large store (betweenness, Louvain), and the
answer can only change when the network projection moves on. So the answer is kept with the
projection's position and the question's parameters (region, area) and served again while the
position is the same. The cache only remembers answers: losing it loses nothing, and a store the
acting role may not write to simply computes every time.
"""

from __future__ import annotations

import json
from typing import Any

from kompass.application.network import NetworkMetrics, NodeMetrics, build_graph, compute_metrics, metrics_json
from kompass.application.ports import MetricsCache, ReadModelPort


def scope_key(kind: str, **parameters: Any) -> str:
    return json.dumps({"kind": kind, **parameters}, sort_keys=True, separators=(",", ":"))


def metrics_from_json(data: dict[str, Any]) -> NetworkMetrics:
    """The inverse of `metrics_json` (all nodes)."""
    return NetworkMetrics(
        nodes=[NodeMetrics(**node) for node in data["nodes"]],
        density=float(data["density"]),
        articulation_points=list(data["articulation_points"]),
        bridges=[(a, b) for a, b in data["bridges"]],
        sampled=bool(data["sampled"]),
    )


def present_metrics(read_model: ReadModelPort, cache: MetricsCache, region: str | None, area: str | None) -> tuple[NetworkMetrics, int]:
    """Metrics of the network in scope now, and its number of ties; from the cache when the network
    projection has not moved since the same question was last answered."""
    scope = scope_key("metrics", region=region, area=area)
    before = cache.position()
    kept = cache.get(before, scope)
    if kept is not None:
        return metrics_from_json(kept["metrics"]), int(kept["ties"])
    graph = build_graph(read_model.network_data(region, area))
    result = compute_metrics(graph)
    if cache.position() == before:  # the tables did not move while they were read: the answer is that position's
        cache.put(before, scope, {"metrics": metrics_json(result), "ties": graph.number_of_edges()})
    return result, graph.number_of_edges()
