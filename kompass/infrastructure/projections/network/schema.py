"""The network projection's tables: its own copy of actors and initiatives, who takes part in what,
and the country's weighted ties; and the cache of metrics worked out from them."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Integer, String, Table

from kompass.domain.text import KEY_LENGTH, REGION_LENGTH, WORD_LENGTH
from kompass.infrastructure.metadata import metadata
from kompass.infrastructure.projections import layout as L
from kompass.infrastructure.projections.shapes import actor_columns, initiative_pairs, queries_only

net_actors = Table(
    L.NET_ACTORS,
    metadata,
    *actor_columns(merges_looked_up=False),
)
"""The network projection's own copy of the actors (it is rebuilt independently of the others)."""

net_initiatives = Table(
    L.NET_INITIATIVES,
    metadata,
    Column("id", String(36), primary_key=True),
    Column("ref", String(KEY_LENGTH), nullable=False, index=True, info=queries_only()),
    Column("state", JSON, nullable=False),
)
"""What the network needs of each initiative: lead region, status, participants (as recorded), areas."""

net_members = initiative_pairs(L.NET_MEMBERS, "actor", KEY_LENGTH, looked_up=True)
"""Actors in the network through each initiative that is not cancelled: merges resolved, lead region included."""

net_regions = initiative_pairs(L.NET_REGIONS, "region", REGION_LENGTH, looked_up=False)
"""The regions of each initiative in the network (lead region and participating regions)."""

net_areas = initiative_pairs(L.NET_AREAS, "area", WORD_LENGTH, looked_up=False)

net_edges = Table(
    L.NET_EDGES,
    metadata,
    Column("a", String(KEY_LENGTH), primary_key=True),
    Column("b", String(KEY_LENGTH), primary_key=True, index=True, info=queries_only()),
    Column("weight", Integer, nullable=False),
)
"""The whole country's ties: a < b (Python string order), weight = initiatives shared."""

TABLES = (net_edges, net_members, net_regions, net_areas, net_initiatives, net_actors)
"""The tables this projection owns (a rebuild fills fresh copies of them and swaps them in)."""

network_cache = Table(
    L.NETWORK_CACHE,
    metadata,
    Column("position", BigInteger, primary_key=True),
    Column("scope", String(200), primary_key=True),
    Column("payload", JSON, nullable=False),
)
"""A derived cache, not a read model: network metrics already computed, keyed by the network
projection's position and the question's parameters, so a repeated question costs nothing. Nothing
is derived from it; entries of older positions are dropped as new ones come, and every rebuild
swap empties it (the new tables may answer differently at the same position)."""

DERIVED_CACHES = (network_cache,)
"""Tables a rebuild empties and a check against a replay leaves out: they only remember answers."""
