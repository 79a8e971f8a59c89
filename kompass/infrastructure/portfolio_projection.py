"""The portfolio projection: initiatives, actors, assessments and coverage, materialised.

Each batch of facts is applied in one transaction together with the projection's new
position, so a worker killed half-way leaves the tables exactly as they were before the
batch. Coverage is kept by contributions: before an event changes an initiative its
contribution to the cells is subtracted, afterwards the new one is added.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, bindparam, delete, func, insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kompass.application.catalogue import COVERAGE, RECORDS, concerning
from kompass.application.catalogue.actor import apply_to_actor
from kompass.application.catalogue.initiative import apply_to_initiative
from kompass.application.catalogue.portfolio import apply_to_portfolio
from kompass.application.facts import Fact
from kompass.application.ports import ProjectionBatch
from kompass.application.records import ActorRecord, AssessmentRecord, InitiativeRecord, initiative_facts, region_actors
from kompass.domain.coverage import InitiativeFacts, contribution
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
KEPT = concerning(RECORDS)
"""The events whose records this projection keeps."""
RECOUNTED = concerning(COVERAGE)
"""The events after which an initiative's contribution to coverage is taken again."""
TABLES = (t.initiatives, t.participants, t.actors, t.assessments, t.coverage, t.coverage_actors, t.national)
"""The tables this projection owns (a rebuild fills fresh copies of them and swaps them in)."""


def batch(conn: Connection, areas: Iterable[str]) -> PortfolioBatch:
    return PortfolioBatch(conn, areas)


def reset(conn: Connection, areas: Iterable[str]) -> None:
    """Empty the projection's tables and set it back to the start of the log."""
    for table in TABLES:
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


