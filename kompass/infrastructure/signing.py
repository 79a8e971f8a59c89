"""The store's Ed25519 signing key, kept in a file outside the database.

Why outside: whoever can rewrite the database could otherwise also re-sign the rewritten log.
The key lives in the user's configuration directory (`keys/<store id>.pem`, readable by the
owner only) or wherever KOMPASS_SIGNING_KEY points; `kompass init` (or the first use of a new
store) creates it. Without it kompass still reads the store, but refuses to write.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kompass.domain.checkpoint import VerifierKey
from kompass.domain.errors import SigningKeyMissing

KEY_ENV = "KOMPASS_SIGNING_KEY"


def key_path(store_id: str) -> Path:
    """KOMPASS_SIGNING_KEY if set, else keys/<store id>.pem in the user's configuration directory."""
    given = os.environ.get(KEY_ENV, "").strip()
    if given:
        return Path(given).expanduser()
    from platformdirs import user_config_path

    return user_config_path("kompass") / "keys" / f"{store_id}.pem"


@dataclass(frozen=True)
class FileSigner:
    """A signer (application.ports.Signer) holding an Ed25519 private key read from a file."""

    name: str
    key: Ed25519PrivateKey
    path: Path

    @property
    def public_key(self) -> bytes:
        return self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def verifier(self) -> VerifierKey:
        return VerifierKey(self.name, self.public_key)

    def sign(self, message: bytes) -> bytes:
        return self.key.sign(message)


def create_key(path: Path, name: str) -> FileSigner:
    """Create the key file (mode 0600) unless it exists; either way return its signer.

    The file is written whole under another name and then linked into place, so a process
    that loses a race to create it reads the winner's complete key, never half a file.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return load_key(path, name)


def load_key(path: Path, name: str) -> FileSigner:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SigningKeyMissing(
            f"cannot read the store's signing key at {path} ({error.strerror}); every write is signed with it, so "
            f"nothing was written: copy the key there or set {KEY_ENV} to its path"
        ) from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except ValueError:
        raise SigningKeyMissing(f"{path} is not a PEM Ed25519 private key; nothing was written") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyMissing(f"{path} is not an Ed25519 key; nothing was written")
    return FileSigner(name, key, path)
