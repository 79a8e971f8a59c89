"""`kompass report annual|national`: the numbers against the projections, the worked example's
national report, and byte-identical regeneration from a log position."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kompass.application.queries import coverage_report, list_initiatives
from kompass.application.views import coverage_json, gaps_json
from kompass.domain.vocabulary import REGIONS
from kompass.infrastructure.bootstrap import Store
from tests.conftest import FIXTURES, restore_store
from tests.integration.helpers import invoke, ok, refused

DEMO = Path(__file__).resolve().parents[2] / "kompass" / "infrastructure" / "data" / "demo.jsonl"
AREAS = ("competence", "security", "innovation", "leadership", "infrastructure")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The shipped demo portfolio imported into a fresh SQLite store (read only in these tests)."""
    url = restore_store(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'kompass.db'}", DEMO)
    return url


def report_json(url: str, *args: str) -> Any:
    return json.loads(ok(url, "report", *args, "--format", "json").stdout)


def test_national_report_on_the_worked_example_equals_the_fixture(sqlite_url: str, small_log: Path) -> None:
    ok(sqlite_url, "import", str(small_log))
    expected = json.loads((FIXTURES / "national-2021.expected.json").read_text("utf-8"))
    assert report_json(sqlite_url, "national", "--year", "2021") == expected


def test_national_json_has_exactly_the_contract_keys(demo_url: str) -> None:
    data = report_json(demo_url, "national", "--year", "2021")
    assert list(data) == ["year", "regions_assessed", "improved", "unchanged", "declined", "not_comparable", "lights", "area_ranking",
                          "types", "orientation", "roles", "results", "funding", "focus"]
    assert list(data["lights"]) == ["green", "yellow", "red"]


def test_national_report_on_the_demo_matches_the_evaluation_and_the_projections(demo_url: str) -> None:
    data = report_json(demo_url, "national", "--year", "2021")
    # the 2022 evaluation: 20 of 21 regions assessed (Gotland's coordinator was new), 17 of 20 moved
    # up, 13 green and 7 yellow, and digital trygghet the weakest area
    assert data["regions_assessed"] == 20
    assert (data["improved"], data["unchanged"], data["declined"], data["not_comparable"]) == (17, 1, 2, 1)
    assert data["improved"] + data["unchanged"] + data["declined"] + data["not_comparable"] == len(REGIONS)
    assert data["lights"] == {"green": 13, "yellow": 7, "red": 0}
    assert data["area_ranking"][-1] == "security"

    store = Store(demo_url, "admin")
    try:
        report = coverage_report(store.fresh_read_model(), store.facts, store.framework, store.today(), as_of=date(2021, 12, 31))
        national = coverage_json(report)["national"]
        assert data["area_ranking"] == sorted(AREAS, key=lambda a: (-national[a]["weighted"], AREAS.index(a)))
        assessments = {(a.region, a.year): a for a in store.read_model.assessments()}
    finally:
        store.close()
    this_year = [a for (_, year), a in assessments.items() if year == 2021]
    assert data["regions_assessed"] == len(this_year)
    assert data["lights"]["green"] == sum(1 for a in this_year if a.light == "green")
    improved = 0
    for region in REGIONS:
        earlier = [y for (r, y) in assessments if r == region and y < 2021]
        if (region, 2021) in assessments and earlier:
            improved += assessments[(region, 2021)].score > assessments[(region, max(earlier))].score
    assert data["improved"] == improved


def test_annual_report_numbers_match_the_projections_as_of_the_year_end(demo_url: str) -> None:
    data = report_json(demo_url, "annual", "--region", "14", "--year", "2021")
    store = Store(demo_url, "admin")
    try:
        report = coverage_report(store.fresh_read_model(), store.facts, store.framework, store.today(), as_of=date(2021, 12, 31))
        region_rows = coverage_json(report, region="14")["regions"][0]["areas"]
        gaps = gaps_json(report, region="14")
        records, _ = list_initiatives(store.read_model, store.facts, region="14", as_of=date(2021, 12, 31))
        assessment = next(a for a in store.read_model.assessments() if (a.region, a.year) == ("14", 2021))
    finally:
        store.close()
    assert data["as_of"] == "2021-12-31"
    for row in data["coverage"]:
        projected = region_rows[row["area"]]
        assert {k: row[k] for k in projected} == projected
    assert data["gaps"] == [{"area": g["area"], "kind": g["kind"]} for g in gaps["gaps"]]
    status = {r.ref: r.status for r in records}
    assert data["initiatives"], "region 14 has initiatives in 2021"
    for entry in data["initiatives"]:
        assert entry["status"] == status[entry["ref"]]
        assert "14" in entry["regions"]
    assert data["assessment"]["score"] == assessment.score and data["assessment"]["light"] == assessment.light
    assert data["movement"] == "improved" and data["score_change"] == 2
    assert data["funding_total_sek"] == sum(e["budget_sek"] for e in data["initiatives"])
    for area, per_type in data["by_area_and_type"].items():
        assert sum(per_type.values()) == sum(1 for e in data["initiatives"] if area in e["areas"])
    unbacked = [a for a in AREAS if data["assessment"]["focus"][a] in ("medium", "high") and region_rows[a]["initiatives"] == 0]
    assert data["declared_unbacked"] == unbacked
    assert data["log"]["position"] > 0 and data["log"]["checkpoint"].startswith("kompass/")


