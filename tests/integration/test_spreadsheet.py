"""The spreadsheet round trip: export a workbook, edit it as a coordinator would, import the differences.

On SQLite and PostgreSQL: an unchanged workbook applies nothing; one edited title, one added
funding row and one deleted participant apply exactly those three commands; a bad cell is named
as FILE:SHEET!CELL and nothing is written. The same for a CSV of initiatives. LibreOffice opens
the file (headless conversion).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.integration.helpers import as_json, invoke, ok, refused, snapshot


def export(url: str, path: Path, *extra: str) -> Path:
    ok(url, "export", "--format", "xlsx", "--output", str(path), *extra)
    return path


def dry_run(url: str, path: Path) -> list[dict[str, object]]:
    result = ok(url, "import", str(path), "--dry-run")
    return [json.loads(line) for line in result.stdout.splitlines()]


def header(sheet: object) -> list[str]:
    return [c.value for c in sheet[1]]  # type: ignore[index]


def test_round_trip_applies_exactly_the_edits(db_url: str, small_log: Path, tmp_path: Path) -> None:
    ok(db_url, "import", str(small_log))
    file = export(db_url, tmp_path / "p14.xlsx", "--region", "14")
    book = load_workbook(file)
    assert book.sheetnames == ["initiatives", "participants", "funding", "results", "indicators", "assessments", "läs mig"]
    assert header(book["initiatives"]) == ["ref", "region", "title", "description", "areas", "type", "orientation", "roles",
                                           "status", "start", "end"]
    assert [r[0] for r in book["initiatives"].iter_rows(min_row=2, values_only=True)] == ["14-dataverkstad", "14-open-data"]
    lists = {str(v.sqref): v.formula1 for v in book["initiatives"].data_validations.dataValidation}
    assert lists["F2:F1048576"] == '"collaboration,training,seminar,analysis,project,strategy,application_support,advocacy"'
    assert lists["I2:I1048576"] == '"proposed,planned,active,completed,paused,cancelled"'
    assert {str(v.sqref) for v in book["funding"].data_validations.dataValidation} == {"B2:B1048576"}
    readme = [r[0] for r in book["läs mig"].iter_rows(values_only=True)]
    assert "Regler:" in readme and ["Region", "14"] in [list(r) for r in book["läs mig"].iter_rows(values_only=True)]
    # an unchanged workbook applies nothing
    assert dry_run(db_url, file) == []
    before = snapshot(db_url)
    assert "applied 0 commands" in ok(db_url, "import", str(file)).stderr
    assert snapshot(db_url) == before

    initiatives, funding, participants = book["initiatives"], book["funding"], book["participants"]
    initiatives["C2"] = "Nationell dataverkstad för offentlig sektor"
    funding.append(["14-open-data", "regional", 250000, 2022])
    rise = next(row[0].row for row in participants.iter_rows(min_row=2) if row[1].value == "rise")
    participants.delete_rows(rise)
    book.save(file)
    assert dry_run(db_url, file) == [
        {"op": "initiative.retitle", "ref": "14-dataverkstad", "title": "Nationell dataverkstad för offentlig sektor", "description": ""},
        {"op": "initiative.leave", "ref": "14-dataverkstad", "actor": "rise"},
        {"op": "initiative.fund", "ref": "14-open-data", "source": "regional", "amount_sek": 250000, "year": 2022},
    ]
    assert snapshot(db_url) == before  # a dry run writes nothing
    assert "applied 3 commands (3 events)" in ok(db_url, "import", str(file)).stderr
    shown = as_json(db_url, "initiative", "show", "14-dataverkstad")
    assert shown["title"] == "Nationell dataverkstad för offentlig sektor"
    assert "rise" not in [p["actor"] for p in shown["participants"]]
    assert as_json(db_url, "initiative", "show", "14-open-data")["budget_sek"] == 1_250_000
    assert dry_run(db_url, file) == []  # imported once, the same file asks for nothing more


def test_a_bad_cell_is_named_and_nothing_is_written(db_url: str, small_log: Path, tmp_path: Path) -> None:
    ok(db_url, "import", str(small_log))
    file = export(db_url, tmp_path / "p14.xlsx", "--region", "14")
    book = load_workbook(file)
    book["initiatives"]["C2"] = "Ny titel"  # a good edit that must not be written either
    book["funding"].append(["14-open-data", "regional", "mycket", 2022])
    book["initiatives"]["F3"] = "party"
    book.save(file)
    before = snapshot(db_url)
    result = invoke(db_url, "import", str(file))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {file}:initiatives!F3: unknown type 'party': use one of collaboration, training, seminar, analysis, project, "
        "strategy, application_support, advocacy",
        f"Error: {file}:funding!C4: amount_sek must be a whole number, not 'mycket'",
    ]
    assert snapshot(db_url) == before
    # a cell the domain refuses when its command is carried out: named too, and nothing of the file is written
    book["initiatives"]["F3"] = "training"
    book["funding"]["C4"] = -5
    book.save(file)
    message = refused(db_url, "import", str(file))
    assert message == f"{file}:funding!A4: amount_sek must not be negative (got -5)"
    assert snapshot(db_url) == before


def test_corrections_new_initiatives_and_refusals_through_the_workbook(sqlite_url: str, small_log: Path, tmp_path: Path) -> None:
    ok(sqlite_url, "import", str(small_log))
    file = export(sqlite_url, tmp_path / "all.xlsx")
    book = load_workbook(file)
    sheet = book["initiatives"]
    row = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == "14-dataverkstad")
    sheet[f"F{row}"], sheet[f"G{row}"], sheet[f"H{row}"] = "collaboration", "internal", "strategist;lobbyist"
    sheet[f"J{row}"] = "2021-02-01"
    sheet.append(["14-ny", "14", "Ny insats", "", "security;competence", "seminar", "external", "", "active", None, None])
    book["indicators"].append(["14-ny", "deltagare", 40, "st"])
    book["results"].append(["14-ny", "capability", "30 deltagare"])
    book.save(file)
    ops = [line["op"] for line in dry_run(sqlite_url, file)]
    assert ops == ["initiative.retype", "initiative.reorient", "initiative.roles", "initiative.schedule", "initiative.propose",
                   "initiative.status", "initiative.result", "initiative.indicator"]
    ok(sqlite_url, "import", str(file))
    shown = as_json(sqlite_url, "initiative", "show", "14-dataverkstad")
    assert (shown["type"], shown["orientation"], shown["roles"], shown["planned_start"]) == (
        "collaboration", "internal", ["strategist", "lobbyist"], "2021-02-01")
    assert as_json(sqlite_url, "initiative", "show", "14-ny")["status"] == "active"

    # rows that cannot be deleted are refused, as is reopening a completed initiative by its status cell
    book = load_workbook(export(sqlite_url, tmp_path / "again.xlsx"))
    sheet = book["initiatives"]
    done = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == "14-open-data")
    sheet[f"I{done}"] = "active"
    book["indicators"].delete_rows(2)
    book.save(tmp_path / "again.xlsx")
    result = invoke(sqlite_url, "import", str(tmp_path / "again.xlsx"))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert f"Error: {tmp_path / 'again.xlsx'}:initiatives!I{done}: 14-open-data is completed: reopen it" in lines[0]
    assert lines[1].endswith("indicators!A1: indicator deltagare of 14-ny is missing: indicators are never deleted")


def test_a_coordinator_cannot_change_another_regions_initiative_through_a_workbook(sqlite_url: str, small_log: Path,
                                                                                   tmp_path: Path) -> None:
    ok(sqlite_url, "import", str(small_log))
    ok(sqlite_url, "user", "add", "coord-14", "--role", "coordinator", "--region", "14")
    file = export(sqlite_url, tmp_path / "all.xlsx")
    book = load_workbook(file)
    sheet = book["initiatives"]
    row = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == "12-cyber")
    sheet[f"C{row}"] = "Kapad titel"
    book.save(file)
    message = refused(sqlite_url, "import", str(file), code=4, user="coord-14")
    assert message.startswith(f"{file}:initiatives!C{row}: coord-14 may not retitle 12-cyber")


def test_csv_of_initiatives_round_trip(db_url: str, small_log: Path, tmp_path: Path) -> None:
    ok(db_url, "import", str(small_log))
    file = tmp_path / "initiatives.csv"
    ok(db_url, "export", "--format", "csv", "--output", str(file))
    assert dry_run(db_url, file) == []
    rows = list(csv.DictReader(io.StringIO(file.read_text(encoding="utf-8"))))
    rows = [r for r in rows if r["ref"] == "12-cyber"]  # rows left out of a CSV stay as they are
    rows[0]["type"] = "training"
    with file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert dry_run(db_url, file) == [{"op": "initiative.retype", "ref": "12-cyber", "type": "training"}]
    ok(db_url, "import", str(file))
    assert as_json(db_url, "initiative", "show", "12-cyber")["type"] == "training"
    rows[0]["status"] = "finished"
    with file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert refused(db_url, "import", str(file)).startswith(f"{file}:I2: unknown status 'finished'")


def test_a_title_that_looks_like_a_formula_stays_text_and_round_trips(sqlite_url: str, tmp_path: Path) -> None:
    ok(sqlite_url, "init")
    title = '=HYPERLINK("http://example.com","klicka")'
    ok(sqlite_url, "initiative", "add", "--ref", "14-x", "--region", "14", "--title", title, "--area", "security",
       "--type", "seminar")
    file = export(sqlite_url, tmp_path / "p.xlsx")
    cell = load_workbook(file)["initiatives"]["C2"]
    assert (cell.value, cell.data_type) == (title, "s")
    assert dry_run(sqlite_url, file) == []


def test_a_csv_of_initiatives_never_hands_a_spreadsheet_a_formula_and_still_round_trips(sqlite_url: str, tmp_path: Path) -> None:
    titles = {"14-f": "=1+1", "14-q": "'citat'", "14-d": "-streck"}
    for ref, title in titles.items():
        ok(sqlite_url, "initiative", "add", "--ref", ref, "--region", "14", "--title", title, "--area", "security",
           "--type", "seminar")
    file = tmp_path / "i.csv"
    ok(sqlite_url, "export", "--format", "csv", "--output", str(file))
    rows = {r["ref"]: r["title"] for r in csv.DictReader(io.StringIO(file.read_text(encoding="utf-8")))}
    assert rows == {"14-d": "'-streck", "14-f": "'=1+1", "14-q": "''citat'"}
    assert dry_run(sqlite_url, file) == []


def test_a_file_that_is_not_a_workbook_is_refused_in_one_line(sqlite_url: str, tmp_path: Path) -> None:
    ok(sqlite_url, "init")
    file = tmp_path / "broken.xlsx"
    file.write_bytes(b"not a zip")
    assert "not a workbook kompass can read" in refused(sqlite_url, "import", str(file))
    assert invoke(sqlite_url, "export", "--format", "xlsx").stdout_bytes.startswith(b"PK")  # off a terminal: to stdout


UTF8_CSV = "csv:Text - txt - csv (StarCalc):44,34,76"
"""LibreOffice's CSV filter with comma, double quote and character set 76 (UTF-8)."""


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_workbook(sqlite_url: str, small_log: Path, tmp_path: Path) -> None:
    ok(sqlite_url, "import", str(small_log))
    file = export(sqlite_url, tmp_path / "p.xlsx")
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", UTF8_CSV, "--outdir", str(tmp_path / "out"),
         str(file)],
        capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    converted = (tmp_path / "out" / "p.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(converted)))
    assert rows[0] == ["ref", "region", "title", "description", "areas", "type", "orientation", "roles", "status", "start", "end"]
    assert [r[0] for r in rows[1:]] == ["08-digital-coach", "08-oppen-data", "12-5g", "12-cyber", "14-dataverkstad", "14-open-data"]
    assert rows[1][1] == "08"  # the region code stays text
    assert rows[-1][2] == "Öppna data i kommunerna"
