"""What auditors rely on besides the seal: export → restore → export, replay, and history (docs/cli-reference.md, docs/command-log.md).

The round trip is a property: for random command sequences (refused commands ignored),
`export` → `import --restore` into an empty store → `export` gives the same bytes, and the
restored store answers `coverage` and `history` exactly as the original does.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kompass.application import commands as c
from kompass.domain.errors import KompassError
from kompass.infrastructure.bootstrap import Store
from tests.conftest import NEW_STORE_EVENTS, drop_pg_database, init_store, new_pg_database
from tests.integration.helpers import as_json, invoke, ok, refused, same_log

REFERENCE_EVENTS = 42
HEAD = NEW_STORE_EVENTS + 38  # the worked example: 42 reference events, two grants, then the 38 lines of small.jsonl
HISTORY_KEYS = {"position", "recorded_at", "effective", "by", "recorded_by", "aggregate", "key", "type", "data"}


# --- applying commands directly, as the property test does --------------------------------------------


SELF = "self"
"""In a drawn `PublishKey`, the login that runs the test: only a key's own user may publish it (no admin, no `--as`)."""


def apply(url: str, commands: list[c.Command], user: str = "admin") -> int:
    """Execute each command through the service layer; refused ones are skipped. Returns how many were accepted."""
    for coordinator, region in (("coord-14", "14"), ("coord-12", "12")):  # the users AssignCoordinator names must hold a role
        invoke(url, "user", "grant", coordinator, "--role", "coordinator", "--region", region)  # (refused when they do)
    store = Store(url, user)
    accepted = 0
    try:
        for command in commands:
            access = store.access()
            if isinstance(command, c.PublishKey) and command.user == SELF:
                # a key is published by its own user, as themself: the login running the test, without `--as`
                command, access = replace(command, user=store.identity.real), store.real_access()
            try:
                store.kompass.execute(command, access)
            except KompassError:
                continue
            accepted += 1
    finally:
        store.close()
    return accepted


def export_bytes(url: str) -> bytes:
    return ok(url, "export", user=None).stdout_bytes


def views(url: str) -> dict[str, bytes]:
    """Everything a restored store must answer exactly as the original does."""
    return {
        "coverage": ok(url, "coverage", "--format", "json", user=None).stdout_bytes,
        "coverage 2021": ok(url, "coverage", "--format", "json", "--as-of", "2021-12-31", user=None).stdout_bytes,
        "history": ok(url, "history", "--format", "json", user=None).stdout_bytes,
        "initiatives": ok(url, "initiative", "list", "--format", "json", user=None).stdout_bytes,
        "actors": ok(url, "actor", "list", "--merged", "--format", "json", user=None).stdout_bytes,
    }


def assert_round_trip(source: str, target: str, directory: Path) -> bytes:
    """export source → import --restore into the empty target → export again: identical in every way."""
    exported = export_bytes(source)
    file = directory / "export.jsonl"
    file.write_bytes(exported)
    ok(target, "import", "--restore", str(file), user=None)
    assert same_log(export_bytes(target), exported)
    assert views(target) == views(source)
    to_file = directory / "again.jsonl"
    ok(target, "export", "--output", str(to_file), user=None)
    assert same_log(to_file.read_bytes(), exported)
    key = ok(source, "checkpoint", "--key", user=None).stdout.strip()
    assert ok(target, "verify", "--against", str(file), "--key", key, user=None).exit_code == 0
    ok(target, "verify", user=None)  # every recorder, as restored, held the right to record
    return exported





def header_of(exported: bytes) -> dict[str, str]:
    lines = exported.decode("utf-8").splitlines()
    header = [line for line in lines if line.startswith("#")]
    assert lines[: len(header)] == header, "header lines come first"
    fields = dict(re.findall(r"^# (position): (\S+)$", "\n".join(header), flags=re.M))
    fields["checkpoint"] = "\n".join(line[4:] for line in header if line.startswith("#   "))
    return fields


# --- random command sequences -------------------------------------------------------------------------

REFS = ("14-data", "12-cyber", "08-coach")
KEYS = ("digg", "rise", "gbg")
ACTORS = (*KEYS, "region-12", "region-09", "region-14", "nobody")
AREAS = ("competence", "security", "innovation", "leadership", "infrastructure")
REGIONS = ("14", "12", "08")

