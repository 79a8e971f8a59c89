"""The person register (DESIGN §6): names and contacts live outside the immutable log and are erased for real.

The log names people by user id only; `person forget` deletes the register's row, and on
SQLite no byte of the database files keeps the name or the e-mail address afterwards.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from kompass.infrastructure import database
from tests.conftest import NEW_STORE_EVENTS
from tests.integration.helpers import as_json, ok, refused

NAME = "Åsa Zyxwertsdóttir"
OLD_EMAIL = "asa.zyxwert@old-region.example"
EMAIL = "asa.zyxwert@vgregion.example"
PHONE = "+46 31 999 12 34"
SECRETS = (NAME, OLD_EMAIL, EMAIL, PHONE, "Zyxwert", "zyxwert")


def database_files(url: str) -> list[Path]:
    path = Path(url.removeprefix("sqlite:///"))
    return sorted(p for p in path.parent.iterdir() if p.name.startswith(path.name))


def bytes_holding_secrets(url: str) -> dict[str, list[str]]:
    """Which database files (the .db, any -wal, -shm or -journal) still hold which secret, read as raw bytes."""
    found: dict[str, list[str]] = {}
    for file in database_files(url):
        data = file.read_bytes()
        hits = [s for s in SECRETS if s.encode("utf-8") in data or s.encode("utf-16-le") in data]
        if hits:
            found[file.name] = hits
    return found


def stored_event_states(url: str) -> list[bytes]:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return [bytes(r[0]) for r in conn.execute("SELECT state FROM stored_events")]
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "", 1)) as conn:
        return [bytes(r[0]) for r in conn.execute("SELECT state FROM kompass_events")]


def person_rows(url: str) -> list[tuple[object, ...]]:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return list(conn.execute("SELECT * FROM kompass_persons"))
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "", 1)) as conn:
        return list(conn.execute("SELECT * FROM kompass_persons"))


def load_with_a_coordinator(url: str, small_log: Path) -> None:
    ok(url, "import", str(small_log))
    ok(url, "user", "add", "coord-14", "--role", "coordinator", "--region", "14")
    ok(url, "portfolio", "coordinator", "--region", "14", "--user", "coord-14")
    ok(url, "person", "add", "coord-14", "--name", NAME, "--email", OLD_EMAIL, "--phone", PHONE)
    ok(url, "person", "add", "coord-14", "--name", NAME, "--email", EMAIL, "--phone", PHONE)  # an update
    ok(url, "person", "add", "coord-08", "--name", "Kalle Kalmar", "--email", "kalle@kalmar.example")
    ok(url, "initiative", "status", "14-dataverkstad", "completed", "--reason", "klart", user="coord-14")
    ok(url, "checkpoint")


def test_the_log_names_people_by_user_id_only(db_url: str, small_log: Path) -> None:
    load_with_a_coordinator(db_url, small_log)
    assigned = as_json(db_url, "history", "--region", "14")["events"]
    coordinator = [e for e in assigned if e["type"] == "CoordinatorAssigned"]
    assert [(e["key"], e["data"]) for e in coordinator] == [("14", {"user": "coord-14"})]
    assert as_json(db_url, "person", "show", "coord-14") == {"person_id": "coord-14", "name": NAME, "email": EMAIL, "phone": PHONE}
    for state in stored_event_states(db_url):
        assert not any(s.encode("utf-8") in state for s in SECRETS), state
    assert not any(s in ok(db_url, "export").stdout for s in SECRETS)
    assert not any(s in ok(db_url, "history", "--format", "json").stdout for s in SECRETS)


def test_forget_erases_every_byte_of_the_person_on_sqlite(sqlite_url: str, small_log: Path) -> None:
    load_with_a_coordinator(sqlite_url, small_log)
    assert bytes_holding_secrets(sqlite_url), "the test must see the name in the files before it is erased"
    history = ok(sqlite_url, "history", "--format", "json").stdout
    export = ok(sqlite_url, "export").stdout

    result = ok(sqlite_url, "person", "forget", "coord-14")
    assert result.stdout == "" and "erased coord-14" in result.stderr

    assert bytes_holding_secrets(sqlite_url) == {}, [p.name for p in database_files(sqlite_url)]
    assert "no person" in refused(sqlite_url, "person", "show", "coord-14")
    assert as_json(sqlite_url, "person", "show", "coord-08")["name"] == "Kalle Kalmar", "only the one person is erased"
    assert ok(sqlite_url, "history", "--format", "json").stdout == history
    assert ok(sqlite_url, "export").stdout == export
    assert ok(sqlite_url, "verify").stdout.startswith("verified: ")
    # the store goes on working, and still holds no trace after more writes
    ok(sqlite_url, "initiative", "reopen", "14-dataverkstad", "--reason", "fas 2", user="coord-14")
    ok(sqlite_url, "checkpoint")
    assert bytes_holding_secrets(sqlite_url) == {}


def open_reader(url: str) -> sqlite3.Connection:
    """An analyst's connection in the middle of a read: it holds a snapshot from before the erasure."""
    reader = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN")
    # a new store, the worked example, coord-14's grant, their assignment and their status change
    assert reader.execute("SELECT count(*) FROM stored_events").fetchone()[0] == NEW_STORE_EVENTS + 38 + 3
    return reader


