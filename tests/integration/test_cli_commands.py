"""Every `kompass` command through click's CliRunner: what it prints, in every format, and how it refuses.

Writes run on both backends (`db_url`); the big per-format matrix reads one SQLite store
loaded once with the worked example.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kompass.cli.main import cli
from tests.conftest import FIXTURES, NEW_STORE_EVENTS, init_store
from tests.integration.helpers import as_csv, as_json, invoke, key_events, ok, refused, snapshot

REF = "14-2021-opendata"
REGIONS = ("01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17", "18", "19", "20", "21",
           "22", "23", "24", "25")
AREAS = ("competence", "security", "innovation", "leadership", "infrastructure")
EXPECTED_REFS = ["08-digital-coach", "08-oppen-data", "12-5g", "12-cyber", "14-dataverkstad", "14-open-data"]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One SQLite store holding the worked example; the tests using it only read."""
    directory = tmp_path_factory.mktemp("loaded")
    url = init_store(f"sqlite:///{directory / 'kompass.db'}")
    log = directory / "small.jsonl"
    shutil.copy(FIXTURES / "small.jsonl", log)
    ok(url, "import", str(log))
    ok(url, "person", "add", "coord-14", "--name", "Anna Åström", "--email", "anna@example.se")
    return url


def add_initiative(url: str, ref: str = REF, *extra: str, region: str = "14", user: str = "admin") -> None:
    ok(url, "initiative", "add", "--ref", ref, "--region", region, "--title", "Öppna data", "--area", "innovation",
       "--type", "collaboration", *extra, user=user)


# --- init -------------------------------------------------------------------------------------------


def test_init_registers_the_regions_and_makes_the_first_user_admin(db_url: str) -> None:
    result = ok(db_url, "init")
    assert result.stdout == ""
    assert "admin is admin" in result.stderr
    statuses = as_json(db_url, "projections", "status")
    n = NEW_STORE_EVENTS + key_events(db_url)  # 21 region actors + 21 portfolios, the grants of the first admin and of `admin`
    assert [s["head"] for s in statuses] == [n, n, n]
    assert f"applied {n} events" in ok(db_url, "projections", "run").stderr
    assert as_json(db_url, "projections", "status") == [
        {"projection": name, "position": n, "head": n, "behind": 0} for name in ("portfolio", "network", "bitemporal")
    ]
    actors = as_json(db_url, "actor", "list")
    assert sorted(a["key"] for a in actors) == sorted(f"region-{r}" for r in REGIONS)
    assert all(a["kind"] == "region" for a in actors)
    # init again changes nothing; a later user is not made admin, whoever they name
    second = ok(db_url, "init", "--admin", "someone", user="someone")
    assert "someone is a reader" in second.stderr
    assert as_json(db_url, "projections", "status")[0]["head"] == n


# --- initiative --------------------------------------------------------------------------------------


def test_initiative_commands_record_the_whole_life_of_an_initiative(db_url: str) -> None:
    ok(db_url, "actor", "add", "--key", "digg", "--name", "Myndigheten för digital förvaltning", "--kind", "agency",
       "--effective", "2021-01-10")
    ok(db_url, "actor", "add", "--key", "gbg", "--name", "Göteborgs stad", "--kind", "municipality", "--region", "14",
       "--effective", "2021-01-10")
    result = ok(db_url, "initiative", "add", "--ref", REF, "--region", "14", "--title", "Öppna data",
                "--area", "innovation", "--area", "infrastructure", "--type", "collaboration", "--orientation", "internal",
                "--role", "collaboration_leader", "--role", "strategist", "--description", "Kommunerna publicerar data",
                "--effective", "2021-02-01")
    assert result.stdout == "" and REF in result.stderr
    steps: list[tuple[str, ...]] = [
        ("tag", REF, "--area", "security", "--effective", "2021-02-02"),
        ("untag", REF, "--area", "infrastructure", "--effective", "2021-02-03"),
        ("status", REF, "active", "--reason", "financing confirmed", "--effective", "2021-03-01"),
        ("join", REF, "--actor", "digg", "--role", "expert", "--effective", "2021-03-01"),
        ("join", REF, "--actor", "gbg", "--role", "target", "--effective", "2021-03-01"),
        ("leave", REF, "--actor", "gbg", "--effective", "2021-04-01"),
        ("fund", REF, "--source", "erdf", "--amount-sek", "1500000", "--year", "2022", "--effective", "2021-04-01"),
        ("fund", REF, "--source", "regional", "--amount-sek", "500000", "--year", "2021", "--effective", "2021-04-01"),
        ("result", REF, "--type", "capability", "--text", "12 kommuner utbildade", "--effective", "2021-05-01"),
        ("retitle", REF, "--title", "Öppna data i Västra Götaland", "--description", "Ny beskrivning", "--effective", "2021-05-01"),
        ("indicator", REF, "--name", "open-data-municipalities", "--target", "100", "--unit", "%", "--effective", "2021-05-01"),
        ("measure", REF, "--name", "open-data-municipalities", "--value", "64", "--effective", "2021-06-30"),
        ("status", REF, "completed", "--effective", "2021-11-30"),
        ("reopen", REF, "--reason", "a second round", "--effective", "2021-12-01"),
    ]
    for step in steps:
        result = ok(db_url, "initiative", *step)
        assert result.stdout == "", f"a change printed data on stdout: {step}"
        assert result.stderr.strip(), f"no confirmation for {step}"

    shown = as_json(db_url, "initiative", "show", REF)
    assert shown["ref"] == REF
    assert shown["title"] == "Öppna data i Västra Götaland"
    assert shown["description"] == "Ny beskrivning"
    assert shown["region"] == "14" and shown["regions"] == ["14"]
    assert shown["areas"] == ["innovation", "security"]
    assert shown["type"] == "collaboration" and shown["orientation"] == "internal"
    assert shown["roles"] == ["collaboration_leader", "strategist"]
    assert shown["status"] == "active"  # reopened: back to the status before completed
    assert shown["participants"] == [{"actor": "region-14", "role": "lead"}, {"actor": "digg", "role": "expert"}]
    assert {(f["source"], f["amount_sek"], f["year"]) for f in shown["funding"]} == {("erdf", 1500000, 2022),
                                                                                      ("regional", 500000, 2021)}
    assert shown["budget_sek"] == 2000000
    assert [(r["type"], r["text"]) for r in shown["results"]] == [("capability", "12 kommuner utbildade")]
    [indicator] = shown["indicators"]
    assert indicator["name"] == "open-data-municipalities" and indicator["target"] == 100 and indicator["unit"] == "%"
    assert indicator["measurements"] == [["2021-06-30", 64]]
    assert shown["proposed_on"] == "2021-02-01"

    # the same initiative as it was on 2021-03-15: active, before the retitle, the leave and the funding
    then = as_json(db_url, "initiative", "show", REF, "--as-of", "2021-03-15")
    assert then["title"] == "Öppna data" and then["status"] == "active"
    assert {p["actor"] for p in then["participants"]} == {"region-14", "digg", "gbg"}
    assert then["funding"] == []

    table = ok(db_url, "initiative", "show", REF).stdout
    assert re.search(r"^title\s+Öppna data i Västra Götaland$", table, re.M)
    assert re.search(r"^status\s+active$", table, re.M)
    assert re.search(r"^participant\s+digg \(expert\)$", table, re.M)
    assert re.search(r"^indicator\s+open-data-municipalities: 64", table, re.M)

    [listed] = as_json(db_url, "initiative", "list")
    assert {k: listed[k] for k in ("ref", "region", "title", "areas", "type", "status")} == {
        "ref": REF, "region": "14", "title": "Öppna data i Västra Götaland", "areas": ["innovation", "security"],
        "type": "collaboration", "status": "active",
    }