texts = st.one_of(
    st.sampled_from(["", "Öppna data", "financing confirmed", "RISE", "Göteborgs stad", "a\nb", "\"quoted\" \\ back"]),
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=8),  # NUL: refused as a command is built
)
users = st.sampled_from([None, None, "admin", "coord-14", "coord-12"])
effective = st.one_of(st.none(), st.dates(date(2018, 1, 1), date(2025, 12, 31)))
numbers = st.one_of(st.integers(-1000, 10**7), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))


def command(cls: type[c.Command], **fields: Any) -> st.SearchStrategy[c.Command]:
    return st.builds(cls, by=users, effective=effective, **fields)


commands = st.one_of(
    command(c.RegisterActor, key=st.sampled_from(KEYS), name=texts,
            kind=st.sampled_from(["agency", "municipality", "library", "university", "region"]),
            region=st.sampled_from([None, *REGIONS])),
    command(c.RenameActor, key=st.sampled_from(KEYS), name=texts),
    command(c.MergeActor, key=st.sampled_from(ACTORS), into=st.sampled_from(ACTORS)),
    command(c.ProposeInitiative, ref=st.sampled_from(REFS), region=st.sampled_from(REGIONS), title=texts,
            areas=st.lists(st.sampled_from(AREAS), min_size=1, max_size=3).map(tuple),
            type=st.sampled_from(["project", "training", "collaboration"]),
            orientation=st.sampled_from(["external", "internal"]),
            roles=st.lists(st.sampled_from(["strategist", "lobbyist"]), max_size=2).map(tuple), description=texts),
    command(c.ChangeStatus, ref=st.sampled_from(REFS),
            status=st.sampled_from(["proposed", "planned", "active", "completed", "paused", "cancelled"]), reason=texts),
    command(c.ReopenInitiative, ref=st.sampled_from(REFS), reason=texts),
    command(c.TagArea, ref=st.sampled_from(REFS), area=st.sampled_from(AREAS)),
    command(c.UntagArea, ref=st.sampled_from(REFS), area=st.sampled_from(AREAS)),
    command(c.JoinInitiative, ref=st.sampled_from(REFS), actor=st.sampled_from(ACTORS),
            role=st.sampled_from(["partner", "funder", "target", "expert"])),
    command(c.LeaveInitiative, ref=st.sampled_from(REFS), actor=st.sampled_from(ACTORS)),
    command(c.FundInitiative, ref=st.sampled_from(REFS), source=st.sampled_from(["erdf", "regional", "vinnova"]),
            amount_sek=st.integers(-5, 10**9), year=st.integers(2019, 2026)),
    command(c.RecordResult, ref=st.sampled_from(REFS), type=st.sampled_from(["capability", "coordination", "direct"]),
            text=texts),
    command(c.RetitleInitiative, ref=st.sampled_from(REFS), title=texts, description=st.one_of(st.none(), texts)),
    command(c.DefineIndicator, ref=st.sampled_from(REFS), name=st.sampled_from(["share", "count"]), target=numbers,
            unit=st.sampled_from(["", "%"])),
    command(c.MeasureIndicator, ref=st.sampled_from(REFS), name=st.sampled_from(["share", "count"]), value=numbers),
    command(c.AssessPortfolio, region=st.sampled_from(REGIONS), year=st.integers(2019, 2025), score=st.integers(0, 11),
            light=st.sampled_from(["green", "yellow", "red"]),
            focus=st.dictionaries(st.sampled_from(AREAS), st.sampled_from(["none", "low", "medium", "high"]), max_size=3)),
    command(c.AssignCoordinator, region=st.sampled_from(REGIONS), user=st.sampled_from(["coord-14", "coord-12"])),
    command(c.RetypeInitiative, ref=st.sampled_from(REFS), type=st.sampled_from(["project", "training", "seminar"]), reason=texts),
    command(c.ReorientInitiative, ref=st.sampled_from(REFS), orientation=st.sampled_from(["external", "internal"]), reason=texts),
    command(c.ChangeRoles, ref=st.sampled_from(REFS),
            roles=st.lists(st.sampled_from(["strategist", "lobbyist", "spokesperson"]), max_size=2).map(tuple), reason=texts),
    command(c.UnfundInitiative, ref=st.sampled_from(REFS), source=st.sampled_from(["erdf", "regional", "vinnova"]),
            amount_sek=st.integers(-5, 10**9), year=st.integers(2019, 2026), reason=texts),
    command(c.WithdrawResult, ref=st.sampled_from(REFS), type=st.sampled_from(["capability", "coordination", "direct"]),
            text=texts, reason=texts),
    command(c.RetargetIndicator, ref=st.sampled_from(REFS), name=st.sampled_from(["share", "count"]), target=numbers,
            unit=st.sampled_from([None, "", "%"]), reason=texts),
    command(c.ScheduleInitiative, ref=st.sampled_from(REFS), start=st.one_of(st.none(), st.dates(date(2019, 1, 1), date(2026, 1, 1))),
            end=st.one_of(st.none(), st.dates(date(2019, 1, 1), date(2026, 1, 1))), reason=texts),
    command(c.MoveLeadRegion, ref=st.sampled_from(REFS), region=st.sampled_from(REGIONS), reason=texts),
    command(c.GrantRole, user=st.sampled_from(["coord-14", "coord-12", "revisor"]),
            role=st.sampled_from(["coordinator", "auditor", "admin"]), regions=st.lists(st.sampled_from(REGIONS), max_size=2).map(tuple)),
    command(c.RevokeRole, user=st.sampled_from(["coord-14", "coord-12", "revisor", "admin"]),
            role=st.sampled_from(["coordinator", "auditor", "admin"]), regions=st.lists(st.sampled_from(REGIONS), max_size=2).map(tuple)),
    command(c.PublishKey, user=st.sampled_from([SELF, "coord-14"]),
            public_key=st.sampled_from(["11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", "A" * 43 + "=", "not a key"])),
)


