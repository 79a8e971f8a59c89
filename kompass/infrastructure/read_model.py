"""Reads of the materialised tables, returned as application records and numbers."""

from __future__ import annotations

from fractions import Fraction

from sqlalchemy import Engine, select

from kompass.application.coverage import CellNumbers, NationalNumbers
from kompass.application.records import ActorRecord, AssessmentRecord, InitiativeRecord
from kompass.infrastructure import tables as t
from kompass.infrastructure.portfolio_projection import SCALE


class ReadModel:
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

    def initiatives(self, region: str | None = None, status: str | None = None, type: str | None = None) -> list[InitiativeRecord]:
        query = select(t.initiatives.c.state).order_by(t.initiatives.c.ref)
        if status:
            query = query.where(t.initiatives.c.status == status)
        if type:
            query = query.where(t.initiatives.c.type == type)
        if region:
            taking_part = select(t.participants.c.initiative_id).where(t.participants.c.actor == f"region-{region}")
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