def test_forget_waits_for_a_reader_and_leaves_no_trace_while_it_stays_connected(sqlite_url: str, small_log: Path) -> None:
    load_with_a_coordinator(sqlite_url, small_log)
    reader = open_reader(sqlite_url)
    try:
        finish = threading.Timer(1.0, lambda: reader.execute("COMMIT"))
        finish.start()
        ok(sqlite_url, "person", "forget", "coord-14")
        finish.join()
        assert bytes_holding_secrets(sqlite_url) == {}, "erased while the reader is still connected"
    finally:
        reader.close()
    assert bytes_holding_secrets(sqlite_url) == {}
    ok(sqlite_url, "verify")


def test_forget_does_not_claim_success_while_a_reader_keeps_the_old_pages(
    sqlite_url: str, small_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader that outlasts the busy timeout keeps the erased row's page alive: forget must say so (exit 7)."""
    load_with_a_coordinator(sqlite_url, small_log)
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 300)
    reader = open_reader(sqlite_url)
    try:
        message = refused(sqlite_url, "person", "forget", "coord-14", code=7)
        assert "coord-14 is removed from the register" in message and "another connection" in message
        assert bytes_holding_secrets(sqlite_url), "the reader's snapshot still needs the old page"
        assert "no person" in refused(sqlite_url, "person", "show", "coord-14")
    finally:
        reader.close()
    assert bytes_holding_secrets(sqlite_url) == {}, "once the last connection closes, SQLite writes the erasure into the file"
    ok(sqlite_url, "verify")


def test_forget_removes_the_row_on_each_backend_and_the_log_still_verifies(db_url: str, small_log: Path) -> None:
    load_with_a_coordinator(db_url, small_log)
    history = ok(db_url, "history", "--format", "json").stdout
    ok(db_url, "person", "forget", "coord-14")
    assert [r[0] for r in person_rows(db_url)] == ["coord-08"]
    assert ok(db_url, "history", "--format", "json").stdout == history
    assert ok(db_url, "verify").stdout.startswith("verified: ")
    assert "no person 'coord-14'" in refused(db_url, "person", "forget", "coord-14")


def test_person_input_is_checked(sqlite_url: str) -> None:
    assert "name" in refused(sqlite_url, "person", "add", "coord-14", "--name", "  ")
    assert "no person" in refused(sqlite_url, "person", "show", "nobody")
    ok(sqlite_url, "person", "add", "coord-14", "--name", "Anna")
    shown = ok(sqlite_url, "person", "show", "coord-14").stdout
    assert "Anna" in shown and "email" in shown
