"""What a network is built from: actors, initiatives as memberships, and weighted ties.

Nodes are actors taking part in at least one initiative that is not cancelled (the lead
region's actor implicitly); two actors are tied when they take part in the same initiative,
and the tie's weight is the number of such initiatives (docs/definitions.md). The read model
hands these in from its materialised edge table (the present); a replayed state gives them
for the past (`data_from_state`). Nothing here reads storage or needs networkx.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from kompass.application.records import ActorLookup, InitiativeRecord, current_participants, initiative_facts
from kompass.domain.errors import NotFound
from kompass.domain.merges import survivor
from kompass.domain.vocabulary import REGIONS, region_actor_key, region_actor_name

__all__ = [
    "ActorInfo", "Membership", "NetworkData", "actors_from_records", "data_from_memberships", "data_from_state", "in_scope",
    "info_of", "membership_of", "memberships_from_records", "network_members", "pair", "pairs_of", "resolve_actor",
]


@dataclass(frozen=True)
class ActorInfo:
    """What a node shows of an actor; `merged_into` lets a reference to it be followed to its survivor."""

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
    """The initiative as a membership, or None when it puts nobody in the network."""
    members = network_members(record, lookup)
    if not members:
        return None
    regions = initiative_facts(record, lookup).regions
    return Membership(record.ref, members, frozenset(regions), frozenset(record.areas))


def memberships_from_records(records: Iterable[InitiativeRecord], lookup: ActorLookup) -> list[Membership]:
    """The memberships of the initiatives that put someone in the network, in ref order."""
    found = (membership_of(r, lookup) for r in records)
    return sorted((m for m in found if m is not None), key=lambda m: m.initiative)


def in_scope(membership: Membership, region: str | None, area: str | None) -> bool:
    """`--region CC`: initiatives whose regions include CC; `--area A`: initiatives tagged with A.

    Examples
    --------
    >>> m = Membership("14-2021-x", frozenset({"a", "b"}), frozenset({"14"}), frozenset({"health"}))
    >>> in_scope(m, "14", None), in_scope(m, "01", None), in_scope(m, None, "health")
    (True, False, True)
    """
    return (region is None or region in membership.regions) and (area is None or area in membership.areas)


def pair(a: str, b: str) -> tuple[str, str]:
    """A tie's two ends in key order, so that a tie has one spelling.

    Examples
    --------
    >>> pair("b", "a")
    ('a', 'b')
    """
    return (a, b) if a < b else (b, a)


def pairs_of(members: Iterable[str]) -> Iterable[tuple[str, str]]:
    """Every tie an initiative makes among its members, each once and in key order.

    Examples
    --------
    >>> list(pairs_of({"c", "a", "b"}))
    [('a', 'b'), ('a', 'c'), ('b', 'c')]
    """
    return combinations(sorted(members), 2)


def data_from_memberships(
    memberships: Iterable[Membership], actors: Mapping[str, ActorInfo], region: str | None = None, area: str | None = None
) -> NetworkData:
    """Nodes and ties computed from scratch (temporal queries, and the check of the edge table).

    Examples
    --------
    >>> ms = [Membership("i1", frozenset({"a", "b"})), Membership("i2", frozenset({"a", "b", "c"}))]
    >>> data = data_from_memberships(ms, {})
    >>> data.nodes, data.edges
    (['a', 'b', 'c'], [('a', 'b', 2), ('a', 'c', 1), ('b', 'c', 1)])
    """
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
    """What is known of an actor; a key nobody registered is shown as itself, of kind `other`.

    Examples
    --------
    >>> info_of({}, "x")
    ActorInfo(key='x', name='x', kind='other', region=None, merged_into=None)
    """
    return actors.get(key) or ActorInfo(key, key, "other")


def resolve_actor(actors: Mapping[str, ActorInfo], key: str) -> str:
    """The key an actor stands under now (merges followed); NotFound for an unknown key.

    Examples
    --------
    >>> actors = {"a": ActorInfo("a", "A", "company", merged_into="b"), "b": ActorInfo("b", "B", "company")}
    >>> resolve_actor(actors, "a")
    'b'
    """
    if key not in actors:
        raise NotFound(f"no actor {key!r}")
    return survivor(actors[key], actors.get).key