def test_initiative_status_moves_pause_and_cancel(sqlite_url: str) -> None:
    add_initiative(sqlite_url)
    ok(sqlite_url, "initiative", "status", REF, "planned")
    ok(sqlite_url, "initiative", "status", REF, "paused", "--reason", "coordinator left")
    assert "paused" in refused(sqlite_url, "initiative", "status", REF, "active")  # only back to planned
    ok(sqlite_url, "initiative", "status", REF, "planned")
    ok(sqlite_url, "initiative", "status", REF, "cancelled", "--reason", "no funding")
    assert as_json(sqlite_url, "initiative", "show", REF)["status"] == "cancelled"
    ok(sqlite_url, "initiative", "reopen", REF, "--reason", "funding found")
    assert as_json(sqlite_url, "initiative", "show", REF)["status"] == "planned"


# --- actor -------------------------------------------------------------------------------------------


def test_actor_commands(db_url: str) -> None:
    ok(db_url, "actor", "add", "--key", "iis", "--name", "IIS", "--kind", "civil_society")
    ok(db_url, "actor", "add", "--key", "internetstiftelsen", "--name", "Internetstiftelsen", "--kind", "civil_society")
    ok(db_url, "actor", "add", "--key", "mdh", "--name", "Mälardalens högskola", "--kind", "university", "--region", "19")
    ok(db_url, "actor", "rename", "mdh", "--name", "Mälardalens universitet")
    add_initiative(db_url)
    ok(db_url, "initiative", "join", REF, "--actor", "iis", "--role", "partner")
    ok(db_url, "actor", "merge", "iis", "--into", "internetstiftelsen")

    mdh = as_json(db_url, "actor", "show", "mdh")
    assert mdh == {"key": "mdh", "name": "Mälardalens universitet", "kind": "university", "region": "19",
                   "merged_into": None, "former_names": ["Mälardalens högskola"]}
    assert as_json(db_url, "actor", "show", "iis")["merged_into"] == "internetstiftelsen"

    keys = [a["key"] for a in as_json(db_url, "actor", "list")]
    assert "iis" not in keys and {"internetstiftelsen", "mdh", "region-14"} <= set(keys)
    assert keys == sorted(keys)
    assert "iis" in [a["key"] for a in as_json(db_url, "actor", "list", "--merged")]
    assert [a["key"] for a in as_json(db_url, "actor", "list", "--kind", "university")] == ["mdh"]
    assert [a["key"] for a in as_json(db_url, "actor", "list", "--region", "19")] == ["mdh", "region-19"]
    # the merged actor's participation moved to the one it was merged into
    participants = as_json(db_url, "initiative", "show", REF)["participants"]
    assert {"actor": "internetstiftelsen", "role": "partner"} in participants
    assert all(p["actor"] != "iis" for p in participants)


# --- portfolio ---------------------------------------------------------------------------------------


