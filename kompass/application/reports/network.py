"""The network sections of the reports, from a replayed state (kompass.application.network does the maths)."""

from __future__ import annotations

from typing import Any

from kompass.application import network as net
from kompass.application.reports.network_models import CentralActor, NationalNetwork, PictureData, PictureNode, RegionNetwork
from kompass.application.state import PortfolioState
from kompass.domain.vocabulary import REGIONS

__all__ = ["national_network", "picture_data", "region_network"]

CENTRAL = 10
NAMED = 8
"""Actors of highest betweenness named in the national picture, besides the articulation points."""

def region_network(state: PortfolioState, region: str) -> RegionNetwork:
    """A region's actor network (initiatives whose regions include it): size, key actors and what
    their departure cuts off, bridges, the most central actors, and the kinds of actor it has no tie to."""
    data = net.data_from_state(state, region=region)
    graph = net.build_graph(data)
    metrics = net.compute_metrics(graph)
    risks = net.compute_risks(graph, data, regions=[region])
    key_actors = list(risks.key_actors)
    names = {n: graph.nodes[n].get("name", n) for n in graph}
    central = sorted(metrics.nodes, key=lambda n: (-n.betweenness, -n.weighted_degree, n.actor))[:CENTRAL]
    ties = risks.regions[0]
    summary = (
        f"{graph.number_of_nodes()} actors with {graph.number_of_edges()} ties (density {metrics.density:.2f}); "
        + (
            f"{len(key_actors)} key {'actor' if len(key_actors) == 1 else 'actors'} whose departure would split the network: "
            + ", ".join(f"{k.name} (cuts off {len(k.cut_off_actors)})" for k in key_actors[:5])
            + ("…" if len(key_actors) > 5 else "")
            + "."
            if key_actors
            else "no single actor whose departure would split the network."
        )
    )
    picture = picture_data(graph, metrics)
    return RegionNetwork(
        summary=summary,
        actors=graph.number_of_nodes(),
        ties=graph.number_of_edges(),
        density=metrics.density,
        sampled=metrics.sampled,
        key_actors=key_actors,
        bridges=[(a, b) for a, b in metrics.bridges],
        central=[CentralActor(n.actor, names[n.actor], n.kind, n.degree, n.weighted_degree, n.betweenness) for n in central],
        missing_kinds=ties.missing_kinds,
        tied_regions=ties.tied_regions,
        nodes=picture.nodes,
        edges=picture.edges,
    )


def picture_data(graph: Any, metrics: net.NetworkMetrics, named: int | None = None) -> PictureData:
    """What `charts.network_picture` draws: nodes (label, kind, betweenness, key actor or not, named or not) and weighted ties.

    With `named`, only the key actors are named: the articulation points and the `named` actors of highest
    betweenness (the national picture, where naming everyone makes a hairball); without, the picture decides.
    Also for `kompass network export --format png|svg`:
    `charts.network_picture(picture.nodes, picture.edges, fmt=fmt)` with `picture = picture_data(graph, compute_metrics(graph))`.
    """
    points = set(metrics.articulation_points)
    top = {n.actor for n in sorted(metrics.nodes, key=lambda n: (-n.betweenness, n.actor))[: named or 0] if n.betweenness > 0}
    return PictureData(
        nodes=[
            PictureNode(actor=n.actor, label=graph.nodes[n.actor].get("name") or n.actor, kind=n.kind, betweenness=n.betweenness,
                        key=n.actor in points, named=(n.actor in points or n.actor in top) if named is not None else None)
            for n in metrics.nodes
        ],
        edges=[(a, b, int(w)) for a, b, w in sorted((min(a, b), max(a, b), w) for a, b, w in graph.edges(data="weight", default=1))],
    )


def national_network(state: PortfolioState) -> NationalNetwork:
    """The national network: its size, its ties across regions, and the picture with its key actors named."""
    data = net.data_from_state(state)
    graph = net.build_graph(data)
    metrics = net.compute_metrics(graph)
    cross = net.cross_region_ties(graph)
    joined = {code for t in cross for code in t.regions}
    alone = [code for code in REGIONS if code not in joined]
    summary = (
        f"{graph.number_of_nodes()} actors with {graph.number_of_edges()} ties; {sum(t.ties for t in cross)} ties join actors of "
        f"two different regions, between {len(cross)} pairs of regions; regions whose actors have no tie to another region's actors: "
        + (", ".join(f"{r} {REGIONS[r]}" for r in alone) or "none")
        + "."
    )
    picture = picture_data(graph, metrics, named=NAMED)
    return NationalNetwork(
        summary=summary,
        actors=graph.number_of_nodes(),
        ties=graph.number_of_edges(),
        cross_region_ties=list(cross),
        regions_without_cross_region_ties=alone,
        articulation_points=list(metrics.articulation_points),
        nodes=picture.nodes,
        edges=picture.edges,
    )
