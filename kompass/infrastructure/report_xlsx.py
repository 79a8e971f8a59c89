"""Reports as Excel workbooks (openpyxl): a sheet per table, every row (tables a document shortens are
whole here), numbers and amounts in kronor as numbers, and a first sheet saying what the report is and where it came from."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kompass.application.reports.document import Document, Table

_NUMBER = re.compile(r"^[+-]?\d[\d\s\u00a0,.]*$")
_BAD = re.compile(r"[\[\]:*?/\\]")


_AMOUNT = re.compile(r"^(?:SEK\u00a0([\d,]+)|([\d\s\u00a0]+)\u00a0kr)$")
AMOUNT_FORMAT = '#,##0 "kr"'


def _amount(text: str) -> int | None:
    """Kronor written by the report's language ("1 234 567 kr", "SEK 1,234,567") as a whole number."""
    found = _AMOUNT.match(text)
    if found is None:
        return None
    return int(re.sub(r"[^\d]", "", found.group(1) or found.group(2)))


def _value(text: str) -> str | int | float:
    """A cell's text as a number where it is one."""
    if not _NUMBER.match(text):
        return text
    plain = text.replace("\u00a0", "").replace(" ", "")
    if "," in plain and "." not in plain:
        plain = plain.replace(",", ".")
    plain = plain.replace(",", "")
    try:
        return int(plain) if plain.lstrip("+-").isdigit() else float(plain)
    except ValueError:
        return text


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _BAD.sub(" ", name).strip()[:28] or "Tabell"
    candidate, n = base, 2
    while candidate.lower() in taken:
        candidate, n = f"{base[:25]} {n}", n + 1
    taken.add(candidate.lower())
    return candidate


def render_xlsx(doc: Document) -> bytes:
    book = Workbook()
    front = book.active
    assert front is not None
    taken: set[str] = set()
    front.title = _sheet_name(doc.labels.provenance, taken)
    front.append([doc.title])
    front["A1"].font = Font(bold=True, size=14)
    front.append([doc.subtitle])
    front.append([doc.labels.stamp])
    for line in doc.labels.provenance_lines:
        front.append([line])
    front.column_dimensions["A"].width = 120
    for table in doc.tables():
        _add(book, table, taken)
    book.properties.creator = "kompass"
    book.properties.created = book.properties.modified = datetime(2000, 1, 1, tzinfo=UTC).replace(tzinfo=None)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _add(book: Workbook, table: Table, taken: set[str]) -> None:
    sheet = book.create_sheet(_sheet_name(table.name or "Tabell", taken))
    sheet.append(list(table.headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        cells: list[str | int | float] = []
        money: list[int] = []
        for j, text in enumerate(row):
            amount = _amount(text) if j in table.numeric else None
            if amount is not None:
                money.append(j + 1)
            cells.append(amount if amount is not None else _value(text) if j in table.numeric else text)
        sheet.append(cells)
        for column in money:
            sheet.cell(sheet.max_row, column).number_format = AMOUNT_FORMAT
    sheet.freeze_panes = "A2"
    for j, header in enumerate(table.headers, 1):
        longest = max([len(header), *(len(r[j - 1]) for r in table.rows)], default=10)
        sheet.column_dimensions[get_column_letter(j)].width = min(60, max(8, longest + 2))
