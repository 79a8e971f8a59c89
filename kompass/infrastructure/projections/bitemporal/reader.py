"""Reads of the bitemporal rows: the portfolio at any effective date and recording time, without a replay."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, or_, select

from kompass.application.bitemporal import state_from, time_key
from kompass.application.state import PortfolioState
from kompass.domain.recording import portfolio_id
from kompass.domain.vocabulary import REGIONS
from kompass.infrastructure.projections.bitemporal.schema import bt_versions
from kompass.infrastructure.projections.layout import within


def _holds(row: Any, day: str | None, moment: str | None) -> bool:
    """Whether a version row holds effective day `day` and recording time `moment` (None: the open end)."""
    return within(row.eff_from, row.eff_to, day) and within(row.rec_from, row.rec_to, moment)


class BitemporalReader:
    """The `PastStates` reads answered by the bitemporal projection (`ReadModel` mixes it in)."""

    engine: Engine

    def past_state(self, as_of: date | None, known_at: datetime | None) -> PortfolioState:
        """The portfolio as of `as_of`, known at `known_at`, from the bitemporal rows: one per aggregate."""
        v = bt_versions.c
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

    def past_regions(self, as_of: date | None, known_at: datetime | None) -> PortfolioState:
        """The regions' assessments and coordinators then: every row of the 21 portfolio aggregates (a few
        each), read by their key and the one holding the date and time picked here (with the range
        conditions in SQL, SQLite chose an index over the whole table)."""
        v = bt_versions.c
        day = None if as_of is None else as_of.isoformat()
        moment = None if known_at is None else time_key(known_at)
        query = select(v.aggregate_id, v.payload, v.eff_from, v.eff_to, v.rec_from, v.rec_to).where(
            v.aggregate_id.in_([str(portfolio_id(code)) for code in REGIONS])
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return state_from((str(r.aggregate_id), r.payload) for r in rows if _holds(r, day, moment))
