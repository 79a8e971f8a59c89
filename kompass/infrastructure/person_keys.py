"""Each person's key for their details in the person register, kept in files outside the database.

Why outside: `person forget` erases a person by destroying their key (crypto-shredding). Every
copy of the register the database ever made (the PostgreSQL WAL, its archive, replicas, backups,
SQLite's journal) holds the details only as ciphertext, which becomes unreadable once the key is
gone. A key kept in the database would itself survive in those copies, and so would the details.
A master key wrapping per-person keys stored in the database does not help either: the master key
would still open every wrapped key left in an old WAL segment.

Where: a directory beside the store's signing key (`keys/<store id>.persons/` in the user's
configuration directory, or beside the file KOMPASS_SIGNING_KEY names), or wherever
KOMPASS_PERSON_KEYS points. One file per person, `<person id>.key`, readable by the owner only.
Everyone who writes or reads the register (admins, and coordinators recording their own details)
must use the same directory: on a shared PostgreSQL store, a directory the admins' machines share
(a protected network share, or one machine through which the register is kept), and backed up on
its own, apart from the database's backups, or the backups would again hold both halves.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kompass.domain.errors import KompassError
from kompass.domain.text import require_user_id
from kompass.infrastructure.secret_files import create_once
from kompass.infrastructure.signing import key_path

KEYS_ENV = "KOMPASS_PERSON_KEYS"


class PersonKeyMissing(KompassError):
    """A person's details are stored, but their key is not where kompass looks for it."""


def person_keys_dir(store_id: str) -> Path:
    """KOMPASS_PERSON_KEYS if set, else `<store id>.persons/` beside the store's signing key."""
    given = os.environ.get(KEYS_ENV, "").strip()
    if given:
        return Path(given).expanduser()
    return key_path(store_id).parent / f"{store_id}.persons"


class PersonKeys:
    """The per-person AES-256 keys of one store, one file each."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, person_id: str) -> Path:
        return self.directory / f"{require_user_id(person_id, 'person id')}.key"

    def key(self, person_id: str) -> bytes:
        """The person's key; PersonKeyMissing when it is not here (another machine's, or destroyed)."""
        path = self.path(person_id)
        try:
            return base64.b64decode(path.read_bytes(), validate=True)
        except FileNotFoundError:
            raise PersonKeyMissing(
                f"the details of {person_id} are stored, but their key is not at {path}: use the key directory of the "
                f"machine that recorded them (set {KEYS_ENV}), or record the details again"
            ) from None
        except (OSError, ValueError) as error:
            raise PersonKeyMissing(f"cannot read the key of {person_id} at {path} ({error})") from None

    def key_or_new(self, person_id: str) -> bytes:
        """The person's key, made now if they have none. Written whole under another name and linked
        into place, so that of two processes making it at once both use the one that won."""
        create_once(self.path(person_id), base64.b64encode(AESGCM.generate_key(bit_length=256)))
        return self.key(person_id)

    def destroy(self, person_id: str) -> bool:
        """Overwrite the key file and remove it; False if there was none here.

        The overwrite is a courtesy for plain file systems: on a copy-on-write or journalling file
        system, or an SSD, old blocks may survive it, which is why the key directory belongs on an
        encrypted volume and outside the database's backups (docs/usage.md, "People").
        """
        path = self.path(person_id)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            return False
        with os.fdopen(descriptor, "r+b") as handle:
            size = os.fstat(handle.fileno()).st_size
            handle.write(b"\0" * size)
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()
        return True