@settings(max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(commands, min_size=1, max_size=40))
def test_export_restore_export_gives_the_same_bytes_and_the_same_answers(sequence: list[c.Command]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        source, target = f"sqlite:///{directory}/source.db", f"sqlite:///{directory}/target.db"
        apply(init_store(source), sequence)
        assert_round_trip(source, target, Path(directory))


def test_the_worked_example_round_trips_on_each_backend_and_across_backends(db_url: str, small_log: Path, tmp_path: Path) -> None:
    """One fixed example on both backends; the export of a PostgreSQL store restores into SQLite identically."""
    ok(db_url, "import", str(small_log))
    apply(db_url, [c.ChangeStatus(ref="08-digital-coach", status="active", reason="ny koordinator"),
                   c.RenameActor(key="digg", name="Digg"), c.DefineIndicator(ref="14-open-data", name="share", target=100, unit="%"),
                   c.MeasureIndicator(ref="14-open-data", name="share", value=64.5)])
    if db_url.startswith("sqlite"):
        exported = assert_round_trip(db_url, f"sqlite:///{tmp_path / 'restored.db'}", tmp_path)
    else:
        target = new_pg_database(initialised=False)
        try:
            exported = assert_round_trip(db_url, target, tmp_path)
        finally:
            drop_pg_database(target)
        crossed = tmp_path / "crossed"
        crossed.mkdir()
        assert assert_round_trip(db_url, f"sqlite:///{crossed / 'from-postgres.db'}", crossed) == exported
    published = 0 if db_url.startswith("sqlite") else 1  # on PostgreSQL the real identity's key, published with admin's grant
    grants = 2  # `apply` grants coord-14 and coord-12 the coordinator role first
    assert header_of(exported)["position"] == str(HEAD + published + grants + 4)


# --- export header, ordinary import and restore refusals -----------------------------------------------


@pytest.fixture
def loaded(sqlite_url: str, small_log: Path) -> str:
    ok(sqlite_url, "import", str(small_log))
    return sqlite_url


def test_the_export_header_holds_the_checkpoint_it_was_made_from(loaded: str, tmp_path: Path) -> None:
    exported = export_bytes(loaded)
    header = header_of(exported)
    assert header["position"] == str(HEAD)
    assert header["checkpoint"].rstrip() == ok(loaded, "checkpoint").stdout.rstrip()
    ok(loaded, "actor", "add", "--key", "vinnova", "--name", "Vinnova", "--kind", "agency")
    later = header_of(export_bytes(loaded))
    assert later["position"] == str(HEAD + 1) and later["checkpoint"] != header["checkpoint"]
    file = tmp_path / "old-export.jsonl"
    file.write_bytes(exported)
    ok(loaded, "verify", "--against", str(file))
    lines = [json.loads(line) for line in exported.decode("utf-8").splitlines() if line and not line.startswith("#")]
    assert len(lines) == HEAD, "one line per stored event, the regions' reference events included"
    assert all({"op", "by", "effective", "recorded_at"} <= set(line) for line in lines)


def test_an_ordinary_import_of_an_export_is_refused_because_of_recorded_at(loaded: str, tmp_path: Path) -> None:
    file = tmp_path / "export.jsonl"
    file.write_bytes(export_bytes(loaded))
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    ok(empty, "init", user=None)
    message = refused(empty, "import", str(file), user=None)
    first_command = next(n for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1) if not line.startswith("#"))
    assert message.startswith(f"{file}:{first_command}: "), message
    assert "recorded_at" in message
    assert as_json(empty, "projections", "status", user=None)[0]["head"] == REFERENCE_EVENTS + 1  # and the first admin
    assert as_json(empty, "history", user=None)["events"][-1]["position"] == REFERENCE_EVENTS + 1


