"""The actor network of DESIGN §4, over plain data: who works with whom, and what breaks
when an actor leaves.

Nodes are actors taking part in at least one initiative that is not cancelled (the lead
region's actor implicitly); two actors are tied when they take part in the same
initiative, and the tie's weight is the number of such initiatives.

Pure logic: the graph is built from actors and weighted ties handed in by the read model
(the materialised edge table, for the present) or from a replayed state (temporal
queries). Nothing here reads storage.

Numbers follow networkx exactly (other programs compare them with their own):
betweenness is Brandes' algorithm as `networkx.betweenness_centrality(G, normalized=True)`
runs it, with the same sampled sources (`k=1000`, `seed=42`) above 2,000 nodes, but over
integer-indexed adjacency sets so that 10,000 actors answer in seconds; articulation
points and bridges come from one depth-first search, which also tells for every key actor
which actors its departure cuts off.
"""

from __future__ import annotations

import os
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

from kompass.application.records import ActorLookup, InitiativeRecord, current_participants, initiative_facts
from kompass.domain.errors import NotFound
from kompass.domain.vocabulary import ACTOR_KINDS, REGIONS, region_actor_key

if TYPE_CHECKING:
    import networkx as nx

EXACT_LIMIT = 2000
"""Betweenness is exact up to this many nodes, sampled above (DESIGN §4)."""
SAMPLE_K = 1000
SEED = 42
CHUNK = 50
"""Sources per unit of work when betweenness is spread over processes; partial sums are
added in chunk order, so the result does not depend on how many processes did the work
(it differs from the one-process sum, which is networkx's to the last bit, only by rounding)."""
PARALLEL_WORK = 20_000_000
"""Sources × adjacency entries above which betweenness is spread over processes."""
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
        region_actor_key(code): ActorInfo(region_actor_key(code), f"Region {name}", "region", code) for code, name in REGIONS.items()
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
    seen = {key}
    while (merged := actors[key].merged_into) is not None and merged in actors and merged not in seen:
        key = merged
        seen.add(key)
    return key


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


class _Indexed:
    """The graph as integer-indexed adjacency, in the graph's own node and neighbour order."""

    def __init__(self, graph: nx.Graph) -> None:
        self.keys: list[Any] = list(graph)
        index = {k: i for i, k in enumerate(self.keys)}
        self.adj: list[list[int]] = [[index[w] for w in graph[v]] for v in self.keys]
        self.index = index

    def __len__(self) -> int:
        return len(self.keys)


# --- betweenness ---------------------------------------------------------------------------------


_ADJ: list[list[int]] = []
"""The adjacency the betweenness workers read (inherited by forked processes)."""


def _dependencies(sources: Sequence[int]) -> list[float]:
    """Brandes' unnormalised sums over `sources`, step for step as networkx's
    `_single_source_shortest_path_basic` and `_accumulate_basic` make them: the same
    visiting order and the same floating-point operations, so the same numbers to the last
    bit. Over integer-indexed lists instead of dictionaries, and without predecessor lists
    (a node's predecessors are its neighbours one level up), which makes it about three
    times faster."""
    adj = _ADJ
    n = len(adj)
    bc = [0.0] * n
    for s in sources:
        dist = [-1] * n
        sigma = [0.0] * n
        dist[s] = 0
        sigma[s] = 1.0
        order = [s]
        frontier = [s]
        d = 0
        while frontier:
            d += 1
            nxt = []
            for v in frontier:
                sv = sigma[v]
                for w in adj[v]:
                    dw = dist[w]
                    if dw < 0:
                        dist[w] = d
                        nxt.append(w)
                        sigma[w] = sv
                    elif dw == d:
                        sigma[w] += sv
            order.extend(nxt)
            frontier = nxt
        delta = [0.0] * n
        for w in reversed(order):
            coeff = (1 + delta[w]) / sigma[w]
            up = dist[w] - 1
            for v in adj[w]:
                if dist[v] == up:
                    delta[v] += sigma[v] * coeff
            if w != s:
                bc[w] += delta[w]
    return bc


def _sums(sources: list[int], workers: int) -> list[list[float]]:
    chunks = [sources[i:i + CHUNK] for i in range(0, len(sources), CHUNK)]
    if workers > 1 and len(chunks) > 1:
        import multiprocessing

        try:
            context = multiprocessing.get_context("fork")
        except ValueError:
            context = None
        if context is not None:
            with context.Pool(min(workers, len(chunks))) as pool:
                return pool.map(_dependencies, chunks)
    return [_dependencies(sources)]


