"""Two kinds of time (docs/definitions.md, time): `--as-of DATE` asks what was true then (effective dates),
`--known-at TIMESTAMP` what the store said then (recording times). Back-dated events and a
correction recorded later make the two give different answers, as they must.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kompass.domain.vocabulary import REGIONS
from tests.conftest import FIXTURES, empty_pg_store, init_store
from tests.integration.helpers import as_json, invoke, ok, refused

AREAS = ("competence", "security", "innovation", "leadership", "infrastructure")


def moment() -> str:
    """A recording time strictly between what was recorded before and what comes after."""
    time.sleep(0.01)
    stamp = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    return stamp


def cell(report: dict[str, Any], region: str, area: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in report["regions"] if r["region"] == region)["areas"][area]
    return found


def close_to(expected: Any, actual: Any) -> bool:
    """JSON compared as data: floats to within 1e-9."""
    if isinstance(expected, float) or isinstance(actual, float):
        return isinstance(actual, (int, float)) and abs(expected - actual) <= 1e-9
    if isinstance(expected, dict):
        return isinstance(actual, dict) and expected.keys() == actual.keys() and all(close_to(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(map(close_to, expected, actual))
    return bool(expected == actual)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def history_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One store per backend for the whole module: the tests below only read it."""
    if request.param == "sqlite":
        yield init_store(f"sqlite:///{tmp_path_factory.mktemp('time') / 'kompass.db'}")
        return
    for url in empty_pg_store():
        yield init_store(url)


@pytest.fixture(scope="module")
def history(history_url: str) -> dict[str, str]:
    """A backfilled history, then a correction recorded later.

    First recorded (in 2026, effective 2021): 14-a proposed 2021-01-01 for innovation and
    infrastructure, RISE joins 2021-03-01, active and funded 1 000 000 kr 2021-06-01,
    region 12 joins 2021-09-01; 12-b proposed 2021-02-01 and active 2021-03-01.
    Then, recorded after `before_correction`: infrastructure was never right (untagged,
    back-dated to 2021-01-01) and 12-b was in fact cancelled on 2021-04-01.
    """
    db_url = history_url
    empty = moment()
    ok(db_url, "actor", "add", "--key", "rise", "--name", "RISE", "--kind", "research_institute", "--effective", "2021-01-01")
    ok(db_url, "initiative", "add", "--ref", "14-a", "--region", "14", "--title", "Datadelning", "--area", "innovation",
       "--area", "infrastructure", "--type", "project", "--effective", "2021-01-01")
    ok(db_url, "initiative", "join", "14-a", "--actor", "rise", "--effective", "2021-03-01")
    ok(db_url, "initiative", "status", "14-a", "active", "--effective", "2021-06-01")
    ok(db_url, "initiative", "fund", "14-a", "--source", "erdf", "--amount-sek", "1000000", "--year", "2021", "--effective", "2021-06-01")
    ok(db_url, "initiative", "join", "14-a", "--actor", "region-12", "--effective", "2021-09-01")
    ok(db_url, "initiative", "add", "--ref", "12-b", "--region", "12", "--title", "Säkerhet", "--area", "security",
       "--type", "seminar", "--effective", "2021-02-01")
    ok(db_url, "initiative", "status", "12-b", "active", "--effective", "2021-03-01")
    before_correction = moment()
    ok(db_url, "initiative", "untag", "14-a", "--area", "infrastructure", "--effective", "2021-01-01")
    ok(db_url, "initiative", "status", "12-b", "cancelled", "--reason", "never held", "--effective", "2021-04-01")
    return {"url": db_url, "empty": empty, "before_correction": before_correction}