def test_restore_into_a_store_that_is_not_empty_is_refused(loaded: str, tmp_path: Path) -> None:
    file = tmp_path / "export.jsonl"
    file.write_bytes(export_bytes(loaded))
    other = f"sqlite:///{tmp_path / 'other.db'}"
    ok(other, "init", user=None)
    before = ok(other, "history", "--format", "json", user=None).stdout
    assert "new store" in refused(other, "import", "--restore", str(file), user=None)  # it holds its first admin
    ok(other, "actor", "add", "--key", "vinnova", "--name", "Vinnova", "--kind", "agency", user=None)
    before = ok(other, "history", "--format", "json", user=None).stdout
    message = refused(other, "import", "--restore", str(file), user=None)
    assert "new store" in message
    assert ok(other, "history", "--format", "json", user=None).stdout == before
    # and restoring into the very store it came from is refused too
    refused(loaded, "import", "--restore", str(file))
    assert header_of(export_bytes(loaded))["position"] == str(HEAD)


def test_restore_of_a_file_with_lines_lacking_recorded_at_records_them_now(tmp_path: Path) -> None:
    """A restore keeps recording times where given; lines without one are recorded now (still exactly once)."""
    file = tmp_path / "partial.jsonl"
    file.write_text(
        '{"op": "actor.register", "key": "digg", "name": "Digg", "kind": "agency", "recorded_at": "2021-01-10T08:00:00+00:00"}\n'
        '{"op": "actor.rename", "key": "digg", "name": "Myndigheten för digital förvaltning"}\n',
        encoding="utf-8",
    )
    sqlite_url = f"sqlite:///{tmp_path / 'new.db'}"
    ok(sqlite_url, "import", "--restore", str(file), user=None)
    events = as_json(sqlite_url, "history", "--actor", "digg", user=None)["events"]
    assert events[0]["recorded_at"][:10] == "2021-01-10"
    assert events[1]["recorded_at"][:10] == date.today().isoformat()


# --- replay ---------------------------------------------------------------------------------------------


def test_replay_until_a_position_builds_the_store_as_it_was_known_then(loaded: str, tmp_path: Path) -> None:
    # later corrections, back-dated into 2021: the original's view of 2021 changes, the replay's must not
    ok(loaded, "initiative", "status", "08-digital-coach", "active", "--reason", "ny koordinator", "--effective", "2021-10-01")
    ok(loaded, "initiative", "status", "08-oppen-data", "active", "--effective", "2021-07-01")
    original_history = as_json(loaded, "history")["events"]
    recorded_at_head = original_history[HEAD - 1]["recorded_at"]
    assert original_history[HEAD - 1]["position"] == HEAD

    replayed = f"sqlite:///{tmp_path / 'replayed.db'}"
    result = ok(loaded, "replay", "--until", str(HEAD), "--into", replayed)
    assert f"replayed {HEAD - REFERENCE_EVENTS} events" in result.stderr
    history = as_json(replayed, "history")["events"]
    assert history[-1]["position"] == HEAD
    assert history == original_history[:HEAD]

    for day in ("2021-06-30", "2021-12-31"):
        then = as_json(replayed, "coverage", "--as-of", day)
        known = as_json(loaded, "coverage", "--as-of", day, "--known-at", recorded_at_head)
        assert then == known
    assert as_json(replayed, "coverage", "--as-of", "2021-12-31") != as_json(loaded, "coverage", "--as-of", "2021-12-31")
    expected = json.loads((Path(__file__).parents[1] / "fixtures" / "coverage.as-of-2021-06-30.expected.json").read_text(encoding="utf-8"))
    assert as_json(replayed, "coverage", "--as-of", "2021-06-30") == expected
    ok(replayed, "verify")


