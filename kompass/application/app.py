"""The event-sourced application: where aggregates are stored and loaded (eventsourcing)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Transcoding


class DateAsISO(Transcoding):
    """Effective dates are stored as YYYY-MM-DD (the library ships datetimes only)."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class PortfolioApplication(Application[UUID]):
    """One store for every region's initiatives, actors and portfolios.

    Persistence is chosen by environment (PERSISTENCE_MODULE, SQLITE_DBNAME, POSTGRES_*),
    as the eventsourcing library intends; see infrastructure.settings.
    """

    name = "kompass"

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
