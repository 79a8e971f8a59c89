"""Importing a spreadsheet: plan the commands its differences ask for, then apply them all or none.

The file itself is read by the infrastructure (`infrastructure.workbook`) into rows with cell
addresses; this service compares them with the store's read model and carries the commands out
through the same path as a command log, so every rule and permission applies unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kompass.application.permissions import Access
from kompass.application.ports import ReadModelPort
from kompass.application.service import ImportSummary, Kompass, LineRefused
from kompass.application.sheet_diff import Planned, plan_changes
from kompass.application.sheets import CellErrors, CellsRefused, SheetRow, portfolio_tables, refuse
from kompass.domain.framework import Framework
from kompass.domain.vocabulary import require_region


@dataclass
class SheetFile:
    """What a workbook (or a CSV of initiatives) holds, read cell by cell."""

    source: str
    region: str | None
    """The region the file was exported for (None: every region): the rows it should hold."""
    rows: dict[str, list[SheetRow]] = field(default_factory=dict)
    removals: bool = True
    """False for a CSV of initiatives: rows it lacks are left as they are."""


def current_tables(read_model: ReadModelPort, framework: Framework, region: str | None) -> dict[str, list[dict[str, Any]]]:
    """The store's rows for a workbook (or a CSV of initiatives) made for `region` (None: every region)."""
    if region is not None:
        require_region(region)
    return portfolio_tables(read_model.initiatives(), read_model.assessments(), framework, region)


def plan_import(file: SheetFile, read_model: ReadModelPort, framework: Framework) -> list[Planned]:
    """The commands that would make the store match the file; every bad cell refused at once."""
    errors = CellErrors()
    current = current_tables(read_model, framework, file.region)
    planned = plan_changes(file.rows, current, framework, errors, removals=file.removals)
    refuse(errors, file.source)
    return planned


def apply_import(kompass: Kompass, access: Access, planned: list[Planned], source: str) -> ImportSummary:
    """All the planned commands in one transaction; the first refused one names its cell and nothing is written."""
    try:
        return kompass.import_commands(((i, p.command, None) for i, p in enumerate(planned, start=1)), access)
    except LineRefused as refused:
        error = CellsRefused([f"{source}:{planned[refused.line - 1].cell}: {refused.error}"])
        error.exit_code = refused.exit_code
        raise error from None
