"""The evaluation's national tables (`types`, `orientation`, `roles`, `funding`, `results`, `focus`)
against a calculation written here from their definitions, straight from the command log: no
kompass code is used to compute the expected figures, only to make the report.

The definitions: the first four as of the end of the year (effective dates) over the initiatives
that count then (active or completed), each once; funding sums the lines whose `year` is the year;
results counts the results of any initiative effective during the year; focus counts each region's
declared level per area over the year's self-assessments (the latest recorded one for the year
replaces earlier ones; an area not declared is `none`).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, restore_store
from tests.integration.helpers import ok

DEMO = Path(__file__).resolve().parents[2] / "kompass" / "infrastructure" / "data" / "demo.jsonl"
TYPES = ("collaboration", "training", "seminar", "analysis", "project", "strategy", "application_support", "advocacy")
ROLES = ("spokesperson", "strategist", "change_leader", "lobbyist", "collaboration_leader")
SOURCES = ("coordinator_grant", "erdf", "regional", "municipal", "vinnova", "digital_europe", "other")
RESULTS = ("capability", "coordination", "direct")
AREAS = ("competence", "security", "innovation", "leadership", "infrastructure")
FINAL = ("completed", "cancelled")


def commands(log: Path) -> list[dict[str, Any]]:
    lines = [line for line in log.read_text("utf-8").splitlines() if line.strip() and not line.startswith("#")]
    return [json.loads(line) for line in lines]


def expected_tables(log: Path, year: int) -> dict[str, Any]:
    end = f"{year}-12-31"
    initiatives: dict[str, dict[str, Any]] = {}
    assessments: dict[str, dict[str, str]] = {}
    for c in commands(log):
        op = c["op"]
        if op == "portfolio.assess":
            if c["year"] == year:  # whatever its effective date: the year's assessment is made after it ends
                assessments[c["region"]] = c["focus"]
            continue
        if not op.startswith("initiative.") or c.get("effective", "9999-12-31") > end:
            continue  # a line without a date takes effect on the day it is imported, after the year
        if op == "initiative.propose":
            initiatives[c["ref"]] = {"type": c["type"], "orientation": c.get("orientation", "external"), "roles": set(c.get("roles", [])),
                                     "status": "proposed", "before": None, "funding": [], "results": []}
            continue
        i = initiatives.get(c["ref"])
        if i is None:
            continue
        if op == "initiative.status":
            i["before"], i["status"] = i["status"], c["status"]
        elif op == "initiative.reopen":
            i["status"] = i["before"]
        elif op == "initiative.fund":
            i["funding"].append((c["source"], c["amount_sek"], c["year"]))
        elif op == "initiative.unfund":
            i["funding"].remove((c["source"], c["amount_sek"], c["year"]))
        elif op == "initiative.result":
            i["results"].append((c["type"], c["text"], c["effective"]))
        elif op == "initiative.withdraw_result":
            i["results"].remove(next(r for r in i["results"] if r[:2] == (c["type"], c["text"])))
        elif op == "initiative.retype":
            i["type"] = c["type"]
        elif op == "initiative.reorient":
            i["orientation"] = c["orientation"]
        elif op == "initiative.roles":
            i["roles"] = set(c["roles"])
    counting = [i for i in initiatives.values() if i["status"] in ("active", "completed")]
    funding: Counter[str] = Counter()
    for i in counting:
        for source, amount, for_year in i["funding"]:
            if for_year == year:
                funding[source] += amount
    results = Counter(t for i in initiatives.values() for t, _text, day in i["results"] if day.startswith(f"{year}-"))
    return {
        "types": {t: sum(1 for i in counting if i["type"] == t) for t in TYPES},
        "orientation": {o: sum(1 for i in counting if i["orientation"] == o) for o in ("internal", "external")},
        "roles": {r: sum(1 for i in counting if r in i["roles"]) for r in ROLES},
        "funding": {s: funding[s] for s in SOURCES},
        "results": {t: results[t] for t in RESULTS},
        "focus": {a: {level: sum(1 for f in assessments.values() if f.get(a, "none") == level)
                      for level in ("high", "medium", "low", "none")} for a in AREAS},
    }


def national(url: str, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ok(url, "report", "national", *args, "--format", "json").stdout)
    return data


def test_the_worked_example_s_tables_equal_the_calculation_and_the_shared_fixture(db_url: str, small_log: Path) -> None:
    """On a SQLite file and on PostgreSQL."""
    ok(db_url, "import", str(small_log))
    data = national(db_url, "--year", "2021")
    expected = expected_tables(small_log, 2021)
    for key, value in expected.items():
        assert data[key] == value, key
    fixture = json.loads((FIXTURES / "national-2021.expected.json").read_text("utf-8"))
    assert {k: data[k] for k in expected} == {k: fixture[k] for k in expected}


@pytest.mark.parametrize("year", [2020, 2021, 2022])
def test_the_demo_s_tables_equal_the_calculation(tmp_path: Path, year: int) -> None:
    url = restore_store(f"sqlite:///{tmp_path / 'demo.db'}", DEMO)
    data = national(url, "--year", str(year))
    expected = expected_tables(DEMO, year)
    for key, value in expected.items():
        assert data[key] == value, key
    if year == 2021:
        assert sum(data["types"].values()) == sum(data["orientation"].values()) > 40
        assert sum(data["focus"]["security"].values()) == data["regions_assessed"] == 20
        assert data["funding"]["erdf"] > 0 and sum(data["results"].values()) > 0


def test_the_national_json_keeps_exactly_the_contract_keys(sqlite_url: str, small_log: Path) -> None:
    ok(sqlite_url, "import", str(small_log))
    assert list(national(sqlite_url, "--year", "2021")) == [
        "year", "regions_assessed", "improved", "unchanged", "declined", "not_comparable", "lights", "area_ranking",
        "types", "orientation", "roles", "results", "funding", "focus",
    ]


def test_a_correction_recorded_later_changes_the_tables(sqlite_url: str, small_log: Path, tmp_path: Path) -> None:
    """The tables read the same fold as every other figure: a status change back-dated into the year counts."""
    ok(sqlite_url, "import", str(small_log))
    before = national(sqlite_url, "--year", "2021")
    paused = next(c for c in commands(small_log) if c["op"] == "initiative.status" and c["status"] == "paused")
    ok(sqlite_url, "initiative", "status", paused["ref"], "active", "--effective", "2021-11-30")
    after = national(sqlite_url, "--year", "2021")
    assert sum(after["types"].values()) == sum(before["types"].values()) + 1
    log = tmp_path / "more.jsonl"
    log.write_text(small_log.read_text("utf-8") + json.dumps(
        {"op": "initiative.status", "ref": paused["ref"], "status": "active", "effective": "2021-11-30"}) + "\n", "utf-8")
    for key, value in expected_tables(log, 2021).items():
        assert after[key] == value, key


def test_the_tables_agree_with_each_other_and_with_the_headline_figures_every_year(tmp_path: Path) -> None:
    """Every counting initiative has one type and one orientation; every assessed region declares one level per area."""
    url = restore_store(f"sqlite:///{tmp_path / 'demo.db'}", DEMO)
    for year in range(2019, 2026):
        data = national(url, "--year", str(year))
        counting = sum(data["types"].values())
        assert sum(data["orientation"].values()) == counting, year
        assert all(0 <= n <= counting for n in data["roles"].values()), year
        assert all(sum(levels.values()) == data["regions_assessed"] for levels in data["focus"].values()), year
        assert sum(data["lights"].values()) == data["regions_assessed"], year
        assert all(v >= 0 for v in (*data["funding"].values(), *data["results"].values())), year


def test_the_document_shows_each_earlier_year_as_its_own_report_counts_it(tmp_path: Path) -> None:
    """The trend columns (2020 beside 2021) are the figures the 2020 report gives."""
    url = restore_store(f"sqlite:///{tmp_path / 'demo.db'}", DEMO)
    earlier = national(url, "--year", "2020")
    text = ok(url, "report", "national", "--year", "2021", "--lang", "en").stdout
    assert "| Type | 2020 | 2021 |" in text
    assert f"| project | {earlier['types']['project']} | " in text
    lights = earlier["lights"]
    row = f"| 2020 | {earlier['regions_assessed']} | {earlier['improved']} | {lights['green']} | {lights['yellow']} | {lights['red']} |"
    assert row in text
