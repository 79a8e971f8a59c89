"""The portfolio projection's batch writer: initiatives, actors, assessments and coverage, materialised.

Each batch of facts is applied in one transaction together with the projection's new
position, so a worker killed half-way leaves the tables exactly as they were before the
batch. Coverage is kept by contributions (`cells.CellChanges`): before a batch changes an
initiative its contribution to the cells is subtracted, afterwards the new one is added.

This module is the projection the projector keeps: `NAME`, `TABLES`, `reset` and `batch`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, bindparam, delete, insert, select

from kompass.application.catalogue import COVERAGE, RECORDS, concerning
from kompass.application.catalogue.actor import apply_to_actor
from kompass.application.catalogue.initiative import apply_to_initiative
from kompass.application.catalogue.portfolio import apply_to_portfolio
from kompass.application.facts import Fact
from kompass.application.records import ActorRecord, AssessmentRecord, InitiativeRecord, initiative_facts, region_actors
from kompass.domain.coverage import InitiativeFacts
from kompass.domain.recording import portfolio_id
from kompass.domain.vocabulary import REGIONS
from kompass.infrastructure.database import insert_many, upsert_many
from kompass.infrastructure.projections import layout
from kompass.infrastructure.projections.batch import Batch, chunks, empty_tables
from kompass.infrastructure.projections.portfolio import schema
from kompass.infrastructure.projections.portfolio.cells import CellChanges
from kompass.infrastructure.projections.portfolio.schema import TABLES

__all__ = ["KEPT", "NAME", "RECOUNTED", "TABLES", "PortfolioBatch", "batch", "reset"]

NAME = layout.PORTFOLIO
"""Tracking name of this projection."""

PORTFOLIO_REGIONS = {portfolio_id(code): code for code in REGIONS}
KEPT = concerning(RECORDS)
"""The events whose records this projection keeps."""
RECOUNTED = concerning(COVERAGE)
"""The events after which an initiative's contribution to coverage is taken again."""


def batch(conn: Connection, areas: Iterable[str]) -> PortfolioBatch:
    return PortfolioBatch(conn, areas)


def reset(conn: Connection, areas: Iterable[str]) -> None:
    """Empty the projection's tables and set every cell and national area back to zero."""
    empty_tables(conn, TABLES)
    areas = tuple(areas)
    conn.execute(
        insert(schema.coverage),
        [
            {"region": r, "area": a, "initiatives": 0, "weighted60": 0, "pipeline": 0, "budget60": 0, "actors": 0}
            for r in REGIONS
            for a in areas
        ],
    )
    conn.execute(insert(schema.national), [{"area": a, "initiatives": 0, "weighted60": 0} for a in areas])


def _actor_record(row: Any) -> ActorRecord:
    return ActorRecord(
        key=row["key"], name=row["name"], kind=row["kind"], region=row["region"],
        merged_into=row["merged_into"], former_names=list(row["former_names"]),
    )


