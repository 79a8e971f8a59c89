"""Signed notes and checkpoints, checked against the published test vector of the Go reference
implementation of signed notes (golang.org/x/mod/sumdb/note), so that other tools read ours."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kompass.application.proofs import sign
from kompass.domain.checkpoint import Checkpoint, SignedNote, VerifierKey, key_id
from kompass.domain.merkle import ProofFailed
from kompass.infrastructure.signing import FileSigner
from kompass.infrastructure.tlog_write import origin_of, user_key_name

VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
SEED = base64.b64decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")[1:]
TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
NOTE = TEXT + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"


def peter() -> FileSigner:
    return FileSigner("PeterNeumann", Ed25519PrivateKey.from_private_bytes(SEED), Path("/dev/null"))


def test_signing_reproduces_the_reference_note_byte_for_byte() -> None:
    assert sign(TEXT, [peter()]).render() == NOTE
    assert peter().verifier.encode() == VKEY
    assert key_id("PeterNeumann", peter().public_key).hex() == "c74f20a3"


def test_the_reference_note_verifies_and_a_changed_one_does_not() -> None:
    key = VerifierKey.parse(VKEY)
    assert SignedNote.parse(NOTE).verified_by([key]) == [key]
    with pytest.raises(ProofFailed, match="does not match"):
        SignedNote.parse(NOTE.replace("problem,", "problem;")).verified_by([key])
    with pytest.raises(ProofFailed, match="not by a key this store trusts"):
        SignedNote.parse(NOTE).verified_by([VerifierKey("SomeoneElse", key.public_key)])


@pytest.mark.parametrize("bad", [VKEY.replace("c74f20a3", "c74f20a4"), "PeterNeumann+c74f20a3", VKEY[:-4], "+c74f20a3+ARpc"])
def test_malformed_verifier_keys_are_refused(bad: str) -> None:
    with pytest.raises(ProofFailed):
        VerifierKey.parse(bad)


def test_a_checkpoint_body_round_trips() -> None:
    checkpoint = Checkpoint("kompass/abc", 80, bytes(range(32)))
    note = sign(checkpoint.body(), [peter()])
    assert Checkpoint.from_note(SignedNote.parse(note.render())) == checkpoint
    for body in ("kompass/abc\n080\nAAAA\n", "kompass/abc\nx\nAAAA\n", "kompass/abc\n8\nAAAA\n", "\n8\n" + "A" * 44 + "\n"):
        with pytest.raises(ProofFailed):
            Checkpoint.from_note(SignedNote(body, ()))


@pytest.mark.parametrize("user", ["admin", "coord-14", "a.b_c-9"])
def test_a_user_key_name_is_a_valid_signed_note_key_name(user: str) -> None:
    """The Go reference accepts a key name that is non-empty, holds no space and no `+`: a user's key
    (`kompass/<store id>/<user id>`) is one, and its note and verifier key round-trip like Peter's."""
    name = user_key_name(origin_of("3f2b8c1e-0000-4000-8000-000000000000"), user)
    assert name and "+" not in name and not any(ch.isspace() for ch in name)
    signer = FileSigner(name, Ed25519PrivateKey.from_private_bytes(SEED), Path("/dev/null"))
    verifier = VerifierKey.parse(signer.verifier.encode())
    assert verifier.encode().split("+")[0] == name
    note = sign(Checkpoint(origin_of("3f2b8c1e-0000-4000-8000-000000000000"), 3, bytes(32)).body(), [signer])
    assert SignedNote.parse(note.render()).verified_by([verifier]) == [verifier]
