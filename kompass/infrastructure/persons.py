"""The person register: names and contacts outside the log, erased for real on request."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, delete, select, text

from kompass.domain.errors import NotFound, StorageUnavailable
from kompass.domain.text import require_user_id
from kompass.domain.vocabulary import require_text
from kompass.infrastructure import tables as t
from kompass.infrastructure.database import upsert


class PersonRegister:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def put(self, person_id: str, name: str, email: str | None, phone: str | None) -> None:
        require_user_id(person_id, "person id")
        require_text(name, "name")
        row = {"person_id": person_id, "name": name, "email": email, "phone": phone}
        with self.engine.begin() as conn:
            conn.execute(upsert(conn.dialect.name, t.persons, ["person_id"]), [row])

    def get(self, person_id: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.persons).where(t.persons.c.person_id == person_id)).mappings().first()
        if row is None:
            raise NotFound(f"no person {person_id!r} in the register")
        return dict(row)

    def forget(self, person_id: str) -> None:
        """Delete the row and make sure its bytes do not linger in free pages or the WAL."""
        self.get(person_id)
        with self.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA secure_delete=ON")
            conn.execute(delete(t.persons).where(t.persons.c.person_id == person_id))
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if conn.dialect.name == "sqlite":
                _checkpoint(conn, person_id)
                conn.exec_driver_sql("VACUUM")
                _checkpoint(conn, person_id)  # VACUUM wrote the rebuilt pages to the WAL: move them into the file
            else:
                conn.execute(text("VACUUM FULL kompass_persons"))


def _checkpoint(conn: Connection, person_id: str) -> None:
    """Copy the WAL into the database file and empty it; a reader still holding an older snapshot
    (after the busy timeout) keeps the old pages alive, and that must not pass for an erasure."""
    busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
    if busy is not None and busy[0]:
        raise StorageUnavailable(
            f"{person_id} is removed from the register, but another connection is still reading an older state "
            "of the store, so the erased details stay in the database file until every other connection to it "
            "has closed: close other kompass sessions and programs reading the file"
        )
