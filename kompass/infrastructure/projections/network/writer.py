"""The network projection's batch writer: who takes part in what, and the country's weighted ties, materialised.

Like the portfolio projection, each batch of facts is applied in one transaction together
with the projection's position. It keeps its own copy of what it needs (actors with their
merges, and a slim record of each initiative), so that it can be rebuilt on its own.

For every initiative that is not cancelled, `rm_net_members` holds its actors as the
network sees them (merges resolved, the lead region included) and `rm_net_regions` /
`rm_net_areas` where it belongs; `rm_net_edges` holds the whole country's ties (a < b,
weight = initiatives shared). Ties are kept by contributions: when a batch changes an
initiative's members, the pairs it no longer makes are subtracted and the new ones added.
A query for one region or area joins the membership rows of the matching initiatives.

This module is the projection the projector keeps: `NAME`, `TABLES`, `reset` and `batch`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, bindparam, delete, select

from kompass.application.catalogue import NETWORK, concerning
from kompass.application.catalogue.actor import apply_to_actor
from kompass.application.catalogue.initiative import apply_to_initiative
from kompass.application.facts import Fact
from kompass.application.network import Membership, membership_of, pair
from kompass.application.records import ActorRecord, InitiativeRecord, region_actors
from kompass.infrastructure.database import insert_many, upsert_many
from kompass.infrastructure.projections import layout
from kompass.infrastructure.projections.batch import Batch, add_counts, chunks, empty_tables
from kompass.infrastructure.projections.network import schema
from kompass.infrastructure.projections.network.schema import TABLES

__all__ = ["NAME", "NETWORK_EVENTS", "TABLES", "NetworkBatch", "batch", "reset"]

NAME = layout.NETWORK
"""Tracking name of this projection."""

NETWORK_EVENTS = concerning(NETWORK)
"""The events that can change the network; the others (funding, results…) cannot."""
SLIM = ("ref", "region", "status", "status_before", "paused_from", "participants", "areas")
"""The fields of an initiative record this projection keeps."""


def batch(conn: Connection, areas: Iterable[str]) -> NetworkBatch:
    return NetworkBatch(conn, areas)


def reset(conn: Connection, areas: Iterable[str]) -> None:
    """Empty the projection's tables (the projector sets its position back to 0)."""
    empty_tables(conn, TABLES)


@cache
def _region_actors() -> dict[str, ActorRecord]:
    return region_actors()


def slim(record: InitiativeRecord) -> dict[str, Any]:
    return {
        "ref": record.ref, "region": record.region, "status": record.status, "status_before": record.status_before,
        "paused_from": record.paused_from, "participants": dict(record.participants), "areas": list(record.areas),
    }


def from_slim(data: dict[str, Any]) -> InitiativeRecord:
    return InitiativeRecord(
        ref=data["ref"], region=data["region"], title="", status=data["status"], status_before=data["status_before"],
        paused_from=data["paused_from"], participants=dict(data["participants"]), areas=list(data["areas"]),
    )


NetworkChanges = tuple[list[UUID], list[Membership | None], list[dict[str, str]], list[dict[str, str]], dict[tuple[str, str], int]]
"""A batch's changes to the network tables: (initiatives, their scopes, who joined, who left, edge deltas)."""