def test_as_of_and_known_at_answer_different_questions(history: dict[str, str]) -> None:
    url, old = history["url"], history["before_correction"]

    # What the store said before the correction, about the end of June 2021.
    then = as_json(url, "coverage", "--as-of", "2021-06-30", "--known-at", old)
    assert then["as_of"] == "2021-06-30"
    for area in ("innovation", "infrastructure"):
        assert cell(then, "14", area) == {
            "initiatives": 1, "weighted": 0.5, "pipeline": 0, "budget_sek": 500000, "actors": 2, "gap": None
        }
    assert cell(then, "12", "security")["initiatives"] == 1
    assert cell(then, "12", "innovation")["gap"] == "absent", "region 12 joined 14-a only in September"

    # What we know now about the same date: the correction applies back to 2021.
    now = as_json(url, "coverage", "--as-of", "2021-06-30")
    assert cell(now, "14", "innovation") == {
        "initiatives": 1, "weighted": 1.0, "pipeline": 0, "budget_sek": 1000000, "actors": 2, "gap": None
    }
    assert cell(now, "14", "infrastructure")["gap"] == "absent"
    assert cell(now, "12", "security")["gap"] == "absent"

    # Earlier dates: 14-a was still proposed (pipeline), 12-b active until April.
    march = as_json(url, "coverage", "--as-of", "2021-03-15")
    assert cell(march, "14", "innovation") == {
        "initiatives": 0, "weighted": 0.0, "pipeline": 1, "budget_sek": 0, "actors": 0, "gap": "pipeline_only"
    }
    assert cell(march, "12", "security")["initiatives"] == 1
    assert cell(as_json(url, "coverage", "--as-of", "2021-04-01"), "12", "security")["gap"] == "absent"

    # The end of the year, now: region 12 takes part in 14-a.
    december = as_json(url, "coverage", "--as-of", "2021-12-31")
    assert cell(december, "12", "innovation") == {
        "initiatives": 1, "weighted": 1.0, "pipeline": 0, "budget_sek": 1000000, "actors": 3, "gap": None
    }
    assert december["national"]["innovation"] == {"initiatives": 1, "weighted": 1.0, "regions_with_gap": 19}

    # Recording time alone: effective 2021, but recorded today — on 2021-06-30 the store held nothing.
    for known_at in ("2021-06-30", history["empty"]):
        nothing = as_json(url, "coverage", "--known-at", known_at)
        assert {c["gap"] for r in nothing["regions"] for c in r["areas"].values()} == {"absent"}
        assert all(n["initiatives"] == 0 and n["regions_with_gap"] == 21 for n in nothing["national"].values())

    # Present time with the default clocks equals as-of today and known-at now.
    present = as_json(url, "coverage")
    assert present == as_json(url, "coverage", "--as-of", present["as_of"])
    assert present == as_json(url, "coverage", "--known-at", datetime.now(UTC).isoformat())


def test_gaps_follow_both_clocks(history: dict[str, str]) -> None:
    url, old = history["url"], history["before_correction"]

    def kinds(*args: str) -> dict[tuple[str, str], str]:
        data = as_json(url, "gaps", *args)
        return {(g["region"], g["area"]): g["kind"] for g in data["gaps"] if g["region"] in ("12", "14")}

    then = kinds("--as-of", "2021-06-30", "--known-at", old)
    assert ("14", "innovation") not in then and ("14", "infrastructure") not in then and ("12", "security") not in then
    now = kinds("--as-of", "2021-06-30")
    assert ("14", "innovation") not in now
    assert now[("14", "infrastructure")] == "absent" and now[("12", "security")] == "absent"
    assert kinds("--as-of", "2021-02-15")[("14", "innovation")] == "pipeline_only"
    assert as_json(url, "gaps", "--as-of", "2021-06-30")["as_of"] == "2021-06-30"


def test_initiative_list_and_show_as_of_and_known_at(history: dict[str, str]) -> None:
    url, old = history["url"], history["before_correction"]

    def listed(*args: str) -> dict[str, dict[str, Any]]:
        return {i["ref"]: i for i in as_json(url, "initiative", "list", *args)}

    assert listed("--as-of", "2020-12-31") == {}
    assert {r: i["status"] for r, i in listed("--as-of", "2021-02-15").items()} == {"14-a": "proposed", "12-b": "proposed"}
    assert {r: i["status"] for r, i in listed("--as-of", "2021-06-30").items()} == {"14-a": "active", "12-b": "cancelled"}
    assert {r: i["status"] for r, i in listed("--as-of", "2021-06-30", "--known-at", old).items()} == {
        "14-a": "active", "12-b": "active"
    }
    assert listed("--known-at", history["empty"]) == {}
    assert set(listed("--region", "12", "--as-of", "2021-12-31")) == {"14-a", "12-b"}
    assert set(listed("--region", "12", "--as-of", "2021-06-30")) == {"12-b"}
    assert set(listed("--area", "infrastructure", "--as-of", "2021-06-30", "--known-at", old)) == {"14-a"}
    assert set(listed("--area", "infrastructure", "--as-of", "2021-06-30")) == set()

    then = as_json(url, "initiative", "show", "14-a", "--as-of", "2021-06-30", "--known-at", old)
    assert (then["status"], then["areas"], then["regions"]) == ("active", ["innovation", "infrastructure"], ["14"])
    assert then["budget_sek"] == 1000000
    assert [p["actor"] for p in then["participants"]] == ["region-14", "rise"]
    now = as_json(url, "initiative", "show", "14-a", "--as-of", "2021-06-30")
    assert (now["status"], now["areas"], now["regions"]) == ("active", ["innovation"], ["14"])
    spring = as_json(url, "initiative", "show", "14-a", "--as-of", "2021-05-31")
    assert (spring["status"], spring["budget_sek"], spring["proposed_on"]) == ("proposed", 0, "2021-01-01")
    assert as_json(url, "initiative", "show", "14-a", "--as-of", "2021-12-31")["regions"] == ["12", "14"]
    assert as_json(url, "initiative", "show", "14-a")["areas"] == ["innovation"]

    assert "at that time" in refused(url, "initiative", "show", "14-a", "--as-of", "2020-12-31")
    assert "at that time" in refused(url, "initiative", "show", "14-a", "--known-at", history["empty"])


