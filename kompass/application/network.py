"""The actor network of docs/definitions.md, over plain data: who works with whom, and what breaks
when an actor leaves.

Nodes are actors taking part in at least one initiative that is not cancelled (the lead
region's actor implicitly); two actors are tied when they take part in the same
initiative, and the tie's weight is the number of such initiatives.

Pure logic: the graph is built from actors and weighted ties handed in by the read model
(the materialised edge table, for the present) or from a replayed state (temporal
queries). Nothing here reads storage.

Numbers follow networkx (other programs compare them with their own): betweenness is
`networkx.betweenness_centrality(G, normalized=True)`'s; above 2,000 nodes it is sampled
(`k=1000`, `seed=42`) from sources drawn out of the sorted node keys (see `sample_sources`).
igraph's C implementation of Brandes' algorithm does the counting
(networkx's pure Python would take minutes on 10,000 actors) and the result is rescaled as
networkx rescales. Articulation points and bridges are networkx's, and what each key actor
cuts off comes from networkx's biconnected components.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any

from kompass.application.records import ActorLookup, InitiativeRecord, current_participants, initiative_facts
from kompass.domain.errors import NotFound
from kompass.domain.merges import survivor
from kompass.domain.vocabulary import ACTOR_KINDS, REGIONS, region_actor_key, region_actor_name

if TYPE_CHECKING:
    import networkx as nx

EXACT_LIMIT = 2000
"""Betweenness is exact up to this many nodes, sampled above (docs/definitions.md)."""
SAMPLE_K = 1000
SEED = 42
TIE_KINDS = tuple(k for k in ACTOR_KINDS if k != "other")
"""The kinds a region is expected to have ties to (`other` says nothing)."""


# --- the data a graph is built from -------------------------------------------------------


@dataclass(frozen=True)
class ActorInfo:
    key: str
    name: str
    kind: str
    region: str | None = None
    merged_into: str | None = None


@dataclass(frozen=True)
class Membership:
    """One initiative as the network sees it: who takes part, and where it belongs."""

    initiative: str
    """The initiative's ref."""
    members: frozenset[str]
    regions: frozenset[str] = frozenset()
    areas: frozenset[str] = frozenset()


@dataclass
class NetworkData:
    """What a graph is built from: node keys, weighted ties (a < b) and what is known of the actors."""

    actors: Mapping[str, ActorInfo]
    nodes: list[str]
    edges: list[tuple[str, str, int]]
    memberships: list[Membership] | None = None
    """The initiatives in scope, where a query needs them (risks, what-if)."""


def network_members(record: InitiativeRecord, lookup: ActorLookup) -> frozenset[str]:
    """The actors an initiative puts in the network: none when it is cancelled, else its
    current participants after merges, lead region included."""
    if record.status == "cancelled":
        return frozenset()
    return frozenset(current_participants(record, lookup))


def membership_of(record: InitiativeRecord, lookup: ActorLookup) -> Membership | None:
    members = network_members(record, lookup)
    if not members:
        return None
    regions = initiative_facts(record, lookup).regions
    return Membership(record.ref, members, frozenset(regions), frozenset(record.areas))


def memberships_from_records(records: Iterable[InitiativeRecord], lookup: ActorLookup) -> list[Membership]:
    found = (membership_of(r, lookup) for r in records)
    return sorted((m for m in found if m is not None), key=lambda m: m.initiative)


def in_scope(membership: Membership, region: str | None, area: str | None) -> bool:
    """`--region CC`: initiatives whose regions include CC; `--area A`: initiatives tagged with A."""
    return (region is None or region in membership.regions) and (area is None or area in membership.areas)


def pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def pairs_of(members: Iterable[str]) -> Iterable[tuple[str, str]]:
    return combinations(sorted(members), 2)


def data_from_memberships(
    memberships: Iterable[Membership], actors: Mapping[str, ActorInfo], region: str | None = None, area: str | None = None
) -> NetworkData:
    """Nodes and ties computed from scratch (temporal queries, and the check of the edge table)."""
    chosen = [m for m in memberships if in_scope(m, region, area)]
    weights: defaultdict[tuple[str, str], int] = defaultdict(int)
    nodes: set[str] = set()
    for m in chosen:
        nodes.update(m.members)
        for p in pairs_of(m.members):
            weights[p] += 1
    edges = sorted((a, b, w) for (a, b), w in weights.items())
    return NetworkData(actors, sorted(nodes), edges, chosen)


