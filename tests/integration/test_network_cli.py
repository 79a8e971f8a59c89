"""`kompass network metrics|risks|whatif|export|diff` on the worked example (docs/definitions.md, docs/cli-reference.md)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from kompass.infrastructure.bootstrap import Store
from tests.conftest import FIXTURES, init_store
from tests.integration.helpers import as_csv, as_json, invoke, ok, refused

SHARED = Path(__file__).resolve().parents[3] / "shared"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The worked example imported into a fresh SQLite store (read only in these tests)."""
    url = init_store(f"sqlite:///{tmp_path_factory.mktemp('network') / 'kompass.db'}")
    ok(url, "import", str(FIXTURES / "small.jsonl"))
    return url


def test_metrics_json_equals_the_fixture_field_by_field(example: str) -> None:
    expected = json.loads((FIXTURES / "network.expected.json").read_text("utf-8"))
    actual = as_json(example, "network", "metrics")
    assert list(actual) == list(expected)
    assert len(actual["nodes"]) == len(expected["nodes"])
    for mine, theirs in zip(actual["nodes"], expected["nodes"], strict=True):
        assert list(mine) == list(theirs)
        assert {k: v for k, v in mine.items() if k not in ("betweenness", "community")} == {
            k: v for k, v in theirs.items() if k not in ("betweenness", "community")
        }
        assert mine["betweenness"] == pytest.approx(theirs["betweenness"], abs=1e-9)
        assert isinstance(mine["community"], int)
    assert actual["density"] == pytest.approx(expected["density"], abs=1e-9)
    assert (actual["articulation_points"], actual["bridges"], actual["sampled"]) == (
        expected["articulation_points"], expected["bridges"], expected["sampled"]
    )


def test_communities_split_the_two_parts_of_the_example(example: str) -> None:
    nodes = {x["actor"]: x["community"] for x in as_json(example, "network", "metrics")["nodes"]}
    assert nodes["region-08"] == nodes["region-09"] == nodes["bibl-kalmar"]
    assert nodes["region-14"] == nodes["digg"] == nodes["rise"] == nodes["region-12"]
    assert nodes["region-08"] != nodes["region-14"]
    assert sorted(set(nodes.values())) == list(range(len(set(nodes.values()))))


def test_the_shared_contract_checker_says_ok() -> None:
    checker = SHARED / "tools" / "check-contract"
    kompass = Path(sys.executable).with_name("kompass")
    if not checker.exists() or not kompass.exists():
        pytest.skip("the shared contract checker or the installed kompass is not here")
    env = {k: v for k, v in os.environ.items() if k not in ("KOMPASS_DB", "KOMPASS_USER")}
    result = subprocess.run([str(checker), str(kompass)], capture_output=True, text=True, env=env, timeout=600, check=False)
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(lines) == 4 and all(line.startswith("ok ") for line in lines), result.stdout


def test_region_and_area_restrict_to_their_initiatives(example: str) -> None:
    kalmar = as_json(example, "network", "metrics", "--region", "08")
    assert [x["actor"] for x in kalmar["nodes"]] == ["bibl-kalmar", "region-08", "region-09"]
    assert kalmar["articulation_points"] == ["region-08"] and kalmar["density"] == pytest.approx(2 / 3)
    gotland = as_json(example, "network", "metrics", "--region", "09")
    assert [x["actor"] for x in gotland["nodes"]] == ["region-08", "region-09"], "08-oppen-data has region 09 as partner"
    competence = as_csv(example, "network", "metrics", "--area", "competence")
    assert [row["actor"] for row in competence] == ["bibl-kalmar", "region-08"], "14-open-data's competence was untagged"
    assert refused(example, "network", "metrics", "--region", "99").startswith("unknown region")
    assert refused(example, "network", "metrics", "--area", "nope").startswith("unknown area")


def test_top_keeps_the_most_between_actors(example: str) -> None:
    top = as_json(example, "network", "metrics", "--top", "2")
    assert [x["actor"] for x in top["nodes"]] == ["region-08", "region-14"]
    table = ok(example, "network", "metrics").stdout
    assert "articulation points: region-08, region-14" in table and "betweenness exact" in table


def test_as_of_and_known_at_replay_the_log(example: str) -> None:
    early = as_json(example, "network", "metrics", "--as-of", "2021-02-10")
    assert [x["actor"] for x in early["nodes"]] == ["bibl-kalmar", "digg", "iis", "region-08", "region-12", "region-14", "rise"]
    assert early["articulation_points"] == [] and early["bridges"] == [["bibl-kalmar", "region-08"]]
    before = as_json(example, "network", "metrics", "--known-at", "2000-01-01")
    assert before == {"nodes": [], "density": 0, "articulation_points": [], "bridges": [], "sampled": False}


