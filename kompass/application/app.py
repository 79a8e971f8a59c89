"""The event-sourced application: where aggregates are stored and loaded (eventsourcing)."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Transcoding

from kompass.domain.initiative import FundingLine, Indicator, Initiative, Result


class DateAsISO(Transcoding):
    """Effective dates are stored as YYYY-MM-DD (the library ships datetimes only)."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class FundingLineAsDict(Transcoding):
    type = FundingLine
    name = "funding_line"

    def encode(self, obj: FundingLine) -> dict[str, Any]:
        return {"source": obj.source, "amount_sek": obj.amount_sek, "year": obj.year}

    def decode(self, data: dict[str, Any]) -> FundingLine:
        return FundingLine(**data)


class ResultAsDict(Transcoding):
    type = Result
    name = "result"

    def encode(self, obj: Result) -> dict[str, Any]:
        return {"type": obj.type, "text": obj.text}

    def decode(self, data: dict[str, Any]) -> Result:
        return Result(**data)


class IndicatorAsDict(Transcoding):
    type = Indicator
    name = "indicator"

    def encode(self, obj: Indicator) -> dict[str, Any]:
        return {"name": obj.name, "target": obj.target, "unit": obj.unit, "measurements": [list(m) for m in obj.measurements]}

    def decode(self, data: dict[str, Any]) -> Indicator:
        return Indicator(data["name"], data["target"], data["unit"], [(d, v) for d, v in data["measurements"]])


SNAPSHOT_INTERVAL = 100
"""An initiative is loaded from its latest snapshot plus at most this many events."""


class PortfolioApplication(Application[UUID]):
    """One store for every region's initiatives, actors and portfolios.

    Persistence is chosen by environment (PERSISTENCE_MODULE, SQLITE_DBNAME, POSTGRES_*),
    as the eventsourcing library intends; see infrastructure.settings.
    """

    name = "kompass"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Initiative: SNAPSHOT_INTERVAL}

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        for transcoding in (DateAsISO(), FundingLineAsDict(), ResultAsDict(), IndicatorAsDict()):
            transcoder.register(transcoding)
