"""`kompass demo` as a use case: the shipped example portfolio restored into a new store, one region's
workbook written beside it, and the two answers the demo shows (the national coverage and the key actors).

The example's lines are the restore path's (each keeps its recording time, so the past can be asked
about), recorded by whoever runs the demo, who made the store and is its first admin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kompass.application.audit_service import AuditService
from kompass.application.commands import Command
from kompass.application.coverage import CoverageReport
from kompass.application.network_service import KeyActors, NetworkService
from kompass.application.permissions import Access
from kompass.application.portfolio_queries import PortfolioQueries
from kompass.application.ports import WorkbookWriter
from kompass.application.service import ImportSummary, Kompass

__all__ = ["DEMO_REGION", "DemoLoaded", "DemoService", "RestoreLines"]

DEMO_REGION = "14"
"""Whose workbook the demo writes: Västra Götaland, the region with the most initiatives in the example."""

RestoreLines = Callable[[], Iterable[tuple[int, Command, datetime, str | None]]]
"""The example's lines as a restore reads them: line number, command, recording time, recorder."""


@dataclass(frozen=True)
class DemoLoaded:
    restored: ImportSummary
    workbook: Path
    coverage: CoverageReport
    """The national coverage now."""
    key_actors: KeyActors


class DemoService:
    def __init__(
        self,
        kompass: Kompass,
        access: Callable[[], Access],
        lines: RestoreLines,
        audit: AuditService,
        queries: PortfolioQueries,
        network: NetworkService,
        write_workbook: WorkbookWriter,
    ) -> None:
        self.kompass = kompass
        self.access = access
        """The permissions of who really runs the demo (the store is theirs by making it)."""
        self.lines = lines
        self.audit = audit
        self.queries = queries
        self.network = network
        self.write_workbook = write_workbook

    def load(self, workbook: Path, region: str = DEMO_REGION, top: int = 5) -> DemoLoaded:
        """Restore the example, write `region`'s workbook to `workbook`, and answer the demo's questions
        (the `top` key actors)."""
        restored = self.kompass.restore_commands(self.lines(), self.access())
        sheets = self.audit.sheets(region)
        self.write_workbook(workbook, sheets.tables, sheets.columns, sheets.allowed, region)
        return DemoLoaded(restored, workbook, self.queries.coverage_report(), self.network.key_actors(top))