def default_workers() -> int:
    """Processes for large betweenness runs: KOMPASS_WORKERS, else the machine's cores (at most 4)."""
    given = os.environ.get("KOMPASS_WORKERS")
    if given and given.isdigit() and int(given) > 0:
        return int(given)
    return max(1, min(4, os.cpu_count() or 1))


def sample_sources(graph: nx.Graph, k: int, seed: int = SEED) -> list[Any]:
    """The sources networkx samples for `betweenness_centrality(G, k=k, seed=seed)`."""
    return random.Random(seed).sample(list(graph.nodes()), k)


def betweenness(
    graph: nx.Graph, exact_limit: int = EXACT_LIMIT, k: int = SAMPLE_K, seed: int = SEED, workers: int | None = None
) -> tuple[dict[Any, float], bool]:
    """Normalised, unweighted betweenness, as networkx computes it; and whether it was sampled.

    Exact up to `exact_limit` nodes; above, from `k` sources sampled with `seed`, rescaled
    as `networkx.betweenness_centrality(G, k=k, seed=seed)` does.
    """
    global _ADJ
    indexed = _Indexed(graph)
    n = len(indexed)
    sampled = n > exact_limit and k < n
    if sampled:
        index = indexed.index
        sources = [index[v] for v in sample_sources(graph, k, seed)]
    else:
        sources = list(range(n))
    _ADJ = indexed.adj
    try:
        work = len(sources) * sum(len(a) for a in indexed.adj)
        parts = _sums(sources, workers if workers is not None else default_workers() if work > PARALLEL_WORK else 1)
    finally:
        _ADJ = []
    raw = parts[0]
    for part in parts[1:]:
        raw = [a + b for a, b in zip(raw, part, strict=True)]
    scaled = _rescale(raw, n, sources if sampled else None)
    return dict(zip(indexed.keys, scaled, strict=True)), sampled


def _rescale(raw: list[float], n: int, sampled_sources: list[int] | None) -> list[float]:
    """networkx's `_rescale` for normalized=True, endpoints=False, undirected."""
    big_n = n - 1
    if big_n < 2:
        return raw
    if sampled_sources is None:
        scale = 1 / (big_n * (big_n - 1))
        return [b * scale for b in raw]
    k = len(sampled_sources)
    scale_source = 1 / ((k - 1) * (big_n - 1)) if k > 1 else float("nan")
    scale_other = 1 / (k * (big_n - 1))
    sources = set(sampled_sources)
    return [b * (scale_source if i in sources else scale_other) for i, b in enumerate(raw)]


# --- structure: components, articulation points, bridges ----------------------------------------


@dataclass
class Structure:
    """One depth-first search over the whole graph (iterative: deep paths are fine)."""

    keys: list[Any]
    disc: list[int]
    low: list[int]
    parent: list[int]
    size: list[int]
    """Nodes in each DFS subtree, the node included."""
    order: list[int]
    """Nodes in preorder: a subtree is `order[disc[c]:disc[c] + size[c]]`."""
    root: list[int]
    """The DFS root of each node's component."""
    children: list[list[int]] = field(default_factory=list)

    def articulation_points(self) -> list[int]:
        points = []
        for v in range(len(self.keys)):
            if self.parent[v] < 0:
                if len(self.children[v]) >= 2:
                    points.append(v)
            elif any(self.low[c] >= self.disc[v] for c in self.children[v]):
                points.append(v)
        return points

    def bridges(self) -> list[tuple[int, int]]:
        return [(self.parent[c], c) for c in range(len(self.keys)) if self.parent[c] >= 0 and self.low[c] > self.disc[self.parent[c]]]

    def subtree(self, c: int) -> list[int]:
        return self.order[self.disc[c]:self.disc[c] + self.size[c]]

    def pieces(self, v: int) -> list[tuple[int, int | None]]:
        """The pieces v's component falls into without v: (size, the child whose subtree it
        is, or None for the rest of the component above v)."""
        separated = [c for c in self.children[v] if self.parent[v] < 0 or self.low[c] >= self.disc[v]]
        found: list[tuple[int, int | None]] = [(self.size[c], c) for c in separated]
        if self.parent[v] >= 0:
            rest = self.size[self.root[v]] - 1 - sum(s for s, _ in found)
            found.append((rest, None))
        return found


