"""Corrections as new events: each through the command line and through an import, with coverage,
the network, history and reports following, and every refusal leaving the store as it was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.integration.helpers import as_json, ok, refused, same_log, snapshot

REF = "14-2021-opendata"


def setup(url: str) -> None:
    ok(url, "init")
    ok(url, "user", "add", "coord-14", "--role", "coordinator", "--region", "14")
    ok(url, "actor", "add", "--key", "digg", "--name", "Digg", "--kind", "agency", "--effective", "2021-01-01")
    ok(url, "initiative", "add", "--ref", REF, "--region", "14", "--title", "Öppna data", "--area", "innovation",
       "--area", "infrastructure", "--type", "collaboration", "--role", "collaboration_leader", "--effective", "2021-02-01")
    ok(url, "initiative", "join", REF, "--actor", "digg", "--effective", "2021-02-01")
    ok(url, "initiative", "status", REF, "active", "--effective", "2021-03-01")
    ok(url, "initiative", "fund", REF, "--source", "erdf", "--amount-sek", "15000000", "--year", "2022", "--effective", "2021-03-01")
    ok(url, "initiative", "result", REF, "--type", "direct", "--text", "Portal öppnad", "--effective", "2021-06-01")
    ok(url, "initiative", "indicator", REF, "--name", "kommuner", "--target", "100", "--unit", "%", "--effective", "2021-03-01")


def cell(url: str, region: str, area: str, *extra: str) -> dict[str, object]:
    coverage = as_json(url, "coverage", *extra)
    row = next(r for r in coverage["regions"] if r["region"] == region)
    return dict(row["areas"][area])


def show(url: str, *extra: str, user: str | None = "admin") -> dict[str, object]:
    return dict(as_json(url, "initiative", "show", REF, *extra, user=user))


def test_every_correction_through_the_command_line(db_url: str) -> None:
    setup(db_url)
    assert cell(db_url, "14", "innovation")["budget_sek"] == 7_500_000
    ok(db_url, "initiative", "unfund", REF, "--source", "erdf", "--amount-sek", "15000000", "--year", "2022",
       "--reason", "a zero too many", "--effective", "2021-04-01")
    ok(db_url, "initiative", "fund", REF, "--source", "erdf", "--amount-sek", "1500000", "--year", "2022", "--effective", "2021-04-01")
    ok(db_url, "initiative", "retype", REF, "project", "--reason", "it got a project budget", "--effective", "2021-04-01")
    ok(db_url, "initiative", "reorient", REF, "internal", "--effective", "2021-04-01")
    ok(db_url, "initiative", "roles", REF, "--role", "strategist", "--role", "lobbyist", "--effective", "2021-04-01")
    ok(db_url, "initiative", "withdraw-result", REF, "--type", "direct", "--text", "Portal öppnad", "--reason", "not yet launched")
    ok(db_url, "initiative", "retarget", REF, "--name", "kommuner", "--target", "90")
    ok(db_url, "initiative", "schedule", REF, "--start", "2021-03-01", "--end", "2022-06-30")

    data = show(db_url)
    assert data["type"] == "project" and data["orientation"] == "internal"
    assert data["roles"] == ["strategist", "lobbyist"]
    assert data["funding"] == [{"source": "erdf", "amount_sek": 1_500_000, "year": 2022}]
    assert data["budget_sek"] == 1_500_000
    assert data["results"] == []
    assert data["indicators"] == [{"name": "kommuner", "target": 90.0, "unit": "%", "measurements": []}]
    assert (data["planned_start"], data["planned_end"]) == ("2021-03-01", "2022-06-30")
    # coverage follows, now and rebuilt from scratch; the past still shows what held then
    assert cell(db_url, "14", "innovation")["budget_sek"] == 750_000
    ok(db_url, "projections", "rebuild")
    assert cell(db_url, "14", "innovation")["budget_sek"] == 750_000
    assert cell(db_url, "14", "innovation", "--as-of", "2021-03-31")["budget_sek"] == 7_500_000
    assert show(db_url, "--as-of", "2021-03-31")["type"] == "collaboration"
    assert [r["ref"] for r in as_json(db_url, "initiative", "list", "--type", "project")] == [REF]
    assert as_json(db_url, "initiative", "list", "--type", "collaboration") == []

    summaries = [e["summary"] for e in as_json(db_url, "history", "--initiative", REF)["events"]]
    assert "funding removed: 15 000 000 SEK from erdf for 2022: a zero too many" in summaries
    assert "type → project: it got a project budget" in summaries
    assert "result withdrawn (direct): Portal öppnad: not yet launched" in summaries
    assert "roles → strategist, lobbyist" in summaries
    assert "planned 2021-03-01 – 2022-06-30" in summaries


def test_schedule_clears_a_date_left_out(sqlite_url: str) -> None:
    setup(sqlite_url)
    ok(sqlite_url, "initiative", "schedule", REF, "--start", "2021-03-01", "--end", "2022-06-30")
    ok(sqlite_url, "initiative", "schedule", REF, "--start", "2021-03-01")
    assert (show(sqlite_url)["planned_start"], show(sqlite_url)["planned_end"]) == ("2021-03-01", None)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("unfund", REF, "--source", "erdf", "--amount-sek", "1500000", "--year", "2022"), "no funding line equal"),
        (("unfund", REF, "--source", "erdf", "--amount-sek", "15000000", "--year", "2021"), "no funding line equal"),
        (("withdraw-result", REF, "--type", "direct", "--text", "Portal"), "no result equal"),
        (("retype", REF, "collaboration"), "already of type collaboration"),
        (("retype", REF, "webinar"), "unknown initiative type"),
        (("roles", REF, "--role", "collaboration_leader"), "already exercises exactly these roles"),
        (("roles", REF, "--role", "boss"), "unknown coordinator role"),
        (("roles", REF, "--role", "strategist", "--role", "strategist"), "duplicate roles"),
        (("retarget", REF, "--name", "kommuner", "--target", "100"), "already has target 100"),
        (("retarget", REF, "--name", "nope", "--target", "5"), "no indicator 'nope'"),
        (("schedule", REF, "--start", "2022-01-01", "--end", "2021-01-01"), "before the planned start"),
        (("lead-region", REF, "14"), "already leads"),
        (("lead-region", REF, "99"), "unknown region"),
        (("retype", "no-such-ref", "project"), "no initiative"),
        (("retype", REF, "project", "--effective", "2020-12-31"), "predate"),
    ],
)
def test_a_refused_correction_changes_nothing(sqlite_url: str, args: tuple[str, ...], says: str) -> None:
    setup(sqlite_url)
    before = snapshot(sqlite_url)
    assert says in refused(sqlite_url, "initiative", *args)
    assert snapshot(sqlite_url) == before


def test_the_lead_region_moves_coverage_and_the_network_and_only_admins_move_it(db_url: str) -> None:
    setup(db_url)
    message = refused(db_url, "initiative", "lead-region", REF, "13", code=4, user="coord-14")
    assert "only an admin" in message
    ok(db_url, "initiative", "retype", REF, "project", user="coord-14")  # the region's coordinator corrects the rest
    ok(db_url, "initiative", "lead-region", REF, "13", "--reason", "Halland tog över")
    assert cell(db_url, "14", "innovation")["initiatives"] == 0
    assert cell(db_url, "13", "innovation")["initiatives"] == 1
    nodes = {n["actor"] for n in as_json(db_url, "network", "metrics")["nodes"]}
    assert nodes == {"region-13", "digg"}
    assert [r["ref"] for r in as_json(db_url, "initiative", "list", "--region", "13")] == [REF]
    history = as_json(db_url, "history", "--region", "13")["events"]
    assert history[-1]["summary"] == "lead region → 13: Halland tog över"
    # the coordinator of 14 no longer changes it; joining the new lead region is refused as for any lead
    refused(db_url, "initiative", "retype", REF, "training", code=4, user="coord-14")
    assert "leads" in refused(db_url, "initiative", "join", REF, "--actor", "region-13")


def test_corrections_through_an_import_then_export_and_restore(db_url: str, tmp_path: Path) -> None:
    setup(db_url)
    lines = [
        {"op": "initiative.unfund", "ref": REF, "source": "erdf", "amount_sek": 15000000, "year": 2022, "reason": "typo"},
        {"op": "initiative.fund", "ref": REF, "source": "erdf", "amount_sek": 1500000, "year": 2022},
        {"op": "initiative.retype", "ref": REF, "type": "project"},
        {"op": "initiative.reorient", "ref": REF, "orientation": "internal"},
        {"op": "initiative.roles", "ref": REF, "roles": []},
        {"op": "initiative.withdraw_result", "ref": REF, "type": "direct", "text": "Portal öppnad"},
        {"op": "initiative.retarget", "ref": REF, "name": "kommuner", "target": 90, "unit": None},
        {"op": "initiative.schedule", "ref": REF, "start": "2021-03-01", "end": None},
        {"op": "initiative.lead_region", "ref": REF, "region": "12", "effective": "2021-05-01"},
    ]
    log = tmp_path / "corrections.jsonl"
    log.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    ok(db_url, "import", str(log))
    data = show(db_url)
    assert (data["type"], data["orientation"], data["roles"], data["region"]) == ("project", "internal", [], "12")
    assert data["budget_sek"] == 1_500_000 and data["results"] == []
    assert data["indicators"] == [{"name": "kommuner", "target": 90, "unit": "%", "measurements": []}]
    assert (data["planned_start"], data["planned_end"]) == ("2021-03-01", None)
    assert cell(db_url, "12", "infrastructure")["budget_sek"] == 750_000

    exported = ok(db_url, "export").stdout
    for op in ("unfund", "retype", "reorient", "roles", "withdraw_result", "retarget", "schedule", "lead_region"):
        assert f'"op": "initiative.{op}"' in exported
    file = tmp_path / "export.jsonl"
    file.write_text(exported, encoding="utf-8")
    restored = f"sqlite:///{tmp_path / 'restored.db'}"
    ok(restored, "import", "--restore", str(file), user=None)
    assert same_log(ok(restored, "export", user=None).stdout_bytes, exported.encode("utf-8"))
    assert show(restored, user=None) == data
    assert as_json(restored, "coverage", user=None) == as_json(db_url, "coverage")


def test_a_bad_correction_line_refuses_the_whole_import(sqlite_url: str, tmp_path: Path) -> None:
    setup(sqlite_url)
    before = snapshot(sqlite_url)
    log = tmp_path / "bad.jsonl"
    log.write_text(
        json.dumps({"op": "initiative.retype", "ref": REF, "type": "project"}) + "\n"
        + json.dumps({"op": "initiative.unfund", "ref": REF, "source": "erdf", "amount_sek": 1, "year": 2022}) + "\n",
        encoding="utf-8",
    )
    assert refused(sqlite_url, "import", str(log)) == f"{log}:2: {REF} has no funding line equal to the one given"
    assert snapshot(sqlite_url) == before


def test_reports_follow_the_corrections(sqlite_url: str) -> None:
    setup(sqlite_url)

    def annual() -> dict[str, Any]:
        return dict(json.loads(ok(sqlite_url, "report", "annual", "--region", "14", "--year", "2021", "--format", "json").stdout))

    before = annual()
    assert before["funding_total_sek"] == 15_000_000
    assert [r["text"] for r in before["results"]["direct"]] == ["Portal öppnad"]
    dated = ("--effective", "2021-06-30")
    ok(sqlite_url, "initiative", "unfund", REF, "--source", "erdf", "--amount-sek", "15000000", "--year", "2022", *dated)
    ok(sqlite_url, "initiative", "fund", REF, "--source", "erdf", "--amount-sek", "1500000", "--year", "2022", *dated)
    ok(sqlite_url, "initiative", "retype", REF, "training", *dated)
    ok(sqlite_url, "initiative", "withdraw-result", REF, "--type", "direct", "--text", "Portal öppnad", *dated)
    after = annual()
    assert after["funding_total_sek"] == 1_500_000
    assert after["results"] == {"capability": [], "coordination": [], "direct": []}
    [row] = after["initiatives"]
    assert row["type"] == "training"
    types_before, types_after = before["by_area_and_type"]["innovation"], after["by_area_and_type"]["innovation"]
    assert (types_before["collaboration"], types_before["training"]) == (1, 0)
    assert (types_after["collaboration"], types_after["training"]) == (0, 1)


def test_the_national_tables_follow_the_corrections(db_url: str) -> None:
    """The evaluation's national tables read the same fold: a retype moves the type count, an unfund
    lowers the funding of its source, a withdrawn result leaves the results count, a reorient and a
    change of roles move theirs."""
    setup(db_url)

    def national() -> dict[str, dict[str, int]]:
        return dict(json.loads(ok(db_url, "report", "national", "--year", "2021", "--format", "json").stdout))

    ok(db_url, "initiative", "fund", REF, "--source", "erdf", "--amount-sek", "15000000", "--year", "2021", "--effective", "2021-03-01")
    before = national()
    assert (before["types"]["collaboration"], before["types"]["project"]) == (1, 0)
    assert before["funding"]["erdf"] == 15_000_000 and before["results"]["direct"] == 1
    assert before["orientation"] == {"internal": 0, "external": 1} and before["roles"]["collaboration_leader"] == 1
    dated = ("--effective", "2021-06-30")
    ok(db_url, "initiative", "retype", REF, "project", *dated)
    ok(db_url, "initiative", "unfund", REF, "--source", "erdf", "--amount-sek", "15000000", "--year", "2021", *dated)
    ok(db_url, "initiative", "withdraw-result", REF, "--type", "direct", "--text", "Portal öppnad", *dated)
    ok(db_url, "initiative", "reorient", REF, "internal", *dated)
    ok(db_url, "initiative", "roles", REF, "--role", "strategist", *dated)
    after = national()
    assert (after["types"]["collaboration"], after["types"]["project"]) == (0, 1)
    assert after["funding"]["erdf"] == 0 and after["results"]["direct"] == 0
    assert after["orientation"] == {"internal": 1, "external": 0}
    assert (after["roles"]["collaboration_leader"], after["roles"]["strategist"]) == (0, 1)
