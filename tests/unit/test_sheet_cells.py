"""Reading spreadsheet cells as a coordinator's spreadsheet program leaves them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from kompass.application.sheets import CellErrors, CellReader, SheetRow
from tests.unit.helpers import FRAMEWORK


def read(sheet: str, column: str, value: Any) -> tuple[CellReader, CellErrors]:
    errors = CellErrors()
    row = SheetRow(sheet=sheet, number=2, values={column: value}, cells={column: f"{sheet}!B2"})
    return CellReader(row, errors, FRAMEWORK), errors


@pytest.mark.parametrize(("value", "expected"), [(2022, 2022), (2022.0, 2022), ("2022", 2022), (" 2022 ", 2022)])
def test_whole_numbers_as_spreadsheets_hold_them(value: Any, expected: int) -> None:
    reader, errors = read("funding", "year", value)
    assert reader.integer("year") == expected and not errors.errors


@pytest.mark.parametrize("value", [2022.5, "tjugo", None, True])
def test_what_is_not_a_whole_number_names_its_cell(value: Any) -> None:
    reader, errors = read("funding", "year", value)
    assert reader.integer("year") is None
    assert [cell for cell, _ in errors.errors] == ["funding!B2"]


@pytest.mark.parametrize(("value", "expected"), [(80, 80), ("80,5", 80.5), ("80.5", 80.5)])
def test_numbers_take_a_decimal_comma(value: Any, expected: float) -> None:
    reader, errors = read("indicators", "target", value)
    assert reader.number("target") == expected and not errors.errors


@pytest.mark.parametrize(("value", "expected"), [
    (datetime(2021, 3, 1), date(2021, 3, 1)), (date(2021, 3, 1), date(2021, 3, 1)), ("2021-03-01", date(2021, 3, 1)), (None, None),
])
def test_dates(value: Any, expected: date | None) -> None:
    reader, errors = read("initiatives", "start", value)
    assert reader.day("start") == expected and not errors.errors


@pytest.mark.parametrize("value", ["20210301", "2021-13-01", "mars", 44256])
def test_what_is_not_a_date_names_its_cell(value: Any) -> None:
    reader, errors = read("initiatives", "start", value)
    assert reader.day("start") is None and errors.errors[0][0] == "initiatives!B2"


def test_a_region_code_read_as_a_number_gets_its_leading_zero_back() -> None:
    reader, errors = read("initiatives", "region", 1)
    assert reader.text("region") == "01" and not errors.errors


def test_lists_are_split_on_semicolons_and_checked() -> None:
    reader, errors = read("initiatives", "areas", "security; competence;")
    assert reader.texts("areas") == ("security", "competence") and not errors.errors
    reader, errors = read("initiatives", "areas", "security;cyber")
    reader.texts("areas")
    assert errors.errors == [("initiatives!B2", "unknown area 'cyber': use one of competence, security, innovation, leadership, "
                                                "infrastructure (separated by ;)")]