def actors_from_records(records: Mapping[str, Any]) -> dict[str, ActorInfo]:
    """ActorInfo for each ActorRecord of a replayed state (and the 21 region actors)."""
    infos = {
        region_actor_key(code): ActorInfo(region_actor_key(code), region_actor_name(code), "region", code) for code in REGIONS
    }
    for key, r in records.items():
        infos[key] = ActorInfo(key, r.name, r.kind, r.region, r.merged_into)
    return infos


def data_from_state(state: Any, region: str | None = None, area: str | None = None) -> NetworkData:
    """The network of a replayed `PortfolioState` (kompass.application.state.fold)."""
    memberships = memberships_from_records(state.initiatives.values(), state.actor)
    return data_from_memberships(memberships, actors_from_records(state.actors), region, area)


def info_of(actors: Mapping[str, ActorInfo], key: str) -> ActorInfo:
    return actors.get(key) or ActorInfo(key, key, "other")


def resolve_actor(actors: Mapping[str, ActorInfo], key: str) -> str:
    """The key an actor stands under now (merges followed); NotFound for an unknown key."""
    if key not in actors:
        raise NotFound(f"no actor {key!r}")
    return survivor(actors[key], actors.get).key


# --- the graph ---------------------------------------------------------------------------------


def build_graph(data: NetworkData) -> nx.Graph:
    """A networkx graph with nodes in key order (so that sampling is reproducible) and
    `name`, `kind` and `region` on every node, `weight` on every tie."""
    import networkx as nx

    graph = nx.Graph()
    for key in sorted(data.nodes):
        info = info_of(data.actors, key)
        graph.add_node(key, name=info.name, kind=info.kind, region=info.region or "")
    graph.add_weighted_edges_from(sorted(data.edges))
    return graph


def graph_from_edges(edges: Iterable[tuple[str, str, int]], nodes: Iterable[str] = ()) -> nx.Graph:
    """A bare graph (no actor attributes) from an edge list; nodes sorted by key."""
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


# --- betweenness ---------------------------------------------------------------------------------


def sample_sources(graph: nx.Graph, k: int, seed: int = SEED) -> list[Any]:
    """The sampled sources: `random.Random(seed).sample(sorted node keys, k)`.

    Drawn from the sorted keys rather than the graph's own node order, so that any program
    reproduces them whatever order it built its graph in; they are what
    `networkx.betweenness_centrality(G, k=k, seed=seed)` picks for a graph whose nodes were
    added in sorted key order.
    """
    return random.Random(seed).sample(sorted(graph.nodes()), k)


