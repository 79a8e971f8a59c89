"""`--framework`: the same history viewed under another strategy's areas (docs/frameworks.md).

Each initiative counts under the union of the crosswalk targets of its se-2017 areas, with
weight 1 / (number of mapped areas) and its funding split equally among them. The expected
numbers come from an independent reference reading the framework files as plain JSON.
Viewing writes nothing: the history is not rewritten.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import kompass
from kompass.domain.vocabulary import REGIONS
from kompass.infrastructure.bootstrap import Store
from tests.integration.helpers import as_json, ok, refused
from tests.integration.test_projections_reference import (
    Numbers,
    generate_log,
    keys_of,
    reference_numbers,
    write_log,
)

SHIPPED = Path(kompass.__file__).parent / "infrastructure" / "data" / "frameworks"
VIEWS = ("se-2025", "vgr-kraftsamling", "eu-digital-decade")
OWN = {
    "key": "my-strategy",
    "name": "Vår egen strategi",
    "source": "Regionens digitaliseringsplan 2024",
    "areas": [
        {"key": "people", "name": "Människor", "description": "Kompetens och delaktighet."},
        {"key": "tech", "name": "Teknik", "description": "Infrastruktur och säkerhet."},
        {"key": "growth", "name": "Tillväxt", "description": "Innovation.", "cross_cutting": True},
    ],
    "crosswalk": {
        "from": "se-2017",
        "map": {
            "competence": ["people"],
            "security": ["tech", "people"],
            "innovation": ["growth", "tech"],
            "leadership": ["people"],
            "infrastructure": ["tech"],
        },
        "notes": {},
    },
}


def framework_file(key_or_path: str) -> dict[str, Any]:
    path = SHIPPED / f"{key_or_path}.json" if key_or_path in VIEWS else Path(key_or_path)
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def view_of(data: dict[str, Any]) -> tuple[list[str], dict[str, list[str]]]:
    return [a["key"] for a in data["areas"]], data["crosswalk"]["map"]


@pytest.fixture
def own_file(tmp_path: Path) -> str:
    path = tmp_path / "my-strategy.json"
    path.write_text(json.dumps(OWN, ensure_ascii=False, indent=2), "utf-8")
    return str(path)


def import_log(url: str, path: Path) -> tuple[set[str], set[str]]:
    ok(url, "import", str(path))
    commands = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip() and not line.startswith("#")]
    return keys_of(commands)


def expected_numbers(url: str, refs: set[str], keys: set[str], framework: str) -> tuple[Numbers, list[str]]:
    data = framework_file(framework)
    store = Store(url, "admin")
    try:
        return reference_numbers(store, refs, keys, view_of(data)), view_of(data)[0]
    finally:
        store.close()


def assert_matches(reference: Numbers, areas: list[str], coverage: dict[str, Any], gaps: dict[str, Any]) -> None:
    """The command line's JSON says what the reference computed, for every region, area and field."""
    assert [r["region"] for r in coverage["regions"]] == list(REGIONS), "all 21 regions, in code order"
    for row in coverage["regions"]:
        assert list(row["areas"]) == areas, "areas in the framework's own order"
        for area, got in row["areas"].items():
            n, weighted, pipeline, budget, actors, gap = reference.cells[(row["region"], area)]
            assert (got["initiatives"], got["pipeline"], got["budget_sek"], got["actors"], got["gap"]) == (
                n, pipeline, budget, actors, gap
            ), (row["region"], area, got)
            assert abs(got["weighted"] - float(weighted)) <= 1e-9, (row["region"], area)
    assert list(coverage["national"]) == areas
    for area, got in coverage["national"].items():
        n, weighted, with_gap = reference.national[area]
        assert (got["initiatives"], got["regions_with_gap"]) == (n, with_gap), area
        assert abs(got["weighted"] - float(weighted)) <= 1e-9
    listed = [(g["region"], g["area"], g["kind"]) for g in gaps["gaps"]]
    assert listed == [(r, a, reference.cells[(r, a)][5]) for r in REGIONS for a in areas if reference.cells[(r, a)][5]]
    assert [(d["region"], d["area"]) for d in gaps["declared_unbacked"]] == reference.declared_unbacked


