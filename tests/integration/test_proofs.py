"""`prove` → `verify-proof` offline, forged proof files refused, and writes refused without the signing key."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kompass.cli.main import cli
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.tlog_write import RUN_NODES
from tests.conftest import NEW_STORE_EVENTS, init_store
from tests.integration.helpers import invoke, ok

HEAD = NEW_STORE_EVENTS + 38
"""A new store (reference data, two grants) and the worked example's 38 events."""
RESULT = NEW_STORE_EVENTS + 21
"""The position of the worked example's first recorded result (`12 kommuner`)."""


def offline(*args: str) -> Any:
    """`kompass verify-proof …` with no store anywhere."""
    return CliRunner(env={"KOMPASS_DB": "sqlite:////nonexistent/none.db"}).invoke(cli, ["verify-proof", *args])


@pytest.fixture
def proof(sqlite_url: str, small_log: Path, tmp_path: Path) -> tuple[str, dict[str, Any], str]:
    ok(sqlite_url, "import", str(small_log))
    document = json.loads(ok(sqlite_url, "prove", str(RESULT)).stdout)
    key = ok(sqlite_url, "checkpoint", "--key").stdout.strip()
    return sqlite_url, document, key


def write(tmp_path: Path, document: dict[str, Any]) -> str:
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_a_proof_verifies_offline_with_a_pinned_key(proof: tuple[str, dict[str, Any], str], tmp_path: Path) -> None:
    _url, document, key = proof
    assert document["index"] == RESULT - 1 and document["tree_size"] == HEAD and document["position"] == RESULT
    assert json.loads(document["leaf"])["op"] == "initiative.result"
    result = offline(write(tmp_path, document), "--key", key)
    assert result.exit_code == 0, result.output
    assert f"leaf {RESULT - 1} of {HEAD}" in result.stdout and "a pinned key" in result.stdout


def _swap(path: list[str]) -> list[str]:
    return [path[1], path[0], *path[2:]]


def _flip(text: str) -> str:
    raw = bytearray(base64.b64decode(text))
    raw[0] ^= 1
    return base64.b64encode(bytes(raw)).decode()


def _replace(note: str, part: str) -> str:
    return note.replace(part, _flip(part))


FORGERIES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "wrong path": lambda d: {**d, "audit_path": [_flip(d["audit_path"][0]), *d["audit_path"][1:]]},
    "swapped siblings": lambda d: {**d, "audit_path": _swap(d["audit_path"])},
    "wrong size": lambda d: {**d, "tree_size": d["tree_size"] + 1},
    "wrong index": lambda d: {**d, "index": d["index"] + 1},
    "changed leaf": lambda d: {**d, "leaf": d["leaf"].replace("12 kommuner", "99 kommuner")},
    "bad signature": lambda d: {**d, "checkpoint": _replace(d["checkpoint"], d["checkpoint"].split(" ")[-1].strip())},
    "changed root": lambda d: {**d, "checkpoint": _replace(d["checkpoint"], d["checkpoint"].split("\n")[2])},
    "not a proof": lambda d: {"hello": 1},
}


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_forged_proofs_are_refused(proof: tuple[str, dict[str, Any], str], tmp_path: Path, forgery: str) -> None:
    _url, document, key = proof
    forged = FORGERIES[forgery](document)
    assert forged != document
    for args in ([], ["--key", key]):
        result = offline(write(tmp_path, forged), *args)
        assert result.exit_code == 5, (forgery, result.output)
        assert result.stderr.startswith("Error: ") and "Traceback" not in result.output


def test_a_proof_for_a_different_tree_is_refused(proof: tuple[str, dict[str, Any], str], tmp_path: Path, small_log: Path) -> None:
    _url, document, key = proof
    other = f"sqlite:///{tmp_path / 'other.db'}"
    init_store(other)
    ok(other, "import", str(small_log))
    ok(other, "actor", "add", "--key", "x", "--name", "X AB", "--kind", "company")
    foreign = json.loads(ok(other, "prove", str(RESULT)).stdout)
    mixed = {**document, "audit_path": foreign["audit_path"], "tree_size": foreign["tree_size"]}
    assert offline(write(tmp_path, mixed), "--key", key).exit_code == 5
    assert offline(write(tmp_path, foreign), "--key", key).exit_code == 5  # good proof, but not by the pinned key