def test_diff_lists_what_changed_between_two_dates(history: dict[str, str]) -> None:
    url = history["url"]
    changes = as_json(url, "diff", "--from", "2021-05-31", "--to", "2021-06-30")
    assert (changes["from"], changes["to"]) == ("2021-05-31", "2021-06-30")
    got = {(c["region"], c["area"], c["field"]): (c["from"], c["to"]) for c in changes["changes"]}
    assert got == {
        ("14", "innovation", "initiatives"): (0, 1),
        ("14", "innovation", "weighted"): (0.0, 1.0),
        ("14", "innovation", "pipeline"): (1, 0),
        ("14", "innovation", "budget_sek"): (0, 1000000),
        ("14", "innovation", "actors"): (0, 2),
        ("14", "innovation", "gap"): ("pipeline_only", None),
    }
    later = as_json(url, "diff", "--from", "2021-06-30", "--to", "2021-12-31")["changes"]
    assert {(c["region"], c["area"]) for c in later} == {("12", "innovation"), ("14", "innovation")}
    assert {(c["field"], c["from"], c["to"]) for c in later if c["region"] == "14"} == {("actors", 2, 3)}
    assert as_json(url, "diff", "--from", "2021-12-31", "--to", "2021-12-31")["changes"] == []
    backwards = as_json(url, "diff", "--from", "2021-06-30", "--to", "2021-05-31")["changes"]
    assert {(c["region"], c["area"], c["field"]): (c["to"], c["from"]) for c in backwards} == got
    table = ok(url, "diff", "--from", "2021-05-31", "--to", "2021-06-30").stdout.splitlines()
    assert table[0].split() == ["region", "area", "field", "from", "to"] and len(table) == 7


def test_the_worked_example_as_of_mid_2021(db_url: str, small_log: Path) -> None:
    recorded_before = moment()
    ok(db_url, "import", str(small_log))
    expected = json.loads((FIXTURES / "coverage.as-of-2021-06-30.expected.json").read_text("utf-8"))
    actual = as_json(db_url, "coverage", "--as-of", "2021-06-30")
    assert close_to(expected, actual), json.dumps(actual, indent=1)[:2000]
    assert [r["region"] for r in actual["regions"]] == list(REGIONS)
    # Known after the import, as of mid-2021: the same; known before it: nothing at all.
    assert close_to(expected, as_json(db_url, "coverage", "--as-of", "2021-06-30", "--known-at", moment()))
    empty = as_json(db_url, "coverage", "--as-of", "2021-06-30", "--known-at", recorded_before)
    assert {c["gap"] for r in empty["regions"] for c in r["areas"].values()} == {"absent"}
    # Present time differs from mid-2021 (e.g. 14-open-data completed, 08-digital-coach paused).
    present = json.loads((FIXTURES / "coverage.expected.json").read_text("utf-8"))
    present.pop("as_of")
    now = as_json(db_url, "coverage")
    now.pop("as_of")
    assert close_to(present, now)
    assert not close_to({k: v for k, v in expected.items() if k != "as_of"}, now)


def test_bad_times_are_refused_as_usage_errors(sqlite_url: str) -> None:
    for args in (("--as-of", "2021-13-01"), ("--as-of", "yesterday"), ("--known-at", "not-a-time")):
        result = invoke(sqlite_url, "coverage", *args)
        assert result.exit_code == 2, (args, result.exit_code, result.stderr)
        assert "Traceback" not in result.stderr