def test_portfolio_commands(db_url: str) -> None:
    ok(db_url, "portfolio", "assess", "--region", "14", "--year", "2020", "--score", "6", "--light", "yellow",
       "--focus", "innovation=high", "--effective", "2021-01-20")
    ok(db_url, "portfolio", "assess", "--region", "14", "--year", "2021", "--score", "8", "--light", "green",
       "--focus", "leadership=high", "--focus", "security=low", "--effective", "2022-01-20")
    ok(db_url, "portfolio", "assess", "--region", "14", "--year", "2021", "--score", "9", "--light", "green",
       "--focus", "leadership=high", "--effective", "2022-01-21")  # replaces the earlier 2021 assessment
    assert "not a registered user" in refused(db_url, "portfolio", "coordinator", "--region", "14", "--user", "coord-14")
    ok(db_url, "user", "grant", "coord-14", "--role", "coordinator", "--region", "14")
    ok(db_url, "portfolio", "coordinator", "--region", "14", "--user", "coord-14")
    shown = as_json(db_url, "portfolio", "show", "--region", "14")
    assert shown["region"] == "14" and shown["name"] == "Västra Götaland"
    assert [(a["year"], a["score"], a["light"], a["focus"]) for a in shown["assessments"]] == [
        (2020, 6, "yellow", {"innovation": "high"}),
        (2021, 9, "green", {"leadership": "high"}),
    ]
    rows = as_csv(db_url, "portfolio", "show", "--region", "14")
    assert [(r["year"], r["score"], r["light"], r["focus"]) for r in rows] == [
        ("2020", "6", "yellow", "innovation=high"), ("2021", "9", "green", "leadership=high"),
    ]
    assert as_json(db_url, "portfolio", "show", "--region", "12")["assessments"] == []


# --- import, coverage, gaps, diff, projections ----------------------------------------------------------


def test_import_and_the_queries_over_it(db_url: str, small_log: Path) -> None:
    result = ok(db_url, "import", str(small_log))
    assert result.stdout == ""
    assert "imported 38 commands" in result.stderr

    coverage = as_json(db_url, "coverage")
    assert coverage["framework"] == "se-2017"
    assert [r["region"] for r in coverage["regions"]] == list(REGIONS)
    cell = next(r for r in coverage["regions"] if r["region"] == "14")["areas"]["innovation"]
    assert cell == {"initiatives": 2, "weighted": 1.5, "pipeline": 0, "budget_sek": 2500000, "actors": 6, "gap": None}

    gaps = invoke(db_url, "gaps", "--fail-on-gaps", "--format", "json")
    assert gaps.exit_code == 6, gaps.stderr
    data = json.loads(gaps.stdout)
    assert {"region": "08", "area": "infrastructure", "kind": "pipeline_only"} in data["gaps"]
    assert data["declared_unbacked"] == [{"region": "08", "area": "competence"}, {"region": "14", "area": "security"}]
    none = invoke(db_url, "gaps", "--region", "14", "--area", "innovation", "--fail-on-gaps", "--format", "json")
    assert none.exit_code == 0 and json.loads(none.stdout)["gaps"] == []

    diff = as_json(db_url, "diff", "--from", "2021-01-01", "--to", "2021-12-31")
    assert diff["from"] == "2021-01-01" and diff["to"] == "2021-12-31"
    assert {"region": "14", "area": "innovation", "field": "initiatives", "from": 0, "to": 2} in diff["changes"]

    statuses = as_json(db_url, "projections", "status")
    assert [s["projection"] for s in statuses] == ["portfolio", "network", "bitemporal"]
    head = NEW_STORE_EVENTS + key_events(db_url) + 38
    assert all(s["position"] == s["head"] == head and s["behind"] == 0 for s in statuses)
    assert "applied 0 events" in ok(db_url, "projections", "run").stderr
    assert f"rebuilt from {head} events" in ok(db_url, "projections", "rebuild").stderr
    assert as_json(db_url, "coverage") == coverage
    assert as_json(db_url, "projections", "status") == statuses


# --- refusals ----------------------------------------------------------------------------------------


