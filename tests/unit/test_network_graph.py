"""The actor network's graph logic (kompass.application.network) on small hand-checked
networks, and against networkx itself on random ones: articulation points, bridges and
betweenness exactly as networkx computes them, communities a valid partition."""

from __future__ import annotations

import itertools
import random
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kompass.application import network as n
from kompass.application.records import ActorRecord, InitiativeRecord


def graph(edges: list[tuple[str, str]], nodes: tuple[str, ...] = ()) -> nx.Graph:
    return n.graph_from_edges([(a, b, 1) for a, b in edges], nodes)


def star(leaves: int = 4) -> nx.Graph:
    return graph([("hub", f"leaf{i}") for i in range(leaves)])


def path(length: int = 5) -> nx.Graph:
    return graph([(f"p{i}", f"p{i + 1}") for i in range(length - 1)])


def two_cliques() -> nx.Graph:
    """Two cliques of four, joined by one actor `x` who is in both."""
    left = ["a1", "a2", "a3", "x"]
    right = ["b1", "b2", "b3", "x"]
    return graph([*itertools.combinations(left, 2), *itertools.combinations(right, 2)])


def assert_like_networkx(g: nx.Graph) -> n.NetworkMetrics:
    metrics = n.compute_metrics(g)
    reference = nx.betweenness_centrality(g, normalized=True)
    for node in metrics.nodes:
        assert node.betweenness == pytest.approx(reference[node.actor], abs=1e-12)
        assert node.degree == g.degree(node.actor)
    assert metrics.articulation_points == sorted(nx.articulation_points(g))
    assert metrics.bridges == sorted(n.pair(a, b) for a, b in nx.bridges(g))
    assert metrics.density == pytest.approx(nx.density(g), abs=1e-12)
    assert_partition(g, metrics)
    return metrics


def assert_partition(g: nx.Graph, metrics: n.NetworkMetrics) -> None:
    groups: dict[int, list[str]] = {}
    for node in metrics.nodes:
        groups.setdefault(node.community, []).append(node.actor)
    assert sorted(groups) == list(range(len(groups)))
    assert sorted(k for members in groups.values() for k in members) == sorted(g)
    firsts = [min(groups[i]) for i in range(len(groups))]
    assert firsts == sorted(firsts), "communities are numbered in order of their smallest key"
    for members in groups.values():
        assert set(members) <= set(g)


def test_a_star_hinges_on_its_hub() -> None:
    metrics = assert_like_networkx(star(4))
    hub = metrics.node("hub")
    assert hub is not None and hub.betweenness == 1.0 and hub.degree == 4
    assert all(node.betweenness == 0.0 for node in metrics.nodes if node.actor != "hub")
    assert metrics.articulation_points == ["hub"]
    assert metrics.bridges == [("hub", f"leaf{i}") for i in range(4)]
    assert metrics.density == pytest.approx(4 / 10)
    assert not metrics.sampled


def test_a_path_hinges_on_every_inner_actor() -> None:
    metrics = assert_like_networkx(path(5))
    assert metrics.articulation_points == ["p1", "p2", "p3"]
    assert len(metrics.bridges) == 4
    # p2 in the middle of p0…p4 lies on 4 of the 6 pairs that do not include it: (0,3),(0,4),(1,3),(1,4)
    middle = metrics.node("p2")
    assert middle is not None and middle.betweenness == pytest.approx(4 / 6)


def test_two_cliques_hinge_on_the_actor_in_both() -> None:
    metrics = assert_like_networkx(two_cliques())
    assert metrics.articulation_points == ["x"]
    assert metrics.bridges == []
    x = metrics.node("x")
    # x is on every path between the 3 + 3 others: 9 of the 15 pairs without x
    assert x is not None and x.betweenness == pytest.approx(9 / 15)
    communities = {node.actor: node.community for node in metrics.nodes}
    assert communities["a1"] == communities["a2"] == communities["a3"]
    assert communities["b1"] == communities["b2"] == communities["b3"]
    assert communities["a1"] != communities["b1"]


