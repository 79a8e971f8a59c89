"""The spreadsheet files (openpyxl): writing the portfolio as a workbook, reading one back cell by cell.

The workbook has the sheets of `application.sheets`, a drop-down list (data validation) on every
column with a fixed vocabulary, and a read-me sheet in Swedish that also records which region
the file was made for (so an import knows which rows a missing one was). A CSV of initiatives has
the columns of the `initiatives` sheet.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kompass.application.sheet_import import SheetFile
from kompass.application.sheets import INITIATIVE_COLUMNS, CellErrors, SheetRow, refuse
from kompass.domain.errors import InvalidValue
from kompass.infrastructure.cells import quoted_cell, unquoted_cell

README = "läs mig"
SCOPE_LABEL = "Region"
EVERY_REGION = "alla"
LAST_ROW = 1_048_576
"""A sheet's last row in Excel and LibreOffice: drop-down lists cover every row a coordinator adds."""

README_TEXT = (
    "Portföljen exporterad från kompass. Ändra i bladen och läs in filen igen med",
    "    kompass import FIL.xlsx --dry-run   (visar vad som skulle ändras)",
    "    kompass import FIL.xlsx             (genomför ändringarna, allt eller inget)",
    "",
    "Bladen:",
    "  initiatives   en rad per insats: ref, region, titel, beskrivning, områden (flera skiljs med ;), typ,",
    "                inriktning (internal/external), koordinatorsroller (flera skiljs med ;), status, planerad start och slut",
    "  participants  aktörer som deltar i en insats och deras roll (den ledande regionen står inte med)",
    "  funding       finansieringsrader: källa, belopp i hela kronor, år",
    "  results       resultat: typ och text",
    "  indicators    indikatorer: namn, målvärde och enhet",
    "  assessments   självskattning per region och år: poäng 1–10, trafikljus och fokus per område",
    "",
    "Regler:",
    "  - Ändra inte ref: den är insatsens nyckel. En ny rad med en ny ref föreslår en ny insats.",
    "  - Insatser, indikatorer och självskattningar tas aldrig bort: avbryt en insats med status cancelled.",
    "  - En borttagen rad i participants, funding eller results tar bort deltagandet, raden eller resultatet.",
    "  - Listorna i cellerna visar de tillåtna värdena. Varje fel anges som FIL:BLAD!CELL.",
    "  - Allt sparas i historiken: vem som ändrade vad och när.",
    "",
)


def write_workbook(
    path: Path | IO[bytes], tables: dict[str, list[dict[str, Any]]], columns: dict[str, tuple[str, ...]],
    allowed: dict[str, tuple[str, ...]], region: str | None,
) -> None:
    book = Workbook()
    book.remove(book.worksheets[0])
    for name, names in columns.items():
        sheet = book.create_sheet(name)
        _write_sheet(sheet, names, tables[name], {c: allowed[f"{name}.{c}"] for c in names if f"{name}.{c}" in allowed})
    readme = book.create_sheet(README)
    for line in README_TEXT:
        readme.append([line])
    readme.append([SCOPE_LABEL, region or EVERY_REGION])
    readme.column_dimensions["A"].width = 110
    book.save(path)


def _write_sheet(sheet: Worksheet, names: tuple[str, ...], rows: list[dict[str, Any]], allowed: dict[str, tuple[str, ...]]) -> None:
    sheet.append(list(names))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([_cell(row.get(name)) for name in names])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":
                cell.data_type = "s"  # a text that starts with = stays text: never a formula the spreadsheet runs
    for index, name in enumerate(names, start=1):
        letter = get_column_letter(index)
        widest = max([len(name)] + [len(str(_cell(r.get(name)) or "")) for r in rows])
        sheet.column_dimensions[letter].width = min(60, widest + 2)
        if name in ("region", "start", "end"):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "@" if name == "region" else "yyyy-mm-dd"
        if name in allowed:
            validation = DataValidation(type="list", formula1='"' + ",".join(allowed[name]) + '"', allow_blank=True)
            validation.error = f"Välj ett av värdena i listan ({', '.join(allowed[name])})."
            validation.showErrorMessage = True
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{LAST_ROW}")


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return value


def read_workbook(path: Path, columns: dict[str, tuple[str, ...]]) -> SheetFile:
    """Every sheet kompass knows, row by row; a sheet left out of the file is not compared."""
    try:
        book = load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise InvalidValue(f"{path}: not a workbook kompass can read ({type(error).__name__}: {error})") from None
    if "initiatives" not in book.sheetnames:
        raise InvalidValue(f"{path}: the workbook has no sheet named initiatives")
    errors = CellErrors()
    result = SheetFile(source=str(path), region=_scope(book))
    for name, names in columns.items():
        if name in book.sheetnames:
            grid = ([cell.value for cell in row] for row in book[name].iter_rows())
            result.rows[name] = list(_rows(name, names, grid, errors, f"{name}!"))
    refuse(errors, str(path))
    return result


def _scope(book: Any) -> str | None:
    if README not in book.sheetnames:
        return None
    for label, value, *_rest in book[README].iter_rows(min_col=1, max_col=2, values_only=True):
        if label == SCOPE_LABEL and value not in (None, EVERY_REGION):
            return str(value).zfill(2)
    return None


def _rows(sheet: str, names: tuple[str, ...], grid: Iterable[list[Any]], errors: CellErrors, prefix: str) -> Iterator[SheetRow]:
    """Rows as SheetRows, the header mapping each column by name (so columns may be moved)."""
    lines = iter(grid)
    header = [str(v).strip() if v is not None else "" for v in next(lines, [])]
    where: dict[str, int] = {}
    for index, name in enumerate(header):
        if name in names:
            where[name] = index
        elif name:
            errors.add(f"{prefix}{get_column_letter(index + 1)}1", f"unknown column {name!r} (the columns are {', '.join(names)})")
    for name in names:
        if name not in where:
            errors.add(f"{prefix}A1", f"the column {name} is missing")
    if len(where) < len(names):
        return
    for number, values in enumerate(lines, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        yield SheetRow(
            sheet=sheet, number=number,
            values={n: values[i] if i < len(values) else None for n, i in where.items()},
            cells={n: f"{prefix}{get_column_letter(i + 1)}{number}" for n, i in where.items()},
        )


# --- a CSV of initiatives ---------------------------------------------------------------------


def write_initiatives_csv(stream: Any, rows: list[dict[str, Any]]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(INITIATIVE_COLUMNS)
    for row in rows:
        writer.writerow([_text(row.get(name)) for name in INITIATIVE_COLUMNS])


def _text(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else quoted_cell(str(_cell(value)))


def read_initiatives_csv(path: Path) -> SheetFile:
    """The rows of a CSV of initiatives; rows it lacks stay as they are in the store."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            grid = [[unquoted_cell(v) if v.strip() else None for v in line] for line in csv.reader(handle)]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InvalidValue(f"{path}: cannot read the file as UTF-8 CSV ({error})") from None
    errors = CellErrors()
    rows = list(_rows("initiatives", INITIATIVE_COLUMNS, grid, errors, ""))
    refuse(errors, str(path))
    return SheetFile(source=str(path), region=None, rows={"initiatives": rows}, removals=False)


def read_sheet_file(path: Path, columns: dict[str, tuple[str, ...]]) -> SheetFile:
    """The `SheetReader` port: a CSV of initiatives (FILE.csv) or a workbook (any other name)."""
    return read_initiatives_csv(path) if path.suffix.lower() == ".csv" else read_workbook(path, columns)