def test_a_report_for_a_year_after_every_change_equals_the_materialised_projection(demo_url: str) -> None:
    """The replay the reports use, against the incrementally kept tables (a different path to the same numbers)."""
    store = Store(demo_url, "admin")
    try:
        projected = coverage_json(coverage_report(store.fresh_read_model(), store.facts, store.framework, store.today()))
    finally:
        store.close()
    for region in ("01", "09", "14"):
        data = report_json(demo_url, "annual", "--region", region, "--year", "2025")
        rows = next(r for r in projected["regions"] if r["region"] == region)["areas"]
        for row in data["coverage"]:
            assert {k: row[k] for k in rows[row["area"]]} == rows[row["area"]]
    national = report_json(demo_url, "national", "--year", "2025")
    assert national["regions_assessed"] == 0 and national["not_comparable"] == 21
    assert national["area_ranking"] == sorted(AREAS, key=lambda a: (-projected["national"][a]["weighted"], AREAS.index(a)))


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
@pytest.mark.parametrize("kind", ["annual", "national"])
def test_the_same_report_twice_is_byte_identical_and_regenerates_from_its_position(
    sqlite_url: str, small_log: Path, tmp_path: Path, fmt: str, kind: str
) -> None:
    ok(sqlite_url, "import", str(small_log))
    args = ["report", kind, "--year", "2021", "--format", fmt] + (["--region", "14"] if kind == "annual" else [])
    first, second = tmp_path / f"first.{fmt}", tmp_path / f"second.{fmt}"
    ok(sqlite_url, *args, "--output", str(first))
    ok(sqlite_url, *args, "--output", str(second))
    assert first.read_bytes() == second.read_bytes()
    assert ok(sqlite_url, *args).stdout.encode("utf-8") == first.read_bytes()

    store = Store(sqlite_url, "admin")
    try:
        position = store.facts.head()
        latest = store.log.latest()
        assert latest is not None
        root = latest.note.split("\n")[2]
    finally:
        store.close()
    if fmt != "json" or kind == "annual":
        assert str(position) in first.read_text("utf-8") and root in first.read_text("utf-8")
    # later changes, some effective in 2021: a report regenerated at the stamped position is the same file
    ok(sqlite_url, "initiative", "status", "14-dataverkstad", "completed", "--effective", "2021-12-01")
    ok(sqlite_url, "initiative", "result", "14-dataverkstad", "--type", "direct", "--text", "Öppna data publicerade",
       "--effective", "2021-12-01")
    later = tmp_path / f"later.{fmt}"
    ok(sqlite_url, *args, "--output", str(later))
    again = tmp_path / f"again.{fmt}"
    ok(sqlite_url, *args, "--position", str(position), "--output", str(again))
    assert again.read_bytes() == first.read_bytes()
    if fmt != "json":
        assert later.read_bytes() != first.read_bytes()
    if fmt != "json" or kind == "annual":
        assert invoke(sqlite_url, "verify", "--against", str(first)).exit_code == 0


def test_annual_report_markdown_has_every_section(demo_url: str) -> None:
    text = ok(demo_url, "report", "annual", "--region", "14", "--year", "2021", "--lang", "en").stdout
    for heading in (
        "# Annual report 2021: Region Västra Götaland (14)",
        "## Self-assessment and traffic light",
        "## Declared focus against coverage",
        "## Initiatives by area and type",
        "## Results recorded in 2021",
        "## Funding",
        "## Actor network and key-actor risks",
        "## What changed during 2021",
        "## Provenance",
    ):
        assert heading in text, heading
    assert "14-2021-nationell-dataverkstad" in text