USER_ERRORS: list[tuple[tuple[str, ...], str]] = [
    (("initiative", "add", "--ref", "x", "--region", "99", "--title", "t", "--area", "innovation", "--type", "project"),
     "unknown region '99'"),
    (("initiative", "add", "--ref", "x", "--region", "14", "--title", "t", "--area", "cyber", "--type", "project"),
     "unknown area 'cyber'"),
    (("initiative", "add", "--ref", "x", "--region", "14", "--title", "t", "--area", "innovation", "--type", "party"),
     "unknown initiative type"),
    (("initiative", "add", "--ref", "x", "--region", "14", "--title", "t", "--area", "innovation", "--area", "innovation",
      "--type", "project"), "innovation"),
    (("initiative", "add", "--ref", REF, "--region", "14", "--title", "t", "--area", "innovation", "--type", "project"),
     "already exists"),
    (("initiative", "add", "--ref", "x", "--region", "14", "--title", "t", "--area", "innovation", "--type", "project",
      "--effective", "2099-01-01"), "future"),
    (("initiative", "status", REF, "planned"), "active"),  # backwards
    (("initiative", "status", REF, "active"), "active"),  # already so
    (("initiative", "status", REF, "finished"), "finished"),
    (("initiative", "status", "nope", "active"), "no initiative"),
    (("initiative", "reopen", REF, "--reason", "why"), REF[:2]),
    (("initiative", "tag", REF, "--area", "innovation"), "innovation"),
    (("initiative", "untag", REF, "--area", "innovation"), "innovation"),
    (("initiative", "join", REF, "--actor", "nobody"), "no actor with key 'nobody'"),
    (("initiative", "join", REF, "--actor", "digg"), "digg"),  # twice
    (("initiative", "join", REF, "--actor", "region-14"), "region-14"),  # the lead region
    (("initiative", "join", REF, "--actor", "rise", "--role", "boss"), "boss"),
    (("initiative", "leave", REF, "--actor", "rise"), "rise"),
    (("initiative", "fund", REF, "--source", "erdf", "--amount-sek", "-5", "--year", "2021"), "negative"),
    (("initiative", "fund", REF, "--source", "lottery", "--amount-sek", "5", "--year", "2021"), "lottery"),
    (("initiative", "result", REF, "--type", "vibes", "--text", "t"), "vibes"),
    (("initiative", "measure", REF, "--name", "undefined", "--value", "1"), "undefined"),
    (("initiative", "show", "nope"), "no initiative"),
    (("initiative", "list", "--region", "99"), "unknown region '99'"),
    (("initiative", "list", "--area", "cyber"), "unknown area 'cyber'"),
    (("initiative", "list", "--status", "finished"), "finished"),
    (("initiative", "list", "--type", "party"), "party"),
    (("initiative", "list", "--orientation", "sideways"), "unknown orientation 'sideways'"),
    (("initiative", "list", "--role", "boss"), "unknown coordinator role 'boss'"),
    (("initiative", "list", "--actor", "nobody"), "no actor with key 'nobody'"),
    (("initiative", "list", "--year", "1800"), "year 1800 is out of range"),
    (("actor", "add", "--key", "digg", "--name", "Digg", "--kind", "agency"), "digg"),
    (("actor", "add", "--key", "x", "--name", "X", "--kind", "alien"), "alien"),
    (("actor", "add", "--key", "x", "--name", "X", "--kind", "agency", "--region", "99"), "99"),
    (("actor", "rename", "nobody", "--name", "N"), "nobody"),
    (("actor", "merge", "digg", "--into", "nobody"), "nobody"),
    (("actor", "show", "nobody"), "no actor"),
    (("actor", "list", "--kind", "alien"), "alien"),
    (("actor", "list", "--region", "99"), "unknown region '99'"),
    (("portfolio", "assess", "--region", "14", "--year", "2021", "--score", "11", "--light", "green"), "score"),
    (("portfolio", "assess", "--region", "14", "--year", "2021", "--score", "5", "--light", "green",
      "--focus", "cyber=high"), "cyber"),
    (("portfolio", "assess", "--region", "14", "--year", "2021", "--score", "5", "--light", "green",
      "--focus", "security=extreme"), "extreme"),
    (("portfolio", "assess", "--region", "99", "--year", "2021", "--score", "5", "--light", "green"), "99"),
    (("portfolio", "show", "--region", "99"), "unknown region"),
    (("coverage", "--region", "99"), "unknown region"),
    (("coverage", "--framework", "nonexistent-framework"), "nonexistent-framework"),
    (("gaps", "--area", "cyber"), "unknown area"),
]


REPRESENTATIVE = {0, 1, 6, 9, 13, 18}
"""The user errors the brief names (unknown region, bad area, invalid status move, unknown initiative,
unknown actor, negative amount), run on both backends; the whole list runs on SQLite."""


def _check_user_errors(url: str, cases: list[tuple[tuple[str, ...], str]]) -> None:
    ok(url, "actor", "add", "--key", "digg", "--name", "Digg", "--kind", "agency")
    ok(url, "actor", "add", "--key", "rise", "--name", "RISE", "--kind", "research_institute")
    add_initiative(url)
    ok(url, "initiative", "status", REF, "active")
    ok(url, "initiative", "join", REF, "--actor", "digg")
    before = snapshot(url)
    for args, expected in cases:
        text = refused(url, *args)
        assert expected in text, f"kompass {' '.join(args)}: {text!r} does not mention {expected!r}"
    assert snapshot(url) == before


def test_user_errors_exit_1_on_both_backends(db_url: str) -> None:
    _check_user_errors(db_url, [case for i, case in enumerate(USER_ERRORS) if i in REPRESENTATIVE])


def test_every_user_error_exits_1_with_one_line_and_changes_nothing(sqlite_url: str) -> None:
    _check_user_errors(sqlite_url, USER_ERRORS)


USAGE_ERRORS: list[tuple[str, ...]] = [
    ("initiative", "add", "--region", "14", "--title", "t", "--area", "innovation", "--type", "project"),  # no --ref
    ("initiative", "list", "--format", "xml"),
    ("initiative", "fund", REF, "--source", "erdf", "--amount-sek", "many", "--year", "2021"),
    ("initiative", "add", "--ref", "x", "--region", "14", "--title", "t", "--area", "innovation", "--type", "project",
     "--orientation", "sideways"),
    ("initiative", "status", REF),  # no STATUS
    ("initiative", "list", "--as-of", "2021-13-01"),
    ("initiative", "tag", REF, "--area", "security", "--effective", "yesterday"),
    ("initiative", "list", "--known-at", "noon"),
    ("portfolio", "assess", "--region", "14", "--year", "2021", "--score", "5", "--light", "purple"),
    ("portfolio", "assess", "--region", "14", "--year", "2021", "--score", "5", "--light", "green", "--focus", "high"),
    ("diff", "--from", "2021-01-01"),
    ("coverage", "--as-of", "soon"),
    ("frobnicate",),
    ("initiative", "frobnicate"),
    ("import",),
]


