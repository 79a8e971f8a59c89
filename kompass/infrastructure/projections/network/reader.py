"""Reads of the network projection's tables: the actors it knows, and nodes and weighted ties in a scope."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, func, select

from kompass.application.network import ActorInfo, Membership, NetworkData, actors_from_records, pair
from kompass.infrastructure.projections.network import schema


class NetworkReader:
    """The `ReadModelPort` reads answered by the network projection (`ReadModel` mixes it in)."""

    engine: Engine

    def network_actors(self) -> dict[str, ActorInfo]:
        """Every actor the network projection knows (merged ones too, with `merged_into`)."""
        a = schema.net_actors.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(a.key, a.name, a.kind, a.region, a.merged_into)).all()
        return actors_from_records({r.key: r for r in rows})

    def network_data(self, region: str | None = None, area: str | None = None, memberships: bool = False) -> NetworkData:
        """Nodes and weighted ties from the stored rows: the country's edge table, or for one
        region or area one self-join of the matching initiatives' membership rows."""
        m = schema.net_members.c
        scope = _network_scope(region, area)
        if scope is None:
            nodes_query = select(m.actor).distinct()
            edges_query = select(schema.net_edges.c.a, schema.net_edges.c.b, schema.net_edges.c.weight)
        else:
            nodes_query = select(m.actor).where(m.initiative_id.in_(scope)).distinct()
            m1, m2 = schema.net_members.alias("m1"), schema.net_members.alias("m2")
            edges_query = (
                select(m1.c.actor, m2.c.actor, func.count())
                .select_from(m1.join(m2, (m1.c.initiative_id == m2.c.initiative_id) & (m1.c.actor < m2.c.actor)))
                .where(m1.c.initiative_id.in_(scope))
                .group_by(m1.c.actor, m2.c.actor)
            )
        with self.engine.connect() as conn:
            nodes = sorted(conn.execute(nodes_query).scalars())
            # The database's collation may order keys differently from Python: pairs are put in Python order here.
            edges = sorted((*pair(a, b), int(w)) for a, b, w in conn.execute(edges_query))
            found = _network_memberships(conn, scope) if memberships else None
        return NetworkData(self.network_actors(), nodes, edges, found)


def _network_scope(region: str | None, area: str | None) -> Any:
    """A subquery of the initiative ids in scope, or None for the whole network."""
    if region is None and area is None:
        return None
    i = schema.net_initiatives.c
    query = select(i.id)
    if region is not None:
        query = query.where(i.id.in_(select(schema.net_regions.c.initiative_id).where(schema.net_regions.c.region == region)))
    if area is not None:
        query = query.where(i.id.in_(select(schema.net_areas.c.initiative_id).where(schema.net_areas.c.area == area)))
    return query


def _network_memberships(conn: Connection, scope: Any) -> list[Membership]:
    m, i = schema.net_members.c, schema.net_initiatives.c
    query = select(i.ref, m.actor).select_from(schema.net_members.join(schema.net_initiatives, i.id == m.initiative_id))
    if scope is not None:
        query = query.where(m.initiative_id.in_(scope))
    members: dict[str, set[str]] = {}
    for ref, actor in conn.execute(query):
        members.setdefault(ref, set()).add(actor)
    return [Membership(ref, frozenset(keys)) for ref, keys in sorted(members.items())]