def event_count(url: str) -> int:
    return int(as_json(url, "projections", "status")[0]["head"])


def test_views_of_the_worked_example(db_url: str, small_log: Path, own_file: str) -> None:
    refs, keys = import_log(db_url, small_log)
    events = event_count(db_url)
    for framework in (*VIEWS, own_file):
        reference, areas = expected_numbers(db_url, refs, keys, framework)
        coverage = as_json(db_url, "coverage", "--framework", framework)
        assert coverage["framework"] == framework_file(framework)["key"]
        assert_matches(reference, areas, coverage, as_json(db_url, "gaps", "--framework", framework))
        # Replaying the whole log (a date far ahead) gives the same view as the tables.
        replayed = as_json(db_url, "coverage", "--framework", framework, "--as-of", "2100-01-01")
        assert replayed["regions"] == coverage["regions"] and replayed["national"] == coverage["national"]
        # Filters work on the view's areas; a base area is not one of them.
        first = areas[0]
        only = as_json(db_url, "coverage", "--framework", framework, "--area", first, "--region", "14")
        assert [r["region"] for r in only["regions"]] == ["14"] and list(only["regions"][0]["areas"]) == [first]
        assert "unknown area 'innovation'" in refused(db_url, "coverage", "--framework", framework, "--area", "innovation")
    # The history is not rewritten, and the default view is still se-2017.
    assert event_count(db_url) == events
    assert as_json(db_url, "coverage")["framework"] == "se-2017"


def test_views_of_a_bigger_random_history(sqlite_url: str, tmp_path: Path, own_file: str) -> None:
    refs, keys = import_log(sqlite_url, write_log(tmp_path / "log.jsonl", generate_log(900, seed=11)))
    for framework in (*VIEWS, own_file):
        reference, areas = expected_numbers(sqlite_url, refs, keys, framework)
        coverage = as_json(sqlite_url, "coverage", "--framework", framework)
        assert_matches(reference, areas, coverage, as_json(sqlite_url, "gaps", "--framework", framework))
    assert {kind for r in coverage["regions"] for c in r["areas"].values() for kind in [c["gap"]]} >= {None, "absent"}


@pytest.mark.parametrize(
    ("framework", "shares"),
    [
        ("se-2017", {"innovation": (0.5, 50000), "infrastructure": (0.5, 50000)}),
        ("se-2025", {"business": (0.25, 25000), "ai": (0.25, 25000), "connectivity": (0.25, 25000), "data": (0.25, 25000)}),
        ("vgr-kraftsamling", {"business": (1 / 3, 33333), "public_sector": (1 / 3, 33333), "infrastructure": (1 / 3, 33333)}),
        ("eu-digital-decade", {"business": (0.5, 50000), "infrastructure": (0.5, 50000)}),
    ],
)
def test_the_documented_example(sqlite_url: str, framework: str, shares: dict[str, tuple[float, int]]) -> None:
    """docs/frameworks.md: tagged innovation and infrastructure, one line of 100 000 kr."""
    ok(sqlite_url, "initiative", "add", "--ref", "14-x", "--region", "14", "--title", "X", "--area", "innovation",
       "--area", "infrastructure", "--type", "project")
    ok(sqlite_url, "initiative", "status", "14-x", "active")
    ok(sqlite_url, "initiative", "fund", "14-x", "--source", "erdf", "--amount-sek", "100000", "--year", "2025")
    row = next(r for r in as_json(sqlite_url, "coverage", "--framework", framework)["regions"] if r["region"] == "14")
    counted = {a: (c["weighted"], c["budget_sek"]) for a, c in row["areas"].items() if c["initiatives"]}
    assert counted.keys() == shares.keys()
    for area, (weight, budget) in shares.items():
        assert abs(counted[area][0] - weight) <= 1e-9 and counted[area][1] == budget