def test_usage_errors_exit_2(sqlite_url: str) -> None:
    add_initiative(sqlite_url)
    before = snapshot(sqlite_url)
    for args in USAGE_ERRORS:
        result = invoke(sqlite_url, *args)
        assert result.exit_code == 2, f"kompass {' '.join(args)} exited {result.exit_code}: {result.stderr}"
        assert "Error:" in result.stderr and "Traceback" not in result.stderr
        assert result.stdout == ""
    assert snapshot(sqlite_url) == before


DENIED: list[tuple[str, ...]] = [
    ("initiative", "add", "--ref", "14-x", "--region", "14", "--title", "t", "--area", "innovation", "--type", "project"),
    ("initiative", "status", REF, "active"),
    ("initiative", "tag", REF, "--area", "security"),
    ("initiative", "join", REF, "--actor", "digg"),
    ("initiative", "fund", REF, "--source", "erdf", "--amount-sek", "5", "--year", "2021"),
    ("initiative", "retitle", REF, "--title", "Mine now"),
    ("actor", "add", "--key", "x", "--name", "X", "--kind", "agency"),
    ("actor", "rename", "digg", "--name", "Digg 2"),
    ("actor", "merge", "digg", "--into", "region-14"),
    ("portfolio", "assess", "--region", "14", "--year", "2021", "--score", "5", "--light", "green"),
    ("portfolio", "coordinator", "--region", "14", "--user", "someone"),
]


def _check_denied(url: str, attempts: list[tuple[str, ...]]) -> None:
    ok(url, "init")  # admin is the first user
    add_initiative(url)
    ok(url, "actor", "add", "--key", "digg", "--name", "Digg", "--kind", "agency")
    ok(url, "user", "add", "coord-12", "--role", "coordinator", "--region", "12")
    before = snapshot(url)
    for args in attempts:  # `someone` was granted nothing (an admin acts as them, with their permissions)
        text = refused(url, *args, code=4, user="someone")
        assert text.startswith("someone may not"), text
    # a coordinator of region 12 may change region 12, not region 14
    text = refused(url, "initiative", "status", REF, "active", code=4, user="coord-12")
    assert "region 14" in text
    refused(url, "portfolio", "assess", "--region", "14", "--year", "2021", "--score", "5", "--light", "green",
            code=4, user="coord-12")
    assert snapshot(url) == before
    add_initiative(url, "12-own", region="12", user="coord-12")
    assert "12-own" in [i["ref"] for i in as_json(url, "initiative", "list", user="someone")]  # anyone reads


def test_permission_denied_exits_4_on_both_backends(db_url: str) -> None:
    _check_denied(db_url, [DENIED[0], DENIED[1], DENIED[8]])


def test_every_change_by_a_user_without_grants_exits_4_and_changes_nothing(sqlite_url: str) -> None:
    _check_denied(sqlite_url, DENIED)


# --- every query in every format (one store, read only) -------------------------------------------------

QUERY_SAMPLES: dict[str, tuple[str, ...]] = {
    "initiative list": ("initiative", "list"),
    "initiative show": ("initiative", "show", "14-dataverkstad"),
    "actor list": ("actor", "list"),
    "actor show": ("actor", "show", "digg"),
    "portfolio show": ("portfolio", "show", "--region", "14"),
    "coverage": ("coverage",),
    "gaps": ("gaps",),
    "diff": ("diff", "--from", "2021-01-01", "--to", "2021-12-31"),
    "projections status": ("projections", "status"),
    "history": ("history", "--initiative", "14-open-data"),
    "export": ("export",),
    "user list": ("user", "list"),
    "person show": ("person", "show", "coord-14"),
    "report annual": ("report", "annual", "--region", "14", "--year", "2021"),
    "report national": ("report", "national", "--year", "2021"),
    "report changes": ("report", "changes", "--region", "14", "--year", "2021", "--since", "2021-06-30"),
    "network metrics": ("network", "metrics"),
    "network risks": ("network", "risks"),
    "network whatif": ("network", "whatif", "--remove", "digg"),
    "network export": ("network", "export"),
    "network diff": ("network", "diff", "--from", "2021-01-01", "--to", "2021-12-31"),
    "check": ("check", "--year", "2021"),
}
FINDS = {"check": 6}
"""Queries that exit with their own code when they find something (and still print it)."""


