"""The risks of `kompass network risks`: key actors and what their departure cuts off, the actor
kinds each region has no tie to, and the ties between regions (docs/definitions.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kompass.application.network.cuts import Cuts
from kompass.application.network.model import Membership, NetworkData, info_of, pair
from kompass.domain.vocabulary import ACTOR_KINDS, REGIONS, region_actor_key

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "TIE_KINDS", "CrossRegionTie", "KeyActor", "RegionTies", "Risks", "compute_risks", "cross_region_ties", "cut_off_initiatives",
    "member_index", "region_of", "region_ties",
]

TIE_KINDS = tuple(k for k in ACTOR_KINDS if k != "other")
"""The kinds a region is expected to have ties to (`other` says nothing)."""


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


def member_index(memberships: Iterable[Membership]) -> dict[str, list[Membership]]:
    """The initiatives each actor takes part in."""
    index: defaultdict[str, list[Membership]] = defaultdict(list)
    for m in memberships:
        for key in m.members:
            index[key].append(m)
    return index


def cut_off_initiatives(removed: set[str], cut_off: set[str], by_actor: Mapping[str, list[Membership]]) -> list[str]:
    """Initiatives whose remaining members all lie in the cut-off part (and there is someone left).

    Examples
    --------
    >>> ms = [Membership("i1", frozenset({"x", "t"})), Membership("i2", frozenset({"x", "a"})), Membership("i3", frozenset({"x"}))]
    >>> cut_off_initiatives({"x"}, {"t"}, member_index(ms))
    ['i1']
    """
    candidates = {m.initiative: m for key in cut_off for m in by_actor.get(key, ())}
    return sorted(ref for ref, m in candidates.items() if (left := m.members - removed) and left <= cut_off)


def compute_risks(graph: nx.Graph, data: NetworkData, top: int | None = None, regions: Iterable[str] | None = None) -> Risks:
    """The key actors (the `top` that cut off most, all for None) and the ties of `regions` (all 21 for None)."""
    cuts = Cuts(graph)
    by_actor = member_index(data.memberships or [])
    ranking = cuts.ranking()
    key_actors = []
    for _count, v in ranking if top is None else ranking[:top]:
        cut = set(cuts.cut_off(v))
        info = info_of(data.actors, v)
        key_actors.append(KeyActor(v, info.name, info.kind, sorted(cut), cut_off_initiatives({v}, cut, by_actor)))
    return Risks(key_actors, len(ranking), region_ties(graph, regions), cross_region_ties(graph))


def region_of(graph: nx.Graph, key: str) -> str:
    """The region of a node ("" for none)."""
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
    """Ties between actors of two different regions, per pair of regions.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_nodes_from([("a", {"region": "14"}), ("b", {"region": "01"}), ("c", {"region": "01"})])
    >>> g.add_weighted_edges_from([("a", "b", 3), ("a", "c", 1), ("b", "c", 5)])
    >>> cross_region_ties(g)
    [CrossRegionTie(regions=('01', '14'), ties=2, weight=4)]
    """
    ties: defaultdict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for a, b, w in graph.edges(data="weight", default=1):
        if _crosses(graph, a, b):
            entry = ties[pair(region_of(graph, a), region_of(graph, b))]
            entry[0] += 1
            entry[1] += int(w)
    return [CrossRegionTie(regions, n, w) for regions, (n, w) in sorted(ties.items())]
