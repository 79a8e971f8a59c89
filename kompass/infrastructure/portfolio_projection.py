"""The portfolio projection: initiatives, actors, assessments and coverage, materialised.

Each batch of facts is applied in one transaction together with the projection's new
position, so a worker killed half-way leaves the tables exactly as they were before the
batch. Coverage is kept by contributions: before an event changes an initiative its
contribution to the cells is subtracted, afterwards the new one is added.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, bindparam, delete, func, insert, select, tuple_, update

from kompass.application.facts import Fact
from kompass.application.records import (
    COVERAGE_NEUTRAL,
    ActorRecord,
    InitiativeRecord,
    apply_to_actor,
    apply_to_initiative,
    assessment_from,
    initiative_facts,
    region_actors,
)
from kompass.domain.coverage import InitiativeFacts, counts, is_pipeline
from kompass.domain.recording import portfolio_id
from kompass.domain.vocabulary import REGIONS
from kompass.infrastructure import tables as t
from kompass.infrastructure.database import upsert

NAME = "portfolio"
"""Tracking name of this projection."""
CHUNK = 500
"""Rows per IN (…) lookup: well inside SQLite's and PostgreSQL's parameter limits."""
SCALE = 60
"""Weights and budgets are kept times 60: every share 1/n with n ≤ 5 areas is then whole."""

PORTFOLIO_REGIONS = {portfolio_id(code): code for code in REGIONS}


def batch(conn: Connection, areas: Iterable[str]) -> PortfolioBatch:
    return PortfolioBatch(conn, areas)


def reset(conn: Connection, areas: Iterable[str]) -> None:
    """Empty the projection's tables and set it back to the start of the log."""
    for table in (t.initiatives, t.participants, t.actors, t.assessments, t.coverage, t.coverage_actors, t.national):
        conn.execute(delete(table))
    areas = tuple(areas)
    conn.execute(
        insert(t.coverage),
        [
            {"region": r, "area": a, "initiatives": 0, "weighted60": 0, "pipeline": 0, "budget60": 0, "actors": 0}
            for r in REGIONS
            for a in areas
        ],
    )
    conn.execute(insert(t.national), [{"area": a, "initiatives": 0, "weighted60": 0} for a in areas])


def _actor_record(row: Any) -> ActorRecord:
    return ActorRecord(
        key=row["key"], name=row["name"], kind=row["kind"], region=row["region"],
        merged_into=row["merged_into"], former_names=list(row["former_names"]),
    )


