"""Checkpoints: the tree's size and root, in the C2SP tlog-checkpoint form, as a signed note.

Why this text form: it is what transparency logs already exchange (C2SP signed-note and
tlog-checkpoint), a few lines that anyone can keep in a file, print in a report or mail to
another region, and that tools other than kompass can read and check.

    kompass/<store id>          origin: which log
    80                          tree size: how many events
    <base64 root hash>          root of the Merkle tree over those events
                                (a blank line)
    — <key name> <base64(key id || Ed25519 signature of the three lines above)>

The key id is the first four bytes of SHA-256(key name || 0x0A || 0x01 || public key).
A signature is checked only against keys the verifier already trusts; a signature by an
unknown key proves nothing and is ignored, and a note no trusted key signed is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kompass.domain.merkle import ProofFailed

ED25519 = b"\x01"
DASH = "\u2014"


def key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public_key).digest()[:4]


@dataclass(frozen=True)
class VerifierKey:
    """A public key and its name, written `name+hexid+base64(0x01 || key)` as signed-note tools expect."""

    name: str
    public_key: bytes

    @property
    def id(self) -> bytes:
        return key_id(self.name, self.public_key)

    def encode(self) -> str:
        return f"{self.name}+{self.id.hex()}+{base64.b64encode(ED25519 + self.public_key).decode()}"

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        parts = text.strip().split("+", 2)
        if len(parts) != 3 or not parts[0]:
            raise ProofFailed("a verifier key reads NAME+KEYID+BASE64KEY")
        raw = _b64(parts[2], "the verifier key")
        if raw[:1] != ED25519 or len(raw) != 33:
            raise ProofFailed("the verifier key is not an Ed25519 key")
        key = cls(parts[0], raw[1:])
        if key.id.hex() != parts[1].lower():
            raise ProofFailed("the verifier key's id does not match its name and key")
        return key


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: bytes
    value: bytes


@dataclass(frozen=True)
class SignedNote:
    text: str
    """The signed text, ending in a newline."""
    signatures: tuple[Signature, ...]

    def render(self) -> str:
        lines = [f"{DASH} {s.name} {base64.b64encode(s.key_id + s.value).decode()}\n" for s in self.signatures]
        return self.text + "\n" + "".join(lines)

    @classmethod
    def parse(cls, note: str) -> SignedNote:
        text, separator, block = note.rpartition("\n\n")
        if not separator or not text or not block.endswith("\n"):
            raise ProofFailed("not a signed note: text, a blank line, then signature lines")
        signatures = []
        for line in block[:-1].split("\n"):
            dash, _, rest = line.partition(" ")
            name, _, encoded = rest.partition(" ")
            if dash != DASH or not name or not encoded:
                raise ProofFailed(f"not a signature line: {line[:60]!r}")
            raw = _b64(encoded, "a signature")
            if len(raw) < 5:
                raise ProofFailed("a signature is too short")
            signatures.append(Signature(name, raw[:4], raw[4:]))
        return cls(text + "\n", tuple(signatures))

    def verified_by(self, trusted: Iterable[VerifierKey]) -> list[VerifierKey]:
        """The trusted keys whose signatures on this note are good; ProofFailed if one is bad or none signed."""
        keys = {(k.name, k.id): k for k in trusted}
        good = []
        for signature in self.signatures:
            key = keys.get((signature.name, signature.key_id))
            if key is None:
                continue
            try:
                Ed25519PublicKey.from_public_bytes(key.public_key).verify(signature.value, self.text.encode())
            except (InvalidSignature, ValueError):
                raise ProofFailed(f"the signature by {key.name} does not match the checkpoint (forged or altered)") from None
            good.append(key)
        if not good:
            names = ", ".join(sorted({s.name for s in self.signatures})) or "nobody"
            raise ProofFailed(f"the checkpoint is signed by {names}, not by a key this store trusts")
        return good


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def from_note(cls, note: SignedNote) -> Checkpoint:
        lines = note.text.split("\n")
        if len(lines) < 4 or not lines[0] or not lines[1].isdigit() or (len(lines[1]) > 1 and lines[1][0] == "0"):
            raise ProofFailed("not a checkpoint: origin, tree size and root hash on the first three lines")
        root = _b64(lines[2], "the root hash")
        if len(root) != 32:
            raise ProofFailed("the checkpoint's root hash is not 32 bytes long")
        return cls(lines[0], int(lines[1]), root)


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ProofFailed(f"{what} is not valid base64") from None
