"""The person register: names and contacts outside the log, each person's encrypted under a key of their own.

A row holds the person id in clear (the log names people by it) and the name, e-mail address and
phone number as AES-GCM ciphertext under that person's key (`person_keys`), bound to the person
and the field (so a ciphertext moved to another row or column does not decrypt). `forget` destroys
the key first: what the database, its WAL, replicas and backups still hold of the person is then
ciphertext nobody can read. On SQLite the row is also scrubbed from the file, as before.

A register written by an older kompass holds clear text; `seal` encrypts it (an admin's first
opening of the store does, docs/usage.md), and reading a clear row meanwhile is refused.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection, Engine, delete, select, update

from kompass.application.ports import PersonStore
from kompass.domain.errors import NotFound, StorageUnavailable
from kompass.domain.text import require_user_id
from kompass.domain.vocabulary import require_text
from kompass.infrastructure import tables as t
from kompass.infrastructure.database import upsert
from kompass.infrastructure.person_keys import PersonKeyMissing, PersonKeys

SEALED = "kompass-aesgcm-1:"
"""The prefix of an encrypted field: AES-256-GCM, a 12-byte nonce, then the ciphertext, in base64."""
FIELDS = ("name", "email", "phone")


class PersonRegister(PersonStore):
    def __init__(self, engine: Engine, keys: PersonKeys) -> None:
        self.engine = engine
        self.keys = keys

    def put(self, person_id: str, name: str, email: str | None, phone: str | None) -> None:
        require_user_id(person_id, "person id")
        require_text(name, "name")
        key = self.keys.key_or_new(person_id)
        row = {"person_id": person_id, **_sealed(key, person_id, {"name": name, "email": email, "phone": phone})}
        with self.engine.begin() as conn:
            conn.execute(upsert(conn.dialect.name, t.persons, ["person_id"]), [row])

    def get(self, person_id: str) -> dict[str, Any]:
        row = self._row(person_id)
        if any(_is_clear(row[f]) for f in FIELDS):
            raise PersonKeyMissing(
                f"the details of {person_id} are still in clear text, as an older kompass kept them: an admin "
                "opening the store encrypts them"
            )
        key = self.keys.key(person_id)
        try:
            opened = {f: None if row[f] is None else _open(key, person_id, f, row[f]) for f in FIELDS}
        except (InvalidTag, ValueError):
            raise PersonKeyMissing(
                f"the details of {person_id} do not decrypt with the key at {self.keys.path(person_id)}: it is another "
                "machine's key for them; use the key directory of the machine that recorded them"
            ) from None
        return {"person_id": person_id, **opened}

    def _row(self, person_id: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.persons).where(t.persons.c.person_id == person_id)).mappings().first()
        if row is None:
            raise NotFound(f"no person {person_id!r} in the register")
        return dict(row)

    def forget(self, person_id: str) -> None:
        """Destroy the key, then delete the row. On SQLite the row's bytes are also scrubbed from free pages
        and the WAL; on PostgreSQL the old row versions, WAL and backups keep only undecryptable ciphertext."""
        self._row(person_id)
        self.keys.destroy(person_id)
        with self.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA secure_delete=ON")
            conn.execute(delete(t.persons).where(t.persons.c.person_id == person_id))
        self._scrub(f"{person_id} is removed from the register")

    def holds_clear_text(self) -> bool:
        with self.engine.connect() as conn:
            found = conn.execute(
                select(t.persons.c.person_id).where(t.persons.c.name.not_like(f"{SEALED}%")).limit(1)
            ).first()
        return found is not None

    def seal(self) -> int:
        """Encrypt every row still in clear text (a register from before encryption); how many were."""
        with self.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA secure_delete=ON")
            rows = conn.execute(select(t.persons).where(t.persons.c.name.not_like(f"{SEALED}%"))).mappings().all()
            for row in rows:
                person = row["person_id"]
                clear = {f: row[f] for f in FIELDS if _is_clear(row[f])}
                sealed = _sealed(self.keys.key_or_new(person), person, clear)
                conn.execute(update(t.persons).where(t.persons.c.person_id == person).values(**sealed))
        if rows:
            self._scrub("the clear text of the register is replaced by ciphertext")
        return len(rows)

    def _scrub(self, done: str) -> None:
        """SQLite: move the WAL into the file and rebuild it, so no free page keeps an old row."""
        if self.engine.dialect.name != "sqlite":
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            _checkpoint(conn, done)
            conn.exec_driver_sql("VACUUM")
            _checkpoint(conn, done)  # VACUUM wrote the rebuilt pages to the WAL: move them into the file


def _is_clear(value: str | None) -> bool:
    return value is not None and not value.startswith(SEALED)


def _associated(person_id: str, field: str) -> bytes:
    return f"kompass-person\0{person_id}\0{field}".encode()


def _sealed(key: bytes, person_id: str, fields: dict[str, str | None]) -> dict[str, str | None]:
    cipher = AESGCM(key)
    sealed: dict[str, str | None] = {}
    for field, value in fields.items():
        if value is None:
            sealed[field] = None
            continue
        nonce = os.urandom(12)
        data = nonce + cipher.encrypt(nonce, value.encode("utf-8"), _associated(person_id, field))
        sealed[field] = SEALED + base64.b64encode(data).decode("ascii")
    return sealed


def _open(key: bytes, person_id: str, field: str, value: str) -> str:
    data = base64.b64decode(value.removeprefix(SEALED), validate=True)
    return AESGCM(key).decrypt(data[:12], data[12:], _associated(person_id, field)).decode("utf-8")


def _checkpoint(conn: Connection, done: str) -> None:
    """Copy the WAL into the database file and empty it; a reader still holding an older snapshot
    (after the busy timeout) keeps the old pages alive, and that must not pass for an erasure."""
    busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
    if busy is not None and busy[0]:
        raise StorageUnavailable(
            f"{done}, but another connection is still reading an older state "
            "of the store, so the old details stay in the database file until every other connection to it "
            "has closed: close other kompass sessions and programs reading the file"
        )