def test_the_union_counts_an_area_reached_twice_once(sqlite_url: str) -> None:
    """vgr-kraftsamling: competence and security reach participation twice; each area gets 1/3."""
    ok(sqlite_url, "initiative", "add", "--ref", "14-u", "--region", "14", "--title", "U", "--area", "competence",
       "--area", "security", "--type", "training")
    ok(sqlite_url, "initiative", "status", "14-u", "completed")
    ok(sqlite_url, "initiative", "fund", "14-u", "--source", "regional", "--amount-sek", "90001", "--year", "2024")
    data = as_json(sqlite_url, "coverage", "--framework", "vgr-kraftsamling")
    row = next(r for r in data["regions"] if r["region"] == "14")["areas"]
    assert {a for a, c in row.items() if c["initiatives"]} == {"competence", "participation", "infrastructure"}
    for area in ("competence", "participation", "infrastructure"):
        assert row[area]["initiatives"] == 1 and abs(row[area]["weighted"] - 1 / 3) <= 1e-9
        assert row[area]["budget_sek"] == 30000, "90 001 / 3 = 30 000.33…, rounded once"
    assert data["national"]["participation"] == {"initiatives": 1, "weighted": pytest.approx(1 / 3), "regions_with_gap": 20}


def malformed(tmp_path: Path) -> dict[str, str]:
    """Framework files that break one rule of docs/frameworks.md each."""
    cases: dict[str, Any] = {}

    def variant(name: str, change: Any) -> None:
        data = copy.deepcopy(OWN)
        change(data)
        cases[name] = data

    variant("no crosswalk", lambda d: d.update(crosswalk=None))
    variant("crosswalk from another framework", lambda d: d["crosswalk"].update({"from": "se-2025"}))
    variant("a base area missing", lambda d: d["crosswalk"]["map"].pop("security"))
    variant("an empty target list", lambda d: d["crosswalk"]["map"].update(security=[]))
    variant("a target that is no area", lambda d: d["crosswalk"]["map"].update(security=["nowhere"]))
    variant("a target repeated", lambda d: d["crosswalk"]["map"].update(innovation=["growth", "growth"]))
    variant("duplicate area keys", lambda d: d["areas"].append({"key": "people", "name": "Igen"}))
    variant("no areas", lambda d: d.update(areas=[]))
    variant("an area without a key", lambda d: d["areas"].append({"name": "Utan nyckel"}))
    variant("an area key that is not snake_case", lambda d: (d["areas"][0].update(key="People"),
                                                             d["crosswalk"]["map"].update(competence=["People"])))
    variant("a framework key that is not a slug", lambda d: d.update(key="Min strategi!"))
    variant("the base framework's key", lambda d: d.update(key="se-2017"))
    variant("the base framework's key without a crosswalk", lambda d: d.update(key="se-2017", crosswalk=None))
    cases["not an object"] = [OWN]
    texts = {name: json.dumps(data) for name, data in cases.items()}
    texts["not JSON"] = '{"key": "x", "areas": ['
    texts["empty"] = ""
    paths = {}
    for i, (name, text) in enumerate(texts.items()):
        path = tmp_path / f"bad-{i}.json"
        path.write_text(text, "utf-8")
        paths[name] = str(path)
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes(json.dumps(OWN, ensure_ascii=False).encode("latin-1"))
    paths["not UTF-8"] = str(latin1)
    paths["a directory"] = str(tmp_path)
    return paths


def test_unknown_and_malformed_frameworks_are_refused_in_one_line(sqlite_url: str, small_log: Path, tmp_path: Path) -> None:
    ok(sqlite_url, "import", str(small_log))
    events = event_count(sqlite_url)
    message = refused(sqlite_url, "coverage", "--framework", "se-2030")
    assert "unknown framework 'se-2030'" in message
    refused(sqlite_url, "gaps", "--framework", "nowhere.json")
    refused(sqlite_url, "diff", "--from", "2021-01-01", "--to", "2021-12-31", "--framework", "se-2030")
    for name, path in malformed(tmp_path).items():
        for command in (("coverage",), ("gaps",), ("coverage", "--as-of", "2021-06-30")):
            try:
                refused(sqlite_url, *command, "--framework", path)
            except AssertionError as error:
                raise AssertionError(f"{name} ({' '.join(command)}): {error}") from None
    assert event_count(sqlite_url) == events
