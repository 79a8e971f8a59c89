"""Nothing a user types can break the store, crash a command, or be misread (issue 12).

Each test attacks one way in which input was seen to get in and then break things, answer with
a traceback, or be silently misread; storage is attacked on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from kompass.cli.main import cli
from tests.conftest import FIXTURES
from tests.integration.helpers import as_json, invoke, ok, refused, snapshot

ACTOR = {"op": "actor.register", "kind": "agency", "name": "Myndigheten"}
PROPOSE = {"op": "initiative.propose", "region": "14", "title": "T", "areas": ["security"], "type": "training"}


def write_log(path: Path, *records: dict[str, object] | str) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), encoding="utf-8")
    return path


def one_line_refusal(result: object, code: int = 1) -> str:
    assert result.exit_code == code, (result.exit_code, result.stderr, result.exception)  # type: ignore[attr-defined]
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # type: ignore[attr-defined]
    lines = result.stderr.splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and lines[0].startswith("Error: "), lines
    assert "Traceback" not in result.stderr  # type: ignore[attr-defined]
    return str(lines[0].removeprefix("Error: "))


# --- 1. an accepted value is always storable and projectable ----------------------------------------------


@pytest.mark.parametrize("key", ["a" * 100 + "\n", "digg\n", "digg\r\n", "a" * 101])
def test_an_actor_key_is_checked_whole_and_a_trailing_newline_is_refused(db_url: str, tmp_path: Path, key: str) -> None:
    """`^…$` let a key of 100 characters plus a newline in: stored, it broke every query on PostgreSQL
    (`character varying(100)`) for good, and `digg\\n` was a second "digg"."""
    ok(db_url, "actor", "add", "--key", "digg", "--name", "Digg", "--kind", "agency")
    before = snapshot(db_url)
    message = refused(db_url, "import", str(write_log(tmp_path / "k.jsonl", {**ACTOR, "key": key})))
    assert message.startswith(f"{tmp_path / 'k.jsonl'}:1: actor key ")
    assert "lowercase slug of 1–100 characters" in message
    assert refused(db_url, "actor", "add", "--key", key, "--name", "x", "--kind", "agency").startswith("actor key ")
    assert snapshot(db_url) == before
    ok(db_url, "projections", "rebuild")
    ok(db_url, "verify")


def test_the_read_tables_take_their_sizes_from_the_domains_limits() -> None:
    from kompass.domain.text import KEY_LENGTH, REGION_LENGTH, WORD_LENGTH
    from kompass.infrastructure import tables

    sizes = {(t.name, c.name): c.type.length for t in tables.metadata.tables.values() for c in t.columns if hasattr(c.type, "length")}
    assert sizes[("rm_initiatives", "ref")] == sizes[("rm_actors", "key")] == sizes[("kompass_users", "user_id")] == KEY_LENGTH
    assert sizes[("rm_initiatives", "region")] == REGION_LENGTH and sizes[("rm_coverage", "area")] == WORD_LENGTH


def test_a_longest_ref_and_actor_key_are_stored_and_queried(db_url: str, tmp_path: Path) -> None:
    ref, key = "14-" + "å" * 97, "k" * 100
    log = write_log(
        tmp_path / "max.jsonl", {**ACTOR, "key": key}, {**PROPOSE, "ref": ref}, {"op": "initiative.join", "ref": ref, "actor": key}
    )
    ok(db_url, "import", str(log))
    assert {"actor": key, "role": "partner"} in as_json(db_url, "initiative", "show", ref)["participants"]
    ok(db_url, "projections", "rebuild")
    ok(db_url, "verify")


# --- 2. no traceback, ever ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"op": "initiative.status", "ref": "x\\ud800", "status": "active"}', "ref is not valid text (it holds a lone surrogate U+D800)"),
        ('{"op": "actor.merge", "key": "a\\udfff", "into": "digg"}', "key is not valid text (it holds a lone surrogate U+DFFF)"),
        ('{"op": "initiative.join", "ref": "14-x", "actor": "\\ud83d"}', "actor is not valid text (it holds a lone surrogate U+D83D)"),
        (
            '{"op": "initiative.propose", "ref": "14-x", "region": null, "title": "T", "areas": ["security"], "type": "training"}',
            "region must be text",
        ),
        ('{"op": "portfolio.assess", "region": null, "year": 2021, "score": 5, "light": "green"}', "region must be text"),
    ],
    ids=["surrogate-ref", "surrogate-key", "surrogate-actor", "null-region", "null-portfolio-region"],
)
def test_a_line_that_crashed_the_importer_is_refused_with_its_line(db_url: str, tmp_path: Path, line: str, expected: str) -> None:
    before = snapshot(db_url)
    path = write_log(tmp_path / "bad.jsonl", "# first", line)
    assert refused(db_url, "import", str(path)) == f"{path}:2: {expected}"
    assert snapshot(db_url) == before


@pytest.mark.parametrize(
    "args",
    [
        ["initiative", "show", "x\udcff"],
        ["person", "show", "\udcff"],
        ["user", "add", "x\udcffy", "--role", "analyst"],
        ["--as", "x\udcff", "gaps"],
        ["actor", "add", "--key", "k", "--name", "G\udcf6teborg", "--kind", "agency"],
    ],
    ids=["initiative-show", "person-show", "user-add", "as", "actor-name"],
)
def test_an_argument_that_is_not_utf8_is_one_line_and_changes_nothing(sqlite_url: str, args: list[str]) -> None:
    """Python hands bytes that are not UTF-8 to the program as lone surrogates (surrogateescape)."""
    before = snapshot(sqlite_url)
    runner = CliRunner(env={"KOMPASS_DB": None, "KOMPASS_USER": None})
    message = one_line_refusal(runner.invoke(cli, ["--db", sqlite_url, "--as", "admin", *args]))
    assert "is not valid UTF-8 text: b'" in message and "\\x" in message
    assert snapshot(sqlite_url) == before


def test_a_real_process_given_latin1_bytes_says_so_in_one_line(sqlite_url: str) -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "kompass"), "--db", sqlite_url, "--as", "admin", "initiative", "show", b"x\xff"],
        capture_output=True,
        check=False,
        env={**os.environ, "KOMPASS_DB": "", "KOMPASS_USER": "", "LC_ALL": "C.UTF-8"},
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.decode() == "Error: an argument is not valid UTF-8 text: b'x\\xff' (check the encoding of your terminal or script)\n"


def damage(url: str, position: int, state: bytes) -> None:
    """Overwrite one stored event's state behind kompass's back (the triggers lifted, as an attacker would)."""
    if url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            conn.execute("DROP TRIGGER stored_events_append_only_update")
            conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (state, position))
        return
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute("ALTER TABLE kompass_events DISABLE TRIGGER ALL")
        conn.execute("UPDATE kompass_events SET state = %s WHERE notification_id = %s", (state, position))
        conn.execute("ALTER TABLE kompass_events ENABLE TRIGGER ALL")


@pytest.mark.parametrize(
    "state",
    [
        b"{}",
        b"[1, 2]",
        b'{"garbage',
        b"\xff\xfe",
        b'{"timestamp": {"_type_": "datetime_iso", "_data_": "2021-01-01T00:00:00+00:00"}, '
        b'"effective": {"_type_": "date_iso", "_data_": "2021-13-01"}, "by": "x", "actor": "a", "role": "partner"}',
        b'{"timestamp": {"_type_": "datetime_iso", "_data_": "2021-01-01T00:00:00+00:00"}, '
        b'"effective": {"_type_": "date_iso", "_data_": "2021-01-01"}, "by": "x"}',
    ],
    ids=["empty-object", "array", "broken-json", "not-utf8", "impossible-date", "fields-missing"],
)
def test_a_damaged_event_is_named_and_points_to_verify(db_url: str, small_log: Path, state: bytes) -> None:
    """These printed a 19-frame traceback (coverage --as-of, history) or exited 7 as if the server were down."""
    ok(db_url, "import", str(small_log))
    damage(db_url, 50, state)
    for args in (["coverage", "--as-of", "2021-06-30"], ["history"], ["projections", "rebuild"], ["export"]):
        result = invoke(db_url, *args)
        message = one_line_refusal(result, 5)  # an export to stdout has written the lines before the damage
        assert message.startswith("the store is damaged: the event at position 50 cannot be read ("), message
        assert message.endswith("run `kompass verify` to find what changed")
    assert refused(db_url, "verify", code=5) == "verification failed at position 50: a stored event cannot be read"


# --- 3. files are read as people write them -----------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"], ids=["CR", "CRLF", "LF"])
def test_every_line_ending_is_read(db_url: str, tmp_path: Path, newline: str) -> None:
    """A CR-only file whose first line was a comment imported as "0 commands" with exit 0."""
    lines = ["# exported from Excel", json.dumps({**ACTOR, "key": "cr"}), "", json.dumps({"op": "actor.rename", "key": "cr", "name": "Ny"})]
    path = tmp_path / "endings.jsonl"
    path.write_bytes(newline.join(lines).encode() + newline.encode())
    assert "imported 2 commands (2 events)" in ok(db_url, "import", str(path)).stderr
    assert as_json(db_url, "actor", "show", "cr")["name"] == "Ny"
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(newline.join([lines[0], "", lines[3].replace("Ny", "Nyare"), '{"op": "nope"}']).encode())
    assert refused(db_url, "import", str(bad)) == f"{bad}:4: unknown op 'nope'"


def test_a_byte_order_mark_is_accepted_and_other_encodings_are_named(sqlite_url: str, tmp_path: Path) -> None:
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps({**ACTOR, "key": "bom"}).encode() + b"\r\n")
    ok(sqlite_url, "import", str(bom))
    latin1 = tmp_path / "latin1.jsonl"
    second = json.dumps({**ACTOR, "key": "gbg", "name": "Göteborg"}, ensure_ascii=False)
    latin1.write_bytes((json.dumps({**ACTOR, "key": "ok"}) + "\n" + second + "\n").encode("latin-1"))
    assert refused(sqlite_url, "import", str(latin1)) == (
        f"{latin1}:2: not valid UTF-8 (byte {second.index('ö') + 1}, 0xF6): the file seems to be Latin-1 or Windows-1252 — save it as UTF-8"
    )
    utf16 = tmp_path / "utf16.jsonl"
    utf16.write_bytes(json.dumps({**ACTOR, "key": "w"}).encode("utf-16"))
    assert "UTF-16" in refused(sqlite_url, "import", str(utf16))
    assert "ok" not in as_json(sqlite_url, "actor", "list").__repr__()


def test_import_dash_reads_standard_input(sqlite_url: str) -> None:
    runner = CliRunner(env={"KOMPASS_DB": None, "KOMPASS_USER": None})
    text = json.dumps({**ACTOR, "key": "stdin"}) + "\n"
    result = runner.invoke(cli, ["--db", sqlite_url, "--as", "admin", "import", "-"], input=text)
    assert result.exit_code == 0, result.stderr
    assert "from <stdin>" in result.stderr
    bad = runner.invoke(cli, ["--db", sqlite_url, "--as", "admin", "import", "-"], input="# comment\n{}\n")
    assert one_line_refusal(bad) == "<stdin>:2: missing 'op'"


def test_a_directory_is_refused_like_any_unreadable_path(sqlite_url: str, tmp_path: Path) -> None:
    assert refused(sqlite_url, "import", str(tmp_path)) == f"{tmp_path}: cannot read the file (Is a directory)"
    assert (
        refused(sqlite_url, "import", str(tmp_path / "no.jsonl"))
        == f"{tmp_path / 'no.jsonl'}: cannot read the file (No such file or directory)"
    )


# --- 4. one thing has one name --------------------------------------------------------------------------------


def test_the_nfc_and_nfd_spellings_of_a_ref_are_one_initiative(db_url: str, tmp_path: Path) -> None:
    nfc, nfd = unicodedata.normalize("NFC", "25-2021-åäö"), unicodedata.normalize("NFD", "25-2021-åäö")
    assert nfc != nfd
    ok(db_url, "initiative", "add", "--ref", nfd, "--region", "25", "--title", "T", "--area", "security", "--type", "training")
    assert (
        refused(db_url, "initiative", "add", "--ref", nfc, "--region", "25", "--title", "T", "--area", "security", "--type", "training")
        == f"an initiative with ref {nfc!r} already exists"
    )
    log = write_log(tmp_path / "nfd.jsonl", {**PROPOSE, "ref": nfd, "region": "25"})
    assert refused(db_url, "import", str(log)).endswith("already exists")
    assert [r["ref"] for r in as_json(db_url, "initiative", "list", "--region", "25")] == [nfc]
    assert as_json(db_url, "initiative", "show", nfd)["ref"] == nfc
    ok(
        db_url,
        "import",
        str(
            write_log(
                tmp_path / "m.jsonl",
                {"op": "initiative.indicator", "ref": nfd, "name": nfd, "target": 5},
                {"op": "initiative.measure", "ref": nfc, "name": nfc, "value": 3},
            )
        ),
    )
    assert as_json(db_url, "initiative", "show", nfc)["indicators"][0]["name"] == nfc


# --- 5. output cannot hurt ------------------------------------------------------------------------------------


def test_control_characters_are_shown_not_obeyed_and_csv_formulas_are_neutralised(sqlite_url: str) -> None:
    ok(
        sqlite_url,
        "initiative",
        "add",
        "--ref",
        "14-esc",
        "--region",
        "14",
        "--title",
        "a\x1b[2Jb\u202ec",
        "--area",
        "security",
        "--type",
        "training",
        "--description",
        "line\nbreak",
    )
    table = ok(sqlite_url, "initiative", "list").stdout + ok(sqlite_url, "initiative", "show", "14-esc").stdout
    assert "\x1b" not in table and "\u202e" not in table
    assert "a\\x1b[2Jb\\u202ec" in table and "line\\x0abreak" in table
    assert as_json(sqlite_url, "initiative", "show", "14-esc")["title"] == "a\x1b[2Jb\u202ec"  # JSON keeps the data exact
    titles = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tx", "plain"]
    for n, title in enumerate(titles):
        ok(
            sqlite_url,
            "initiative",
            "add",
            "--ref",
            f"14-csv-{n}",
            "--region",
            "14",
            "--title",
            title,
            "--area",
            "security",
            "--type",
            "training",
        )
    rows = list(csv.DictReader(io.StringIO(ok(sqlite_url, "initiative", "list", "--format", "csv").stdout)))
    shown = {r["ref"]: r["title"] for r in rows}
    assert [shown[f"14-csv-{n}"] for n in range(len(titles))] == [*("'" + t for t in titles[:5]), "plain"]


# --- 6. the store is where the user meant ---------------------------------------------------------------------


QUERIES = [
    ["gaps"],
    ["coverage"],
    ["initiative", "list"],
    ["history"],
    ["verify"],
    ["import", str(FIXTURES / "small.jsonl")],
    ["actor", "add", "--key", "x", "--name", "X", "--kind", "agency"],
    ["projections", "status"],
    ["user", "list"],
]


def _tables(url: str) -> list[str]:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]


@pytest.mark.parametrize("args", QUERIES, ids=[a[0] if len(a) == 1 else "-".join(a[:2]) for a in QUERIES])
def test_a_command_where_no_store_exists_exits_7_and_creates_nothing(no_store_url: str, tmp_path: Path, args: list[str]) -> None:
    url = no_store_url
    if url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'typo' / 'dir' / 'kompass.db'}"  # a missing directory too
    message = refused(url, *args, code=7)
    where = str(tmp_path / "typo" / "dir" / "kompass.db") if url.startswith("sqlite") else url
    assert message == f"no kompass store at {where}: create one with `kompass init` (or try `kompass demo`)"
    if url.startswith("sqlite"):
        assert list(tmp_path.iterdir()) == []
    else:
        assert _tables(url) == []


def test_the_default_location_on_a_new_machine_is_not_created(tmp_path: Path) -> None:
    env = {"KOMPASS_DB": None, "KOMPASS_USER": None, "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    result = CliRunner(env=env).invoke(cli, ["gaps"])
    assert one_line_refusal(result, 7).startswith(f"no kompass store at {tmp_path / 'data' / 'kompass' / 'kompass.db'}: ")
    assert list(tmp_path.iterdir()) == []


def test_a_sqlite_file_of_another_program_is_refused_and_left_alone(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "crm.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE customers (name TEXT)")
    before = other.read_bytes()
    for args in (["gaps"], ["init"], ["import", "--restore", str(FIXTURES / "small.jsonl")]):
        assert refused(f"sqlite:///{other}", *args, code=7) == (
            f"{other} is a SQLite database of another program, not a kompass store: kompass leaves it alone (give another --db)"
        )
    text = tmp_path / "notes.db"
    text.write_text("my notes")
    assert refused(f"sqlite:///{text}", "init", code=7) == f"{text} is not a kompass store (file is not a database): give another --db"
    assert other.read_bytes() == before and text.read_text() == "my notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crm.db", "notes.db"]


def test_only_init_demo_and_restore_create_a_store(no_store_url: str, tmp_path: Path) -> None:
    assert refused(no_store_url, "init", "--admin", "Anna\n", user=None).startswith(
        "the user id of a store's first admin 'Anna\\n' must be")
    refused(no_store_url, "gaps", code=7, user=None)  # a refused init made nothing
    created = ok(no_store_url, "init", user=None).stderr
    assert created.startswith("created a store at ") and created.rstrip().endswith(" is admin")
    assert "(43 events)" in created  # the regions, and the grant that names the first admin
    again = ok(no_store_url, "init", "--admin", "bo", user=None).stderr
    assert "a store exists already" in again and again.rstrip().endswith(" is admin")
    assert [u["user"] for u in as_json(no_store_url, "user", "list", user=None)] == [again.split()[-3]]
    restored = f"sqlite:///{tmp_path / 'restored' / 'kompass.db'}"
    ok(no_store_url, "import", str(FIXTURES / "small.jsonl"), user=None)
    export = tmp_path / "export.jsonl"
    ok(no_store_url, "export", "--output", str(export), user=None)
    ok(restored, "import", "--restore", str(export), user=None)
    assert as_json(restored, "initiative", "list", user=None) == as_json(no_store_url, "initiative", "list", user=None)


# --- 8. values that make sense ---------------------------------------------------------------------------------


def test_a_change_effective_before_its_initiative_or_actor_existed_is_refused(db_url: str, small_log: Path, tmp_path: Path) -> None:
    """A back-dated reopen made `--as-of` show a status the initiative never had."""
    ok(db_url, "import", str(small_log))
    before = snapshot(db_url)
    proposed = as_json(db_url, "initiative", "show", "14-open-data")["proposed_on"]
    assert refused(db_url, "initiative", "reopen", "14-open-data", "--reason", "oops", "--effective", "2020-01-01") == (
        f"initiative 14-open-data exists from {proposed}: a change effective 2020-01-01 would predate it"
        f" (give --effective {proposed} or later)"
    )
    ok(db_url, "actor", "add", "--key", "late", "--name", "Late", "--kind", "company", "--effective", "2021-06-01")
    assert refused(db_url, "initiative", "join", "14-open-data", "--actor", "late", "--effective", "2021-05-31").startswith(
        "actor late exists from 2021-06-01: "
    )
    assert refused(db_url, "actor", "rename", "late", "--name", "Later", "--effective", "2021-01-01").startswith("actor late exists from")
    log = write_log(
        tmp_path / "back.jsonl",
        {"op": "initiative.fund", "ref": "14-open-data", "source": "erdf", "amount_sek": 1, "year": 2021, "effective": "2000-01-01"},
    )
    assert refused(db_url, "import", str(log)).startswith(f"{log}:1: initiative 14-open-data exists from {proposed}")
    assert snapshot(db_url)[0] == before[0]
    ok(db_url, "initiative", "reopen", "14-open-data", "--reason", "more to do", "--effective", proposed)


def test_a_self_assessment_of_a_year_not_yet_begun_is_refused(sqlite_url: str) -> None:
    from datetime import date

    next_year = date.today().year + 1
    assert refused(sqlite_url, "portfolio", "assess", "--region", "14", "--year", str(next_year), "--score", "5", "--light", "green") == (
        f"year {next_year} has not begun: a self-assessment is for {next_year - 1} or earlier"
    )
    ok(sqlite_url, "portfolio", "assess", "--region", "14", "--year", str(next_year - 1), "--score", "5", "--light", "green")


@pytest.mark.parametrize("value", ["-0.5", "100.01", "150"])
def test_a_percentage_outside_0_to_100_is_refused(sqlite_url: str, value: str) -> None:
    ok(sqlite_url, "initiative", "add", "--ref", "14-p", "--region", "14", "--title", "P", "--area", "security", "--type", "training")
    assert refused(sqlite_url, "initiative", "indicator", "14-p", "--name", "share", "--target", value, "--unit", "%") == (
        f"target {float(value):g} is not a percentage: a % indicator takes values from 0 to 100"
    )
    ok(sqlite_url, "initiative", "indicator", "14-p", "--name", "share", "--target", "100", "--unit", "%")
    assert refused(sqlite_url, "initiative", "measure", "14-p", "--name", "share", "--value", value).startswith(
        f"value {float(value):g} is not"
    )
    ok(sqlite_url, "initiative", "indicator", "14-p", "--name", "count", "--target", "250", "--unit", "st")
    ok(sqlite_url, "initiative", "measure", "14-p", "--name", "count", "--value", "150")


def test_a_reassessment_without_focus_keeps_it_and_says_so(db_url: str, tmp_path: Path) -> None:
    def assess(*extra: str) -> str:
        return ok(
            db_url, "portfolio", "assess", "--region", "14", "--year", "2021", "--score", "6", "--light", "green", *extra
        ).stderr.strip()

    def focus() -> dict[str, str]:
        declared: dict[str, str] = as_json(db_url, "portfolio", "show", "--region", "14")["assessments"][0]["focus"]
        return declared

    assert assess("--focus", "security=high") == "assessed region 14 for 2021: score 6, green; focus: security=high"
    assert assess() == "assessed region 14 for 2021: score 6, green; focus kept from the earlier assessment: security=high"
    assert focus() == {"security": "high"}
    log = write_log(tmp_path / "a.jsonl", {"op": "portfolio.assess", "region": "14", "year": 2021, "score": 7, "light": "yellow"})
    ok(db_url, "import", str(log))
    assert focus() == {"security": "high"}
    assert assess("--clear-focus") == "assessed region 14 for 2021: score 6, green; focus cleared"
    assert focus() == {}
    assert assess() == "assessed region 14 for 2021: score 6, green; no focus declared"


def test_a_portfolio_with_a_hundred_events_is_still_imported(db_url: str, tmp_path: Path) -> None:
    """Found by the mutation fuzzing: an import that gave a portfolio its hundredth event took a snapshot the
    library cannot encode, and exited 7 with "Assessment is not serializable"."""
    lines = [{"op": "portfolio.assess", "region": "14", "year": 2021, "score": 1 + n % 10, "light": "green"} for n in range(99)]
    ok(db_url, "import", str(write_log(tmp_path / "many.jsonl", *lines)))
    assert as_json(db_url, "portfolio", "show", "--region", "14")["assessments"][0]["score"] == 9
    ok(db_url, "import", str(write_log(tmp_path / "more.jsonl", *lines[:3])))