def test_prove_in_an_earlier_kept_checkpoint(sqlite_url: str, small_log: Path, tmp_path: Path) -> None:
    ok(sqlite_url, "import", str(small_log))
    kept = tmp_path / "kept.txt"
    ok(sqlite_url, "checkpoint", "--output", str(kept))
    ok(sqlite_url, "actor", "add", "--key", "x", "--name", "X AB", "--kind", "company")
    document = json.loads(ok(sqlite_url, "prove", "5", "--checkpoint", str(kept)).stdout)
    assert document["tree_size"] == HEAD
    assert offline(write(tmp_path, document)).exit_code == 0


def test_writes_are_refused_without_the_signing_key(
    sqlite_url: str, small_log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(sqlite_url, "import", str(small_log))
    monkeypatch.setenv("KOMPASS_SIGNING_KEY", str(tmp_path / "elsewhere.pem"))
    result = invoke(sqlite_url, "actor", "add", "--key", "x", "--name", "X AB", "--kind", "company")
    assert result.exit_code == 1 and "signing key" in result.stderr and "nothing was written" in result.stderr
    assert "Traceback" not in result.output
    assert ok(sqlite_url, "checkpoint").stdout.split("\n")[1] == str(HEAD)  # reads still work; nothing written
    assert os.environ["KOMPASS_SIGNING_KEY"].endswith("elsewhere.pem")


def test_files_that_are_not_checkpoints_or_proofs_are_refused_in_one_line(sqlite_url: str, small_log: Path, tmp_path: Path) -> None:
    ok(sqlite_url, "import", str(small_log))
    garbage = tmp_path / "garbage.txt"
    for content in (b"hello\n", b"\xff\xfe\x00", b"kompass/x\n12\nnot base64!\n\n\xe2\x80\x94 k AAAA\n", b'{"format": 1}'):
        garbage.write_bytes(content)
        for result in (invoke(sqlite_url, "verify", "--against", str(garbage)), offline(str(garbage))):
            assert result.exit_code == 5, (content, result.output)
            assert result.stderr.startswith("Error: ") and "Traceback" not in result.output


def test_a_restore_skips_the_reference_lines_but_refuses_altered_ones(sqlite_url: str, small_log: Path, tmp_path: Path) -> None:
    ok(sqlite_url, "import", str(small_log))
    export = tmp_path / "export.jsonl"
    ok(sqlite_url, "export", "--output", str(export))
    assert export.read_text(encoding="utf-8").count('"kind": "region"') == 21
    ok(f"sqlite:///{tmp_path / 'restored.db'}", "import", "--restore", str(export))
    altered = tmp_path / "altered.jsonl"
    altered.write_text(export.read_text(encoding="utf-8").replace("Region Stockholm", "Region Pwned"), encoding="utf-8")
    result = invoke(f"sqlite:///{tmp_path / 'other.db'}", "import", "--restore", str(altered))
    assert result.exit_code == 1 and "region-01" in result.stderr


def test_a_write_longer_than_a_row_of_nodes_verifies_and_proves(db_url: str, tmp_path: Path) -> None:
    """An import appends its nodes as runs cut into rows of at most RUN_NODES (tables.log_nodes): `verify` reads them
    across the rows, and proofs for leaves in the first, a middle and the last row of the run check offline."""
    lines = [{"op": "initiative.propose", "ref": "14-long", "region": "14", "title": "Long", "areas": ["innovation"],
              "type": "project", "orientation": "internal", "roles": ["strategist"]},
             {"op": "initiative.status", "ref": "14-long", "status": "active"},
             {"op": "initiative.indicator", "ref": "14-long", "name": "n", "target": 1000, "unit": "st"}]
    lines += [{"op": "initiative.measure", "ref": "14-long", "name": "n", "value": v} for v in range(2 * RUN_NODES + 100)]
    log = tmp_path / "long.jsonl"
    log.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    kept = tmp_path / "kept.txt"
    ok(db_url, "checkpoint", "--output", str(kept))
    ok(db_url, "import", str(log))
    assert ok(db_url, "verify").stdout.startswith("verified:")
    ok(db_url, "verify", "--against", str(kept))
    store = Store(db_url)
    positions = [fact.position for fact in store.facts.facts()]  # PostgreSQL's ids have holes
    store.close()
    head = len(positions)
    for index in (head - len(lines), head - len(lines) + RUN_NODES + 5, head - 1):
        proof = json.loads(ok(db_url, "prove", str(positions[index])).stdout)
        assert proof["index"] == index
        assert offline(write(tmp_path, proof)).exit_code == 0
