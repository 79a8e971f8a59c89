"""Reads of the materialised tables, returned as application records and numbers."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import Connection, Engine, func, or_, select

from kompass.application.bitemporal import state_from, time_key
from kompass.application.coverage import CellNumbers, CoverageReport, NationalNumbers, build_report
from kompass.application.coverage_series import EFFECTIVE, NATIONAL, RECORDED
from kompass.application.network import ActorInfo, Membership, NetworkData, actors_from_records, pair
from kompass.application.ports import ReadModelPort
from kompass.application.records import ActorRecord, AssessmentRecord, InitiativeRecord
from kompass.application.state import PortfolioState
from kompass.domain.framework import Framework
from kompass.domain.recording import portfolio_id
from kompass.domain.vocabulary import REGIONS, region_actor_key
from kompass.infrastructure import tables as t
from kompass.infrastructure.coverage_series_rows import cells_at
from kompass.infrastructure.portfolio_projection import SCALE


def _holds(row: Any, day: str | None, moment: str | None) -> bool:
    """Whether a version row holds effective day `day` and recording time `moment` (None: the open end)."""
    return _within(row.eff_from, row.eff_to, day) and _within(row.rec_from, row.rec_to, moment)


def _within(start: str, end: str | None, at: str | None) -> bool:
    """[start, end) holds `at`; `at` None stands past every end, so only an open interval holds it."""
    return end is None if at is None else start <= at and (end is None or end > at)


class ReadModel(ReadModelPort):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def coverage_cells(self) -> tuple[dict[tuple[str, str], CellNumbers], dict[str, NationalNumbers]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.coverage)).mappings().all()
            national_rows = conn.execute(select(t.national)).mappings().all()
        cells = {
            (r["region"], r["area"]): CellNumbers(
                r["initiatives"], Fraction(r["weighted60"], SCALE), r["pipeline"], Fraction(r["budget60"], SCALE), r["actors"]
            )
            for r in rows
        }
        national = {r["area"]: NationalNumbers(r["initiatives"], Fraction(r["weighted60"], SCALE)) for r in national_rows}
        return cells, national

    def assessments(self) -> list[AssessmentRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.assessments)).mappings().all()
        return [AssessmentRecord(r["region"], r["year"], r["score"], r["light"], dict(r["focus"]), r["effective"]) for r in rows]

    def initiatives(
        self, region: str | None = None, status: str | None = None, type: str | None = None, ref: str | None = None
    ) -> list[InitiativeRecord]:
        query = select(t.initiatives.c.state).order_by(t.initiatives.c.ref)
        if ref is not None:
            query = query.where(t.initiatives.c.ref == ref)
        if status:
            query = query.where(t.initiatives.c.status == status)
        if type:
            query = query.where(t.initiatives.c.type == type)
        if region:
            taking_part = select(t.participants.c.initiative_id).where(t.participants.c.actor == region_actor_key(region))
            query = query.where((t.initiatives.c.region == region) | t.initiatives.c.id.in_(taking_part))
        with self.engine.connect() as conn:
            return [InitiativeRecord.from_json(row[0]) for row in conn.execute(query)]

    def actors(self) -> dict[str, ActorRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.actors).order_by(t.actors.c.key)).mappings().all()
        return {
            r["key"]: ActorRecord(r["key"], r["name"], r["kind"], r["region"], r["merged_into"], list(r["former_names"]))
            for r in rows
        }

    def past_state(self, as_of: date | None, known_at: datetime | None) -> PortfolioState:
        """The portfolio as of `as_of`, known at `known_at`, from the bitemporal rows: one per aggregate."""
        v = t.bt_versions.c
        query = select(v.aggregate_id, v.payload)
        if as_of is None:
            query = query.where(v.eff_to.is_(None))
        else:
            day = as_of.isoformat()
            query = query.where(v.eff_from <= day, or_(v.eff_to.is_(None), v.eff_to > day))
        if known_at is None:
            query = query.where(v.rec_to.is_(None))
        else:
            moment = time_key(known_at)
            query = query.where(v.rec_from <= moment, or_(v.rec_to.is_(None), v.rec_to > moment))
        with self.engine.connect() as conn:
            return state_from((str(a), p) for a, p in conn.execute(query))

    def past_coverage(self, framework: Framework, today: date, as_of: date | None, known_at: datetime | None) -> CoverageReport | None:
        """Coverage as of `as_of` with everything recorded, or known at `known_at` on every effective date,
        from the coverage series: one row per cell. None for what the series do not hold (both times
        given, or a framework viewed through a crosswalk): the caller takes the whole past state."""
        if (as_of is None) == (known_at is None) or framework.crosswalk is not None:
            return None
        axis, point = (EFFECTIVE, as_of.isoformat()) if as_of is not None else (RECORDED, time_key(known_at))  # type: ignore[arg-type]
        areas = framework.area_keys
        wanted = [(r, a) for r in (*REGIONS, NATIONAL) for a in areas]
        with self.engine.connect() as conn:
            found = cells_at(conn, axis, point, wanted)
        cells = {
            (r, a): CellNumbers(n[0], Fraction(n[1], SCALE), n[2], Fraction(n[3], SCALE), n[4])
            for (r, a), n in found.items()
            if r != NATIONAL
        }
        national = {a: NationalNumbers(n[0], Fraction(n[1], SCALE)) for (r, a), n in found.items() if r == NATIONAL}
        regions = self._past_regions(as_of, known_at)
        return build_report(framework, as_of or today, cells, national, regions.assessments.values())

    def _past_regions(self, as_of: date | None, known_at: datetime | None) -> PortfolioState:
        """The regions' assessments and coordinators then: every row of the 21 portfolio aggregates (a few
        each), read by their key and the one holding the date and time picked here (with the range
        conditions in SQL, SQLite chose an index over the whole table)."""
        v = t.bt_versions.c
        day = None if as_of is None else as_of.isoformat()
        moment = None if known_at is None else time_key(known_at)
        query = select(v.aggregate_id, v.payload, v.eff_from, v.eff_to, v.rec_from, v.rec_to).where(
            v.aggregate_id.in_([str(portfolio_id(code)) for code in REGIONS])
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return state_from((str(r.aggregate_id), r.payload) for r in rows if _holds(r, day, moment))

    # --- the actor network (kompass.infrastructure.network_projection) -------------------------

    def network_actors(self) -> dict[str, ActorInfo]:
        """Every actor the network projection knows (merged ones too, with `merged_into`)."""
        a = t.net_actors.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(a.key, a.name, a.kind, a.region, a.merged_into)).all()
        return actors_from_records({r.key: r for r in rows})

    def network_data(self, region: str | None = None, area: str | None = None, memberships: bool = False) -> NetworkData:
        """Nodes and weighted ties from the stored rows: the country's edge table, or for one
        region or area one self-join of the matching initiatives' membership rows."""
        m = t.net_members.c
        scope = self._network_scope(region, area)
        if scope is None:
            nodes_query = select(m.actor).distinct()
            edges_query = select(t.net_edges.c.a, t.net_edges.c.b, t.net_edges.c.weight)
        else:
            nodes_query = select(m.actor).where(m.initiative_id.in_(scope)).distinct()
            m1, m2 = t.net_members.alias("m1"), t.net_members.alias("m2")
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
            found = self._network_memberships(conn, scope) if memberships else None
        return NetworkData(self.network_actors(), nodes, edges, found)

    @staticmethod
    def _network_scope(region: str | None, area: str | None) -> Any:
        """A subquery of the initiative ids in scope, or None for the whole network."""
        if region is None and area is None:
            return None
        i = t.net_initiatives.c
        query = select(i.id)
        if region is not None:
            query = query.where(i.id.in_(select(t.net_regions.c.initiative_id).where(t.net_regions.c.region == region)))
        if area is not None:
            query = query.where(i.id.in_(select(t.net_areas.c.initiative_id).where(t.net_areas.c.area == area)))
        return query

    @staticmethod
    def _network_memberships(conn: Connection, scope: Any) -> list[Membership]:
        m, i = t.net_members.c, t.net_initiatives.c
        query = select(i.ref, m.actor).select_from(t.net_members.join(t.net_initiatives, i.id == m.initiative_id))
        if scope is not None:
            query = query.where(m.initiative_id.in_(scope))
        members: dict[str, set[str]] = {}
        for ref, actor in conn.execute(query):
            members.setdefault(ref, set()).add(actor)
        return [Membership(ref, frozenset(keys)) for ref, keys in sorted(members.items())]