def structure(graph: nx.Graph) -> Structure:
    indexed = _Indexed(graph)
    adj = indexed.adj
    n = len(adj)
    disc, low, parent, size = [-1] * n, [0] * n, [-1] * n, [1] * n
    root_of = [-1] * n
    children: list[list[int]] = [[] for _ in range(n)]
    order: list[int] = []
    for root in range(n):
        if disc[root] >= 0:
            continue
        disc[root] = low[root] = len(order)
        order.append(root)
        root_of[root] = root
        stack = [(root, iter(adj[root]))]
        while stack:
            v, neighbours = stack[-1]
            for w in neighbours:
                if disc[w] < 0:
                    parent[w] = v
                    children[v].append(w)
                    disc[w] = low[w] = len(order)
                    order.append(w)
                    root_of[w] = root
                    stack.append((w, iter(adj[w])))
                    break
                if w != parent[v] and disc[w] < low[v]:
                    low[v] = disc[w]
            else:
                stack.pop()
                if stack:
                    p = stack[-1][0]
                    if low[v] < low[p]:
                        low[p] = low[v]
                    size[p] += size[v]
    return Structure(indexed.keys, disc, low, parent, size, order, root_of, children)


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


def compute_metrics(
    graph: nx.Graph, exact_limit: int = EXACT_LIMIT, k: int = SAMPLE_K, workers: int | None = None
) -> NetworkMetrics:
    import networkx as nx

    between, sampled = betweenness(graph, exact_limit, k, workers=workers)
    community = communities(graph)
    found = structure(graph)
    keys = found.keys
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
        articulation_points=sorted(keys[v] for v in found.articulation_points()),
        bridges=sorted(pair(keys[a], keys[b]) for a, b in found.bridges()),
        sampled=sampled,
    )


def top_nodes(metrics: NetworkMetrics, top: int | None) -> list[NodeMetrics]:
    """The `top` nodes by betweenness (then weighted degree, then key), in key order."""
    if top is None:
        return metrics.nodes
    best = sorted(metrics.nodes, key=lambda n: (-n.betweenness, -n.weighted_degree, n.actor))[:top]
    return sorted(best, key=lambda n: n.actor)


def metrics_json(metrics: NetworkMetrics, top: int | None = None) -> dict[str, Any]:
    """DESIGN §5's `network metrics` shape."""
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


def _cut_off_of(found: Structure, v: int) -> list[int]:
    """Nodes that lose touch with the largest remaining piece when v leaves (ties: the piece
    holding the smallest key stays)."""
    pieces = found.pieces(v)

    def nodes(piece: tuple[int, int | None]) -> list[int]:
        if piece[1] is not None:
            return found.subtree(piece[1])
        inside = {x for s, c in pieces if c is not None for x in found.subtree(c)} | {v}
        return [x for x in found.subtree(found.root[v]) if x not in inside]

    biggest = max(s for s, _ in pieces)
    largest = [p for p in pieces if p[0] == biggest]
    keep = largest[0] if len(largest) == 1 else min(largest, key=lambda p: min(found.keys[x] for x in nodes(p)))
    return sorted(x for p in pieces if p is not keep for x in nodes(p))


def key_actor_ranking(found: Structure) -> list[tuple[int, int]]:
    """(number of actors cut off, node) for every articulation point, most cut off first."""
    ranking = []
    for v in found.articulation_points():
        sizes = [s for s, _ in found.pieces(v)]
        ranking.append((found.size[found.root[v]] - 1 - max(sizes), v))
    return sorted(ranking, key=lambda r: (-r[0], found.keys[r[1]]))


def compute_risks(graph: nx.Graph, data: NetworkData, top: int | None = None, regions: Iterable[str] | None = None) -> Risks:
    found = structure(graph)
    keys = found.keys
    by_actor = _member_index(data.memberships or [])
    ranking = key_actor_ranking(found)
    key_actors = []
    for _count, v in ranking if top is None else ranking[:top]:
        cut = {keys[x] for x in _cut_off_of(found, v)}
        info = info_of(data.actors, keys[v])
        key_actors.append(KeyActor(keys[v], info.name, info.kind, sorted(cut), cut_off_initiatives({keys[v]}, cut, by_actor)))
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
