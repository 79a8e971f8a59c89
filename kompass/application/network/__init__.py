"""The actor network of docs/definitions.md, over plain data: who works with whom, and what breaks
when an actor leaves. One module per idea, as networkx keeps one family per module:

- `model`: what a network is built from (actors, memberships, weighted ties; no networkx);
- `graph`: the networkx graph every measure is taken on;
- `centrality`: betweenness as networkx computes it, counted by igraph, and its sampling;
- `cuts`: what an articulation point's departure cuts off (the block-cut forest);
- `metrics`, `risks`, `whatif`, `diff`: the answers of `kompass network metrics|risks|whatif|diff`;
- `shapes`: the JSON shapes and the GraphML/GEXF/node-link export.

Pure logic: nothing here reads storage. The use cases (which tables or which replay a question is
answered from) are `application/network_service.py`'s. Every public name is re-exported here, so
`from kompass.application.network import build_graph` reads as before.
"""

from kompass.application.network.centrality import EXACT_LIMIT, SAMPLE_K, SEED, betweenness, sample_sources
from kompass.application.network.cuts import Cuts
from kompass.application.network.diff import BETWEENNESS_NOISE, diff
from kompass.application.network.graph import build_graph, graph_from_edges
from kompass.application.network.metrics import NetworkMetrics, NodeMetrics, communities, compute_metrics, top_nodes
from kompass.application.network.model import (
    ActorInfo,
    Membership,
    NetworkData,
    actors_from_records,
    data_from_memberships,
    data_from_state,
    in_scope,
    info_of,
    membership_of,
    memberships_from_records,
    network_members,
    pair,
    pairs_of,
    resolve_actor,
)
from kompass.application.network.risks import (
    TIE_KINDS,
    CrossRegionTie,
    KeyActor,
    RegionTies,
    Risks,
    compute_risks,
    cross_region_ties,
    cut_off_initiatives,
    region_of,
    region_ties,
)
from kompass.application.network.shapes import export_graph, metrics_json, risks_json, what_if_json
from kompass.application.network.whatif import WhatIf, what_if

__all__ = [
    "BETWEENNESS_NOISE", "EXACT_LIMIT", "SAMPLE_K", "SEED", "TIE_KINDS", "ActorInfo", "CrossRegionTie", "Cuts", "KeyActor",
    "Membership", "NetworkData", "NetworkMetrics", "NodeMetrics", "RegionTies", "Risks", "WhatIf", "actors_from_records",
    "betweenness", "build_graph", "communities", "compute_metrics", "compute_risks", "cross_region_ties", "cut_off_initiatives",
    "data_from_memberships", "data_from_state", "diff", "export_graph", "graph_from_edges", "in_scope", "info_of",
    "membership_of", "memberships_from_records", "metrics_json", "network_members", "pair", "pairs_of", "region_of",
    "region_ties", "resolve_actor", "risks_json", "sample_sources", "top_nodes", "what_if", "what_if_json",
]
