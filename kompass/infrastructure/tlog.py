"""The verifiable log's tables: the store's identity and keys, the tree's nodes and the checkpoints.

Writing happens in each write transaction (`tlog_write`); this module creates a store's
identity and signing key, and answers what proofs and `verify` read.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from kompass.application.ports import Signer
from kompass.domain.checkpoint import SignedNote, VerifierKey
from kompass.domain.errors import IntegrityViolation, InvalidValue, SigningKeyMissing
from kompass.domain.identity import signing_key_id
from kompass.domain.merkle import HASH_SIZE, CompactRange
from kompass.domain.signing_key import SigningKey, require_public_key
from kompass.infrastructure import tables as t
from kompass.infrastructure.fact_decoder import FactDecoder
from kompass.infrastructure.signing import FileSigner, create_key, key_path, load_key, user_key_path
from kompass.infrastructure.tlog_write import LeafLines, LogExtension, origin_of, user_key_name


@dataclass(frozen=True)
class StoredCheckpoint:
    size: int
    position: int
    note: str


class TransparencyLog:
    def __init__(self, engine: Engine, mapper: Any, events_table: str, backend: str, user: str = "") -> None:
        self.engine = engine
        self.sqlite = backend == "sqlite"
        self.events_table = events_table
        self.user = user
        self.lines = LeafLines(FactDecoder(mapper), events_table, self.sqlite)
        self._signer: FileSigner | None = None
        self._user_signer: FileSigner | None = None

    # --- writing ------------------------------------------------------------------------------

    def extension(self, cursor: Any) -> LogExtension:
        return LogExtension(cursor, self.events_table, self.sqlite, self.lines, self.signers)

    def signers(self, store_id: str, cursor: Any = None, first: bool = False) -> list[Signer]:
        """Who signs this write's checkpoint. On SQLite, and for a new store's first checkpoint (the reference
        data `init` records), the store's key, which must be one it knows. On PostgreSQL otherwise the acting
        user's own key, which must be published in the log by then (the appender publishes it in the same
        transaction): a checkpoint signed by a key the log does not hold would fail `verify`."""
        if self.sqlite or first:
            return [self.store_signer(store_id)]
        signer = self.user_signer(store_id)
        if not self._published(cursor, signer):
            raise SigningKeyMissing(
                f"the signing key of {self.user} at {signer.path} is not published in this store's log; nothing was written"
            )
        return [signer]

    def user_signer(self, store_id: str) -> FileSigner:
        """The acting user's key (created on first use), named for this store."""
        if self._user_signer is None:
            self._user_signer = create_key(user_key_path(self.user), user_key_name(origin_of(store_id), self.user))
        return self._user_signer

    def _published(self, cursor: Any, signer: FileSigner) -> bool:
        key = signing_key_id(self.user, base64.b64encode(signer.public_key).decode())
        if self.sqlite:
            cursor.execute(f"SELECT count(*) AS n FROM {self.events_table} WHERE originator_id = ?", (key.hex,))
        else:
            cursor.execute(f"SELECT count(*) AS n FROM {self.events_table} WHERE originator_id = %s", (key,))
        return int(cursor.fetchone()["n"]) > 0

    def store_signer(self, store_id: str) -> FileSigner:
        """The store's key, which must be one it knows."""
        if self._signer is None:
            signer = load_key(key_path(store_id), origin_of(store_id))
            if signer.verifier not in self.trusted_keys():
                raise SigningKeyMissing(
                    f"the signing key at {signer.path} is not this store's key (kompass_keys); nothing was written"
                )
            self._signer = signer
        return self._signer

    def ensure_identity(self) -> None:
        """Give a new store its id and signing key; the key file is created unless it exists."""
        with self.engine.begin() as conn:
            if conn.execute(select(t.log_state.c.id)).first() is None:
                try:
                    with conn.begin_nested():
                        conn.execute(insert(t.log_state).values(id=1, store_id=str(uuid.uuid4()), size=0, position=0, frontier=b""))
                except IntegrityError:
                    pass  # another process created it first
        if self.trusted_keys():
            return
        store_id = self.store_id
        signer = create_key(key_path(store_id), origin_of(store_id))
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(t.signing_keys).values(name=signer.name, public_key=signer.public_key))
        except IntegrityError:
            pass  # the same key, registered by a process that opened the new store at the same moment

    # --- reading ------------------------------------------------------------------------------

    @cached_property
    def store_id(self) -> str:
        with self.engine.connect() as conn:
            found = conn.execute(select(t.log_state.c.store_id)).scalar()
        if found is None:
            raise IntegrityViolation("the store has no log record (kompass_log): it was not created by kompass or was tampered with")
        return str(found)

    @property
    def origin(self) -> str:
        return origin_of(self.store_id)

    def state(self) -> tuple[int, int, CompactRange]:
        """(tree size, log position, compact range) at the last checkpoint."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.log_state)).mappings().first()
        if row is None:
            raise IntegrityViolation("the store has no log record (kompass_log)")
        return int(row["size"]), int(row["position"]), CompactRange.unpack(int(row["size"]), bytes(row["frontier"]))

    def trusted_keys(self) -> list[VerifierKey]:
        with self.engine.connect() as conn:
            return [VerifierKey(str(n), bytes(k)) for n, k in conn.execute(select(t.signing_keys.c.name, t.signing_keys.c.public_key))]

    def published_keys(self) -> list[VerifierKey]:
        """The users' keys as the log publishes them (named `<origin>/<user id>`), unchecked: `verify` checks who
        published each; proofs and `verify --against` only need to find the key that signed a checkpoint."""
        topic = f"{SigningKey.__module__}:{SigningKey.__qualname__}.KeyPublished"
        with self.engine.connect() as conn:
            rows = conn.execute(text(f"SELECT state FROM {self.events_table} WHERE topic = :topic"), {"topic": topic}).all()
        keys = []
        for (state,) in rows:
            try:
                data = json.loads(bytes(state))
                keys.append(VerifierKey(user_key_name(self.origin, str(data["user"])), require_public_key(str(data["public_key"]))))
            except (ValueError, KeyError, TypeError, InvalidValue):
                continue
        return keys

    def keys_of_latest(self) -> list[VerifierKey]:
        """The keys that signed the latest checkpoint (the store's before the first one): what to pin elsewhere."""
        latest = self.latest()
        if latest is None:
            return self.trusted_keys()
        return SignedNote.parse(latest.note).verified_by([*self.trusted_keys(), *self.published_keys()])

    def latest(self) -> StoredCheckpoint | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.checkpoints).order_by(t.checkpoints.c.size.desc()).limit(1)).first()
        return StoredCheckpoint(int(row[0]), int(row[1]), str(row[2])) if row else None

    def covering(self, position: int) -> StoredCheckpoint | None:
        """The first checkpoint whose events include the one at `position`."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.checkpoints).where(t.checkpoints.c.position >= position).order_by(t.checkpoints.c.size).limit(1)
            ).first()
        return StoredCheckpoint(int(row[0]), int(row[1]), str(row[2])) if row else None

    def checkpoints(self) -> Iterator[StoredCheckpoint]:
        with self.engine.connect() as conn:
            for row in conn.execute(select(t.checkpoints).order_by(t.checkpoints.c.size)):
                yield StoredCheckpoint(int(row[0]), int(row[1]), str(row[2]))

    def node(self, level: int, index: int) -> bytes:
        """A stored node: the run at its level that starts last at or before it (primary-key order), cut out."""
        n = t.log_nodes.c
        with self.engine.connect() as conn:
            found = conn.execute(
                select(n.idx, n.hash).where(n.level == level, n.idx <= index).order_by(n.idx.desc()).limit(1)
            ).first()
        hashes = b"" if found is None else bytes(found[1])
        offset = (index - int(found[0])) * HASH_SIZE if found is not None else 0
        if offset + HASH_SIZE > len(hashes):
            raise IntegrityViolation(f"the tree node at level {level}, index {index} is missing")
        return hashes[offset : offset + HASH_SIZE]

    def runs(self, level: int, after: int, limit: int) -> list[tuple[int, bytes]]:
        """Up to `limit` stored runs at `level` starting after index `after`, in order, as (first index, hashes)."""
        n = t.log_nodes.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(n.idx, n.hash).where(n.level == level, n.idx > after).order_by(n.idx).limit(limit))
            return [(int(first), bytes(hashes)) for first, hashes in rows]

    def stored_per_level(self) -> dict[int, int]:
        """How many nodes the stored runs hold at each level (overlaps counted twice)."""
        n = t.log_nodes.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(n.level, func.sum(func.length(n.hash))).group_by(n.level))
            return {int(level): int(total) // HASH_SIZE for level, total in rows}

    def index_of(self, position: int) -> int:
        """The leaf index of the event at `position`: how many events come before it (PostgreSQL's ids have holes)."""
        column = "rowid" if self.sqlite else "notification_id"
        with self.engine.connect() as conn:
            found = conn.execute(text(f"SELECT count(*) FROM {self.events_table} WHERE {column} < :p"), {"p": position}).scalar()
        return int(found or 0)