class PortfolioBatch:
    """The working set of one batch: records read once, changes written once at the end."""

    def __init__(self, conn: Connection, areas: Iterable[str]) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name
        self.areas = frozenset(areas)
        self.initiatives: dict[UUID, InitiativeRecord | None] = {}
        self.dirty_initiatives: set[UUID] = set()
        self.actors: dict[str, ActorRecord | None] = {}
        self.actor_ids: dict[UUID, str] = {}
        self.dirty_actors: set[str] = set()
        self.cells: defaultdict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        self.cell_actors: defaultdict[tuple[str, str, str], int] = defaultdict(int)
        self.national: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.assessments: dict[tuple[str, int], dict[str, Any]] = {}

    # --- reading ---------------------------------------------------------------

    def prepare(self, facts: list[Fact]) -> None:
        """Read the records a batch will touch with a few IN (…) queries instead of one per fact."""
        ids = sorted({str(f.originator_id) for f in facts if f.aggregate == "initiative"} - {str(i) for i in self.initiatives})
        keys: set[str] = {f.data["actor"] for f in facts if f.type in ("ActorJoined", "ActorLeft")}
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            query = select(t.initiatives.c.id, t.initiatives.c.state).where(t.initiatives.c.id.in_(chunk))
            found: dict[str, Any] = {row.id: row.state for row in self.conn.execute(query)}
            for initiative_id in chunk:
                record = InitiativeRecord.from_json(found[initiative_id]) if initiative_id in found else None
                self.initiatives[UUID(initiative_id)] = record
                if record is not None:
                    keys.update(record.participants)
        wanted = sorted(keys - set(self.actors))
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            rows = {r["key"]: r for r in self.conn.execute(select(t.actors).where(t.actors.c.key.in_(chunk))).mappings()}
            for key in chunk:
                self.actors[key] = _actor_record(rows[key]) if key in rows else region_actors().get(key)

    def initiative(self, initiative_id: UUID) -> InitiativeRecord | None:
        if initiative_id not in self.initiatives:
            row = self.conn.execute(select(t.initiatives.c.state).where(t.initiatives.c.id == str(initiative_id))).first()
            self.initiatives[initiative_id] = InitiativeRecord.from_json(row[0]) if row else None
        return self.initiatives[initiative_id]

    def actor(self, key: str) -> ActorRecord | None:
        if key not in self.actors:
            row = self.conn.execute(select(t.actors).where(t.actors.c.key == key)).mappings().first()
            self.actors[key] = region_actors().get(key) if row is None else _actor_record(row)
        return self.actors[key]

    def actor_key(self, actor_id: UUID) -> str | None:
        if actor_id not in self.actor_ids:
            row = self.conn.execute(select(t.actors.c.key).where(t.actors.c.id == str(actor_id))).first()
            if row is None:
                return None
            self.actor_ids[actor_id] = row[0]
        return self.actor_ids[actor_id]

    def facts_of(self, record: InitiativeRecord | None) -> InitiativeFacts | None:
        return None if record is None else initiative_facts(record, self.actor)

    # --- applying ----------------------------------------------------------------

    def apply(self, fact: Fact) -> None:
        if fact.aggregate == "initiative":
            self._apply_initiative(fact)
        elif fact.aggregate == "actor":
            self._apply_actor(fact)
        elif fact.aggregate == "portfolio" and fact.type == "SelfAssessed":
            assessment = assessment_from(fact, PORTFOLIO_REGIONS[fact.originator_id])
            self.assessments[(assessment.region, assessment.year)] = vars(assessment)

    def _apply_initiative(self, fact: Fact) -> None:
        record = self.initiative(fact.originator_id)
        counted = fact.type not in COVERAGE_NEUTRAL
        before = self.facts_of(record) if counted else None
        after_record = apply_to_initiative(record, fact)
        if after_record is None:
            return
        self.initiatives[fact.originator_id] = after_record
        self.dirty_initiatives.add(fact.originator_id)
        if counted:
            self._contribute(before, -1)
            self._contribute(self.facts_of(after_record), +1)
        if fact.type == "ActorJoined":
            self.conn.execute(insert(t.participants).values(initiative_id=str(fact.originator_id), actor=fact.data["actor"]))
        elif fact.type == "ActorLeft":
            self.conn.execute(
                delete(t.participants).where(
                    t.participants.c.initiative_id == str(fact.originator_id), t.participants.c.actor == fact.data["actor"]
                )
            )

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
        affected = self._initiatives_reaching(key) if fact.type == "ActorMerged" else []
        before = [self.facts_of(self.initiative(i)) for i in affected]
        self.actors[key] = apply_to_actor(self.actor(key), fact)
        self.dirty_actors.add(key)
        for facts in before:
            self._contribute(facts, -1)
        for initiative_id in affected:
            self._contribute(self.facts_of(self.initiative(initiative_id)), +1)

    def _initiatives_reaching(self, key: str) -> list[UUID]:
        """Initiatives in which `key`, or an actor merged into it, takes part."""
        keys, frontier = {key}, [key]
        while frontier:
            merged = list(self.conn.execute(select(t.actors.c.key).where(t.actors.c.merged_into.in_(frontier))).scalars())
            merged += [k for k, a in self.actors.items() if a is not None and a.merged_into in frontier]
            frontier = [k for k in merged if k not in keys]
            keys.update(frontier)
        rows = self.conn.execute(select(t.participants.c.initiative_id).where(t.participants.c.actor.in_(keys))).scalars()
        return sorted({UUID(r) for r in rows})

    def _contribute(self, facts: InitiativeFacts | None, sign: int) -> None:
        if facts is None:
            return
        counting, pipeline = counts(facts), is_pipeline(facts)
        if not (counting or pipeline):
            return
        n = len(facts.areas)
        for area in facts.areas:
            if area not in self.areas:
                continue
            if counting:
                national = self.national[area]
                national[0] += sign
                national[1] += sign * SCALE // n
            for region in facts.regions:
                cell = self.cells[(region, area)]
                if counting:
                    cell[0] += sign
                    cell[1] += sign * SCALE // n
                    cell[3] += sign * facts.budget_sek * SCALE // n
                    for actor in facts.actors:
                        self.cell_actors[(region, area, actor)] += sign
                else:
                    cell[2] += sign

    # --- writing -------------------------------------------------------------------

    def flush(self) -> None:
        self._flush_records()
        self._flush_coverage()

    def _flush_records(self) -> None:
        rows = []
        for initiative_id in self.dirty_initiatives:
            record = self.initiatives[initiative_id]
            assert record is not None
            rows.append(
                {
                    "id": str(initiative_id),
                    "ref": record.ref,
                    "region": record.region,
                    "status": record.status,
                    "type": record.type,
                    "state": copy.deepcopy(record.to_json()),
                }
            )
        if rows:
            self.conn.execute(upsert(self.dialect, t.initiatives, rows, ["id"]))
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
            self.conn.execute(upsert(self.dialect, t.actors, actor_rows, ["key"]))
        if self.assessments:
            self.conn.execute(upsert(self.dialect, t.assessments, list(self.assessments.values()), ["region", "year"]))

    def _flush_coverage(self) -> None:
        c = t.coverage.c
        for (region, area), (n, w, p, b) in self.cells.items():
            if n or w or p or b:
                self.conn.execute(
                    update(t.coverage)
                    .where(c.region == region, c.area == area)
                    .values(initiatives=c.initiatives + n, weighted60=c.weighted60 + w, pipeline=c.pipeline + p, budget60=c.budget60 + b)
                )
        n_ = t.national.c
        for area, (n, w) in self.national.items():
            if n or w:
                self.conn.execute(
                    update(t.national).where(n_.area == area).values(initiatives=n_.initiatives + n, weighted60=n_.weighted60 + w)
                )
        self._flush_cell_actors()

    def _flush_cell_actors(self) -> None:
        """Apply the batch's actor-count changes with a few set-wise statements, not one per row."""
        ca = t.coverage_actors.c
        deltas = {key: d for key, d in self.cell_actors.items() if d}
        if not deltas:
            return
        keys = list(deltas)
        current: dict[tuple[str, str, str], int] = {}
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            rows = self.conn.execute(select(ca.region, ca.area, ca.actor, ca.n).where(tuple_(ca.region, ca.area, ca.actor).in_(chunk)))
            current.update({(r, a, actor): n for r, a, actor, n in rows})
        inserts, updates, deletes = [], [], []
        for (region, area, actor), delta in deltas.items():
            row = {"r": region, "a": area, "k": actor}
            n = current.get((region, area, actor), 0) + delta
            if (region, area, actor) not in current:
                inserts.append({"region": region, "area": area, "actor": actor, "n": n})
            elif n == 0:
                deletes.append(row)
            else:
                updates.append({**row, "n": n})
        where = (ca.region == bindparam("r"), ca.area == bindparam("a"), ca.actor == bindparam("k"))
        if inserts:
            self.conn.execute(insert(t.coverage_actors), inserts)
        if updates:
            self.conn.execute(update(t.coverage_actors).where(*where).values(n=bindparam("n")), updates)
        if deletes:
            self.conn.execute(delete(t.coverage_actors).where(*where), deletes)
        touched = sorted({(region, area) for region, area, _ in deltas})
        counts = dict.fromkeys(touched, 0)
        grouped = select(ca.region, ca.area, func.count()).where(tuple_(ca.region, ca.area).in_(touched)).group_by(ca.region, ca.area)
        counts.update({(r, a): n for r, a, n in self.conn.execute(grouped)})
        cov = t.coverage.c
        self.conn.execute(
            update(t.coverage).where(cov.region == bindparam("r"), cov.area == bindparam("a")).values(actors=bindparam("n")),
            [{"r": r, "a": a, "n": n} for (r, a), n in counts.items()],
        )
