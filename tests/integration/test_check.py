"""`kompass check`: each kind of finding appears when its hole is there and goes when it is filled."""

from __future__ import annotations

import csv
import io
import json

from tests.integration.helpers import invoke, ok, refused


def findings(url: str, *args: str) -> tuple[int, list[dict[str, object]]]:
    result = invoke(url, "check", *args, "--format", "json")
    assert result.exit_code in (0, 6), result.stderr
    return result.exit_code, json.loads(result.stdout)["findings"]


def kinds(url: str, *args: str) -> set[tuple[object, ...]]:
    _code, found = findings(url, *args)
    return {(f["region"], f["kind"], f["ref"], f["area"]) for f in found if f["kind"] != "assessment_missing"}


def add(url: str, ref: str, *extra: str) -> None:
    ok(url, "initiative", "add", "--ref", ref, "--region", "14", "--title", ref, "--area", "security", "--type", "project",
       "--effective", "2021-02-01", *extra)


def test_every_kind_of_finding_and_how_it_goes_away(db_url: str) -> None:
    ok(db_url, "init")
    ok(db_url, "actor", "add", "--key", "digg", "--name", "Digg", "--kind", "agency", "--effective", "2021-01-01")
    add(db_url, "14-alone")
    ok(db_url, "initiative", "status", "14-alone", "active", "--effective", "2021-03-01")
    ok(db_url, "initiative", "fund", "14-alone", "--source", "regional", "--amount-sek", "100", "--year", "2020",
       "--effective", "2021-03-01")
    ok(db_url, "initiative", "indicator", "14-alone", "--name", "kommuner", "--target", "10", "--effective", "2021-03-01")
    add(db_url, "14-done")
    ok(db_url, "initiative", "join", "14-done", "--actor", "digg", "--effective", "2021-02-01")
    ok(db_url, "initiative", "status", "14-done", "completed", "--effective", "2021-10-01")
    ok(db_url, "portfolio", "assess", "--region", "14", "--year", "2021", "--score", "6", "--light", "yellow",
       "--focus", "leadership=high", "--focus", "security=high", "--effective", "2022-01-20")
    assert kinds(db_url, "--year", "2021") == {
        ("14", "active_without_partners", "14-alone", None),
        ("14", "completed_without_results", "14-done", None),
        ("14", "funded_without_line_for_year", "14-alone", None),
        ("14", "declared_focus_without_initiatives", None, "leadership"),
        ("14", "indicator_never_measured", "14-alone", None),
    }
    code, found = findings(db_url, "--year", "2021")
    assert code == 6
    missing = {f["region"] for f in found if f["kind"] == "assessment_missing"}
    assert len(missing) == 20 and "14" not in missing
    # the list is sorted by region, then kind in the documented order
    assert [f["kind"] for f in found if f["region"] == "14"] == [
        "active_without_partners", "completed_without_results", "funded_without_line_for_year",
        "declared_focus_without_initiatives", "indicator_never_measured",
    ]

    # the year is judged as of its last day: a fix effective later does not change it
    ok(db_url, "initiative", "join", "14-alone", "--actor", "digg")
    assert ("14", "active_without_partners", "14-alone", None) in kinds(db_url, "--year", "2021")
    dec = ("--effective", "2021-12-01")
    ok(db_url, "initiative", "leave", "14-alone", "--actor", "digg")
    ok(db_url, "initiative", "join", "14-alone", "--actor", "digg", *dec)
    ok(db_url, "initiative", "result", "14-done", "--type", "direct", "--text", "klart", *dec)
    ok(db_url, "initiative", "fund", "14-alone", "--source", "regional", "--amount-sek", "100", "--year", "2021", *dec)
    ok(db_url, "initiative", "measure", "14-alone", "--name", "kommuner", "--value", "3", *dec)
    add(db_url, "14-lead", "--area", "leadership")
    ok(db_url, "initiative", "join", "14-lead", "--actor", "digg", *dec)
    ok(db_url, "initiative", "status", "14-lead", "active", *dec)
    assert kinds(db_url, "--year", "2021") == set()
    result = invoke(db_url, "check", "--year", "2021", "--region", "14")
    assert result.exit_code == 0 and result.stdout.splitlines() == ["region  kind  ref  area  message"]


def test_region_filter_formats_and_refusals(sqlite_url: str) -> None:
    ok(sqlite_url, "init")
    result = invoke(sqlite_url, "check", "--year", "2021", "--region", "08", "--format", "csv")
    assert result.exit_code == 6
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows == [{"region": "08", "kind": "assessment_missing", "ref": "", "area": "", "message": "no self-assessment for 2021"}]
    assert "1 finding(s) for 2021" in result.stderr
    assert "unknown region" in refused(sqlite_url, "check", "--region", "99")
    assert "out of range" in refused(sqlite_url, "check", "--year", "1800")
