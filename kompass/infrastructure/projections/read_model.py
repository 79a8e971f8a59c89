"""The read model the application asks (`ReadModelPort`, `PastStates`): the projections' readers in one object.

Each projection package reads its own tables (`portfolio.reader`, `network.reader`, `bitemporal.reader`,
`coverage_series.reader`); this class puts them behind one engine, and answers the one question that
needs two of them: coverage at a past point, from the coverage series and the regions' versions.
"""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction

from sqlalchemy import Engine

from kompass.application.bitemporal import time_key
from kompass.application.coverage import CellNumbers, CoverageReport, NationalNumbers, build_report
from kompass.application.coverage_series import EFFECTIVE, NATIONAL, RECORDED
from kompass.application.ports import ReadModelPort
from kompass.domain.framework import Framework
from kompass.domain.vocabulary import REGIONS
from kompass.infrastructure.projections.bitemporal.reader import BitemporalReader
from kompass.infrastructure.projections.coverage_series.reader import cells_at
from kompass.infrastructure.projections.layout import SCALE
from kompass.infrastructure.projections.network.reader import NetworkReader
from kompass.infrastructure.projections.portfolio.reader import PortfolioReader


class ReadModel(PortfolioReader, NetworkReader, BitemporalReader, ReadModelPort):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

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
        regions = self.past_regions(as_of, known_at)
        return build_report(framework, as_of or today, cells, national, regions.assessments.values())
