"""Tamper evidence (DESIGN §6): `kompass seal` then `kompass verify` on a store altered behind kompass's back.

Each case loads the worked example into a fresh store (both backends), seals it, alters the
database directly with SQL — dropping the append-only trigger first, as an intruder with
database rights would — and expects `verify` to exit 5 naming the first bad position.

The worked example has 42 reference events (21 region actors, 21 portfolios) followed by
the 38 lines of small.jsonl at positions 43–80.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from kompass.infrastructure.seal import GENESIS, link
from tests.integration.helpers import invoke, ok

VERIFY_FAILED = 5
HEAD = 80
FUNDING = 55  # small.jsonl line 13: initiative.fund 14-dataverkstad 3000000 SEK
RESULT = 63  # small.jsonl line 21: initiative.result 14-open-data "12 kommuner utbildade"


# --- direct SQL, as an intruder would ----------------------------------------------------------------


class Raw:
    """The events table and seal tables of one store, reached without kompass (trigger dropped)."""

    def __init__(self, url: str, drop_triggers: bool = True) -> None:
        self.sqlite = url.startswith("sqlite")
        if self.sqlite:
            self.conn: Any = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
            if drop_triggers:
                self.conn.execute("DROP TRIGGER IF EXISTS stored_events_append_only_update")
                self.conn.execute("DROP TRIGGER IF EXISTS stored_events_append_only_delete")
            self.table, self.position = "stored_events", "rowid"
        else:
            import psycopg

            self.conn = psycopg.connect(url.replace("+psycopg", "", 1), autocommit=True)
            if drop_triggers:
                self.conn.execute("DROP TRIGGER kompass_events_append_only ON kompass_events")
            self.table, self.position = "kompass_events", "notification_id"

    def sql(self, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        if not self.sqlite:
            statement = statement.replace("?", "%s")
        cursor = self.conn.execute(statement, params)
        return list(cursor.fetchall()) if cursor.description else []

    def state(self, position: int) -> bytes:
        return bytes(self.sql(f"SELECT state FROM {self.table} WHERE {self.position} = ?", position)[0][0])

    def set_state(self, position: int, state: bytes) -> None:
        self.sql(f"UPDATE {self.table} SET state = ? WHERE {self.position} = ?", state, position)

    def delete(self, position: int) -> None:
        self.sql(f"DELETE FROM {self.table} WHERE {self.position} = ?", position)

    def events(self) -> list[tuple[int, Any, int, str, bytes]]:
        rows = self.sql(f"SELECT {self.position}, originator_id, originator_version, topic, state FROM {self.table} ORDER BY 1")
        return [(int(p), UUID(str(o)), int(v), t, bytes(s)) for p, o, v, t, s in rows]

    def close(self) -> None:
        self.conn.close()


@contextmanager
def raw(url: str, drop_triggers: bool = True) -> Iterator[Raw]:
    connection = Raw(url, drop_triggers)
    try:
        yield connection
    finally:
        connection.close()


def change_one_byte(db: Raw, position: int, old: bytes, new: bytes) -> None:
    state = db.state(position)
    assert state.count(old) == 1 and len(old) == len(new)
    changed = state.replace(old, new)
    assert sum(a != b for a, b in zip(state, changed, strict=True)) == 1
    db.set_state(position, changed)


# --- fixtures and assertions --------------------------------------------------------------------------


def load_and_seal(url: str, small_log: Path) -> str:
    ok(url, "import", str(small_log))
    out = ok(url, "seal").stdout
    assert f"sealed position {HEAD}" in out
    return url


@pytest.fixture
def sealed(db_url: str, small_log: Path) -> str:
    """The worked example, imported and sealed at position 80 (both backends)."""
    return load_and_seal(db_url, small_log)


@pytest.fixture
def sealed_sqlite(sqlite_url: str, small_log: Path) -> str:
    """The same on SQLite only, for the cases whose SQL does not differ between backends."""
    return load_and_seal(sqlite_url, small_log)


def seal_digest(url: str) -> str:
    """Seal now and return the full digest printed."""
    out = ok(url, "seal").stdout
    match = re.search(r"digest ([0-9a-f]{12}) \(full: ([0-9a-f]{64})\)", out)
    assert match, out
    assert match.group(2).startswith(match.group(1))
    return match.group(2)


def verify_fails(url: str, *args: str) -> str:
    result = invoke(url, "verify", *args)
    assert result.exit_code == VERIFY_FAILED, f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    assert isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: verification failed"), result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return lines[0]


def names_position(line: str, position: int) -> bool:
    return re.search(rf"\bposition {position}\b", line) is not None and all(
        int(p) == position for p in re.findall(r"\bposition (\d+)", line)
    )


# --- the untouched store ------------------------------------------------------------------------------


def test_an_untouched_sealed_store_verifies(sealed_sqlite: str) -> None:
    out = ok(sealed_sqlite, "verify").stdout
    assert out.startswith(f"verified: {HEAD} events, digest ")
    assert "projections match a replay" in out


def test_verify_without_any_seal_still_checks_projections(sqlite_url: str, small_log: Path) -> None:
    ok(sqlite_url, "import", str(small_log))
    assert ok(sqlite_url, "verify").stdout.startswith(f"verified: {HEAD} events")


# --- tampering: each in a fresh store -----------------------------------------------------------------


def _change_a_byte(db: Raw) -> int:
    change_one_byte(db, FUNDING, b'"amount_sek":3000000', b'"amount_sek":9000000')
    return FUNDING


def _change_a_byte_of_the_newest(db: Raw) -> int:
    change_one_byte(db, HEAD, b'"score":5', b'"score":9')
    return HEAD


def _change_a_reference_event(db: Raw) -> int:
    change_one_byte(db, 1, b"Region Stockholm", b"Region Stockholn")
    return 1


def _delete_a_middle_event(db: Raw) -> int:
    db.delete(60)
    return 60


def _delete_the_newest_event(db: Raw) -> int:
    db.delete(HEAD)
    return HEAD


def _swap_two_states(db: Raw) -> int:
    first, second = db.state(50), db.state(51)
    assert first != second
    db.set_state(50, second)
    db.set_state(51, first)
    return 50


def _forge_the_seal(db: Raw) -> int:
    db.sql("UPDATE kompass_seals SET digest = ? WHERE position = ?", "0" * 64, HEAD)
    return HEAD


TAMPERING: dict[str, Callable[[Raw], int]] = {
    "change one byte of an event": _change_a_byte,
    "change one byte of the newest event": _change_a_byte_of_the_newest,
    "change one byte of a reference event": _change_a_reference_event,
    "delete a middle event": _delete_a_middle_event,
    "delete the newest event": _delete_the_newest_event,
    "swap two events' state": _swap_two_states,
    "forge a seal": _forge_the_seal,
}


@pytest.mark.parametrize("tamper", list(TAMPERING), ids=[k.replace(" ", "-").replace("'", "") for k in TAMPERING])
def test_verify_names_the_first_altered_position(sealed: str, tamper: str) -> None:
    with raw(sealed) as db:
        position = TAMPERING[tamper](db)
    line = verify_fails(sealed)
    assert names_position(line, position), line


def test_a_forged_seal_is_named_as_such(sealed_sqlite: str) -> None:
    with raw(sealed_sqlite) as db:
        _forge_the_seal(db)
    line = verify_fails(sealed_sqlite)
    assert "seal" in line and "forged" in line


def test_a_removed_event_is_named_as_removed_and_a_changed_one_as_changed(sealed_sqlite: str) -> None:
    with raw(sealed_sqlite) as db:
        db.delete(70)
        change_one_byte(db, 60, b'"status":"active"', b'"status":"activf"')
    line = verify_fails(sealed_sqlite)
    assert names_position(line, 60) and "changed" in line, line  # the first bad position wins


def test_an_earlier_seal_is_checked_too(sealed_sqlite: str) -> None:
    """Forging the older of two seals is caught even though the newest one is intact."""
    ok(sealed_sqlite, "actor", "add", "--key", "vinnova", "--name", "Vinnova", "--kind", "agency")
    seal_digest(sealed_sqlite)
    ok(sealed_sqlite, "verify")
    with raw(sealed_sqlite) as db:
        _forge_the_seal(db)
    assert names_position(verify_fails(sealed_sqlite), HEAD)


# --- digests kept elsewhere ---------------------------------------------------------------------------


def test_a_kept_digest_still_verifies_after_later_appends_and_a_wrong_one_fails(db_url: str, small_log: Path) -> None:
    ok(db_url, "import", str(small_log))
    kept = seal_digest(db_url)
    assert ok(db_url, "verify").stdout.startswith(f"verified: {HEAD} events, digest {kept[:12]}")
    ok(db_url, "actor", "add", "--key", "vinnova", "--name", "Vinnova", "--kind", "agency")
    ok(db_url, "initiative", "add", "--ref", "14-ai", "--region", "14", "--title", "AI", "--area", "innovation",
       "--type", "project")
    assert ok(db_url, "verify", "--digest", kept[:12]).stdout.startswith(f"verified: {HEAD + 2} events")
    later = seal_digest(db_url)
    assert later != kept
    ok(db_url, "verify", "--digest", kept[:12])
    ok(db_url, "verify", "--digest", kept.upper())
    assert ok(db_url, "verify", "--digest", later[:12]).stdout.startswith(f"verified: {HEAD + 2} events, digest {later[:12]}")
    wrong = ("0" if kept[0] != "0" else "1") + kept[1:12]
    line = verify_fails(db_url, "--digest", wrong)
    assert wrong in line
    assert "None" not in line, line  # no position to name: the message must not say "position None"




def test_the_events_table_refuses_changes_while_its_trigger_is_in_place(db_url: str, small_log: Path) -> None:
    load_and_seal(db_url, small_log)
    with raw(db_url, drop_triggers=False) as db:
        state = db.state(FUNDING)
        with pytest.raises(Exception, match="kompass: events are never") as refused:
            db.set_state(FUNDING, state.replace(b"3000000", b"9000000"))
        assert type(refused.value).__module__.startswith(("sqlite3", "psycopg"))
        with pytest.raises(Exception, match="kompass: events are never"):
            db.delete(HEAD)
    ok(db_url, "verify")


def test_a_too_short_digest_is_a_usage_error(sealed_sqlite: str) -> None:
    result = invoke(sealed_sqlite, "verify", "--digest", "abc")
    assert result.exit_code == 2
    assert "--digest" in result.stderr


def test_a_rewritten_chain_and_seal_are_caught_by_a_digest_kept_elsewhere(sealed_sqlite: str) -> None:
    """An intruder who alters an event and recomputes the stored chain and seals beats the stored
    seal, but not the digest the auditor kept outside the database."""
    kept = seal_digest(sealed_sqlite)
    with raw(sealed_sqlite) as db:
        change_one_byte(db, RESULT, b"12 kommuner", b"92 kommuner")
        previous, rows = GENESIS, []
        for position, originator, version, topic, state in db.events():
            previous = link(previous, position, originator, version, topic, state)
            rows.append((position, previous))
        for position, digest in rows:
            db.sql("UPDATE kompass_chain SET digest = ? WHERE position = ?", digest, position)
        db.sql("UPDATE kompass_seals SET digest = ? WHERE position = ?", previous, HEAD)
    assert ok(sealed_sqlite, "verify").exit_code == 0  # the stored chain and seal now agree with the altered log
    line = verify_fails(sealed_sqlite, "--digest", kept[:12])
    assert kept[:12] in line