def _walk(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found: list[tuple[tuple[str, ...], click.Command]] = []
    for name, command in sorted(group.commands.items()):
        found.append(((*path, name), command))
        if isinstance(command, click.Group):
            found.extend(_walk(command, (*path, name)))
    return found


def _format_choices(command: click.Command) -> tuple[str, ...]:
    for param in command.params:
        if param.name == "fmt":
            assert isinstance(param.type, click.Choice)
            return tuple(str(c) for c in param.type.choices)
    return ()


QUERY_FORMATS = [
    (" ".join(path), fmt) for path, command in _walk(cli) for fmt in _format_choices(command)
]


def test_every_query_command_has_a_sample() -> None:
    assert {name for name, _ in QUERY_FORMATS} == set(QUERY_SAMPLES)


@pytest.mark.parametrize(("name", "fmt"), QUERY_FORMATS)
def test_every_query_answers_in_every_format_it_offers(loaded: str, name: str, fmt: str) -> None:
    result = invoke(loaded, *QUERY_SAMPLES[name], "--format", fmt)
    assert result.exit_code == FINDS.get(name, 0), result.stderr
    if fmt == "png":  # a picture (binary) on standard output when it is not a terminal
        assert result.stdout_bytes.startswith(b"\x89PNG\r\n\x1a\n")
        return
    if fmt in ("docx", "xlsx", "pdf"):  # files for Word, Excel and printing (binary), likewise
        assert result.stdout_bytes.startswith(b"%PDF-" if fmt == "pdf" else b"PK\x03\x04")
        return
    assert result.stdout.strip(), f"{name} --format {fmt} printed nothing"
    assert "\x1b[" not in result.stdout  # no colour off a terminal
    if fmt == "json":
        json.loads(result.stdout)
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows)
    elif fmt == "jsonl":
        lines = [line for line in result.stdout.splitlines() if line.strip() and not line.startswith("#")]
        assert lines and all(isinstance(json.loads(line), dict) for line in lines)
    elif fmt in ("graphml", "gexf", "svg"):
        assert result.stdout.lstrip().startswith("<")


def test_initiative_list_in_three_formats(loaded: str) -> None:
    data = as_json(loaded, "initiative", "list")
    assert [i["ref"] for i in data] == EXPECTED_REFS
    by_ref = {i["ref"]: i for i in data}
    assert by_ref["14-dataverkstad"]["areas"] == ["infrastructure", "innovation"]
    assert by_ref["14-dataverkstad"]["regions"] == ["12", "14"]
    assert by_ref["14-dataverkstad"]["partners"] == ["region-12", "digg", "rise", "internetstiftelsen"]
    assert (by_ref["14-dataverkstad"]["budget_sek"], by_ref["14-dataverkstad"]["roles"]) == (3_000_000, ["collaboration_leader"])
    rows = as_csv(loaded, "initiative", "list")
    assert list(rows[0]) == ["ref", "region", "status", "type", "orientation", "areas", "roles", "title", "budget_sek",
                             "partners", "planned_start", "planned_end"]
    assert [(r["budget_sek"], r["partners"], r["roles"]) for r in rows if r["ref"] == "14-dataverkstad"] == [
        ("3000000", "region-12;digg;rise;internetstiftelsen", "collaboration_leader")
    ]
    assert [(r["ref"], r["region"], r["status"], r["type"], r["areas"].split(";"), r["title"]) for r in rows] == [
        (i["ref"], i["region"], i["status"], i["type"], i["areas"], i["title"]) for i in data
    ]
    table = ok(loaded, "initiative", "list").stdout.splitlines()
    assert table[0].split() == ["ref", "region", "status", "type", "areas", "title"]
    assert [line.split()[0] for line in table[1:]] == EXPECTED_REFS
    assert re.match(r"14-open-data\s+14\s+completed\s+training\s+innovation\s+Öppna data i kommunerna$", table[-1])


@pytest.mark.parametrize(("filters", "expected"), [
    (("--region", "14"), ["14-dataverkstad", "14-open-data"]),
    (("--region", "12"), ["12-5g", "12-cyber", "14-dataverkstad"]),  # region 12 takes part in 14-dataverkstad
    (("--region", "09"), ["08-oppen-data"]),
    (("--region", "01"), []),
    (("--area", "innovation"), ["14-dataverkstad", "14-open-data"]),
    (("--area", "competence"), ["08-digital-coach"]),  # 14-open-data was untagged
    (("--status", "active"), ["12-cyber", "14-dataverkstad"]),
    (("--status", "paused"), ["08-digital-coach"]),
    (("--type", "analysis"), ["08-oppen-data", "12-5g"]),
    (("--region", "12", "--area", "infrastructure", "--status", "cancelled", "--type", "analysis"), ["12-5g"]),
    (("--as-of", "2021-06-30", "--status", "active"), ["08-digital-coach", "12-cyber", "14-dataverkstad", "14-open-data"]),
    (("--as-of", "2021-01-31"), []),
    (("--known-at", "2000-01-01"), []),
    (("--orientation", "internal"), []),
    (("--orientation", "external"), EXPECTED_REFS),
    (("--role", "collaboration_leader"), ["14-dataverkstad"]),
    (("--actor", "digg"), ["12-5g", "14-dataverkstad"]),
    (("--actor", "iis"), ["14-dataverkstad"]),  # merged into internetstiftelsen: the survivor takes part
    (("--actor", "region-09"), ["08-oppen-data"]),
    (("--actor", "region-14"), ["14-dataverkstad", "14-open-data"]),
    (("--year", "2021"), EXPECTED_REFS),
    (("--year", "2020"), []),
])
def test_initiative_list_filters(loaded: str, filters: tuple[str, ...], expected: list[str]) -> None:
    assert [i["ref"] for i in as_json(loaded, "initiative", "list", *filters)] == expected
    assert [r["ref"] for r in as_csv(loaded, "initiative", "list", *filters)] == expected