def betweenness(graph: nx.Graph, exact_limit: int = EXACT_LIMIT, k: int = SAMPLE_K, seed: int = SEED) -> tuple[dict[Any, float], bool]:
    """Normalised, unweighted betweenness, as networkx computes it; and whether it was sampled.

    Exact up to `exact_limit` nodes; above, from `k` sources sampled with `seed`, rescaled
    as `networkx.betweenness_centrality(G, k=k, seed=seed)` does. igraph does the counting.
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


# --- what a key actor cuts off -------------------------------------------------------------------


class Cuts:
    """The pieces each articulation point's component falls into without it.

    networkx names articulation points and gives the biconnected components (blocks), but
    not the pieces left when an articulation point goes; they are read off the block-cut
    forest built from networkx's blocks: an articulation point lies in two or more blocks,
    and without it its component falls into one piece per neighbouring block of the forest.
    Each tree is rooted at a block and its actors listed in preorder (an articulation point
    once, where it is entered; the rest of a block with it), so that every subtree, and so
    every piece, is a slice of that list. Linear in the size of the graph.
    """

    def __init__(self, graph: nx.Graph) -> None:
        import networkx as nx

        blocks = [list(b) for b in nx.biconnected_components(graph)]
        seen: defaultdict[Any, list[int]] = defaultdict(list)
        for i, block in enumerate(blocks):
            for v in block:
                seen[v].append(i)
        self.points: list[Any] = [v for v, found in seen.items() if len(found) >= 2]
        nb = len(blocks)
        point_node = {v: nb + j for j, v in enumerate(self.points)}
        tree: list[list[int]] = [[point_node[v] for v in block if v in point_node] for block in blocks]
        tree.extend(seen[v] for v in self.points)
        size = len(tree)
        self.order: list[Any] = []
        self.start, self.end, self.parent, self.root = [-1] * size, [0] * size, [-1] * size, [0] * size
        for root in range(nb):
            if self.start[root] >= 0:
                continue
            self._enter(root, root, blocks, point_node)
            stack = [(root, iter(tree[root]))]
            while stack:
                t, neighbours = stack[-1]
                for u in neighbours:
                    if self.start[u] < 0:
                        self.parent[u] = t
                        self._enter(u, root, blocks, point_node)
                        stack.append((u, iter(tree[u])))
                        break
                else:
                    stack.pop()
                    self.end[t] = len(self.order)
        self.point_node = point_node
        self.tree = tree

    def _enter(self, t: int, root: int, blocks: list[list[Any]], point_node: Mapping[Any, int]) -> None:
        self.start[t] = len(self.order)
        self.root[t] = root
        if t < len(blocks):
            self.order.extend(v for v in blocks[t] if v not in point_node)
        else:
            self.order.append(self.points[t - len(blocks)])

    def pieces(self, v: Any) -> list[list[Any]]:
        """The pieces of v's component without v: the part above v first, then one per block below."""
        t = self.point_node[v]
        root = self.root[t]
        found = [self.order[self.start[root]:self.start[t]] + self.order[self.end[t]:self.end[root]]]
        found.extend(self.order[self.start[c]:self.end[c]] for c in self.tree[t] if c != self.parent[t])
        return found

    def sizes(self, v: Any) -> list[int]:
        """The sizes of `pieces(v)`, without listing them."""
        t = self.point_node[v]
        root = self.root[t]
        above = (self.end[root] - self.start[root]) - (self.end[t] - self.start[t])
        return [above, *(self.end[c] - self.start[c] for c in self.tree[t] if c != self.parent[t])]

    def cut_off(self, v: Any) -> list[Any]:
        """Actors that lose touch with the largest remaining piece when v leaves (ties: the
        piece holding the smallest key stays)."""
        pieces = self.pieces(v)
        biggest = max(len(p) for p in pieces)
        largest = [i for i, p in enumerate(pieces) if len(p) == biggest]
        keep = largest[0] if len(largest) == 1 else min(largest, key=lambda i: min(pieces[i]))
        return sorted(x for i, p in enumerate(pieces) if i != keep for x in p)

    def ranking(self) -> list[tuple[int, Any]]:
        """(number of actors cut off, actor) for every articulation point, most cut off first."""
        ranking = []
        for v in self.points:
            sizes = self.sizes(v)
            ranking.append((sum(sizes) - max(sizes), v))
        return sorted(ranking, key=lambda r: (-r[0], r[1]))


# --- metrics ------------------------------------------------------------------------------------


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
    """Louvain (networkx, weighted, fixed seed); communities numbered in order of their smallest key."""
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return {}
    found = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    ordered = sorted((sorted(c) for c in found), key=lambda c: c[0])
    return {key: i for i, members in enumerate(ordered) for key in members}


def compute_metrics(graph: nx.Graph, exact_limit: int = EXACT_LIMIT, k: int = SAMPLE_K) -> NetworkMetrics:
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
    """The `top` nodes by betweenness (then weighted degree, then key), in key order."""
    if top is None:
        return metrics.nodes
    best = sorted(metrics.nodes, key=lambda n: (-n.betweenness, -n.weighted_degree, n.actor))[:top]
    return sorted(best, key=lambda n: n.actor)


def metrics_json(metrics: NetworkMetrics, top: int | None = None) -> dict[str, Any]:
    """The `network metrics` shape of docs/definitions.md."""
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


# --- risks --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyActor:
    actor: str
    name: str
    kind: str
    cut_off_actors: list[str]
    cut_off_initiatives: list[str]


@dataclass(frozen=True)
class RegionTies:
    region: str
    name: str
    in_network: bool
    missing_kinds: list[str]
    cross_region_ties: int
    tied_regions: list[str]


@dataclass(frozen=True)
class CrossRegionTie:
    regions: tuple[str, str]
    ties: int
    weight: int


@dataclass(frozen=True)
class Risks:
    key_actors: list[KeyActor]
    key_actor_count: int
    regions: list[RegionTies]
    cross_region: list[CrossRegionTie]


def _member_index(memberships: Iterable[Membership]) -> dict[str, list[Membership]]:
    index: defaultdict[str, list[Membership]] = defaultdict(list)
    for m in memberships:
        for key in m.members:
            index[key].append(m)
    return index