def test_risks_name_key_actors_and_what_they_cut_off(example: str) -> None:
    data = as_json(example, "network", "risks")
    assert [(k["actor"], k["cut_off_actors"], k["cut_off_initiatives"]) for k in data["key_actors"]] == [
        ("region-08", ["region-09"], ["08-oppen-data"]),
        ("region-14", ["gbg"], ["14-open-data"]),
    ]
    regions = {r["region"]: r for r in data["regions"]}
    assert len(regions) == 21
    assert "library" in regions["14"]["missing_kinds"] and "library" not in regions["08"]["missing_kinds"]
    assert "university" in regions["14"]["missing_kinds"] and "agency" not in regions["14"]["missing_kinds"]
    assert regions["14"]["tied_regions"] == ["12"] and regions["08"]["tied_regions"] == ["09"]
    assert not regions["01"]["in_network"]
    assert data["cross_region_ties"] == [
        {"regions": ["08", "09"], "ties": 1, "weight": 1},
        {"regions": ["12", "14"], "ties": 1, "weight": 1},
    ]
    one = as_json(example, "network", "risks", "--region", "14")
    assert [r["region"] for r in one["regions"]] == ["14"]
    assert [k["actor"] for k in one["key_actors"]] == ["region-14"]
    assert "key actors (their departure splits the network): 2" in ok(example, "network", "risks").stdout


def test_whatif_follows_merges_and_names_what_breaks(example: str) -> None:
    data = as_json(example, "network", "whatif", "--remove", "region-14")
    assert (data["components_before"], data["components_after"]) == (2, 3)
    assert data["cut_off"] == [["gbg"]]
    assert data["initiatives_without_partner"] == ["14-open-data"]
    assert len(data["lost_ties"]) == 5
    merged = as_json(example, "network", "whatif", "--remove", "iis", "--remove", "region-08")
    assert merged["removed"] == ["internetstiftelsen", "region-08"], "iis was merged into internetstiftelsen"
    assert merged["initiatives_without_partner"] == ["08-digital-coach", "08-oppen-data"]
    assert merged["cut_off"] == [["region-09"]], "of two equal pieces, the one with the smallest key stays"
    assert merged["initiatives_cut_off"] == ["08-oppen-data"]
    assert refused(example, "network", "whatif", "--remove", "nobody") == "no actor 'nobody'"
    assert invoke(example, "network", "whatif").exit_code == 2


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_export_carries_names_kinds_regions_and_weights(example: str, fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"network.{fmt}"
    ok(example, "network", "export", "--format", fmt, "--output", str(target))
    if fmt == "graphml":
        g = nx.read_graphml(target)
        assert g.graph["log_position"] > 0
    elif fmt == "gexf":
        g = nx.read_gexf(target)
    else:
        g = nx.node_link_graph(json.loads(target.read_text("utf-8")), edges="edges")
    assert g.number_of_nodes() == 9 and g.number_of_edges() == 13
    assert g.nodes["bibl-kalmar"]["kind"] == "library" and g.nodes["bibl-kalmar"]["region"] == "08"
    assert g.nodes["gbg"]["name"] == "Göteborgs stad"
    assert int(g.edges["gbg", "region-14"]["weight"]) == 1
    streamed = ok(example, "network", "export", "--format", fmt).stdout_bytes
    assert streamed[:200] == target.read_bytes()[:200]


def test_export_to_stdout_is_parsable(example: str) -> None:
    g = nx.read_graphml(io.BytesIO(ok(example, "network", "export").stdout_bytes))
    assert sorted(g) == [x["actor"] for x in as_json(example, "network", "metrics")["nodes"]]


def test_diff_between_two_dates(example: str) -> None:
    data = as_json(example, "network", "diff", "--from", "2021-02-10", "--to", "2021-12-31")
    assert data["actors"] == {"gained": ["gbg", "internetstiftelsen", "region-09"], "lost": ["iis"]}
    assert {"actors": ["gbg", "region-14"], "weight": 1} in data["ties"]["gained"]
    assert {"actors": ["digg", "iis"], "weight": 1} in data["ties"]["lost"]
    assert data["articulation_points"] == {"gained": ["region-08", "region-14"], "lost": []}
    assert {"actor": "region-14", "metric": "degree", "from": 4, "to": 5} in data["metrics"]
    rows = as_csv(example, "network", "diff", "--from", "2021-02-10", "--to", "2021-12-31")
    assert {"change": "actor lost", "subject": "iis", "from": "", "to": ""} in rows


def test_print_top_risks_for_the_demo(example: str, capsys: pytest.CaptureFixture[str]) -> None:
    from kompass.cli.network import print_top_risks

    store = Store(example, "admin")
    try:
        print_top_risks(store, n=1)
    finally:
        store.close()
    out = capsys.readouterr().out
    assert "2 key actor(s)" in out and "region-08 (region) cuts off 1: region-09" in out
    assert "region-14" not in out.split("\n", 2)[2], "only the top one"


def test_help_does_not_import_networkx() -> None:
    code = "import sys; from kompass.cli.main import cli; print('networkx' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_network_projection_is_listed(example: str) -> None:
    status = {row["projection"]: row for row in as_json(example, "projections", "status")}
    assert status["network"]["behind"] == 0
