"""Inclusion proofs as files: what `kompass prove` writes and `kompass verify-proof` checks offline.

A proof file is self-contained JSON: the event's export line (the leaf), its index, the tree
size, the audit path (base64 hashes, leaf side first), the signed checkpoint, and the key that
signed it. Checking needs no store and no network. Who trusts the key in the file trusts
whoever wrote the file: pin the store's key with `--key` to check against a key kept elsewhere.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kompass.application.ports import Signer
from kompass.domain.checkpoint import Checkpoint, Signature, SignedNote, VerifierKey, key_id
from kompass.domain.merkle import ProofFailed, leaf_hash, verify_consistency, verify_inclusion

FORMAT = "kompass inclusion proof v1"


def inclusion_document(leaf: str, index: int, position: int, path: Sequence[bytes], note: str, key: VerifierKey) -> dict[str, Any]:
    checkpoint = Checkpoint.from_note(SignedNote.parse(note))
    return {
        "format": FORMAT,
        "leaf": leaf,
        "index": index,
        "position": position,
        "tree_size": checkpoint.size,
        "audit_path": [base64.b64encode(h).decode() for h in path],
        "checkpoint": note,
        "key": key.encode(),
    }


@dataclass(frozen=True)
class CheckedProof:
    index: int
    position: int
    checkpoint: Checkpoint
    keys: list[VerifierKey]
    pinned: bool


def check_inclusion_document(document: Any, pinned: Sequence[VerifierKey] = ()) -> CheckedProof:
    """Every claim of the file checked: signature, size, path, leaf. ProofFailed names the first that fails."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ProofFailed(f"not a kompass inclusion proof (expected \"format\": {FORMAT!r})")
    leaf, index, size, position = document.get("leaf"), document.get("index"), document.get("tree_size"), document.get("position", 0)
    path, note, key = document.get("audit_path"), document.get("checkpoint"), document.get("key")
    if not isinstance(leaf, str) or not isinstance(index, int) or not isinstance(size, int) or not isinstance(position, int):
        raise ProofFailed("the proof needs a text leaf and whole-number index, position and tree_size")
    if not (_whole(index) and _whole(size) and _whole(position)):
        raise ProofFailed("the proof's index, position and tree_size must be whole numbers, not negative")
    if not isinstance(path, list) or not all(isinstance(h, str) for h in path) or not isinstance(note, str):
        raise ProofFailed("the proof needs an audit_path of base64 hashes and a checkpoint")
    signed = SignedNote.parse(note)
    checkpoint = Checkpoint.from_note(signed)
    trusted = list(pinned) or ([VerifierKey.parse(key)] if isinstance(key, str) else [])
    keys = signed.verified_by(trusted)
    if size != checkpoint.size:
        raise ProofFailed(f"the proof claims a tree of {size} events, but its checkpoint is of {checkpoint.size}")
    verify_inclusion(index, size, leaf_hash(leaf.encode()), [_hash(h) for h in path], checkpoint.root)
    return CheckedProof(index, position, checkpoint, keys, bool(pinned))


def sign(text: str, signers: Iterable[Signer]) -> SignedNote:
    """`text` (a checkpoint's body) signed by each signer, as a signed note."""
    return SignedNote(text, tuple(Signature(s.name, key_id(s.name, s.public_key), s.sign(text.encode())) for s in signers))


def check_extension(old: Checkpoint, new: Checkpoint, proof: Sequence[bytes]) -> None:
    """The log of `new` begins with the log of `old` (consistency proof). The origins may differ: a store
    restored from an export holds the same log under a name of its own, and the proof is about the tree."""
    verify_consistency(old.size, new.size, old.root, new.root, proof)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _hash(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ProofFailed("an audit path hash is not valid base64") from None


def find_note(text: str) -> str:
    """The checkpoint in a file: a bare signed note, or one stamped into an export (`#   ` lines) or a report.

    Found by its shape: an origin `kompass/…`, a size, a base64 root, a blank line, signature lines.
    """
    stamped = _json_checkpoint(text)
    if stamped is not None:
        return stamped
    lines = text.replace("\r\n", "\n").split("\n")
    for i, line in enumerate(lines):
        for prefix in ("", "#   "):
            if not (line.startswith(prefix + "kompass/") and i + 4 < len(lines)):
                continue
            body = [x.removeprefix(prefix) for x in lines[i : i + 4]]
            if not body[1].isdigit() or body[3].strip():
                continue
            signatures = []
            for more in lines[i + 4 :]:
                if not more.startswith(prefix + "\u2014 "):
                    break
                signatures.append(more.removeprefix(prefix))
            if signatures:
                return "\n".join([*body[:3], "", *signatures]) + "\n"
    flat = _FLAT.search(text)
    if flat is not None:
        signatures = [f"\u2014 {name} {value}" for name, value in _FLAT_SIGNATURE.findall(flat.group(4))]
        return "\n".join([flat.group(1), flat.group(2), flat.group(3), "", *signatures]) + "\n"
    raise ProofFailed("no kompass checkpoint (origin, size, root, blank line, signatures) in the file")


def flat_note(note: str) -> str:
    """A checkpoint on one line (`origin size root — name signature`), for documents that do not keep
    line breaks (a report's provenance); `find_note` rebuilds the exact signed note from it."""
    return " ".join(line for line in note.split("\n") if line)


_FLAT = re.compile(r"(kompass/[^\s<>\"]+)\s+([0-9]+)\s+([A-Za-z0-9+/]{43}=)\s+((?:\u2014 [^\s<>\"]+ [A-Za-z0-9+/=]+\s*)+)")
_FLAT_SIGNATURE = re.compile(r"\u2014 ([^\s<>\"]+) ([A-Za-z0-9+/=]+)")


def _json_checkpoint(text: str) -> str | None:
    """The checkpoint in a JSON report (`log.checkpoint`) or an inclusion proof (`checkpoint`)."""
    try:
        document = json.loads(text)
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    log = document.get("log")
    found = log.get("checkpoint") if isinstance(log, dict) else document.get("checkpoint")
    return found if isinstance(found, str) else None