def test_replay_until_an_earlier_position_and_until_a_recording_time(loaded: str, tmp_path: Path) -> None:
    early = f"sqlite:///{tmp_path / 'early.db'}"
    ok(loaded, "replay", "--until", "60", "--into", early)
    assert as_json(early, "history")["events"] == as_json(loaded, "history")["events"][:60]
    reference_only = f"sqlite:///{tmp_path / 'reference.db'}"
    ok(loaded, "replay", "--until", "2019-01-01", "--into", reference_only)  # before any import: the regions only
    assert as_json(reference_only, "history", user=None)["events"][-1]["position"] == REFERENCE_EVENTS + 1  # its maker's grant
    # an auditor, not an admin, may replay into a store of their own
    mine = f"sqlite:///{tmp_path / 'mine.db'}"
    ok(loaded, "user", "add", "revisor", "--role", "auditor")
    ok(loaded, "replay", "--until", "50", "--into", mine, user="revisor")
    assert as_json(mine, "history", user="revisor")["events"][-1]["position"] == 50


def test_replay_into_a_store_that_is_not_empty_is_refused(loaded: str) -> None:
    message = refused(loaded, "replay", "--until", "60", "--into", loaded)
    assert "not empty" in message
    assert as_json(loaded, "projections", "status")[0]["head"] == HEAD


# --- history ----------------------------------------------------------------------------------------------


def positions(url: str, *filters: str) -> list[int]:
    return [e["position"] for e in as_json(url, "history", *filters)["events"]]