class NetworkBatch(Batch):
    """The working set of one batch: records read once, the network's rows written once at the end."""

    def __init__(self, conn: Connection, areas: Iterable[str] = ()) -> None:
        super().__init__(conn, areas)
        self.initiatives: dict[UUID, InitiativeRecord | None] = {}
        self.changed: set[UUID] = set()
        """Initiatives whose record must be written."""
        self.dirty: set[UUID] = set()
        """Initiatives whose place in the network may have changed."""
        self.actors: dict[str, ActorRecord | None] = {}
        self.actor_ids: dict[UUID, str] = {}
        self.changed_actors: set[str] = set()

    # --- reading -------------------------------------------------------------------------

    def prepare(self, facts: list[Fact]) -> None:
        """Read the records of the initiatives the batch changes with a few IN (…) queries."""
        self._load_initiatives(
            {f.originator_id for f in facts if f.aggregate == "initiative" and f.type in NETWORK_EVENTS and f.type != "InitiativeProposed"}
        )

    def initiative(self, initiative_id: UUID) -> InitiativeRecord | None:
        if initiative_id not in self.initiatives:
            row = self.conn.execute(select(schema.net_initiatives.c.state).where(schema.net_initiatives.c.id == str(initiative_id))).first()
            self.initiatives[initiative_id] = from_slim(row[0]) if row else None
        return self.initiatives[initiative_id]

    def _load_initiatives(self, ids: Iterable[UUID]) -> None:
        missing = sorted(str(i) for i in ids if i not in self.initiatives)
        n = schema.net_initiatives.c
        for chunk in chunks(missing):
            rows = self.conn.execute(select(n.id, n.state).where(n.id.in_(chunk)))
            found = {UUID(i): from_slim(state) for i, state in rows}
            for i in chunk:
                self.initiatives[UUID(i)] = found.get(UUID(i))

    def actor(self, key: str) -> ActorRecord | None:
        if key not in self.actors:
            self._load_actors([key])
        return self.actors[key]

    def _load_actors(self, keys: Iterable[str]) -> None:
        missing = sorted({k for k in keys if k not in self.actors})
        a = schema.net_actors.c
        for chunk in chunks(missing):
            rows = self.conn.execute(select(a.key, a.id, a.name, a.kind, a.region, a.merged_into).where(a.key.in_(chunk))).all()
            found = {r.key: r for r in rows}
            for key in chunk:
                r = found.get(key)
                if r is None:
                    self.actors[key] = _region_actors().get(key)
                else:
                    self.actors[key] = ActorRecord(key=r.key, name=r.name, kind=r.kind, region=r.region, merged_into=r.merged_into)
                    self.actor_ids.setdefault(UUID(r.id), r.key)

    def actor_key(self, actor_id: UUID) -> str | None:
        if actor_id not in self.actor_ids:
            row = self.conn.execute(select(schema.net_actors.c.key).where(schema.net_actors.c.id == str(actor_id))).first()
            if row is None:
                return None
            self.actor_ids[actor_id] = row[0]
        return self.actor_ids[actor_id]

    # --- applying ------------------------------------------------------------------------

    def apply(self, fact: Fact) -> None:
        if fact.aggregate == "initiative":
            self._apply_initiative(fact)
        elif fact.aggregate == "actor":
            self._apply_actor(fact)

    def _apply_initiative(self, fact: Fact) -> None:
        if fact.type not in NETWORK_EVENTS:
            return
        if fact.type == "InitiativeProposed":
            record = None
        else:
            record = self.initiative(fact.originator_id)
            if record is None:
                return
        after = apply_to_initiative(record, fact)
        if after is None:
            return
        self.initiatives[fact.originator_id] = after
        self.changed.add(fact.originator_id)
        self.dirty.add(fact.originator_id)

    def _apply_actor(self, fact: Fact) -> None:
        if fact.type == "ActorRegistered":
            key = fact.data["key"]
            self.actor_ids[fact.originator_id] = key
            self.actors[key] = apply_to_actor(None, fact)
            self.changed_actors.add(key)
            return
        key = self.actor_key(fact.originator_id)
        if key is None:
            return
        if fact.type == "ActorMerged":
            # Rows name actors as resolved before this merge: the initiatives reaching `key`
            # are exactly those with a row for it (the ones changed in this batch are dirty anyway).
            rows = self.conn.execute(select(schema.net_members.c.initiative_id).where(schema.net_members.c.actor == key)).scalars()
            self.dirty.update(UUID(r) for r in rows)
        self.actors[key] = apply_to_actor(self.actor(key), fact)
        self.changed_actors.add(key)

    # --- writing ----------------------------------------------------------------------------

    def flush(self) -> None:
        """Read and work out first, write at the end (a rebuild's fill may hold the writes back: `held_writes`)."""
        changes = self._network_changes()
        self._flush_actors()
        self._flush_initiatives()
        if changes is not None:
            self._write_network(*changes)

    def _flush_actors(self) -> None:
        ids = {key: actor_id for actor_id, key in self.actor_ids.items()}
        rows = []
        for key in sorted(self.changed_actors):
            actor = self.actors.get(key)
            if actor is None or key not in ids:
                continue
            rows.append({"key": key, "id": str(ids[key]), "name": actor.name, "kind": actor.kind, "region": actor.region,
                         "merged_into": actor.merged_into})
        if rows:
            upsert_many(self.conn, schema.net_actors, ["key"], rows)

    def _flush_initiatives(self) -> None:
        rows = []
        for initiative_id in sorted(self.changed):
            record = self.initiatives[initiative_id]
            assert record is not None
            rows.append({"id": str(initiative_id), "ref": record.ref, "state": slim(record)})
        if rows:
            upsert_many(self.conn, schema.net_initiatives, ["id"], rows)

    def _network_changes(self) -> NetworkChanges | None:
        """What the batch changes in the network tables (`NetworkChanges`), read and worked out, none written yet."""
        if not self.dirty:
            return None
        dirty = sorted(self.dirty)
        self._load_initiatives(dirty)
        self._load_actors(key for i in dirty if (r := self.initiatives[i]) is not None for key in r.participants)
        old = self._stored_members(dirty)
        deltas: defaultdict[tuple[str, str], int] = defaultdict(int)
        joined: list[dict[str, str]] = []
        left: list[dict[str, str]] = []
        scopes: list[Membership | None] = []
        for initiative_id in dirty:
            record = self.initiatives[initiative_id]
            membership = membership_of(record, self.actor) if record is not None else None
            scopes.append(membership)
            before = old.get(initiative_id, frozenset())
            now = membership.members if membership is not None else frozenset()
            for p in {pair(r, x) for r in before - now for x in before if x != r}:
                deltas[p] -= 1
            for p in {pair(a, x) for a in now - before for x in now if x != a}:
                deltas[p] += 1
            i = str(initiative_id)
            joined += [{"initiative_id": i, "actor": k} for k in sorted(now - before)]
            left += [{"i": i, "k": k} for k in sorted(before - now)]
        return dirty, scopes, joined, left, deltas

    def _write_network(
        self, dirty: list[UUID], scopes: list[Membership | None], joined: list[dict[str, str]], left: list[dict[str, str]],
        deltas: dict[tuple[str, str], int],
    ) -> None:
        m = schema.net_members.c
        if left:
            self.conn.execute(delete(schema.net_members).where(m.initiative_id == bindparam("i"), m.actor == bindparam("k")), left)
        if joined:
            insert_many(self.conn, schema.net_members, joined)
        self._write_scopes(dirty, scopes)
        self._write_edges(deltas)

    def _stored_members(self, ids: Sequence[UUID]) -> dict[UUID, frozenset[str]]:
        found: defaultdict[UUID, set[str]] = defaultdict(set)
        m = schema.net_members.c
        for chunk in chunks([str(i) for i in ids]):
            for initiative_id, actor in self.conn.execute(select(m.initiative_id, m.actor).where(m.initiative_id.in_(chunk))):
                found[UUID(initiative_id)].add(actor)
        return {i: frozenset(members) for i, members in found.items()}

    def _write_scopes(self, ids: Sequence[UUID], scopes: Sequence[Membership | None]) -> None:
        keys = [str(i) for i in ids]
        for chunk in chunks(keys):
            self.conn.execute(delete(schema.net_regions).where(schema.net_regions.c.initiative_id.in_(chunk)))
            self.conn.execute(delete(schema.net_areas).where(schema.net_areas.c.initiative_id.in_(chunk)))
        regions = [{"initiative_id": i, "region": r} for i, s in zip(keys, scopes, strict=True) if s for r in sorted(s.regions)]
        areas = [{"initiative_id": i, "area": a} for i, s in zip(keys, scopes, strict=True) if s for a in sorted(s.areas)]
        insert_many(self.conn, schema.net_regions, regions)
        insert_many(self.conn, schema.net_areas, areas)

    def _write_edges(self, deltas: dict[tuple[str, str], int]) -> None:
        add_counts(self.conn, schema.net_edges, ("a", "b"), "weight", dict(sorted(deltas.items())))