def test_national_report_markdown_has_every_section(demo_url: str) -> None:
    text = ok(demo_url, "report", "national", "--year", "2021", "--lang", "en").stdout
    for heading in ("## Coverage: regions × areas", "## Area ranking", "## Movement and traffic lights",
                    "## Regions with the largest gaps", "## Cross-region collaboration", "## Provenance"):
        assert heading in text, heading
    assert "| 09 Gotland |" in text


def test_html_reports_are_self_contained_and_responsive(demo_url: str, tmp_path: Path) -> None:
    for args, pictures in ((["annual", "--region", "14"], 2), (["national"], 3)):
        target = tmp_path / f"report-{args[0]}.html"  # a new file each: --output refuses to replace one
        ok(demo_url, "report", *args, "--year", "2021", "--format", "html", "--output", str(target))
        page = target.read_text("utf-8")
        assert page.startswith("<!DOCTYPE html>")
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
        assert "@media print" in page and "@media (max-width" in page
        assert "figure svg { min-width: 560px; }" in page, "on a phone pictures scroll rather than shrink past reading"
        assert '<html lang="sv">' in page
        assert "<script" not in page and "<link" not in page and "<img" not in page
        assert not re.search(r"""(?:src|href)=["'](?!#|data:)|url\((?!#)|@import""", page), "every reference stays inside the file"
        assert page.count("<svg") >= pictures
        assert "<?xml" not in page and "<!DOCTYPE svg" not in page
        assert "kompass verify --against" in page and "\u2014 kompass/" in page


def test_refusals(demo_url: str) -> None:
    assert "region" in refused(demo_url, "report", "annual", "--region", "99", "--year", "2021")
    assert "position" in refused(demo_url, "report", "national", "--year", "2021", "--position", "999999")
    assert invoke(demo_url, "report", "national").exit_code == 2
    assert invoke(demo_url, "report", "national", "--year", "2021", "--format", "pptx").exit_code == 2


def test_coverage_heatmap_pictures(demo_url: str, tmp_path: Path) -> None:
    png, svg = tmp_path / "c.png", tmp_path / "c.svg"
    ok(demo_url, "coverage", "--format", "png", "--output", str(png))
    ok(demo_url, "coverage", "--format", "svg", "--output", str(svg))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    assert b"<svg" in svg.read_bytes() and b"Stockholm" in svg.read_bytes()
    assert ok(demo_url, "coverage", "--format", "svg").stdout.encode("utf-8") == svg.read_bytes()
    again = tmp_path / "again.png"
    ok(demo_url, "coverage", "--format", "png", "--output", str(again))
    assert again.read_bytes() == png.read_bytes()
    assert ok(demo_url, "coverage", "--format", "png").stdout_bytes == png.read_bytes()  # standard output, not a terminal


def test_annual_report_names_the_key_actors_and_the_year_changes(demo_url: str) -> None:
    data = report_json(demo_url, "annual", "--region", "14", "--year", "2021")
    network = data["network"]
    assert network["actors"] == len(network["nodes"]) and network["ties"] == len(network["edges"])
    assert [k["actor"] for k in network["key_actors"]] == ["region-14"]
    assert {n["actor"] for n in network["nodes"] if n["key"]} == {"region-14"}
    metrics = json.loads(ok(demo_url, "network", "metrics", "--region", "14", "--as-of", "2021-12-31", "--format", "json").stdout)
    assert sorted(n["actor"] for n in network["nodes"]) == [n["actor"] for n in metrics["nodes"]]
    assert sorted(k["actor"] for k in network["key_actors"]) == metrics["articulation_points"]
    changes = data["changes"]
    assert set(changes["started"]) == {e["ref"] for e in data["initiatives"] if e["status_at_start"] is None}
    assert all(e["effective"].startswith("2021-") for e in changes["events"])
    order = [(e["effective"], e["position"]) for e in changes["events"]]
    assert order == sorted(order)
    kinds = {c["field"] for c in changes["coverage"]}
    assert "initiatives" in kinds


def test_national_report_counts_cross_region_collaboration(demo_url: str) -> None:
    data = json.loads(ok(demo_url, "report", "annual", "--region", "12", "--year", "2021", "--format", "json").stdout)
    assert data["network"]["tied_regions"], "Skåne works with other regions in 2021"
    text = ok(demo_url, "report", "national", "--year", "2021").stdout
    assert "| 14-2021-nationell-dataverkstad | Nationell dataverkstad | 14 | 12, 14, 17, 22 |" in text
