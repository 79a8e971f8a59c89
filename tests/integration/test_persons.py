"""The person register (docs/usage.md, "People"): names and contacts live outside the immutable log,
each person's encrypted under a key of their own, and are erased for real by destroying that key.

The log names people by user id only; the register's rows hold ciphertext, so neither the database
file, its WAL nor a backup holds a name in clear; `person forget` destroys the key (a file outside
the database), so even a copy of the old row cannot be read, and on SQLite the row's bytes leave the
file as well. The same for PostgreSQL's WAL: test_person_encryption_postgres.py.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from kompass.infrastructure import database
from kompass.infrastructure.persons import SEALED
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


def files_holding(url: str, needles: tuple[str, ...]) -> dict[str, list[str]]:
    """Which database files (the .db, any -wal, -shm or -journal) hold which needle, read as raw bytes."""
    found: dict[str, list[str]] = {}
    for file in database_files(url):
        data = file.read_bytes()
        hits = [s for s in needles if s.encode("utf-8") in data or s.encode("utf-16-le") in data]
        if hits:
            found[file.name] = hits
    return found


def bytes_holding_secrets(url: str) -> dict[str, list[str]]:
    return files_holding(url, SECRETS)


def stored_event_states(url: str) -> list[bytes]:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return [bytes(r[0]) for r in conn.execute("SELECT state FROM stored_events")]
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "", 1)) as conn:
        return [bytes(r[0]) for r in conn.execute("SELECT state FROM kompass_events")]


def run_sql(url: str, statement: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """A statement on the store's database behind kompass's back (as its owner or the superuser)."""
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return list(conn.execute(statement.replace("%s", "?"), params))
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "", 1), autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return list(cursor) if cursor.description else []


def person_rows(url: str) -> list[tuple[object, ...]]:
    return run_sql(url, "SELECT person_id, name, email, phone FROM kompass_persons ORDER BY person_id")


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


def test_the_register_holds_only_ciphertext(db_url: str, small_log: Path) -> None:
    load_with_a_coordinator(db_url, small_log)
    rows = {r[0]: r[1:] for r in person_rows(db_url)}
    assert set(rows) == {"coord-08", "coord-14"}
    for person, fields in rows.items():
        assert all(f is None or (isinstance(f, str) and f.startswith(SEALED)) for f in fields), (person, fields)
        assert not any(secret in str(fields) for secret in SECRETS)
    assert rows["coord-08"][2] is None, "a field not given stays empty"


def test_the_sqlite_files_never_hold_a_name_in_clear(sqlite_url: str, small_log: Path) -> None:
    load_with_a_coordinator(sqlite_url, small_log)
    assert bytes_holding_secrets(sqlite_url) == {}
    sealed_name = str(person_rows(sqlite_url)[1][1])
    assert files_holding(sqlite_url, (sealed_name,)), "the test must see the ciphertext in the files before it is erased"


def test_forget_erases_every_byte_of_the_person_on_sqlite(sqlite_url: str, small_log: Path) -> None:
    load_with_a_coordinator(sqlite_url, small_log)
    sealed = tuple(str(f) for f in person_rows(sqlite_url)[1][1:])
    assert files_holding(sqlite_url, sealed), "the test must see the row in the files before it is erased"
    history = ok(sqlite_url, "history", "--format", "json").stdout
    export = ok(sqlite_url, "export").stdout

    result = ok(sqlite_url, "person", "forget", "coord-14")
    assert result.stdout == "" and "erased coord-14" in result.stderr

    assert files_holding(sqlite_url, (*SECRETS, *sealed)) == {}, [p.name for p in database_files(sqlite_url)]
    assert "no person" in refused(sqlite_url, "person", "show", "coord-14")
    assert as_json(sqlite_url, "person", "show", "coord-08")["name"] == "Kalle Kalmar", "only the one person is erased"
    assert ok(sqlite_url, "history", "--format", "json").stdout == history
    assert ok(sqlite_url, "export").stdout == export
    assert ok(sqlite_url, "verify").stdout.startswith("verified: ")
    # the store goes on working, and still holds no trace after more writes
    ok(sqlite_url, "initiative", "reopen", "14-dataverkstad", "--reason", "fas 2", user="coord-14")
    ok(sqlite_url, "checkpoint")
    assert bytes_holding_secrets(sqlite_url) == {}


def sealed_row(url: str, person: str) -> tuple[str, ...]:
    return next(tuple(str(f) for f in r[1:] if f is not None) for r in person_rows(url) if r[0] == person)


def open_reader(url: str) -> sqlite3.Connection:
    """An analyst's connection in the middle of a read: it holds a snapshot from before the erasure."""
    reader = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN")
    # a new store, the worked example, coord-14's grant, their assignment and their status change
    assert reader.execute("SELECT count(*) FROM stored_events").fetchone()[0] == NEW_STORE_EVENTS + 38 + 3
    return reader


def test_forget_waits_for_a_reader_and_leaves_no_trace_while_it_stays_connected(sqlite_url: str, small_log: Path) -> None:
    load_with_a_coordinator(sqlite_url, small_log)
    sealed = sealed_row(sqlite_url, "coord-14")
    reader = open_reader(sqlite_url)
    try:
        finish = threading.Timer(1.0, lambda: reader.execute("COMMIT"))
        finish.start()
        ok(sqlite_url, "person", "forget", "coord-14")
        finish.join()
        assert files_holding(sqlite_url, sealed) == {}, "erased while the reader is still connected"
    finally:
        reader.close()
    assert files_holding(sqlite_url, sealed) == {}
    ok(sqlite_url, "verify")