def test_an_empty_and_a_lonely_network() -> None:
    empty = n.compute_metrics(graph([]))
    assert (empty.nodes, empty.density, empty.articulation_points, empty.bridges, empty.sampled) == ([], 0, [], [], False)
    alone = n.compute_metrics(graph([], nodes=("solo",)))
    assert [(x.actor, x.degree, x.betweenness, x.community) for x in alone.nodes] == [("solo", 0, 0.0, 0)]


def test_weighted_degree_sums_the_weights() -> None:
    g = n.graph_from_edges([("a", "b", 3), ("a", "c", 2)])
    metrics = n.compute_metrics(g)
    a = metrics.node("a")
    assert a is not None and (a.degree, a.weighted_degree) == (2, 5)


def test_metrics_json_has_exactly_the_contract_shape() -> None:
    data = n.metrics_json(n.compute_metrics(two_cliques()))
    assert list(data) == ["nodes", "density", "articulation_points", "bridges", "sampled"]
    assert list(data["nodes"][0]) == ["actor", "kind", "degree", "weighted_degree", "betweenness", "community"]
    assert [x["actor"] for x in data["nodes"]] == sorted(x["actor"] for x in data["nodes"])
    top = n.metrics_json(n.compute_metrics(two_cliques()), top=1)
    assert [x["actor"] for x in top["nodes"]] == ["x"]


@st.composite
def random_graphs(draw: st.DrawFn) -> nx.Graph:
    size = draw(st.integers(min_value=0, max_value=24))
    keys = [f"k{i:02d}" for i in range(size)]
    candidates = list(itertools.combinations(keys, 2))
    edges = draw(st.lists(st.sampled_from(candidates), max_size=60, unique=True)) if candidates else []
    weights = draw(st.lists(st.integers(1, 4), min_size=len(edges), max_size=len(edges)))
    return n.graph_from_edges([(a, b, w) for (a, b), w in zip(edges, weights, strict=True)], keys)


@settings(max_examples=150, deadline=None)
@given(random_graphs())
def test_random_networks_match_networkx(g: nx.Graph) -> None:
    metrics = n.compute_metrics(g)
    reference = nx.betweenness_centrality(g, normalized=True)
    assert_same_betweenness({x.actor: x.betweenness for x in metrics.nodes}, reference)
    assert set(metrics.articulation_points) == set(nx.articulation_points(g))
    assert set(metrics.bridges) == {n.pair(a, b) for a, b in nx.bridges(g)}
    assert {x.actor: x.weighted_degree for x in metrics.nodes} == dict(g.degree(weight="weight"))
    assert_partition(g, metrics)


@settings(max_examples=40, deadline=None)
@given(random_graphs(), st.integers(min_value=2, max_value=10))
def test_sampled_betweenness_is_networkx_sampled(g: nx.Graph, k: int) -> None:
    if len(g) <= k:
        return
    ours, sampled = n.betweenness(g, exact_limit=k, k=k)
    assert sampled
    assert_same_betweenness(ours, nx.betweenness_centrality(in_sorted_order(g), k=k, normalized=True, seed=n.SEED))


def in_sorted_order(g: nx.Graph) -> nx.Graph:
    """The same graph with its nodes added in sorted key order: the order whose networkx
    sample is the one kompass draws from the sorted keys."""
    copy = nx.Graph()
    copy.add_nodes_from(sorted(g))
    copy.add_edges_from(g.edges(data=True))
    return copy


@settings(max_examples=40, deadline=None)
@given(random_graphs(), st.integers(min_value=2, max_value=10), st.randoms(use_true_random=False))
def test_sampled_sources_come_from_the_sorted_keys_whatever_the_node_order(g: nx.Graph, k: int, rnd: random.Random) -> None:
    if len(g) <= k:
        return
    nodes = list(g)
    rnd.shuffle(nodes)
    shuffled = nx.Graph()
    shuffled.add_nodes_from(nodes)
    shuffled.add_edges_from(g.edges(data=True))
    ours, sampled = n.betweenness(shuffled, exact_limit=k, k=k)
    assert sampled
    assert n.sample_sources(shuffled, k) == random.Random(n.SEED).sample(sorted(g), k)
    assert_same_betweenness(ours, nx.betweenness_centrality(in_sorted_order(shuffled), k=k, normalized=True, seed=n.SEED))


