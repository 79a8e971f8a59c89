"""Importing, as use cases: a whole command log, or the differences between an edited workbook (or CSV
of initiatives) and the store; all of it or nothing. `kompass import` calls one method per kind of file.

The file's lines are read by the command-log reader before the store is opened (an unreadable path is
refused first); a workbook is read here, through the `SheetReader` port, because its columns depend on
the store's framework.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from kompass.application.commands import Command
from kompass.application.permissions import Access
from kompass.application.ports import ReadModelPort, SheetReader
from kompass.application.service import ImportSummary, Kompass, LineRefused
from kompass.application.sheet_diff import Planned
from kompass.domain.errors import InvalidValue
from kompass.domain.framework import Framework

__all__ = ["ImportService"]


class ImportService:
    def __init__(
        self,
        kompass: Kompass,
        access: Callable[[], Access],
        read_model: Callable[[], ReadModelPort],
        framework: Framework,
        is_empty: Callable[[], bool],
        read_sheet: SheetReader,
        restorer: str,
    ) -> None:
        self.kompass = kompass
        self.access = access
        """The acting user's grants."""
        self.read_model = read_model
        """The present-time read model, caught up with the log first."""
        self.framework = framework
        self.is_empty = is_empty
        """Whether the store holds nothing but the reference data every new store starts with."""
        self.read_sheet = read_sheet
        self.restorer = restorer
        """Who really runs the import (the store established it): a restore into a new store is theirs."""

    def command_log(self, lines: Iterable[tuple[int, Command, datetime | None]], source: str) -> ImportSummary:
        """Apply every (line number, command, recording time) in one transaction as the acting user; a refused
        line is named SOURCE:LINE and nothing is written."""
        return _named(source, lambda: self.kompass.import_commands(lines, self.access()))

    def restore(self, lines: Iterable[tuple[int, Command, datetime, str | None]], source: str) -> ImportSummary:
        """Restore an export (line number, command, recording time, recorder) into a new store, whole or not at
        all: each line keeps its recording time and recorder, and the export's role events name the admins
        (`Kompass.restore`). Anything but the reference data in the store is refused."""
        if not self.is_empty():
            raise InvalidValue("--restore needs a new store: it reproduces an exported store exactly")
        return _named(source, lambda: self.kompass.restore(lines, self.restorer))

    def plan_sheet(self, path: Path) -> list[Planned]:
        """The commands that would make the store match the file (a dry run: nothing is written)."""
        from kompass.application.sheet_import import plan_import
        from kompass.application.sheets import sheet_columns

        sheet = self.read_sheet(path, sheet_columns(self.framework))
        return plan_import(sheet, self.read_model(), self.framework)

    def apply_sheet(self, path: Path) -> ImportSummary:
        """The planned commands in one transaction; the first refused one names its cell and nothing is written."""
        from kompass.application.sheet_import import apply_import

        return apply_import(self.kompass, self.access(), self.plan_sheet(path), str(path))


def _named(source: str, run: Callable[[], ImportSummary]) -> ImportSummary:
    """A refused line named SOURCE:LINE, as an editor jumps to it."""
    try:
        return run()
    except LineRefused as refused:
        refused.args = (f"{source}:{refused}",)
        raise
