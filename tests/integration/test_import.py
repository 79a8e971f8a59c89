"""`kompass import FILE` (docs/command-log.md): the worked example, and files that must be refused whole."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from kompass.infrastructure.bootstrap import Store
from tests.conftest import FIXTURES
from tests.integration.helpers import as_json, invoke, ok, refused, snapshot

EXPECTED_INITIATIVES = {
    # ref: (region, status, areas)
    "08-digital-coach": ("08", "paused", ["competence"]),
    "08-oppen-data": ("08", "planned", ["infrastructure"]),
    "12-5g": ("12", "cancelled", ["infrastructure"]),
    "12-cyber": ("12", "active", ["security"]),
    "14-dataverkstad": ("14", "active", ["infrastructure", "innovation"]),
    "14-open-data": ("14", "completed", ["innovation"]),
}


def assert_matches(actual: Any, expected: Any, where: str = "$") -> None:
    """Field by field: same keys, same order of lists, floats within 1e-9; `as_of` is not compared."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        keys = set(expected) - {"as_of"}
        assert set(actual) - {"as_of"} == keys, f"{where}: keys {sorted(set(actual))} != {sorted(set(expected))}"
        for key in sorted(keys):
            assert_matches(actual[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), f"{where}: {len(actual)} items, expected {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_matches(a, e, f"{where}[{i}]")
    elif isinstance(expected, float):
        assert isinstance(actual, (int, float)) and not isinstance(actual, bool), f"{where}: {actual!r} is not a number"
        assert math.isclose(actual, expected, rel_tol=0, abs_tol=1e-9), f"{where}: {actual!r} != {expected!r}"
    else:
        assert type(actual) is type(expected) and actual == expected, f"{where}: {actual!r} != {expected!r}"


def expected(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


# --- the worked example -------------------------------------------------------------------------------


def test_worked_example_imports_cleanly_and_reproduces_the_expected_outputs(db_url: str, small_log: Path) -> None:
    result = ok(db_url, "import", str(small_log))
    assert result.stdout == ""
    assert result.stderr.strip() == f"imported 38 commands (38 events) from {small_log}"
    initiatives = as_json(db_url, "initiative", "list")
    assert {i["ref"]: (i["region"], i["status"], i["areas"]) for i in initiatives} == EXPECTED_INITIATIVES
    assert [i["ref"] for i in initiatives] == sorted(EXPECTED_INITIATIVES)
    titles = {i["ref"]: i["title"] for i in initiatives}
    assert titles["14-open-data"] == "Öppna data i kommunerna"
    assert all(i["type"] for i in initiatives)

    assert_matches(as_json(db_url, "coverage"), expected("coverage.expected.json"))
    assert_matches(as_json(db_url, "coverage", "--as-of", "2021-06-30"), expected("coverage.as-of-2021-06-30.expected.json"))
    gaps = as_json(db_url, "gaps")
    assert_matches(gaps, expected("gaps.expected.json"))
    assert as_json(db_url, "coverage", "--as-of", "2021-06-30")["as_of"] == "2021-06-30"


def test_the_comparison_notices_a_difference() -> None:
    data = expected("coverage.expected.json")
    changed = json.loads(json.dumps(data))
    changed["regions"][11]["areas"]["innovation"]["weighted"] += 1e-6
    with pytest.raises(AssertionError, match="weighted"):
        assert_matches(changed, data)
    changed = json.loads(json.dumps(data))
    changed["national"]["security"]["initiatives"] = 1.0  # an int must stay an int
    with pytest.raises(AssertionError):
        assert_matches(changed, data)
    changed = json.loads(json.dumps(data))
    changed["as_of"] = "1999-01-01"
    assert_matches(changed, data)


# --- refused files ------------------------------------------------------------------------------------

GOOD_LINES = [
    "# a command log that goes wrong after some good lines",
    '{"op": "actor.register", "key": "ny-aktor", "name": "Ny aktör", "kind": "agency"}',
    "",
    '{"op": "initiative.propose", "ref": "14-ny", "region": "14", "title": "Ny insats", "areas": ["security"], '
    '"type": "seminar"}',
    '{"op": "initiative.join", "ref": "14-ny", "actor": "ny-aktor", "role": "expert"}',
    '{"op": "initiative.status", "ref": "14-ny", "status": "active"}',
    '{"op": "actor.rename", "key": "digg", "name": "Digg"}',
]
BAD_LINE = len(GOOD_LINES) + 1

BAD: dict[str, tuple[bytes, str]] = {
    # name: (the bad line, what its message must say)
    "invalid JSON": (b'{"op": "actor.register", "key": ', "invalid JSON"),
    "not an object": (b'["initiative.tag", "14-ny"]', "JSON object"),
    "missing op": (b'{"ref": "14-ny", "area": "innovation"}', "missing 'op'"),
    "unknown op": (b'{"op": "initiative.delete", "ref": "14-ny"}', "unknown op 'initiative.delete'"),
    "unknown field": (b'{"op": "initiative.tag", "ref": "14-ny", "area": "innovation", "colour": "red"}',
                      "unknown field 'colour'"),
    "missing field": (b'{"op": "initiative.tag", "ref": "14-ny"}', "missing field 'area'"),
    "wrong type": (b'{"op": "initiative.fund", "ref": "14-ny", "source": "erdf", "amount_sek": "1000", "year": 2021}',
                   "amount_sek"),
    "unknown area": (b'{"op": "initiative.tag", "ref": "14-ny", "area": "cyber"}', "unknown area 'cyber'"),
    "unknown region": (b'{"op": "initiative.propose", "ref": "99-x", "region": "99", "title": "X", '
                       b'"areas": ["security"], "type": "seminar"}', "unknown region '99'"),
    "unknown actor": (b'{"op": "initiative.join", "ref": "14-ny", "actor": "nobody"}', "no actor with key 'nobody'"),
    "missing initiative": (b'{"op": "initiative.status", "ref": "14-nope", "status": "active"}', "14-nope"),
    "invalid status transition": (b'{"op": "initiative.status", "ref": "14-ny", "status": "proposed"}', "proposed"),
    "status already held": (b'{"op": "initiative.status", "ref": "14-ny", "status": "active"}', "active"),
    "reopen of an open initiative": (b'{"op": "initiative.reopen", "ref": "14-ny", "reason": "why"}', "14-ny"),
    "negative amount": (b'{"op": "initiative.fund", "ref": "14-ny", "source": "erdf", "amount_sek": -1, "year": 2021}',
                        "negative"),
    "score out of range": (b'{"op": "portfolio.assess", "region": "14", "year": 2021, "score": 11, "light": "green"}',
                           "score"),
    "duplicate ref in the store": (b'{"op": "initiative.propose", "ref": "14-dataverkstad", "region": "14", "title": "X", '
                                   b'"areas": ["security"], "type": "seminar"}', "14-dataverkstad"),
    "duplicate ref in the file": (b'{"op": "initiative.propose", "ref": "14-ny", "region": "14", "title": "X", '
                                  b'"areas": ["security"], "type": "seminar"}', "14-ny"),
    "duplicate JSON key": (b'{"op": "initiative.tag", "ref": "14-ny", "area": "innovation", "area": "leadership"}',
                           "'area' appears twice"),
    "broken UTF-8": (b'{"op": "actor.rename", "key": "digg", "name": "D\xc3\x28gg"}', "UTF-8"),
    "recorded_at without --restore": (b'{"op": "initiative.tag", "ref": "14-ny", "area": "innovation", '
                                      b'"recorded_at": "2021-01-01T00:00:00+00:00"}', "recorded_at"),
    "effective not a date": (b'{"op": "initiative.tag", "ref": "14-ny", "area": "innovation", "effective": "2021-02-30"}',
                             "effective"),
    "effective in the future": (b'{"op": "initiative.tag", "ref": "14-ny", "area": "innovation", "effective": "2999-01-01"}',
                                "future"),
    "NaN": (b'{"op": "initiative.measure", "ref": "14-ny", "name": "x", "value": NaN}', "NaN"),
    "line over 1 MiB": (b'{"op": "actor.rename", "key": "digg", "name": "' + b"x" * (1 << 20) + b'"}', "1 MiB"),
}


def bad_file(directory: Path, bad: bytes, after: list[bytes] | None = None) -> Path:
    path = directory / "bad.jsonl"
    lines = [line.encode("utf-8") for line in GOOD_LINES] + [bad] + (after or [])
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def check_refused_whole(url: str, path: Path, line: int, says: str, code: int = 1, user: str = "admin") -> str:
    before = snapshot(url)
    text = refused(url, "import", str(path), code=code, user=user)
    assert text.startswith(f"{path}:{line}: "), f"{text!r} does not name {path}:{line}"
    assert says in text, f"{text!r} does not say {says!r}"
    assert snapshot(url) == before, "a refused import changed the store"
    return text


@pytest.fixture
def example_store(sqlite_url: str, small_log: Path) -> str:
    ok(sqlite_url, "import", str(small_log))
    return sqlite_url


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_line_after_good_lines_refuses_the_whole_file(example_store: str, tmp_path: Path, case: str) -> None:
    line, says = BAD[case]
    path = bad_file(tmp_path, line, after=[GOOD_LINES[1].replace("ny-aktor", "later").encode()])
    check_refused_whole(example_store, path, BAD_LINE, says)
    refs = [i["ref"] for i in as_json(example_store, "initiative", "list")]
    assert "14-ny" not in refs
    actors = [a["key"] for a in as_json(example_store, "actor", "list", "--merged")]
    assert "ny-aktor" not in actors and "later" not in actors
    assert as_json(example_store, "actor", "show", "digg")["name"] == "Myndigheten för digital förvaltning"


def test_the_good_lines_alone_import(example_store: str, tmp_path: Path) -> None:
    path = tmp_path / "good.jsonl"
    path.write_text("\n".join(GOOD_LINES) + "\n", encoding="utf-8")
    result = ok(example_store, "import", str(path))
    assert "imported 5 commands" in result.stderr
    shown = as_json(example_store, "initiative", "show", "14-ny")
    assert shown["status"] == "active" and {"actor": "ny-aktor", "role": "expert"} in shown["participants"]


def test_refused_imports_on_both_backends(db_url: str, small_log: Path, tmp_path: Path) -> None:
    ok(db_url, "import", str(small_log))
    before = snapshot(db_url)
    for case in ("unknown actor", "invalid status transition", "duplicate JSON key", "negative amount"):
        line, says = BAD[case]
        path = bad_file(tmp_path, line)
        text = refused(db_url, "import", str(path))
        assert text.startswith(f"{path}:{BAD_LINE}: ") and says in text, text
    assert snapshot(db_url) == before


def test_a_bad_first_line_into_an_empty_store(sqlite_url: str, tmp_path: Path) -> None:
    ok(sqlite_url, "init")
    path = tmp_path / "first.jsonl"
    path.write_text('{"op": "initiative.propose", "ref": "14-x"}\n' + GOOD_LINES[1] + "\n", encoding="utf-8")
    check_refused_whole(sqlite_url, path, 1, "missing field")


def test_the_first_bad_line_is_the_one_named(example_store: str, tmp_path: Path) -> None:
    path = bad_file(tmp_path, BAD["unknown op"][0], after=[BAD["invalid JSON"][0]])
    check_refused_whole(example_store, path, BAD_LINE, "unknown op")


@pytest.mark.parametrize(("first", "then"), [("unknown actor", "invalid JSON"), ("invalid JSON", "unknown actor")])
def test_the_first_bad_line_is_named_whichever_kind_comes_first(db_url: str, small_log: Path, tmp_path: Path,
                                                                 first: str, then: str) -> None:
    """An import reads a window of lines ahead before it carries them out: a line that does not parse
    must still not be named before an earlier line that parses but is refused, nor after it."""
    ok(db_url, "import", str(small_log))
    path = bad_file(tmp_path, BAD[first][0], after=[BAD[then][0], GOOD_LINES[1].replace("ny-aktor", "later").encode()])
    check_refused_whole(db_url, path, BAD_LINE, BAD[first][1])


def test_a_window_reads_what_earlier_windows_appended(db_url: str, tmp_path: Path) -> None:
    """Aggregates named in one read-ahead window and changed in another: each window reads the store as
    the import's own transaction left it, so the later lines see the earlier ones, across windows."""
    from kompass.application.service import IMPORT_WINDOW

    lines = [f'{{"op": "actor.register", "key": "a-{i:04d}", "name": "A {i}", "kind": "company"}}' for i in range(IMPORT_WINDOW)]
    lines += ['{"op": "initiative.propose", "ref": "14-w", "region": "14", "title": "W", "areas": ["security"], "type": "seminar"}']
    lines += [f'{{"op": "initiative.join", "ref": "14-w", "actor": "a-{i:04d}"}}' for i in range(0, IMPORT_WINDOW, 7)]
    lines += ['{"op": "actor.rename", "key": "a-0000", "name": "Först"}', '{"op": "initiative.status", "ref": "14-w", "status": "active"}']
    path = tmp_path / "windows.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ok(db_url, "import", str(path))
    shown = as_json(db_url, "initiative", "show", "14-w")
    assert shown["status"] == "active"
    assert len(shown["participants"]) == len(range(0, IMPORT_WINDOW, 7)) + 1  # and the lead region
    assert as_json(db_url, "actor", "show", "a-0000")["name"] == "Först"
    again = tmp_path / "again.jsonl"
    again.write_text('{"op": "initiative.join", "ref": "14-w", "actor": "a-0007"}\n', encoding="utf-8")
    check_refused_whole(db_url, again, 1, "a-0007")


def test_a_large_file_with_a_bad_last_line_stores_nothing(example_store: str, tmp_path: Path) -> None:
    """More lines than one append batch (2,000): the batches already written are rolled back too."""
    lines = [f'{{"op": "actor.register", "key": "kommun-{i:04d}", "name": "Kommun {i}", "kind": "municipality"}}'
             for i in range(2500)]
    lines.append('{"op": "initiative.join", "ref": "14-dataverkstad", "actor": "nobody"}')
    path = tmp_path / "large.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    check_refused_whole(example_store, path, 2501, "nobody")


def test_a_missing_file_is_refused(example_store: str, tmp_path: Path) -> None:
    before = snapshot(example_store)
    text = refused(example_store, "import", str(tmp_path / "nowhere.jsonl"))
    assert "nowhere.jsonl" in text
    assert snapshot(example_store) == before


# --- what is skipped ----------------------------------------------------------------------------------


def test_blank_lines_and_comments_are_skipped(example_store: str, tmp_path: Path) -> None:
    path = tmp_path / "commented.jsonl"
    path.write_text(
        "# header\n"
        "\n"
        "   \n"
        "\t\n"
        '{"op": "initiative.tag", "ref": "14-dataverkstad", "area": "security"}\n'
        "# {\"op\": \"initiative.tag\", \"ref\": \"14-dataverkstad\", \"area\": \"leadership\"}\n"
        "   # an indented comment\n"
        "\n"
        '{"op": "initiative.fund", "ref": "14-dataverkstad", "source": "vinnova", "amount_sek": 10, "year": 2022}',  # no \n
        encoding="utf-8",
    )
    result = ok(example_store, "import", str(path))
    assert "imported 2 commands (2 events)" in result.stderr
    shown = as_json(example_store, "initiative", "show", "14-dataverkstad")
    assert shown["areas"] == ["infrastructure", "innovation", "security"]
    assert {"source": "vinnova", "amount_sek": 10, "year": 2022} in shown["funding"]


def test_an_empty_file_imports_nothing(example_store: str, tmp_path: Path) -> None:
    before = snapshot(example_store)
    path = tmp_path / "empty.jsonl"
    path.write_text("# nothing here\n\n", encoding="utf-8")
    assert "imported 0 commands" in ok(example_store, "import", str(path)).stderr
    assert snapshot(example_store) == before


def test_a_bad_line_names_its_line_number_counting_blank_and_comment_lines(example_store: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('# one\n\n# three\n\n{"op": "initiative.tag", "ref": "14-dataverkstad", "area": "cyber"}\n', encoding="utf-8")
    check_refused_whole(example_store, path, 5, "cyber")


# --- who may import what -------------------------------------------------------------------------------


def test_by_naming_another_user_is_refused_for_a_non_admin(db_url: str, tmp_path: Path) -> None:
    ok(db_url, "init")  # admin is the first user
    ok(db_url, "user", "add", "coord-14", "--role", "coordinator", "--region", "14")
    lines = [
        '{"op": "initiative.propose", "ref": "14-x", "region": "14", "title": "X", "areas": ["security"], "type": "seminar"}',
        '{"op": "initiative.status", "ref": "14-x", "status": "active", "by": "coord-14"}',
    ]
    path = tmp_path / "backfill.jsonl"
    path.write_text("\n".join([*lines, '{"op": "initiative.tag", "ref": "14-x", "area": "innovation", "by": "coord-12"}']),
                    encoding="utf-8")
    text = check_refused_whole(db_url, path, 3, "coord-12", code=4, user="coord-14")
    assert "coord-14 may not record changes as coord-12" in text
    # a user granted nothing may not import at all, with or without `by`
    check_refused_whole(db_url, path, 1, "someone", code=4, user="someone")

    # the same lines without the one on another's behalf are the coordinator's to import …
    own = tmp_path / "own.jsonl"
    own.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ok(db_url, "import", str(own), user="coord-14")
    assert as_json(db_url, "initiative", "show", "14-x")["status"] == "active"
    # … and an admin may backfill on behalf of anyone
    admin_file = tmp_path / "admin.jsonl"
    admin_file.write_text('{"op": "initiative.tag", "ref": "14-x", "area": "innovation", "by": "coord-12"}\n', encoding="utf-8")
    ok(db_url, "import", str(admin_file), user="admin")
    events = as_json(db_url, "history", "--initiative", "14-x")["events"]
    assert [e["by"] for e in events] == ["coord-14", "coord-14", "coord-12"]


def test_import_exit_code_of_a_region_the_coordinator_does_not_hold(sqlite_url: str, tmp_path: Path) -> None:
    ok(sqlite_url, "init")
    ok(sqlite_url, "user", "add", "coord-14", "--role", "coordinator", "--region", "14")
    path = tmp_path / "other.jsonl"
    path.write_text('{"op": "initiative.propose", "ref": "12-x", "region": "12", "title": "X", "areas": ["security"], '
                    '"type": "seminar"}\n', encoding="utf-8")
    check_refused_whole(sqlite_url, path, 1, "region 12", code=4, user="coord-14")
    assert invoke(sqlite_url, "import", str(path)).exit_code == 0


def test_an_import_takes_the_snapshots_of_long_histories(db_url: str, tmp_path: Path) -> None:
    """Imports bypass Application.save, so they take snapshots themselves (of an initiative that passed
    a multiple of 100 events), and the initiative then loads from its latest snapshot as it was left."""
    from kompass.application.app import SNAPSHOT_INTERVAL
    from kompass.domain.recording import initiative_id

    lines = ['{"op": "initiative.propose", "ref": "14-long", "region": "14", "title": "L", "areas": ["security"], "type": "seminar"}']
    lines += [f'{{"op": "initiative.fund", "ref": "14-long", "source": "erdf", "amount_sek": {n}, "year": 2022}}'
              for n in range(2 * SNAPSHOT_INTERVAL + 10)]
    path = tmp_path / "long.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ok(db_url, "import", str(path))
    store = Store(db_url, "admin")
    try:
        assert store.app.snapshots is not None
        snapshots = list(store.app.snapshots.get(initiative_id("14-long"), desc=True, limit=1))
        assert snapshots and len(lines) - SNAPSHOT_INTERVAL <= snapshots[0].originator_version <= len(lines)
        loaded: Any = store.app.repository.get(initiative_id("14-long"))
        assert loaded.version == len(lines)
        assert sum(line.amount_sek for line in loaded.funding) == sum(range(2 * SNAPSHOT_INTERVAL + 10))
    finally:
        store.close()
