"""Wires a store together: the application's services over an opened store's adapters (`open_store.py`).

The one place that knows which adapters serve the application (cosmicpython's bootstrap).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kompass.application.audit_service import AuditService
from kompass.application.import_service import ImportService
from kompass.application.network_service import NetworkService
from kompass.application.people import People
from kompass.application.portfolio_queries import PortfolioQueries
from kompass.application.ports import PastYears
from kompass.application.projection_service import ProjectionService
from kompass.application.reports.service import ReportService
from kompass.application.user_service import UserService
from kompass.infrastructure.frameworks import load_framework
from kompass.infrastructure.open_store import OpenStore

if TYPE_CHECKING:
    from kompass.application.commands import Command
    from kompass.application.demo_service import DemoService


def _network_picture(*args: Any, **kwargs: Any) -> bytes:
    """`charts.network_picture`, imported when a picture is asked for (matplotlib is slow to import)."""
    from kompass.infrastructure.charts import network_picture

    return network_picture(*args, **kwargs)


@dataclass(frozen=True)
class Opened:
    """What `kompass init` says of the store it opened or made: where, how many events, and who you are in it."""

    created: bool
    url: str
    events: int
    user: str
    roles: frozenset[str]


class Store(OpenStore):
    """An opened store (`OpenStore`: who, where, the adapters) and the application's services over it, each made
    for one use: the command line asks for the one it needs and makes one call."""

    def people(self) -> People:
        """The person register's use cases, under the acting user's permissions."""
        return People(self.persons, self.access())

    def reports(self) -> ReportService:
        """Reports made from this store's log, stamped with the signed checkpoint of a log holding their position."""
        from kompass.infrastructure.language import language
        from kompass.infrastructure.provenance import checkpoint_at

        return ReportService(self.facts, lambda position: checkpoint_at(self.log, position), load_framework, language, self.past_years)

    def past_years(self) -> PastYears | None:
        """The bitemporal rows a report of any year reads instead of replaying the log, when they are at its head."""
        from kompass.infrastructure.projections.bitemporal.years import PastYearRows

        read_model = self.past_index()
        return PastYearRows(self.engine, read_model) if read_model is not None else None

    def audit(self) -> AuditService:
        """History, export, verification and replay of this store's log."""
        from kompass.infrastructure.auditor import StoreAuditor

        return AuditService(self.facts, StoreAuditor(self), self.fresh_read_model, self.framework)

    def imports(self) -> ImportService:
        """Command logs and edited workbooks applied to this store, all or nothing."""
        from kompass.infrastructure.workbook import read_sheet_file

        return ImportService(
            self.kompass, self.access, self.fresh_read_model, self.framework, self.is_empty, read_sheet_file, self.identity.real
        )

    def network(self) -> NetworkService:
        """The network questions, answered from this store's tables or a replay of its log."""
        return NetworkService(self.fresh_read_model, self.facts, self.past_index, self.network_cache, self.framework, _network_picture)

    def execute(self, command: Command) -> list[Any]:
        """Carry out one command as the acting user; the events it recorded."""
        return self.kompass.execute(command, self.access())

    def opened(self) -> Opened:
        return Opened(self.created, self.location.shown_url, self.facts.head(), self.user, self.access().grants.roles)

    def queries(self) -> PortfolioQueries:
        """The portfolio's lookups: initiatives, actors, self-assessments, coverage and the data-quality check."""
        return PortfolioQueries(self.fresh_read_model, self.facts, self.past_index, self.framework, self.today, load_framework)

    def projections(self) -> ProjectionService:
        """The read models' upkeep: status, rebuild, catch-up and the following worker."""
        return ProjectionService(self.projector, self.access)

    def roles(self) -> UserService:
        """Users and their roles, under the acting user's permissions."""
        return UserService(self.kompass, self.access, self.users)

    def demo(self) -> DemoService:
        """The example portfolio restored into this (new) store, as its maker's."""
        from kompass.application.demo_service import DemoService
        from kompass.infrastructure.command_log import demo_lines
        from kompass.infrastructure.workbook import write_workbook

        maker = self.identity.real
        return DemoService(
            self.kompass, self.real_access, lambda: demo_lines(maker), self.audit(), self.queries(), self.network(), write_workbook
        )