class PortfolioBatch(Batch):
    """The working set of one batch: records read once, changes written once at the end.

    Coverage moves by contributions, but once per initiative and batch rather than once per
    event: what an initiative contributed before the batch (its stored record, judged with the
    actors as stored) is taken away at the end, and what it contributes then is added. Only a
    merge changes how stored actors are judged, so a merge first takes the contributions of
    every initiative it reaches, while the actors are still as they were.
    """

    def __init__(self, conn: Connection, areas: Iterable[str]) -> None:
        super().__init__(conn, areas)
        self.initiatives: dict[UUID, InitiativeRecord | None] = {}
        self.before: dict[UUID, InitiativeFacts | None] = {}
        """What each initiative in the working set contributed when the batch began."""
        self.stored_participants: dict[UUID, frozenset[str]] = {}
        self.changed: set[UUID] = set()
        """Initiatives whose record must be written."""
        self.recount: set[UUID] = set()
        """Initiatives whose contribution may have changed."""
        self.actors: dict[str, ActorRecord | None] = {}
        self.actor_ids: dict[UUID, str] = {}
        self.dirty_actors: set[str] = set()
        self.coverage = CellChanges(self.areas)
        self.assessments: dict[tuple[str, int], AssessmentRecord] = {}
        self.coordinators: dict[str, str] = {}
        """Not kept: no present-time query asks for a region's coordinator."""

    # --- reading ---------------------------------------------------------------

    def prepare(self, facts: list[Fact]) -> None:
        """Read the records a batch will touch with a few IN (…) queries instead of one per fact."""
        self._load_initiatives({f.originator_id for f in facts if f.aggregate == "initiative"})

    def _load_initiatives(self, ids: Iterable[UUID]) -> None:
        """Bring initiatives into the working set with what they contributed so far."""
        wanted = sorted(str(i) for i in ids if i not in self.initiatives)
        loaded: list[tuple[UUID, InitiativeRecord | None]] = []
        for chunk in chunks(wanted):
            query = select(schema.initiatives.c.id, schema.initiatives.c.state).where(schema.initiatives.c.id.in_(chunk))
            found: dict[str, Any] = {row.id: row.state for row in self.conn.execute(query)}
            loaded += [(UUID(i), InitiativeRecord.from_json(found[i]) if i in found else None) for i in chunk]
        self._load_actors({key for _, record in loaded if record is not None for key in record.participants})
        for initiative_id, record in loaded:
            self.initiatives[initiative_id] = record
            self.before[initiative_id] = self.facts_of(record)
            self.stored_participants[initiative_id] = frozenset(record.participants) if record is not None else frozenset()

    def _load_actors(self, keys: Iterable[str]) -> None:
        wanted = sorted(set(keys) - set(self.actors))
        for chunk in chunks(wanted):
            rows = {r["key"]: r for r in self.conn.execute(select(schema.actors).where(schema.actors.c.key.in_(chunk))).mappings()}
            for key in chunk:
                self.actors[key] = _actor_record(rows[key]) if key in rows else region_actors().get(key)

    def actor(self, key: str) -> ActorRecord | None:
        if key not in self.actors:
            self._load_actors([key])
        return self.actors[key]

    def actor_key(self, actor_id: UUID) -> str | None:
        if actor_id not in self.actor_ids:
            row = self.conn.execute(select(schema.actors.c.key).where(schema.actors.c.id == str(actor_id))).first()
            if row is None:
                return None
            self.actor_ids[actor_id] = row[0]
        return self.actor_ids[actor_id]

    def facts_of(self, record: InitiativeRecord | None) -> InitiativeFacts | None:
        return None if record is None else initiative_facts(record, self.actor)

    # --- applying ----------------------------------------------------------------

    def apply(self, fact: Fact) -> None:
        if fact.type not in KEPT:
            return
        if fact.aggregate == "initiative":
            self._apply_initiative(fact)
        elif fact.aggregate == "actor":
            self._apply_actor(fact)
        elif fact.aggregate == "portfolio":
            apply_to_portfolio(self, PORTFOLIO_REGIONS[fact.originator_id], fact)

    def _apply_initiative(self, fact: Fact) -> None:
        if fact.originator_id not in self.initiatives:
            self._load_initiatives([fact.originator_id])
        record = apply_to_initiative(self.initiatives[fact.originator_id], fact)
        if record is None:
            return
        self.initiatives[fact.originator_id] = record
        self.changed.add(fact.originator_id)
        if fact.type in RECOUNTED:
            self.recount.add(fact.originator_id)

    def _apply_actor(self, fact: Fact) -> None:
        if fact.type == "ActorRegistered":
            key = fact.data["key"]
            self.actor_ids[fact.originator_id] = key
            self.actors[key] = apply_to_actor(None, fact)
            self.dirty_actors.add(key)
            return
        key = self.actor_key(fact.originator_id)
        if key is None:
            return
        if fact.type == "ActorMerged":
            reached = self._initiatives_reaching(key)
            self._load_initiatives(reached)  # their contributions, judged before the merge
            self.recount.update(reached)
        self.actors[key] = apply_to_actor(self.actor(key), fact)
        self.dirty_actors.add(key)

    def _initiatives_reaching(self, key: str) -> list[UUID]:
        """Initiatives whose stored participants include `key` or an actor merged into it (those
        changed in this batch are recounted anyway)."""
        keys, frontier = {key}, [key]
        while frontier:
            merged = list(self.conn.execute(select(schema.actors.c.key).where(schema.actors.c.merged_into.in_(frontier))).scalars())
            merged += [k for k, a in self.actors.items() if a is not None and a.merged_into in frontier]
            frontier = [k for k in merged if k not in keys]
            keys.update(frontier)
        rows = self.conn.execute(select(schema.participants.c.initiative_id).where(schema.participants.c.actor.in_(keys))).scalars()
        return sorted({UUID(r) for r in rows})

    # --- writing -------------------------------------------------------------------

    def flush(self) -> None:
        self._load_actors({key for i in self.recount if (r := self.initiatives[i]) is not None for key in r.participants})
        for initiative_id in self.recount:
            self.coverage.contribute(self.before[initiative_id], -1)
            self.coverage.contribute(self.facts_of(self.initiatives[initiative_id]), +1)
        self._flush_records()
        self._flush_participants()
        self.coverage.write(self.conn)

    def _flush_records(self) -> None:
        rows = []
        for initiative_id in self.changed:
            record = self.initiatives[initiative_id]
            assert record is not None
            rows.append(
                {
                    "id": str(initiative_id),
                    "ref": record.ref,
                    "region": record.region,
                    "status": record.status,
                    "type": record.type,
                    "state": record.to_json(),
                }
            )
        if rows:
            upsert_many(self.conn, schema.initiatives, ["id"], rows)
        actor_rows = []
        ids = {key: actor_id for actor_id, key in self.actor_ids.items()}
        for key in self.dirty_actors:
            actor = self.actors[key]
            if actor is None or key not in ids:
                continue
            actor_rows.append(
                {
                    "key": key,
                    "id": str(ids[key]),
                    "name": actor.name,
                    "kind": actor.kind,
                    "region": actor.region,
                    "merged_into": actor.merged_into,
                    "former_names": list(actor.former_names),
                }
            )
        if actor_rows:
            upsert_many(self.conn, schema.actors, ["key"], actor_rows)
        if self.assessments:
            upsert_many(self.conn, schema.assessments, ["region", "year"], [vars(a) for a in self.assessments.values()])

    def _flush_participants(self) -> None:
        """rm_participants follows each changed record's participants: rows for who joined, none for who left."""
        joined, left = [], []
        for initiative_id in self.changed:
            record = self.initiatives[initiative_id]
            assert record is not None
            stored, now = self.stored_participants[initiative_id], record.participants.keys()
            i = str(initiative_id)
            joined += [{"initiative_id": i, "actor": key} for key in now - stored]
            left += [{"i": i, "k": key} for key in stored - now]
        p = schema.participants.c
        if left:
            self.conn.execute(delete(schema.participants).where(p.initiative_id == bindparam("i"), p.actor == bindparam("k")), left)
        insert_many(self.conn, schema.participants, joined)
