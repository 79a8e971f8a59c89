"""Present-time reads of the portfolio projection's tables, as application records and numbers."""

from __future__ import annotations

from fractions import Fraction

from sqlalchemy import Engine, select

from kompass.application.coverage import CellNumbers, NationalNumbers
from kompass.application.records import ActorRecord, AssessmentRecord, InitiativeRecord
from kompass.domain.vocabulary import region_actor_key
from kompass.infrastructure.projections.layout import SCALE
from kompass.infrastructure.projections.portfolio import schema


class PortfolioReader:
    """The `ReadModelPort` reads answered by the portfolio projection (`ReadModel` mixes it in)."""

    engine: Engine

    def coverage_cells(self) -> tuple[dict[tuple[str, str], CellNumbers], dict[str, NationalNumbers]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(schema.coverage)).mappings().all()
            national_rows = conn.execute(select(schema.national)).mappings().all()
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
            rows = conn.execute(select(schema.assessments)).mappings().all()
        return [AssessmentRecord(r["region"], r["year"], r["score"], r["light"], dict(r["focus"]), r["effective"]) for r in rows]

    def initiatives(
        self, region: str | None = None, status: str | None = None, type: str | None = None, ref: str | None = None
    ) -> list[InitiativeRecord]:
        i = schema.initiatives.c
        query = select(i.state).order_by(i.ref)
        if ref is not None:
            query = query.where(i.ref == ref)
        if status:
            query = query.where(i.status == status)
        if type:
            query = query.where(i.type == type)
        if region:
            p = schema.participants.c
            taking_part = select(p.initiative_id).where(p.actor == region_actor_key(region))
            query = query.where((i.region == region) | i.id.in_(taking_part))
        with self.engine.connect() as conn:
            return [InitiativeRecord.from_json(row[0]) for row in conn.execute(query)]

    def actors(self) -> dict[str, ActorRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(schema.actors).order_by(schema.actors.c.key)).mappings().all()
        return {
            r["key"]: ActorRecord(r["key"], r["name"], r["kind"], r["region"], r["merged_into"], list(r["former_names"]))
            for r in rows
        }