class PortfolioBatch(ProjectionBatch):
    """The working set of one batch: records read once, changes written once at the end.

    Coverage moves by contributions, but once per initiative and batch rather than once per
    event: what an initiative contributed before the batch (its stored record, judged with the
    actors as stored) is taken away at the end, and what it contributes then is added. Only a
    merge changes how stored actors are judged, so a merge first takes the contributions of
    every initiative it reaches, while the actors are still as they were.
    """

    def __init__(self, conn: Connection, areas: Iterable[str]) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name
        self.areas = frozenset(areas)
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
        self.cells: defaultdict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        self.cell_actors: defaultdict[tuple[str, str, str], int] = defaultdict(int)
        self.national: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
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
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            query = select(t.initiatives.c.id, t.initiatives.c.state).where(t.initiatives.c.id.in_(chunk))
            found: dict[str, Any] = {row.id: row.state for row in self.conn.execute(query)}
            loaded += [(UUID(i), InitiativeRecord.from_json(found[i]) if i in found else None) for i in chunk]
        self._load_actors({key for _, record in loaded if record is not None for key in record.participants})
        for initiative_id, record in loaded:
            self.initiatives[initiative_id] = record
            self.before[initiative_id] = self.facts_of(record)
            self.stored_participants[initiative_id] = frozenset(record.participants) if record is not None else frozenset()

    def _load_actors(self, keys: Iterable[str]) -> None:
        wanted = sorted(set(keys) - set(self.actors))
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            rows = {r["key"]: r for r in self.conn.execute(select(t.actors).where(t.actors.c.key.in_(chunk))).mappings()}
            for key in chunk:
                self.actors[key] = _actor_record(rows[key]) if key in rows else region_actors().get(key)

    def actor(self, key: str) -> ActorRecord | None:
        if key not in self.actors:
            self._load_actors([key])
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
            merged = list(self.conn.execute(select(t.actors.c.key).where(t.actors.c.merged_into.in_(frontier))).scalars())
            merged += [k for k, a in self.actors.items() if a is not None and a.merged_into in frontier]
            frontier = [k for k in merged if k not in keys]
            keys.update(frontier)
        rows = self.conn.execute(select(t.participants.c.initiative_id).where(t.participants.c.actor.in_(keys))).scalars()
        return sorted({UUID(r) for r in rows})

    def _contribute(self, facts: InitiativeFacts | None, sign: int) -> None:
        """Add (sign +1) or take away (-1) what an initiative contributes, in whole numbers times SCALE."""
        c = None if facts is None else contribution(facts, self.areas)
        if c is None:
            return
        initiatives, pipeline, (weighted, budget) = sign * c.initiatives, sign * c.pipeline, c.scaled(SCALE)
        weighted, budget = sign * weighted, sign * budget
        for area in c.areas:
            national = self.national[area]
            national[0] += initiatives
            national[1] += weighted
            for region in c.regions:
                cell = self.cells[(region, area)]
                cell[0] += initiatives
                cell[1] += weighted
                cell[2] += pipeline
                cell[3] += budget
                for actor in c.cell_actors:
                    self.cell_actors[(region, area, actor)] += sign

    # --- writing -------------------------------------------------------------------

    def flush(self) -> None:
        self._load_actors({key for i in self.recount if (r := self.initiatives[i]) is not None for key in r.participants})
        for initiative_id in self.recount:
            self._contribute(self.before[initiative_id], -1)
            self._contribute(self.facts_of(self.initiatives[initiative_id]), +1)
        self._flush_records()
        self._flush_participants()
        self._flush_coverage()

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
            self.conn.execute(upsert(self.dialect, t.initiatives, ["id"]), rows)
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
            self.conn.execute(upsert(self.dialect, t.actors, ["key"]), actor_rows)
        if self.assessments:
            self.conn.execute(upsert(self.dialect, t.assessments, ["region", "year"]), [vars(a) for a in self.assessments.values()])

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
        p = t.participants.c
        if left:
            self.conn.execute(delete(t.participants).where(p.initiative_id == bindparam("i"), p.actor == bindparam("k")), left)
        if joined:
            self.conn.execute(insert(t.participants), joined)

    def _flush_coverage(self) -> None:
        c = t.coverage.c
        cells = [
            {"r": region, "a": area, "n": n, "w": w, "p": p, "b": b}
            for (region, area), (n, w, p, b) in self.cells.items()
            if n or w or p or b
        ]
        if cells:
            self.conn.execute(
                update(t.coverage)
                .where(c.region == bindparam("r"), c.area == bindparam("a"))
                .values(
                    initiatives=c.initiatives + bindparam("n"),
                    weighted60=c.weighted60 + bindparam("w"),
                    pipeline=c.pipeline + bindparam("p"),
                    budget60=c.budget60 + bindparam("b"),
                ),
                cells,
            )
        n_ = t.national.c
        national = [{"a": area, "n": n, "w": w} for area, (n, w) in self.national.items() if n or w]
        if national:
            self.conn.execute(
                update(t.national)
                .where(n_.area == bindparam("a"))
                .values(initiatives=n_.initiatives + bindparam("n"), weighted60=n_.weighted60 + bindparam("w")),
                national,
            )
        self._flush_cell_actors()

    def _flush_cell_actors(self) -> None:
        """Apply the batch's actor-count changes with a few set-wise statements, not one per row:
        add every delta where it lands (a new row or a sum), then drop the rows that reached 0."""
        ca = t.coverage_actors.c
        deltas = {key: d for key, d in self.cell_actors.items() if d}
        if not deltas:
            return
        dialect_insert: Any = sqlite_insert if self.dialect == "sqlite" else postgresql_insert
        statement = dialect_insert(t.coverage_actors)
        statement = statement.on_conflict_do_update(index_elements=["region", "area", "actor"], set_={"n": ca.n + statement.excluded.n})
        self.conn.execute(statement, [{"region": r, "area": a, "actor": k, "n": d} for (r, a, k), d in deltas.items()])
        emptied = [{"r": r, "a": a, "k": k} for (r, a, k), d in deltas.items() if d < 0]
        if emptied:
            where = (ca.region == bindparam("r"), ca.area == bindparam("a"), ca.actor == bindparam("k"), ca.n <= 0)
            self.conn.execute(delete(t.coverage_actors).where(*where), emptied)
        touched = sorted({(region, area) for region, area, _ in deltas})
        counts = dict.fromkeys(touched, 0)
        grouped = select(ca.region, ca.area, func.count()).where(tuple_(ca.region, ca.area).in_(touched)).group_by(ca.region, ca.area)
        counts.update({(r, a): n for r, a, n in self.conn.execute(grouped)})
        cov = t.coverage.c
        self.conn.execute(
            update(t.coverage).where(cov.region == bindparam("r"), cov.area == bindparam("a")).values(actors=bindparam("n")),
            [{"r": r, "a": a, "n": n} for (r, a), n in counts.items()],
        )