def test_a_graph_built_in_another_order_gives_the_same_sampled_figures() -> None:
    """The reason for sorted sources: built in reverse order, networkx's own sample differs,
    kompass's does not."""
    forward = n.graph_from_edges([(f"n{i:04d}", f"n{i + 1:04d}", 1) for i in range(300)])
    backward = nx.Graph()
    backward.add_nodes_from(sorted(forward, reverse=True))
    backward.add_edges_from(forward.edges(data=True))
    ours_forward, _ = n.betweenness(forward, exact_limit=200, k=100)
    ours_backward, _ = n.betweenness(backward, exact_limit=200, k=100)
    assert ours_forward == pytest.approx(ours_backward, abs=1e-12)
    networkx_backward = nx.betweenness_centrality(backward, k=100, seed=n.SEED)
    assert any(abs(networkx_backward[v] - ours_backward[v]) > 1e-6 for v in backward)


def assert_same_betweenness(ours: dict[Any, float], reference: dict[Any, float]) -> None:
    """networkx's numbers, up to the rounding of igraph's arithmetic (NaN where networkx has NaN)."""
    assert ours.keys() == reference.keys()
    for v, expected in reference.items():
        assert ours[v] == pytest.approx(expected, abs=1e-12, nan_ok=True), v


def test_big_networks_are_sampled_with_networkx_sources() -> None:
    assert (n.EXACT_LIMIT, n.SAMPLE_K, n.SEED) == (2000, 1000, 42), "docs/definitions.md: sampled betweenness"
    g = n.graph_from_edges([(f"n{i:04d}", f"n{i + 1:04d}", 1) for i in range(300)])
    chosen = n.sample_sources(g, 100)
    assert len(set(chosen)) == 100
    metrics = n.compute_metrics(g, exact_limit=200, k=100)
    assert metrics.sampled
    reference = nx.betweenness_centrality(in_sorted_order(g), k=100, seed=n.SEED)
    assert_same_betweenness({x.actor: x.betweenness for x in metrics.nodes}, reference)
    assert len(metrics.articulation_points) == 299 and len(metrics.bridges) == 300
    assert not n.compute_metrics(g, exact_limit=301, k=100).sampled


# --- risks and what-if -------------------------------------------------------------------------


def data_of(memberships: list[n.Membership]) -> n.NetworkData:
    return n.data_from_memberships(memberships, {})


def test_risks_name_the_actors_and_initiatives_a_key_actor_cuts_off() -> None:
    memberships = [
        n.Membership("big", frozenset({"hub", "a", "b", "c"})),
        n.Membership("pair", frozenset({"hub", "d"})),
        n.Membership("far", frozenset({"d", "e"})),
        n.Membership("inside", frozenset({"a", "b"})),
    ]
    data = data_of(memberships)
    risks = n.compute_risks(n.build_graph(data), data, regions=())
    assert risks.key_actor_count == 2
    hub, d = risks.key_actors
    assert (hub.actor, hub.cut_off_actors, hub.cut_off_initiatives) == ("hub", ["d", "e"], ["far", "pair"])
    assert (d.actor, d.cut_off_actors, d.cut_off_initiatives) == ("d", ["e"], ["far"])
    assert n.compute_risks(n.build_graph(data), data, top=1, regions=()).key_actors == [hub]


def test_a_star_s_hub_cuts_off_all_but_one_leaf() -> None:
    g = star(3)
    data = n.NetworkData({}, sorted(g), [(a, b, 1) for a, b in g.edges()], [])
    risks = n.compute_risks(g, data, regions=())
    assert [(k.actor, k.cut_off_actors) for k in risks.key_actors] == [("hub", ["leaf1", "leaf2"])]