def test_forget_does_not_claim_success_while_a_reader_keeps_the_old_pages(
    sqlite_url: str, small_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader that outlasts the busy timeout keeps the erased row's page alive: forget must say so (exit 7)."""
    load_with_a_coordinator(sqlite_url, small_log)
    sealed = sealed_row(sqlite_url, "coord-14")
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 300)
    reader = open_reader(sqlite_url)
    try:
        message = refused(sqlite_url, "person", "forget", "coord-14", code=7)
        assert "coord-14 is removed from the register" in message and "another connection" in message
        assert files_holding(sqlite_url, sealed), "the reader's snapshot still needs the old page"
        assert "no person" in refused(sqlite_url, "person", "show", "coord-14")
    finally:
        reader.close()
    assert files_holding(sqlite_url, sealed) == {}, "once the last connection closes, SQLite writes the erasure into the file"
    assert bytes_holding_secrets(sqlite_url) == {}
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


# --- the keys --------------------------------------------------------------------------------------


def key_directory(url: str) -> Path:
    from kompass.infrastructure.bootstrap import Store

    store = Store(url, "admin")
    try:
        return store.persons.keys.directory
    finally:
        store.close()


def test_each_person_has_a_key_file_outside_the_database(db_url: str, small_log: Path) -> None:
    load_with_a_coordinator(db_url, small_log)
    directory = key_directory(db_url)
    keys = sorted(p.name for p in directory.iterdir())
    assert keys == ["coord-08.key", "coord-14.key"]
    assert all((directory / k).stat().st_mode & 0o777 == 0o600 for k in keys)
    assert directory.stat().st_mode & 0o777 == 0o700
    key = (directory / "coord-14.key").read_text(encoding="ascii")
    assert not any(key in str(row) for row in person_rows(db_url)), "no key is kept in the database"
    ok(db_url, "person", "forget", "coord-14")
    assert sorted(p.name for p in directory.iterdir()) == ["coord-08.key"], "forget destroys the key"


def test_a_copy_of_the_row_from_before_forget_cannot_be_read(db_url: str, small_log: Path) -> None:
    """What a backup, a replica or an old WAL segment keeps of the register is ciphertext, whose key is gone."""
    load_with_a_coordinator(db_url, small_log)
    kept = next(r for r in person_rows(db_url) if r[0] == "coord-14")
    ok(db_url, "person", "forget", "coord-14")
    run_sql(db_url, "INSERT INTO kompass_persons (person_id, name, email, phone) VALUES (%s, %s, %s, %s)", kept)
    message = refused(db_url, "person", "show", "coord-14")
    assert "key" in message and not any(secret in message for secret in SECRETS), message
    assert as_json(db_url, "person", "show", "coord-08")["name"] == "Kalle Kalmar"


def test_without_the_key_directory_the_details_cannot_be_read(
    sqlite_url: str, small_log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another admin's machine without the shared key directory: refused, with where to put it."""
    load_with_a_coordinator(sqlite_url, small_log)
    real = key_directory(sqlite_url)
    monkeypatch.setenv("KOMPASS_PERSON_KEYS", str(tmp_path / "elsewhere"))
    assert "KOMPASS_PERSON_KEYS" in refused(sqlite_url, "person", "show", "coord-14")
    ok(sqlite_url, "person", "add", "coord-99", "--name", "Ny Person")  # a key of its own, in the other directory
    monkeypatch.setenv("KOMPASS_PERSON_KEYS", str(real))
    assert as_json(sqlite_url, "person", "show", "coord-14")["email"] == EMAIL
    assert "key" in refused(sqlite_url, "person", "show", "coord-99")


# --- a register kept in clear text by an older kompass ------------------------------------------------------


def test_an_admin_opening_the_store_encrypts_a_clear_text_register(db_url: str, small_log: Path) -> None:
    ok(db_url, "import", str(small_log))
    ok(db_url, "user", "add", "coord-14", "--role", "coordinator", "--region", "14")
    run_sql(db_url, "INSERT INTO kompass_persons (person_id, name, email, phone) VALUES (%s, %s, %s, %s)",
            ("coord-14", NAME, EMAIL, PHONE))
    run_sql(db_url, "INSERT INTO kompass_persons (person_id, name, email, phone) VALUES (%s, %s, %s, %s)",
            ("coord-08", "Kalle Kalmar", None, None))
    # a coordinator's command leaves it as it is, and the register refuses to show clear rows meanwhile
    ok(db_url, "initiative", "list", user="coord-14")
    assert "clear text" in refused(db_url, "person", "show", "coord-14", user="coord-14")
    assert (NAME, EMAIL, PHONE) in [r[1:] for r in person_rows(db_url)]
    # an admin's first command, whatever it is, encrypts it
    opened = ok(db_url, "initiative", "list")
    assert "Warning: encrypted the contact details of 2 people" in opened.stderr
    rows = person_rows(db_url)
    assert all(str(r[1]).startswith(SEALED) for r in rows) and not any(s in str(rows) for s in SECRETS)
    assert as_json(db_url, "person", "show", "coord-14", user="coord-14") == {
        "person_id": "coord-14", "name": NAME, "email": EMAIL, "phone": PHONE
    }
    assert "encrypted" not in ok(db_url, "initiative", "list").stderr, "only once"
    if db_url.startswith("sqlite"):
        assert bytes_holding_secrets(db_url) == {}, "the clear text also leaves the database file"
