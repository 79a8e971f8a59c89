"""Ed25519 signing keys, kept in files outside the database.

Why outside: whoever can rewrite the database could otherwise also re-sign the rewritten log.
On SQLite (one machine) the store has one key, `keys/<store id>.pem` in the user's configuration
directory (readable by the owner only), which `kompass init` creates. On PostgreSQL each user
signs with a key of their own, `keys/users/<user id>.pem`, created on their first write and
published in the log (docs/security.md). KOMPASS_SIGNING_KEY, if set, is the path of the key
this process signs with instead. Without its key kompass still reads the store, but refuses to write.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kompass.application.ports import Signer
from kompass.domain.checkpoint import VerifierKey
from kompass.domain.errors import SigningKeyMissing
from kompass.infrastructure.secret_files import create_once

KEY_ENV = "KOMPASS_SIGNING_KEY"


def key_path(store_id: str) -> Path:
    """KOMPASS_SIGNING_KEY if set, else keys/<store id>.pem in the user's configuration directory."""
    given = os.environ.get(KEY_ENV, "").strip()
    if given:
        return Path(given).expanduser()
    from platformdirs import user_config_path

    return user_config_path("kompass") / "keys" / f"{store_id}.pem"


def user_key_path(user: str) -> Path:
    """KOMPASS_SIGNING_KEY if set, else keys/users/<user id>.pem in the user's configuration directory
    (a user id is a slug: letters, digits, `.`, `_`, `-`, so it is a safe file name)."""
    given = os.environ.get(KEY_ENV, "").strip()
    if given:
        return Path(given).expanduser()
    from platformdirs import user_config_path

    return user_config_path("kompass") / "keys" / "users" / f"{user}.pem"


class FileSigner(Signer):
    """The Signer port over an Ed25519 private key read from a file."""

    def __init__(self, name: str, key: Ed25519PrivateKey, path: Path) -> None:
        self._name = name
        self.key = key
        self.path = path
        self._public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def name(self) -> str:
        return self._name

    @property
    def public_key(self) -> bytes:
        return self._public

    def renamed(self, name: str) -> FileSigner:
        """The same key under another key name (a user's key is named after the store it signs for)."""
        return FileSigner(name, self.key, self.path)

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
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        create_once(path, pem)
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
