"""The portfolio as the tables of a spreadsheet a coordinator already keeps, and each cell read back.

One sheet per kind of thing: `initiatives` (one row each), `participants`, `funding`, `results`,
`indicators` and `assessments`. Lists inside a cell (areas, roles) are separated by `;`.
Reading a cell turns what a spreadsheet holds (numbers, dates, text) into the command's value,
or says, for that cell, why it cannot.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from kompass.application.records import AssessmentRecord, InitiativeRecord
from kompass.domain.errors import InvalidValue
from kompass.domain.framework import Framework
from kompass.domain.status import STATUSES
from kompass.domain.vocabulary import (
    COORDINATOR_ROLES,
    FOCUS_LEVELS,
    FUNDING_SOURCES,
    INITIATIVE_TYPES,
    LIGHTS,
    ORIENTATIONS,
    PARTICIPANT_ROLES,
    REGIONS,
    RESULT_TYPES,
)

INITIATIVE_COLUMNS = ("ref", "region", "title", "description", "areas", "type", "orientation", "roles", "status", "start", "end")
ASSESSMENT_BASE = ("region", "year", "score", "light")


def sheet_columns(framework: Framework) -> dict[str, tuple[str, ...]]:
    """Each sheet's columns, in order; the assessments sheet has one focus column per strategy area."""
    return {
        "initiatives": INITIATIVE_COLUMNS,
        "participants": ("ref", "actor", "role"),
        "funding": ("ref", "source", "amount_sek", "year"),
        "results": ("ref", "type", "text"),
        "indicators": ("ref", "name", "target", "unit"),
        "assessments": (*ASSESSMENT_BASE, *framework.area_keys),
    }


def allowed_values(framework: Framework) -> dict[str, tuple[str, ...]]:
    """Single-valued columns with a fixed vocabulary (offered as drop-down lists), by `sheet.column`."""
    allowed = {
        "initiatives.region": tuple(REGIONS),
        "initiatives.type": INITIATIVE_TYPES,
        "initiatives.orientation": ORIENTATIONS,
        "initiatives.status": STATUSES,
        "participants.role": PARTICIPANT_ROLES,
        "funding.source": FUNDING_SOURCES,
        "results.type": RESULT_TYPES,
        "assessments.region": tuple(REGIONS),
        "assessments.light": LIGHTS,
    }
    allowed.update({f"assessments.{area}": FOCUS_LEVELS for area in framework.area_keys})
    return allowed


MULTI_VALUED = {"initiatives.areas": "area", "initiatives.roles": "coordinator role"}


def portfolio_tables(
    records: Iterable[InitiativeRecord], assessments: Iterable[AssessmentRecord], framework: Framework, region: str | None
) -> dict[str, list[dict[str, Any]]]:
    """The store's rows for the workbook: initiatives led by `region` (all when None) and their parts."""
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in sheet_columns(framework)}
    for r in sorted(records, key=lambda r: r.ref):
        if region is not None and r.region != region:
            continue
        tables["initiatives"].append({
            "ref": r.ref, "region": r.region, "title": r.title, "description": r.description, "areas": list(r.areas),
            "type": r.type, "orientation": r.orientation, "roles": list(r.roles), "status": r.status,
            "start": _day(r.planned_start), "end": _day(r.planned_end),
        })
        tables["participants"] += [{"ref": r.ref, "actor": k, "role": v} for k, v in r.participants.items()]
        tables["funding"] += [{"ref": r.ref, **line} for line in r.funding]
        tables["results"] += [{"ref": r.ref, "type": x["type"], "text": x["text"]} for x in r.results]
        tables["indicators"] += [{"ref": r.ref, "name": n, "target": i["target"], "unit": i["unit"]} for n, i in r.indicators.items()]
    for a in sorted(assessments, key=lambda a: (a.region, a.year)):
        if region is None or a.region == region:
            tables["assessments"].append({"region": a.region, "year": a.year, "score": a.score, "light": a.light, **a.focus})
    return tables


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


# --- reading cells back ---------------------------------------------------------------------


@dataclass
class SheetRow:
    """One row as read: each column's raw value and the address of its cell (`initiatives!C4`)."""

    sheet: str
    number: int
    values: dict[str, Any]
    cells: dict[str, str]


@dataclass
class CellErrors:
    """Every refused cell of a file, so that a coordinator can fix them all in one go."""

    errors: list[tuple[str, str]] = field(default_factory=list)

    def add(self, cell: str, message: str) -> None:
        self.errors.append((cell, message))


class CellReader:
    """Converts one row's cells; a cell that cannot be read is recorded and read as None."""

    def __init__(self, row: SheetRow, errors: CellErrors, framework: Framework) -> None:
        self.row, self.errors, self.framework = row, errors, framework
        self.allowed = allowed_values(framework)

    def _fail(self, column: str, message: str) -> None:
        self.errors.add(self.row.cells[column], message)

    def raw(self, column: str) -> Any:
        value = self.row.values.get(column)
        return value.strip() or None if isinstance(value, str) else value

    def text(self, column: str, required: bool = True) -> str | None:
        value = self.raw(column)
        if value is None:
            if required:
                self._fail(column, f"{column} must not be empty")
            return None
        if isinstance(value, (bool, float, datetime, date)):
            self._fail(column, f"{column} must be text, not {value!r}")
            return None
        text = str(value)
        key = f"{self.row.sheet}.{column}"
        if key == "initiatives.region" or key == "assessments.region":
            text = text.zfill(2)  # a spreadsheet reads the code 01 as the number 1
        if key in self.allowed and text not in self.allowed[key]:
            self._fail(column, f"unknown {column} {text!r}: use one of {', '.join(self.allowed[key])}")
            return None
        return text

    def texts(self, column: str) -> tuple[str, ...]:
        value = self.raw(column)
        items = tuple(part.strip() for part in str(value).split(";") if part.strip()) if value is not None else ()
        key = f"{self.row.sheet}.{column}"
        allowed: Sequence[str] = self.framework.area_keys if column == "areas" else COORDINATOR_ROLES
        for item in items:
            if item not in allowed:
                self._fail(column, f"unknown {MULTI_VALUED[key]} {item!r}: use one of {', '.join(allowed)} (separated by ;)")
        return items

    def integer(self, column: str) -> int | None:
        value = self.raw(column)
        if isinstance(value, str) and value.lstrip("-").isdigit():
            value = int(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self._fail(column, f"{column} must be a whole number" + ("" if value is None else f", not {value!r}"))
            return None
        return value

    def number(self, column: str) -> float | None:
        value = self.raw(column)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = float(value.replace(",", "."))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self._fail(column, f"{column} must be a number" + ("" if value is None else f", not {value!r}"))
            return None
        return value

    def day(self, column: str) -> date | None:
        value = self.raw(column)
        if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
            return value
        if isinstance(value, datetime):
            return value.date()
        text = str(value)
        try:
            if len(text) == 10:  # YYYY-MM-DD only: Python would also read 20210301 as a date
                return date.fromisoformat(text)
        except ValueError:
            pass
        self._fail(column, f"{column} must be a date YYYY-MM-DD, not {value!r}")
        return None


class CellsRefused(InvalidValue):
    """Cells of a file were refused; nothing was written. `lines` names each one, `FILE:SHEET!CELL: message`."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(lines[0] + (f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""))
        self.lines = lines


def refuse(errors: CellErrors, source: str) -> None:
    if errors.errors:
        raise CellsRefused([f"{source}:{cell}: {message}" for cell, message in errors.errors])