def test_show_commands_answer_in_csv_with_one_row_of_what_json_says(loaded: str) -> None:
    [row] = as_csv(loaded, "initiative", "show", "14-dataverkstad")
    data = as_json(loaded, "initiative", "show", "14-dataverkstad")
    assert row["funding"] == "erdf:3000000:2021" and row["budget_sek"] == "3000000"
    assert row["participants"] == ";".join(f"{p['actor']}={p['role']}" for p in data["participants"])
    assert row["participants"].startswith("region-14=lead;region-12=partner")
    assert (row["title"], row["roles"], row["regions"]) == ("Nationell dataverkstad", "collaboration_leader", "12;14")
    [actor] = as_csv(loaded, "actor", "show", "internetstiftelsen")
    assert (actor["key"], actor["kind"]) == ("internetstiftelsen", "civil_society")
    [person] = as_csv(loaded, "person", "show", "coord-14")
    assert person["name"] == "Anna Åström" and person["email"] == "anna@example.se"


def test_actor_queries_in_every_format(loaded: str) -> None:
    data = as_json(loaded, "actor", "list")
    keys = [a["key"] for a in data]
    assert "iis" not in keys  # merged away
    assert {"digg", "rise", "gbg", "bibl-kalmar", "internetstiftelsen"} <= set(keys) and len(keys) == 21 + 5
    rows = as_csv(loaded, "actor", "list", "--merged")
    assert list(rows[0]) == ["key", "name", "kind", "region", "merged_into"]
    iis = next(r for r in rows if r["key"] == "iis")
    assert iis["merged_into"] == "internetstiftelsen" and iis["region"] == ""
    table = ok(loaded, "actor", "list", "--kind", "library").stdout.splitlines()
    assert len(table) == 2 and re.match(r"bibl-kalmar\s+Kalmar läns bibliotek\s+library\s+08$", table[1])
    assert as_json(loaded, "actor", "show", "gbg") == {
        "key": "gbg", "name": "Göteborgs stad", "kind": "municipality", "region": "14", "merged_into": None, "former_names": [],
    }
    shown = ok(loaded, "actor", "show", "iis").stdout
    assert re.search(r"^merged_into\s+internetstiftelsen$", shown, re.M)
    assert re.search(r"^region\s+-$", shown, re.M)


def test_coverage_in_every_format(loaded: str) -> None:
    expected = json.loads((FIXTURES / "coverage.expected.json").read_text(encoding="utf-8"))
    data = as_json(loaded, "coverage")
    rows = as_csv(loaded, "coverage")
    assert len(rows) == 21 * 5
    assert list(rows[0]) == ["region", "name", "area", "initiatives", "weighted", "pipeline", "budget_sek", "actors", "gap"]
    for row in rows:
        cell = next(r for r in expected["regions"] if r["region"] == row["region"])["areas"][row["area"]]
        assert int(row["initiatives"]) == cell["initiatives"]
        assert float(row["weighted"]) == pytest.approx(cell["weighted"], abs=1e-9)
        assert int(row["pipeline"]) == cell["pipeline"] and int(row["budget_sek"]) == cell["budget_sek"]
        assert int(row["actors"]) == cell["actors"] and (row["gap"] or None) == cell["gap"]
    assert next(r["name"] for r in rows if r["region"] == "14") == "Västra Götaland"
    one = as_json(loaded, "coverage", "--region", "14", "--area", "innovation")
    assert [r["region"] for r in one["regions"]] == ["14"] and list(one["regions"][0]["areas"]) == ["innovation"]
    assert one["national"]["innovation"] == data["national"]["innovation"]  # national figures stay national
    table = ok(loaded, "coverage").stdout.splitlines()
    assert table[0].startswith("coverage as of ")
    row14 = next(line for line in table if line.startswith("14 "))
    assert "Västra Götaland" in row14
    assert row14.split()[-5:] == ["·", "·", "2", "·", "1"]  # competence, security, innovation, leadership, infra
    assert any(line.startswith("national") for line in table)
    assert "declared focus without initiatives: 08 competence, 14 security" in table


def test_gaps_in_every_format(loaded: str) -> None:
    expected = json.loads((FIXTURES / "gaps.expected.json").read_text(encoding="utf-8"))
    expected_rows = [(g["region"], g["area"], g["kind"]) for g in expected["gaps"]] + [
        (d["region"], d["area"], "declared_unbacked") for d in expected["declared_unbacked"]
    ]
    rows = as_csv(loaded, "gaps")
    assert [(r["region"], r["area"], r["kind"]) for r in rows] == expected_rows
    table = ok(loaded, "gaps").stdout.splitlines()
    assert table[0].split() == ["region", "area", "kind"]
    assert [tuple(line.split()) for line in table[1:]] == expected_rows
    filtered = as_json(loaded, "gaps", "--region", "08")
    assert filtered["gaps"] == [g for g in expected["gaps"] if g["region"] == "08"]
    assert filtered["declared_unbacked"] == [{"region": "08", "area": "competence"}]
    assert as_json(loaded, "gaps", "--area", "security")["gaps"] == [g for g in expected["gaps"] if g["area"] == "security"]


def test_gaps_fail_on_gaps_exit_6_still_prints_the_gaps(loaded: str) -> None:
    for fmt in ("table", "json", "csv"):
        result = invoke(loaded, "gaps", "--fail-on-gaps", "--format", fmt)
        assert result.exit_code == 6, (fmt, result.stderr)
        assert "08" in result.stdout and "Traceback" not in result.stderr
    assert invoke(loaded, "gaps", "--fail-on-gaps", "--region", "14", "--area", "infrastructure").exit_code == 0
    assert invoke(loaded, "gaps", "--region", "01").exit_code == 0  # without the flag gaps are no failure