def test_history_json_has_the_shape_of_design_section_5(loaded: str) -> None:
    data = as_json(loaded, "history")
    assert set(data) == {"events"}
    events = data["events"]
    assert [e["position"] for e in events] == list(range(1, HEAD + 1))
    for event in events:
        assert set(event) >= HISTORY_KEYS, event
        assert isinstance(event["position"], int) and isinstance(event["data"], dict)
        assert event["aggregate"] in {"initiative", "actor", "portfolio", "user"}
        date.fromisoformat(event["effective"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00", event["recorded_at"]), event["recorded_at"]
    status = next(e for e in events if e["type"] == "StatusChanged")
    assert status == {**status, "position": 56, "effective": "2021-03-01", "by": "coord-14", "aggregate": "initiative",
                      "key": "14-dataverkstad", "data": {"status": "active", "reason": "financing confirmed"}}
    merged = next(e for e in events if e["type"] == "ActorMerged")
    assert (merged["aggregate"], merged["key"], merged["data"], merged["by"]) == ("actor", "iis", {"into": "internetstiftelsen"}, "admin")
    assessed = [e for e in events if e["type"] == "SelfAssessed"]
    assert [(e["key"], e["data"]["year"], e["effective"]) for e in assessed] == [
        ("14", 2020, "2021-01-20"), ("14", 2021, "2022-01-20"), ("08", 2021, "2022-01-25")]
    assert events[0]["by"] == "kompass" and events[0]["recorded_at"].startswith("2018-07-12")


def test_history_filters(loaded: str) -> None:
    assert positions(loaded, "--initiative", "14-dataverkstad") == list(range(51, 58))
    assert positions(loaded, "--initiative", "no-such-ref") == []
    assert positions(loaded, "--actor", "digg") == [45, 53, 78]
    assert positions(loaded, "--actor", "iis") == [49, 55, 58]
    assert positions(loaded, "--actor", "internetstiftelsen") == [50, 58]
    by_08 = as_json(loaded, "history", "--by", "coord-08")["events"]
    assert {e["by"] for e in by_08} == {"coord-08"} and len(by_08) == 8
    assert positions(loaded, "--by", "kompass") == list(range(1, REFERENCE_EVENTS + 1))
    region_12 = as_json(loaded, "history", "--region", "12")["events"]
    assert [(e["type"], e["key"]) for e in region_12] == [
        ("ActorRegistered", "region-12"), ("PortfolioOpened", "12"), ("ActorJoined", "14-dataverkstad"),
        ("InitiativeProposed", "12-cyber"), ("StatusChanged", "12-cyber"), ("StatusChanged", "12-cyber"),
        ("InitiativeReopened", "12-cyber"), ("InitiativeProposed", "12-5g"), ("ActorJoined", "12-5g"),
        ("StatusChanged", "12-5g")]
    assert positions(loaded, "--region", "14", "--by", "admin") == [47]  # gbg, an actor of region 14
    assert positions(loaded, "--region", "14", "--initiative", "14-open-data", "--by", "coord-14") == list(range(59, 66))


def test_history_since_and_until_bound_the_recording_date(tmp_path: Path) -> None:
    file = tmp_path / "dated.jsonl"
    lines = [
        {"op": "actor.register", "key": "digg", "name": "Digg", "kind": "agency", "by": "admin", "effective": "2021-01-10",
         "recorded_at": "2021-01-10T08:00:00+00:00"},
        {"op": "actor.rename", "key": "digg", "name": "Myndigheten för digital förvaltning", "by": "admin",
         "effective": "2021-06-01", "recorded_at": "2021-06-01T23:59:59+00:00"},
        {"op": "actor.rename", "key": "digg", "name": "Digg", "by": "coord-14", "effective": "2021-06-02",
         "recorded_at": "2021-06-02T00:00:00+00:00"},
        {"op": "actor.rename", "key": "digg", "name": "DIGG", "by": "admin", "effective": "2021-06-02",
         "recorded_at": "2022-01-20T12:00:00+00:00"},
    ]
    file.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    sqlite_url = f"sqlite:///{tmp_path / 'new.db'}"
    ok(sqlite_url, "import", "--restore", str(file), user=None)
    ok(sqlite_url, "user", "grant", "admin", "--role", "admin", user=None)  # after the restorer's own grant, recorded now
    first = REFERENCE_EVENTS + 1
    assert positions(sqlite_url, "--since", "2021-06-01", "--until", "2021-06-01") == [first + 1]
    assert positions(sqlite_url, "--since", "2021-06-01", "--until", "2021-06-02") == [first + 1, first + 2]
    assert positions(sqlite_url, "--since", "2022-01-01", "--until", "2022-12-31") == [first + 3]
    assert positions(sqlite_url, "--until", "2020-12-31") == list(range(1, first))
    assert positions(sqlite_url, "--since", "2021-01-01", "--by", "admin") == [first, first + 1, first + 3]
    assert positions(sqlite_url, "--since", "2023-01-01", "--until", "2025-12-31") == []
    assert invoke(sqlite_url, "history", "--since", "2021-13-01").exit_code == 2
    assert invoke(sqlite_url, "history", "--until", "yesterday").exit_code == 2


def test_history_table_shows_words(loaded: str) -> None:
    table = ok(loaded, "history", "--initiative", "14-dataverkstad").stdout
    assert "status → active: financing confirmed" in table
    assert "funding 3 000 000 SEK from erdf for 2021" in table
    assert "region-12 joined as partner" in table
    assert "proposed 14-dataverkstad (14): Nationell dataverkstad [infrastructure, innovation]" in table
    header = table.splitlines()[0].split()
    assert header == ["position", "recorded_at", "effective", "by", "aggregate", "key", "summary"]
    everything = ok(loaded, "history").stdout
    for words in ("merged into internetstiftelsen", "reopened: a second webinar was added", "untagged competence",
                  "result (capability): 12 kommuner utbildade", "self-assessment 2021: score 5, yellow",
                  "status → cancelled: no funding", "registered digg: Myndigheten för digital förvaltning (agency)"):
        assert words in everything, words
    csv_text = ok(loaded, "history", "--format", "csv", "--initiative", "12-cyber").stdout
    assert csv_text.splitlines()[0] == "position,recorded_at,effective,by,aggregate,key,summary"
    assert len(csv_text.splitlines()) == 5

