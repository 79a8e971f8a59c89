"""Tamper evidence (docs/security.md): the store altered behind kompass's back, as an intruder would.

Each attack of issue 14 is tried on both backends, the append-only trigger dropped first and,
where the attack needs it, the tree, the checkpoints and even the signing key rewritten
consistently, so that only a checkpoint kept elsewhere can tell (`verify --against` exits 5).
Snapshot and read-model forgeries are caught by plain `verify`.

The worked example has 42 reference events and two grants (the first admin's and `admin`'s) followed by the
38 lines of small.jsonl (positions 45–82).
"""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, insert, update

from kompass.application.proofs import sign
from kompass.domain.checkpoint import Checkpoint
from kompass.domain.merkle import CompactRange, leaf_hash
from kompass.infrastructure import tables as t
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.command_log_writer import command_lines
from kompass.infrastructure.signing import FileSigner
from tests.conftest import NEW_STORE_EVENTS
from tests.integration.helpers import invoke, ok

VERIFY_FAILED = 5
HEAD = NEW_STORE_EVENTS + 38
FUNDING = NEW_STORE_EVENTS + 13  # small.jsonl line 13: initiative.fund 14-dataverkstad 3000000 SEK (SQLite)


class Raw:
    """The store's tables reached without kompass, the events table's trigger dropped."""

    def __init__(self, url: str) -> None:
        self.sqlite = url.startswith("sqlite")
        if self.sqlite:
            self.conn: Any = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
            self.conn.execute("DROP TRIGGER IF EXISTS stored_events_append_only_update")
            self.conn.execute("DROP TRIGGER IF EXISTS stored_events_append_only_delete")
            self.table, self.position, self.snapshots = "stored_events", "rowid", "stored_snapshots"
            self.funding = FUNDING
        else:
            import psycopg

            self.conn = psycopg.connect(url.replace("+psycopg", "", 1), autocommit=True)
            self.conn.execute("DROP TRIGGER kompass_events_append_only ON kompass_events")
            self.table, self.position, self.snapshots = "kompass_events", "notification_id", "kompass_snapshots"
            self.funding = FUNDING + 1  # after the real identity's key, published with admin's grant

    def sql(self, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        if not self.sqlite:
            statement = statement.replace("?", "%s")
        cursor = self.conn.execute(statement, params)
        return list(cursor.fetchall()) if cursor.description else []

    def state(self, position: int) -> bytes:
        return bytes(self.sql(f"SELECT state FROM {self.table} WHERE {self.position} = ?", position)[0][0])

    def set_state(self, position: int, state: bytes) -> None:
        self.sql(f"UPDATE {self.table} SET state = ? WHERE {self.position} = ?", state, position)


@contextmanager
def raw(url: str) -> Iterator[Raw]:
    db = Raw(url)
    try:
        yield db
    finally:
        db.conn.close()


def rewrite_log_consistently(url: str) -> None:
    """What an intruder with the database and kompass's code does after altering events: recompute the tree,
    replace every checkpoint by one signed with a key of their own, and register that key as the store's."""
    store = Store(url, "admin")
    try:
        tree, nodes = CompactRange(), []
        for line in command_lines(store.facts.facts()):
            nodes += tree.append(leaf_hash(line.encode()))
        origin = store.log.origin
        forger = FileSigner(origin, Ed25519PrivateKey.generate(), Path("/dev/null"))
        note = sign(Checkpoint(origin, tree.size, tree.root()).body(), [forger]).render()
        with store.engine.begin() as conn:
            for table in (t.log_nodes, t.checkpoints, t.signing_keys):
                conn.execute(delete(table))
            conn.execute(insert(t.log_nodes), [{"level": lv, "idx": i, "hash": h} for lv, i, h in nodes])
            conn.execute(insert(t.checkpoints).values(size=tree.size, position=store.facts.head(), note=note))
            conn.execute(insert(t.signing_keys).values(name=origin, public_key=forger.public_key))
            conn.execute(update(t.log_state).values(size=tree.size, position=store.facts.head(), frontier=tree.pack()))
    finally:
        store.close()


def head_of(url: str) -> int:
    """Events after the worked example's import: on PostgreSQL the first write after `init` (admin's grant) also
    published the real identity's signing key."""
    return HEAD if url.startswith("sqlite") else HEAD + 1


def verify_fails(url: str, *args: str, why: str = "") -> str:
    result = invoke(url, "verify", *args, user=None)
    assert result.exit_code == VERIFY_FAILED, f"{why} exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.fixture
def loaded(db_url: str, small_log: Path, tmp_path: Path) -> tuple[str, Path]:
    """The worked example, and its checkpoint kept in a file elsewhere."""
    ok(db_url, "import", str(small_log))
    kept = tmp_path / "kept-checkpoint.txt"
    ok(db_url, "checkpoint", "--output", str(kept))
    return db_url, kept


# --- an independent recomputation ------------------------------------------------------------------


def rfc6962_root(leaves: list[bytes]) -> bytes:
    """A few lines of RFC 6962 §2.1, written here so the product's code is not checked against itself."""
    if len(leaves) == 1:
        return hashlib.sha256(b"\0" + leaves[0]).digest()
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hashlib.sha256(b"\1" + rfc6962_root(leaves[:k]) + rfc6962_root(leaves[k:])).digest()


def test_an_outside_tool_recomputes_the_root_from_an_export(loaded: tuple[str, Path], tmp_path: Path) -> None:
    url, _kept = loaded
    export = tmp_path / "export.jsonl"
    ok(url, "export", "--output", str(export))
    leaves = [line.encode() for line in export.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert len(leaves) == head_of(url)
    note = ok(url, "checkpoint").stdout
    origin, size, root = note.splitlines()[:3]
    assert origin.startswith("kompass/") and int(size) == head_of(url)
    assert base64.b64decode(root) == rfc6962_root(leaves)


def test_an_untouched_store_verifies_with_real_counts(loaded: tuple[str, Path]) -> None:
    url, kept = loaded
    out = ok(url, "verify").stdout
    assert out.startswith(f"verified: {head_of(url)} events, 3 checkpoints and 3 signatures, 0 snapshots, ")
    assert f"extends this checkpoint of {head_of(url)} events" in ok(url, "verify", "--against", str(kept)).stdout


# --- the attacks of the issue ------------------------------------------------------------------------


def _rewrite_an_event(db: Raw) -> None:
    state = db.state(db.funding)
    assert state.count(b"3000000") == 1
    db.set_state(db.funding, state.replace(b"3000000", b"9000000"))


def _delete_the_newest_event(db: Raw) -> None:
    db.sql(f"DELETE FROM {db.table} WHERE {db.position} = ?", HEAD)


def _rewrite_a_reference_event(db: Raw) -> None:
    state = db.state(1)
    db.set_state(1, state.replace(b"Region Stockholm", b"Region Pwned"))


ATTACKS = {"rewrite an event": _rewrite_an_event, "delete the newest event": _delete_the_newest_event,
           "rewrite a reference event": _rewrite_a_reference_event}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_an_altered_log_is_caught_by_plain_verify(loaded: tuple[str, Path], attack: str) -> None:
    url, _kept = loaded
    with raw(url) as db:
        ATTACKS[attack](db)
    line = verify_fails(url)
    assert "position" in line


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_an_altered_log_with_tree_checkpoints_and_key_rewritten_is_caught_by_a_kept_checkpoint(
    loaded: tuple[str, Path], attack: str
) -> None:
    url, kept = loaded
    with raw(url) as db:
        ATTACKS[attack](db)
    rewrite_log_consistently(url)
    ok(url, "projections", "rebuild")
    ok(url, "verify")  # the intruder controls everything inside the store: nothing inside can tell
    line = verify_fails(url, "--against", str(kept))
    assert str(kept) in line


def test_events_deleted_with_their_checkpoint_are_caught_by_a_later_kept_checkpoint(loaded: tuple[str, Path], tmp_path: Path) -> None:
    url, _kept = loaded
    ok(url, "actor", "add", "--key", "late", "--name", "Late AB", "--kind", "company")
    later = tmp_path / "later.txt"
    ok(url, "checkpoint", "--output", str(later))
    store_key = ok(url, "checkpoint", "--key").stdout.strip()
    with raw(url) as db:
        db.sql(f"DELETE FROM {db.table} WHERE {db.position} > ?", head_of(url))
    rewrite_log_consistently(url)
    ok(url, "projections", "rebuild")
    ok(url, "verify")
    # on PostgreSQL the later checkpoint is signed by admin's own key, which the log still publishes
    expected = "not by a key this store trusts" if url.startswith("sqlite") else "events were removed"
    assert expected in verify_fails(url, "--against", str(later))
    assert "events were removed" in verify_fails(url, "--against", str(later), "--key", store_key)


def test_an_event_recorded_behind_kompass_s_back_is_in_no_checkpoint(loaded: tuple[str, Path]) -> None:
    url, _kept = loaded
    with raw(url) as db:
        row = db.sql(f"SELECT originator_id, topic, state FROM {db.table} WHERE {db.position} = ?", db.funding)[0]
        version = db.sql(f"SELECT max(originator_version) FROM {db.table} WHERE originator_id = ?", row[0])[0][0]
        db.sql(f"INSERT INTO {db.table} (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)",
               row[0], version + 1, row[1], bytes(row[2]).replace(b'"originator_version":', b'"x":'))
    assert "in no checkpoint" in verify_fails(url)
    # and the next write refuses to bless it
    result = invoke(url, "actor", "add", "--key", "late", "--name", "Late AB", "--kind", "company")
    assert result.exit_code == VERIFY_FAILED and "no checkpoint" in result.stderr


def test_a_forged_checkpoint_signature_is_caught(loaded: tuple[str, Path]) -> None:
    url, _kept = loaded
    with raw(url) as db:
        note = db.sql("SELECT note FROM kompass_checkpoints WHERE size = ?", head_of(url))[0][0]
        body, _, signature = note.rpartition("\n\n")
        name, encoded = signature.strip().split(" ")[1:]
        forged = base64.b64decode(encoded)
        forged = forged[:10] + bytes([forged[10] ^ 1]) + forged[11:]
        forged_note = f"{body}\n\n\u2014 {name} {base64.b64encode(forged).decode()}\n"
        db.sql("UPDATE kompass_checkpoints SET note = ? WHERE size = ?", forged_note, head_of(url))
    assert "signature" in verify_fails(url)


def test_a_forged_tree_node_is_caught_by_plain_verify(loaded: tuple[str, Path]) -> None:
    url, _kept = loaded
    with raw(url) as db:  # a row holds a run of nodes (tables.log_nodes): node 4 is in the run starting at or before it
        first, hashes = db.sql("SELECT idx, hash FROM kompass_log_nodes WHERE level = 3 AND idx <= 4 ORDER BY idx DESC LIMIT 1")[0]
        at = (4 - first) * 32
        forged = bytes(hashes)[:at] + b"\x00" * 32 + bytes(hashes)[at + 32 :]
        db.sql("UPDATE kompass_log_nodes SET hash = ? WHERE level = 3 AND idx = ?", forged, first)
    assert "node at level 3, index 4" in verify_fails(url)


def test_tree_nodes_laid_over_stored_ones_are_caught_by_plain_verify(loaded: tuple[str, Path]) -> None:
    """A row holds a run of nodes, so a forged row starting inside a stored run would shadow its nodes in proofs."""
    url, _kept = loaded
    with raw(url) as db:
        db.sql("INSERT INTO kompass_log_nodes (level, idx, hash) VALUES (0, 50, ?)", b"\x00" * 64)
    assert "nodes at level 0" in verify_fails(url)


def test_a_run_of_tree_nodes_cut_short_is_caught_by_plain_verify(loaded: tuple[str, Path]) -> None:
    url, _kept = loaded
    with raw(url) as db:
        first, hashes = db.sql("SELECT idx, hash FROM kompass_log_nodes WHERE level = 0 ORDER BY idx DESC LIMIT 1")[0]
        db.sql("UPDATE kompass_log_nodes SET hash = ? WHERE level = 0 AND idx = ?", bytes(hashes)[:-32], first)
    assert "in no checkpoint" in verify_fails(url)


def test_a_forged_read_model_row_is_caught_by_plain_verify(loaded: tuple[str, Path]) -> None:
    url, _kept = loaded
    forgeries = [
        "UPDATE rm_actors SET name = 'Region Pwned' WHERE key = 'region-01'",
        "UPDATE rm_initiatives SET status = 'cancelled' WHERE ref = '14-dataverkstad'",
        "UPDATE rm_net_edges SET weight = weight + 5",
        "DELETE FROM rm_participants",
        "UPDATE rm_coverage SET initiatives = initiatives + 1 WHERE region = '14'",
    ]
    ok(url, "projections", "rebuild")
    for forgery in forgeries:
        with raw(url) as db:
            db.sql(forgery)
        line = verify_fails(url, why=forgery)
        assert "read model rm_" in line, line
        ok(url, "projections", "rebuild")
        ok(url, "verify")


def test_a_forged_snapshot_is_caught_by_plain_verify(db_url: str, tmp_path: Path) -> None:
    lines = [{"op": "initiative.propose", "ref": "14-long", "region": "14", "title": "Long", "areas": ["innovation"],
              "type": "project", "orientation": "internal", "roles": ["strategist"]},
             {"op": "initiative.status", "ref": "14-long", "status": "active"},
             {"op": "initiative.indicator", "ref": "14-long", "name": "n", "target": 100, "unit": "%"}]
    lines += [{"op": "initiative.measure", "ref": "14-long", "name": "n", "value": v} for v in range(100)]
    log = tmp_path / "long.jsonl"
    log.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    ok(db_url, "import", str(log))
    assert ", 1 snapshots," in ok(db_url, "verify").stdout
    with raw(db_url) as db:
        state = bytes(db.sql(f"SELECT state FROM {db.snapshots}")[0][0])
        assert state.count(b'"active"') == 1
        db.sql(f"UPDATE {db.snapshots} SET state = ?", state.replace(b'"active"', b'"cancelled"'))
    assert "snapshot" in verify_fails(db_url)


def test_postgres_verify_counts_events_not_ids(pg_url: str, small_log: Path) -> None:
    ok(pg_url, "import", str(small_log))
    with raw(pg_url) as db:
        for _ in range(5):
            db.sql("SELECT nextval(pg_get_serial_sequence('kompass_events', 'notification_id'))")
    ok(pg_url, "actor", "add", "--key", "late", "--name", "Late AB", "--kind", "company")
    assert ok(pg_url, "verify").stdout.startswith(f"verified: {head_of(pg_url) + 1} events, 4 checkpoints")
    late = head_of(pg_url) + 6  # the real identity's key published with admin's grant; five ids skipped
    assert ok(pg_url, "history", "--format", "json").stdout.count(f'"position": {late}') == 1


def test_a_store_whose_checkpoints_were_all_deleted_fails_and_refuses_writes_but_can_be_restored(
    loaded: tuple[str, Path], tmp_path: Path
) -> None:
    """Also what a store made before kompass signed its log looks like: export and restore is the way on."""
    url, _kept = loaded
    with raw(url) as db:
        for table in ("kompass_log_nodes", "kompass_checkpoints"):
            db.sql(f"DELETE FROM {table}")
        db.sql("UPDATE kompass_log SET size = 0, position = 0, frontier = ?", b"")
    assert "in no checkpoint" in verify_fails(url)
    result = invoke(url, "actor", "add", "--key", "late", "--name", "Late AB", "--kind", "company")
    assert result.exit_code == VERIFY_FAILED and "restore the export into a new store" in result.stderr
    export = tmp_path / "legacy.jsonl"
    ok(url, "export", "--output", str(export))
    assert "no checkpoint covers this log" in export.read_text(encoding="utf-8")
    restored = f"sqlite:///{tmp_path / 'restored.db'}"
    ok(restored, "import", "--restore", str(export), user=None)
    assert ok(restored, "verify", user=None).stdout.startswith(f"verified: {head_of(url)} events")
