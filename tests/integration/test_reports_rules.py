"""The rules of the yearly reports on small hand-made logs: movement, the year's portfolio, ranking ties."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.integration.helpers import ok


def load(url: str, tmp_path: Path, lines: list[dict[str, Any]]) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", "utf-8")
    ok(url, "import", str(log))


def assess(region: str, year: int, score: int, light: str, effective: str, **focus: str) -> dict[str, Any]:
    return {"op": "portfolio.assess", "region": region, "year": year, "score": score, "light": light, "focus": focus,
            "effective": effective}


def propose(ref: str, region: str, areas: list[str], effective: str) -> dict[str, Any]:
    return {"op": "initiative.propose", "ref": ref, "region": region, "title": ref, "areas": areas, "type": "project",
            "effective": effective}


def status(ref: str, to: str, effective: str) -> dict[str, Any]:
    return {"op": "initiative.status", "ref": ref, "status": to, "effective": effective}


def report(url: str, *args: str) -> Any:
    return json.loads(ok(url, "report", *args, "--format", "json").stdout)


def test_movement_compares_with_the_latest_earlier_assessed_year_and_a_repeat_replaces(sqlite_url: str, tmp_path: Path) -> None:
    load(sqlite_url, tmp_path, [
        assess("01", 2019, 7, "green", "2020-01-15"),           # 2020 not assessed: 2021 is compared with 2019
        assess("01", 2021, 5, "yellow", "2022-01-15"),
        assess("03", 2020, 4, "yellow", "2021-01-15"),
        assess("03", 2021, 4, "green", "2022-01-15"),
        assess("03", 2021, 6, "green", "2022-01-20"),           # a repeat for 2021 replaces the first
        assess("04", 2020, 5, "green", "2021-01-15"),           # nothing for 2021: not comparable, not assessed
        assess("05", 2021, 9, "red", "2022-01-15"),             # nothing earlier: not comparable, but assessed
        assess("06", 2022, 9, "green", "2023-01-15"),           # a later year does not count
    ])
    data = report(sqlite_url, "national", "--year", "2021")
    assert data["regions_assessed"] == 3
    assert (data["improved"], data["unchanged"], data["declined"], data["not_comparable"]) == (1, 0, 1, 19)
    assert data["lights"] == {"green": 1, "yellow": 1, "red": 1}
    annual = report(sqlite_url, "annual", "--region", "01", "--year", "2021")
    assert annual["previous_assessment"]["year"] == 2019 and annual["movement"] == "declined" and annual["score_change"] == -2
    assert report(sqlite_url, "annual", "--region", "03", "--year", "2021")["assessment"]["score"] == 6


def test_area_ranking_ties_keep_the_framework_order_and_count_at_the_year_end(sqlite_url: str, tmp_path: Path) -> None:
    load(sqlite_url, tmp_path, [
        propose("a", "14", ["leadership", "security"], "2021-02-01"), status("a", "active", "2021-02-01"),
        propose("b", "12", ["infrastructure"], "2021-02-01"), status("b", "active", "2021-02-01"),
        propose("c", "12", ["competence"], "2021-02-01"), status("c", "active", "2022-01-10"),  # counts only from 2022
    ])
    # infrastructure 1; security and leadership ½ each (framework order: security first); competence and innovation 0
    assert report(sqlite_url, "national", "--year", "2021")["area_ranking"] == [
        "infrastructure", "security", "leadership", "competence", "innovation"
    ]
    assert report(sqlite_url, "national", "--year", "2022")["area_ranking"] == [
        "competence", "infrastructure", "security", "leadership", "innovation"
    ]


def test_the_years_portfolio_leaves_out_work_finished_before_it(sqlite_url: str, tmp_path: Path) -> None:
    load(sqlite_url, tmp_path, [
        propose("old", "14", ["innovation"], "2020-02-01"), status("old", "completed", "2020-10-01"),
        propose("old-touched", "14", ["innovation"], "2020-02-01"), status("old-touched", "completed", "2020-10-01"),
        {"op": "initiative.result", "ref": "old-touched", "type": "direct", "text": "late result", "effective": "2021-03-01"},
        propose("running", "14", ["innovation"], "2020-02-01"), status("running", "active", "2020-03-01"),
        status("running", "completed", "2021-06-01"),
        propose("new", "12", ["security"], "2021-05-01"),
        {"op": "initiative.join", "ref": "new", "actor": "region-14", "role": "partner", "effective": "2021-05-01"},
        propose("next-year", "14", ["security"], "2022-01-05"),
    ])
    data = report(sqlite_url, "annual", "--region", "14", "--year", "2021")
    entries = {e["ref"]: e for e in data["initiatives"]}
    assert sorted(entries) == ["new", "old-touched", "running"]
    assert (entries["running"]["status_at_start"], entries["running"]["status"]) == ("active", "completed")
    assert entries["new"]["status_at_start"] is None and entries["new"]["regions"] == ["12", "14"]
    assert data["changes"]["started"] == ["new"] and data["changes"]["completed"] == ["running"]
    assert data["results"]["direct"] == [{"ref": "old-touched", "type": "direct", "text": "late result", "effective": "2021-03-01"}]
    assert data["by_status"]["completed"] == 2 and data["by_status"]["proposed"] == 1