def test_diff_in_every_format(loaded: str) -> None:
    data = as_json(loaded, "diff", "--from", "2021-06-30", "--to", "2021-12-31")
    changes = {(c["region"], c["area"], c["field"]): (c["from"], c["to"]) for c in data["changes"]}
    # 08-digital-coach paused on 2021-09-01: region 08 competence no longer counts
    assert changes[("08", "competence", "initiatives")] == (1, 0)
    assert changes[("08", "competence", "gap")] == (None, "absent")
    assert ("14", "innovation", "initiatives") not in changes  # 14-open-data: active, then completed — counts both times
    rows = as_csv(loaded, "diff", "--from", "2021-06-30", "--to", "2021-12-31")
    assert list(rows[0]) == ["region", "area", "field", "from", "to"]
    assert [(r["region"], r["area"], r["field"]) for r in rows] == [(c["region"], c["area"], c["field"]) for c in data["changes"]]
    table = ok(loaded, "diff", "--from", "2021-06-30", "--to", "2021-12-31").stdout.splitlines()
    assert table[0].split() == ["region", "area", "field", "from", "to"] and len(table) == len(rows) + 1
    assert as_json(loaded, "diff", "--from", "2021-12-31", "--to", "2021-12-31")["changes"] == []


def test_portfolio_and_projection_queries(loaded: str) -> None:
    head = str(NEW_STORE_EVENTS + 38)  # the worked example's 38 events after a new store's
    table = ok(loaded, "portfolio", "show", "--region", "14").stdout.splitlines()
    assert table[0].split() == ["year", "score", "light", "focus", "effective"]
    assert table[1].split() == ["2020", "6", "green", "innovation=high;infrastructure=medium", "2021-01-20"]
    assert as_csv(loaded, "projections", "status") == [
        {"projection": name, "position": head, "head": head, "behind": "0"} for name in ("portfolio", "network", "bitemporal")
    ]
    assert ok(loaded, "projections", "status").stdout.splitlines()[1].split() == ["portfolio", head, head, "0"]


# --- Swedish characters ------------------------------------------------------------------------------


def test_swedish_characters_round_trip_through_every_format(db_url: str) -> None:
    title, description = "Öppna data i Västra Götaland", "Kommunernas datakällor – åäö ÅÄÖ é"
    ok(db_url, "actor", "add", "--key", "lst-o", "--name", "Länsstyrelsen i Västra Götalands län", "--kind", "county_board",
       "--region", "14")
    ok(db_url, "initiative", "add", "--ref", "14-öppna-data", "--region", "14", "--title", title, "--area", "innovation",
       "--type", "collaboration", "--description", description)
    ok(db_url, "initiative", "result", "14-öppna-data", "--type", "direct", "--text", "Åtta kommuner öppnade sina data")
    ok(db_url, "initiative", "join", "14-öppna-data", "--actor", "lst-o")

    [listed] = as_json(db_url, "initiative", "list")
    assert listed["ref"] == "14-öppna-data" and listed["title"] == title
    [row] = as_csv(db_url, "initiative", "list")
    assert row["ref"] == "14-öppna-data" and row["title"] == title
    assert title in ok(db_url, "initiative", "list").stdout
    shown = as_json(db_url, "initiative", "show", "14-öppna-data")
    assert shown["description"] == description and shown["results"][0]["text"] == "Åtta kommuner öppnade sina data"
    table = ok(db_url, "initiative", "show", "14-öppna-data").stdout
    assert description in table and "Åtta kommuner öppnade sina data" in table
    raw = ok(db_url, "initiative", "list", "--format", "json").stdout
    assert title in raw  # written as UTF-8, not as \u escapes

    name = "Länsstyrelsen i Västra Götalands län"
    assert as_json(db_url, "actor", "show", "lst-o")["name"] == name
    assert next(r for r in as_csv(db_url, "actor", "list") if r["key"] == "lst-o")["name"] == name
    assert name in ok(db_url, "actor", "list").stdout
    coverage = as_json(db_url, "coverage", "--region", "14")
    assert coverage["regions"][0]["name"] == "Västra Götaland"
    assert {r["name"] for r in as_csv(db_url, "coverage", "--region", "05")} == {"Östergötland"}
    assert "Västra Götaland" in ok(db_url, "coverage", "--region", "14").stdout


# --- help --------------------------------------------------------------------------------------------


HELP_PATHS = [(), *(path for path, _ in _walk(cli))]


@pytest.mark.parametrize("path", HELP_PATHS, ids=lambda p: " ".join(p) or "kompass")
def test_every_command_and_group_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner(env={"KOMPASS_DB": None, "KOMPASS_USER": None}).invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Usage: ")
    assert "Example" in result.stdout, f"`kompass {' '.join(path)} --help` shows no example"


def test_help_walk_finds_every_command() -> None:
    names = {" ".join(path) for path, _ in _walk(cli)}
    assert {"init", "demo", "import", "coverage", "gaps", "diff", "actor add", "actor merge", "initiative measure",
            "initiative retitle", "portfolio coordinator", "projections rebuild", "projections run"} <= names
