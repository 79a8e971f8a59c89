"""Each user signs with a key of their own on PostgreSQL, published in the log (docs/security.md).

Shown on a real PostgreSQL store: every writer's key appears in the log before the first
checkpoint it signs, `verify` names each key, a checkpoint signed by a key the log does not hold
fails `verify` (exit 5) naming it, and nobody can publish a key in someone else's name (exit 4),
neither through kompass nor by writing the event behind its back. The export round-trips the
publications byte for byte, on both backends.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import update

from kompass.application.proofs import sign
from kompass.domain.checkpoint import Checkpoint, SignedNote
from kompass.infrastructure import tables as t
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.signing import FileSigner
from tests.conftest import NEW_STORE_EVENTS, PG_UNAVAILABLE, drop_pg_database, new_pg_database
from tests.integration.helpers import invoke, ok, refused
from tests.integration.pg_logins import drop_store, new_store
from tests.integration.test_audit_roundtrip import export_bytes
from tests.integration.test_audit_tamper import Raw, rewrite_log_consistently, verify_fails

VERIFY_FAILED = 5
DENIED = 4


def public_key_text() -> str:
    raw = Ed25519PrivateKey.generate().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def exported(url: str) -> list[dict[str, object]]:
    text = export_bytes(url).decode("utf-8")
    return [json.loads(line) for line in text.split("\n") if line and not line.startswith("#")]


def signers_of(url: str) -> list[str]:
    return [s.name for s in SignedNote.parse(ok(url, "checkpoint").stdout).signatures]


@pytest.mark.postgres
def test_each_writer_signs_with_their_own_key_published_before_it_signs() -> None:
    """Each login signs with its own key: the real identity that made the store (its key published with its
    first write after `init`), and a coordinator's login of its own; acting as `admin` changes no signer."""
    if PG_UNAVAILABLE:
        pytest.skip(PG_UNAVAILABLE)
    store = new_store()
    try:
        url = store.url
        origin = ok(url, "checkpoint").stdout.split("\n")[0]
        opened = Store(url)
        real = opened.identity.real
        opened.close()
        coord = store.login("coord")  # a login only: its role comes from the log
        ok(url, "user", "grant", coord, "--role", "coordinator", "--region", "14")
        ok(url, "actor", "add", "--key", "digg", "--name", "Digg", "--kind", "agency")
        assert signers_of(url) == [f"{origin}/{real}"]
        ok(store.url_as(coord), "actor", "add", "--key", "gbg", "--name", "Göteborg", "--kind", "municipality", "--region", "14", user=None)
        assert signers_of(url) == [f"{origin}/{coord}"]
        ok(url, "actor", "rename", "digg", "--name", "Digg 2")
        lines = exported(url)
        published = [line for line in lines if line["op"] == "key.publish"]
        mine = [(p["user"], p["by"], p["recorded_by"]) for p in published]
        assert mine == [(real, real, real), (coord, coord, coord)], "one key each, once, by its user"
        ops = [line["op"] for line in lines]
        assert ops[NEW_STORE_EVENTS - 1 :] == [
            "user.grant",
            "key.publish",
            "user.grant",
            "actor.register",
            "actor.register",
            "key.publish",
            "actor.rename",
        ], "each key is published in the transaction whose checkpoint it first signs, before that checkpoint"
        verified = ok(url, "verify").stdout
        assert f"{origin}/{real}" in verified and f"{origin}/{coord}" in verified
    finally:
        drop_store(store)


def resign_latest_checkpoint(url: str, user: str) -> FileSigner:
    """After a write, sign the store's latest checkpoint anew, alone, with a new key in the name of `user`
    (ORIGIN/USER), as someone with write access to the table but not the key would; returns that signer."""
    ok(url, "actor", "add", "--key", "digg", "--name", "Digg", "--kind", "agency")
    store = Store(url, "admin")
    try:
        latest = store.log.latest()
        assert latest is not None
        body = Checkpoint.from_note(SignedNote.parse(latest.note)).body()
        signer = FileSigner(f"{store.log.origin}/{user}", Ed25519PrivateKey.generate(), Path("/nonexistent"))
        with store.engine.begin() as conn:
            conn.execute(update(t.checkpoints).where(t.checkpoints.c.size == latest.size).values(note=sign(body, [signer]).render()))
    finally:
        store.close()
    return signer


@pytest.mark.postgres
def test_a_checkpoint_signed_by_a_key_not_in_the_log_fails_verify_naming_it(pg_url: str) -> None:
    intruder = resign_latest_checkpoint(pg_url, "mallory")
    result = invoke(pg_url, "verify")
    assert result.exit_code == VERIFY_FAILED, result.output
    assert intruder.name.endswith("/mallory") and intruder.name in result.stderr and intruder.verifier.id.hex() in result.stderr


@pytest.mark.postgres
def test_the_same_name_with_another_key_fails_verify(pg_url: str) -> None:
    """A key in the name of a user who did publish one, but not that key: still unknown."""
    forger = resign_latest_checkpoint(pg_url, "admin")
    result = invoke(pg_url, "verify")
    assert result.exit_code == VERIFY_FAILED and forger.verifier.id.hex() in result.stderr, result.output