@settings(max_examples=150, deadline=None)
@given(random_graphs())
def test_key_actors_cut_off_what_removing_them_cuts_off(g: nx.Graph) -> None:
    data = n.NetworkData({}, sorted(g), [(a, b, w) for a, b, w in g.edges(data="weight")], [])
    risks = n.compute_risks(g, data, regions=())
    assert sorted(k.actor for k in risks.key_actors) == sorted(nx.articulation_points(g))
    for k in risks.key_actors:
        cut = n.what_if(g, data, [k.actor]).cut_off
        assert k.cut_off_actors == sorted(x for piece in cut for x in piece)
    counts = [len(k.cut_off_actors) for k in risks.key_actors]
    assert counts == sorted(counts, reverse=True)


def test_whatif_counts_components_lost_ties_and_lonely_initiatives() -> None:
    memberships = [
        n.Membership("i1", frozenset({"p0", "p1"})),
        n.Membership("i2", frozenset({"p1", "p2"})),
        n.Membership("i3", frozenset({"p2", "p3", "p4"})),
    ]
    data = data_of(memberships)
    result = n.what_if(n.build_graph(data), data, ["p1", "ghost"])
    assert result.removed == ["p1"] and result.not_in_network == ["ghost"]
    assert (result.components_before, result.components_after) == (1, 2)
    assert result.lost_ties == [("p0", "p1", 1), ("p1", "p2", 1)]
    assert result.cut_off == [["p0"]]
    assert result.initiatives_without_partner == ["i1", "i2"]
    assert result.initiatives_cut_off == ["i1"]


def test_regions_lack_ties_to_kinds_and_cross_region_ties_are_counted() -> None:
    actors = {
        "region-14": n.ActorInfo("region-14", "Region Västra Götaland", "region", "14"),
        "region-12": n.ActorInfo("region-12", "Region Skåne", "region", "12"),
        "lib": n.ActorInfo("lib", "Bibliotek", "library", "14"),
        "uni": n.ActorInfo("uni", "Universitet", "university", "12"),
        "digg": n.ActorInfo("digg", "DIGG", "agency"),
    }
    memberships = [
        n.Membership("x", frozenset({"region-14", "lib", "digg"})),
        n.Membership("y", frozenset({"region-14", "region-12", "uni"})),
    ]
    data = n.data_from_memberships(memberships, actors)
    risks = n.compute_risks(n.build_graph(data), data, regions=["14", "12", "01"])
    by_region = {r.region: r for r in risks.regions}
    assert "library" not in by_region["14"].missing_kinds and "university" not in by_region["14"].missing_kinds
    assert "library" in by_region["12"].missing_kinds and "agency" in by_region["12"].missing_kinds
    assert not by_region["01"].in_network and len(by_region["01"].missing_kinds) == len(n.TIE_KINDS)
    assert [(t.regions, t.ties) for t in risks.cross_region] == [(("12", "14"), 2)]
    assert by_region["14"].cross_region_ties == 2 and by_region["14"].tied_regions == ["12"]


# --- from records -------------------------------------------------------------------------------


def test_members_follow_merges_and_cancelled_initiatives_leave_the_network() -> None:
    actors = {
        "old": ActorRecord("old", "Old", "company", merged_into="new"),
        "new": ActorRecord("new", "New", "company"),
        "uni": ActorRecord("uni", "Uni", "university"),
    }
    live = InitiativeRecord(ref="a", region="14", title="A", status="paused", participants={"old": "partner", "uni": "expert"})
    both = InitiativeRecord(ref="b", region="12", title="B", participants={"old": "partner", "new": "funder"})
    gone = InitiativeRecord(ref="c", region="14", title="C", status="cancelled", participants={"uni": "partner"})
    memberships = n.memberships_from_records([live, both, gone], actors.get)
    assert [(m.initiative, sorted(m.members)) for m in memberships] == [
        ("a", ["new", "region-14", "uni"]),
        ("b", ["new", "region-12"]),
    ]
    data = n.data_from_memberships(memberships, n.actors_from_records(actors))
    assert data.edges == [("new", "region-12", 1), ("new", "region-14", 1), ("new", "uni", 1), ("region-14", "uni", 1)]
    assert n.resolve_actor(data.actors, "old") == "new"