def cut_off_initiatives(removed: set[str], cut_off: set[str], by_actor: Mapping[str, list[Membership]]) -> list[str]:
    """Initiatives whose remaining members all lie in the cut-off part (and there is someone left)."""
    candidates = {m.initiative: m for key in cut_off for m in by_actor.get(key, ())}
    return sorted(ref for ref, m in candidates.items() if (left := m.members - removed) and left <= cut_off)


def compute_risks(graph: nx.Graph, data: NetworkData, top: int | None = None, regions: Iterable[str] | None = None) -> Risks:
    cuts = Cuts(graph)
    by_actor = _member_index(data.memberships or [])
    ranking = cuts.ranking()
    key_actors = []
    for _count, v in ranking if top is None else ranking[:top]:
        cut = set(cuts.cut_off(v))
        info = info_of(data.actors, v)
        key_actors.append(KeyActor(v, info.name, info.kind, sorted(cut), cut_off_initiatives({v}, cut, by_actor)))
    return Risks(key_actors, len(ranking), region_ties(graph, regions), cross_region_ties(graph))


def region_of(graph: nx.Graph, key: str) -> str:
    return str(graph.nodes[key].get("region") or "")


def region_ties(graph: nx.Graph, regions: Iterable[str] | None = None) -> list[RegionTies]:
    """For each region: the actor kinds its region actor has no tie to, and its ties to other regions."""
    crossing: defaultdict[str, int] = defaultdict(int)
    for a, b in graph.edges():
        if _crosses(graph, a, b):
            crossing[region_of(graph, a)] += 1
            crossing[region_of(graph, b)] += 1
    rows = []
    for code in regions if regions is not None else REGIONS:
        key = region_actor_key(code)
        present = key in graph
        neighbours = list(graph[key]) if present else []
        kinds = {graph.nodes[w].get("kind") for w in neighbours}
        rows.append(RegionTies(
            region=code, name=REGIONS.get(code, code), in_network=present,
            missing_kinds=[k for k in TIE_KINDS if k not in kinds],
            cross_region_ties=crossing[code],
            tied_regions=sorted({r for w in neighbours if (r := region_of(graph, w)) and r != code}),
        ))
    return rows


def _crosses(graph: nx.Graph, a: str, b: str) -> bool:
    ra, rb = region_of(graph, a), region_of(graph, b)
    return bool(ra and rb and ra != rb)


def cross_region_ties(graph: nx.Graph) -> list[CrossRegionTie]:
    """Ties between actors of two different regions, per pair of regions."""
    ties: defaultdict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for a, b, w in graph.edges(data="weight", default=1):
        if _crosses(graph, a, b):
            entry = ties[pair(region_of(graph, a), region_of(graph, b))]
            entry[0] += 1
            entry[1] += int(w)
    return [CrossRegionTie(regions, n, w) for regions, (n, w) in sorted(ties.items())]


def risks_json(risks: Risks) -> dict[str, Any]:
    return {
        "key_actors": [vars(k) for k in risks.key_actors],
        "key_actor_count": risks.key_actor_count,
        "regions": [vars(r) for r in risks.regions],
        "cross_region_ties": [{"regions": list(t.regions), "ties": t.ties, "weight": t.weight} for t in risks.cross_region],
    }


# --- what if ------------------------------------------------------------------------------------


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
    """What breaks when these actors leave (keys already resolved through merges)."""
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
        initiatives_cut_off=cut_off_initiatives(gone, severed, _member_index(memberships)),
    )


def what_if_json(result: WhatIf) -> dict[str, Any]:
    data = vars(result).copy()
    data["lost_ties"] = [{"actors": [a, b], "weight": w} for a, b, w in result.lost_ties]
    return data


# --- diff ---------------------------------------------------------------------------------------


BETWEENNESS_NOISE = 1e-12


def diff(before: NetworkMetrics, after: NetworkMetrics, before_graph: nx.Graph, after_graph: nx.Graph) -> dict[str, Any]:
    """Actors and ties gained and lost, ties reweighted, and metric changes between two graphs."""
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


# --- export ----------------------------------------------------------------------------------------


def export_graph(graph: nx.Graph, fmt: str, stamp: Mapping[str, Any]) -> bytes:
    """The graph as GraphML, GEXF or node-link JSON, with actor names, kinds and regions."""
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