def test_a_key_for_another_user_is_refused(db_url: str, tmp_path: Path) -> None:
    ok(db_url, "user", "grant", "coord-14", "--role", "coordinator", "--region", "14")
    before = export_bytes(db_url)
    file = tmp_path / "keys.jsonl"
    for line in (
        {"op": "key.publish", "user": "coord-14", "public_key": public_key_text()},
        {"op": "key.publish", "user": "coord-14", "public_key": public_key_text(), "by": "coord-14"},
    ):
        file.write_text(json.dumps(line) + "\n", encoding="utf-8")
        message = refused(db_url, "import", str(file), code=DENIED)
        assert "coord-14" in message and "own key" in message
    assert export_bytes(db_url) == before, "nothing was written"
    # an admin acting as coord-14 (`--as`) is still not coord-14's login: the key would be theirs, not coord-14's
    file.write_text(json.dumps({"op": "key.publish", "user": "coord-14", "public_key": public_key_text()}) + "\n", encoding="utf-8")
    message = refused(db_url, "import", str(file), code=DENIED, user="coord-14")
    assert "coord-14" in message and "own key" in message
    assert export_bytes(db_url) == before, "nothing was written"


def test_a_key_publication_recorded_for_someone_else_behind_kompass_back_fails_verify(db_url: str) -> None:
    ok(db_url, "actor", "add", "--key", "digg", "--name", "Digg", "--kind", "agency")
    raw = Raw(db_url)
    # on PostgreSQL the real identity's key publication (after `init`), on SQLite the newest event
    where = "" if db_url.startswith("sqlite") else "WHERE topic = 'kompass.domain.signing_key:SigningKey.KeyPublished' "
    rows = raw.sql(f"SELECT {raw.position}, state FROM {raw.table} {where}ORDER BY {raw.position} DESC LIMIT 1")
    position, state = rows[0]
    who = json.loads(bytes(state))["by"]
    forged = bytes(state).replace(f'"by":"{who}"'.encode(), b'"by":"mallory"')
    assert forged != bytes(state)
    raw.sql(f"UPDATE {raw.table} SET state = ? WHERE {raw.position} = ?", forged, position)
    result = invoke(db_url, "verify")
    assert result.exit_code == VERIFY_FAILED, result.output
    if not db_url.startswith("sqlite"):
        assert "mallory" in result.stderr and "own key" in result.stderr, result.stderr


def test_key_publications_round_trip_byte_for_byte(db_url: str, tmp_path: Path) -> None:
    key = public_key_text()
    file = tmp_path / "keys.jsonl"
    store = Store(db_url)
    real = store.identity.real  # a key is published by its own user only: the login that runs this test
    store.close()
    file.write_text(json.dumps({"op": "key.publish", "user": real, "public_key": key}) + "\n", encoding="utf-8")
    ok(db_url, "import", str(file), user=None)
    ok(db_url, "actor", "add", "--key", "digg", "--name", "Digg", "--kind", "agency")
    original = export_bytes(db_url)
    assert any(line.get("public_key") == key for line in exported(db_url))
    saved = tmp_path / "export.jsonl"
    saved.write_bytes(original)
    target = f"sqlite:///{tmp_path / 'restored.db'}" if db_url.startswith("sqlite") else new_pg_database(initialised=False)
    try:
        ok(target, "import", "--restore", str(saved), user=None)
        again = export_bytes(target)
        assert [x for x in again.split(b"\n") if not x.startswith(b"#")] == [x for x in original.split(b"\n") if not x.startswith(b"#")]
        ok(target, "verify", user=None)
    finally:
        if not target.startswith("sqlite"):
            drop_pg_database(target)


def test_a_key_publication_whose_recorder_was_rewritten_fails_verify(db_url: str, tmp_path: Path) -> None:
    """The row of a key publication rewritten to say another admin's login recorded it (what the write side refuses
    an admin acting as the user with `--as`), the tree and every checkpoint recomputed to match and re-signed:
    `by` still names the user, so only the check of `recorded_by` finds it, naming the position (exit 5)."""
    store = Store(db_url)
    real = store.identity.real
    store.close()
    if db_url.startswith("sqlite"):  # on PostgreSQL the real identity's key is published with its first write
        file = tmp_path / "key.jsonl"
        file.write_text(json.dumps({"op": "key.publish", "user": real, "public_key": public_key_text()}) + "\n", encoding="utf-8")
        ok(db_url, "import", str(file), user=None)
    ok(db_url, "user", "grant", "other-admin", "--role", "admin")
    ok(db_url, "verify", user=None)
    raw = Raw(db_url)
    topic = "kompass.domain.signing_key:SigningKey.KeyPublished"
    rows = raw.sql(f"SELECT {raw.position}, recorded_by FROM {raw.table} WHERE topic = ? ORDER BY {raw.position} DESC LIMIT 1", topic)
    position, recorded_by = rows[0]
    assert recorded_by == real
    raw.sql(f"UPDATE {raw.table} SET recorded_by = ? WHERE {raw.position} = ?", "other-admin", position)
    raw.conn.close()
    rewrite_log_consistently(db_url)
    line = verify_fails(db_url)
    assert f"position {position}" in line and "other-admin recorded it" in line and "own key" in line, line
