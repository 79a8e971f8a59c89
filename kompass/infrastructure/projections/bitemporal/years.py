"""Reads of the bitemporal rows that a report of any year needs besides two past states: every
self-assessment as recorded by a time, and only the facts effective during the year (`rm_bt_facts`
keeps each fact once, as the bitemporal projection stored it). With these a past year's report
reads what that year holds instead of folding the log from its start (`reports.year.indexed_year`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, select

from kompass.application.bitemporal import state_from, time_key
from kompass.application.coverage import CoverageReport
from kompass.application.facts import Fact
from kompass.application.history import identity
from kompass.application.ports import PastYears
from kompass.application.records import AssessmentRecord
from kompass.application.state import PortfolioState
from kompass.domain.framework import Framework
from kompass.domain.recording import portfolio_id
from kompass.domain.vocabulary import REGIONS
from kompass.infrastructure.projections import layout
from kompass.infrastructure.projections.batch import chunks
from kompass.infrastructure.projections.bitemporal.schema import bt_facts, bt_versions
from kompass.infrastructure.projections.layout import within
from kompass.infrastructure.projections.read_model import ReadModel
from kompass.infrastructure.projections.tracking import tracking

__all__ = ["PastYearRows"]

REPORTED = ("initiative", "portfolio")
"""The aggregates whose facts a report lists (an actor's are folded into the states only)."""


def _fact(row: Any) -> Fact:
    """A stored fact row as the fact the log holds (recording times are kept as UTC text, `bitemporal.TIME_FORMAT`,
    which is ISO 8601: fromisoformat reads it several times faster than strptime)."""
    return Fact(
        position=int(row.position), recorded_at=datetime.fromisoformat(row.recorded_at).replace(tzinfo=UTC),
        effective=date.fromisoformat(row.effective), by=row.by, aggregate=row.aggregate,
        originator_id=UUID(row.aggregate_id), version=int(row.version), type=row.type, data=dict(row.data),
    )


class PastYearRows(PastYears):
    """The past-year reads over one store's bitemporal rows; past states and coverage are the read model's."""

    def __init__(self, engine: Engine, read_model: ReadModel) -> None:
        self.engine = engine
        self.read_model = read_model

    def past_state(self, as_of: date | None, known_at: datetime | None) -> PortfolioState:
        return self.read_model.past_state(as_of, known_at)

    def past_coverage(self, framework: Framework, today: date, as_of: date | None, known_at: datetime | None) -> CoverageReport | None:
        return self.read_model.past_coverage(framework, today, as_of, known_at)

    def position(self) -> int:
        c = tracking.c
        with self.engine.connect() as conn:
            found = conn.execute(select(c.position).where(c.projection == layout.BITEMPORAL)).scalar()
        return int(found or 0)

    def past_assessments(self, known_at: datetime | None) -> dict[tuple[str, int], AssessmentRecord]:
        """The 21 portfolios' rows open on the effective axis (every effective date folded), at `known_at`:
        a few rows each, read by key and picked here."""
        v = bt_versions.c
        moment = None if known_at is None else time_key(known_at)
        query = select(v.aggregate_id, v.payload, v.rec_from, v.rec_to).where(
            v.aggregate_id.in_([str(portfolio_id(code)) for code in REGIONS]), v.eff_to.is_(None)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return state_from((str(r.aggregate_id), r.payload) for r in rows if within(r.rec_from, r.rec_to, moment)).assessments

    def facts_effective(self, first: date, last: date, known_at: datetime | None) -> list[tuple[Fact, str]]:
        f = bt_facts.c
        query = select(bt_facts).where(f.effective >= first.isoformat(), f.effective <= last.isoformat(), f.aggregate.in_(REPORTED))
        if known_at is not None:
            query = query.where(f.recorded_at <= time_key(known_at))
        return self._keyed(query)

    def _keyed(self, query: Any) -> list[tuple[Fact, str]]:
        """The facts the query selects, in log order, each with its aggregate's key."""
        with self.engine.connect() as conn:
            facts = sorted((_fact(row) for row in conn.execute(query)), key=lambda fact: fact.position)
            keys = self._keys(conn, sorted({str(fact.originator_id) for fact in facts}))
        return [(fact, keys.get(str(fact.originator_id), str(fact.originator_id))) for fact in facts]

    def facts_recorded_after(self, moment: datetime) -> list[tuple[Fact, str]]:
        f = bt_facts.c
        return self._keyed(select(bt_facts).where(f.recorded_at > time_key(moment), f.aggregate.in_(REPORTED)))

    def first_year(self) -> int | None:
        f = bt_facts.c
        with self.engine.connect() as conn:
            proposed = conn.execute(select(f.effective).where(f.type == "InitiativeProposed").order_by(f.effective).limit(1)).scalar()
            assessed = [int(data["year"]) for data in conn.execute(select(f.data).where(f.type == "SelfAssessed")).scalars()]
        years = assessed + ([int(proposed[:4])] if proposed is not None else [])
        return min(years, default=None)

    @staticmethod
    def _keys(conn: Any, aggregate_ids: list[str]) -> dict[str, str]:
        """Each aggregate's key (ref or region), from its first fact (`history.identity`)."""
        f = bt_facts.c
        keys = {}
        for chunk in chunks(aggregate_ids):
            for row in conn.execute(select(bt_facts).where(f.aggregate_id.in_(chunk), f.version == 1)):
                keys[row.aggregate_id] = identity(_fact(row))[0]
        return keys
