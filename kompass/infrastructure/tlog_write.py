"""Extending the Merkle tree and signing a checkpoint inside each write transaction.

Why inside: a checkpoint written afterwards could be skipped by a crash or a rogue client,
leaving events no checkpoint covers; in the same transaction, events and their checkpoint are
stored together or not at all. The tree is extended from its stored compact range, so a write
costs O(log n) hashing and a few node rows per event, never a rescan of the log.

Leaves are the events' export lines, made by the export's own code (`command_log_writer`) from
the event objects being appended: decoding the bytes just encoded from those same objects again
cost a tenth of an import (tests/unit/test_leaf_lines.py shows, for every kind of event, that
the line made from the object is byte for byte the line the export makes from the stored row).
This runs on the library's raw DB-API cursor of the transaction (`?` parameters on SQLite, `%s`
on PostgreSQL). The nodes a batch completes go in as one row per level, each holding that level's
new consecutive nodes (`tables.log_nodes`): a few rows per batch instead of two per event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import Any, NamedTuple, cast
from uuid import UUID

from kompass.application.catalogue import AGGREGATES
from kompass.application.facts import Fact
from kompass.application.history import identity
from kompass.application.ports import Signer
from kompass.application.proofs import sign
from kompass.domain.checkpoint import Checkpoint
from kompass.domain.errors import ConcurrentChange, IntegrityViolation
from kompass.domain.merkle import HASH_SIZE, CompactRange, Run
from kompass.infrastructure.command_log_writer import object_writer
from kompass.infrastructure.export_line import ObjectWriter
from kompass.infrastructure.fact_decoder import FactDecoder

CHUNK = 500
_ORIGINATOR = attrgetter("originator_id.int")
KEY_CACHE = 100_000


RUN_NODES = 256
"""Nodes per stored row at most (8 KiB of hashes): a proof reads a whole row for each node it needs."""


def node_rows(runs: Iterable[Run]) -> list[Run]:
    """The rows of `kompass_log_nodes` that store these runs: each cut into pieces of at most RUN_NODES nodes."""
    size = RUN_NODES * HASH_SIZE
    return [(level, first + start // HASH_SIZE, hashes[start : start + size])
            for level, first, hashes in runs for start in range(0, len(hashes), size)]


def origin_of(store_id: str) -> str:
    return f"kompass/{store_id}"


def user_key_name(origin: str, user: str) -> str:
    """A user's key is named `<origin>/<user id>` in signature lines: which store, and whose key."""
    return f"{origin}/{user}"


Signers = Callable[[str, Any, bool], Iterable[Signer]]
"""(store id, the transaction's cursor, whether this is the store's first checkpoint) → who signs it."""


class Pending(NamedTuple):
    """A stored event as the fact decoder reads it; its position does not enter its line."""

    id: int
    originator_id: UUID | str
    originator_version: int
    topic: str
    state: bytes
    recorded_by: str | None = None


class LeafLines:
    """The export lines of events being stored; remembers aggregates' keys across transactions
    (an aggregate's key never changes: its id is derived from it)."""

    def __init__(self, decode: FactDecoder, events_table: str, sqlite: bool) -> None:
        self.decode = decode
        self.keys: dict[int, str] = {}
        """Aggregate id (as its integer) → its key."""
        mark = "?" if sqlite else "%s"
        self.sqlite = sqlite
        self.select = f"SELECT originator_id, originator_version, topic, state FROM {events_table} WHERE originator_version = 1 AND "
        self.select += "originator_id IN ({marks})" if sqlite else f"originator_id = ANY({mark})"

    def __call__(self, cursor: Any, events: Sequence[Any], recorded_by: Sequence[str | None]) -> list[str]:
        """The export lines of `events` (the library's event objects, as the aggregates triggered them), each
        with the recorder the store kept for its row (so the tree and the export agree). Aggregates are
        remembered by their id's integer (a UUID hashes in Python), looked up once per event."""
        if len(self.keys) > KEY_CACHE:
            self.keys.clear()
        found = list(map(self.keys.get, map(_ORIGINATOR, events)))
        if None in found:
            self._find(cursor, events, found)
        writers = _WRITERS
        for cls in set(map(type, events)).difference(writers):
            writers[cls] = object_writer(cls)
        return [writers[type(e)](e, key, who) for e, key, who in zip(events, cast(list[str], found), recorded_by, strict=True)]

    def _find(self, cursor: Any, events: Sequence[Any], found: list[str | None]) -> None:
        """Fill in the keys of aggregates not remembered: created in this batch (an aggregate's first event comes
        before any other of it, so one pass finds the keys of the events that follow), or else read from their
        stored first event."""
        keys, missing = self.keys, set()
        unknown = [i for i, key in enumerate(found) if key is None]
        for i in unknown:
            event = events[i]
            key = keys.get(event.originator_id.int)
            if key is None:
                if event.originator_version != 1:
                    missing.add(event.originator_id)
                    continue
                key = keys[event.originator_id.int] = key_of_created(event)
            found[i] = key
        if missing:
            self._look_up(cursor, missing)
            for i in unknown:
                if found[i] is None:
                    originator = events[i].originator_id
                    found[i] = keys[originator.int] if originator.int in keys else str(originator)

    def _look_up(self, cursor: Any, missing: set[UUID]) -> None:
        wanted = list(missing)
        for start in range(0, len(wanted), CHUNK):
            chunk: list[Any] = [i.hex if self.sqlite else i for i in wanted[start : start + CHUNK]]
            if self.sqlite:
                cursor.execute(self.select.format(marks=",".join("?" * len(chunk))), chunk)
            else:
                cursor.execute(self.select, (chunk,))
            for row in cursor.fetchall():
                originator = row["originator_id"]
                pending = Pending(0, UUID(originator) if isinstance(originator, str) else originator,
                                   row["originator_version"], row["topic"], bytes(row["state"]))
                created: Fact = self.decode(pending)
                self.keys[created.originator_id.int] = identity(created)[0]


_WRITERS: dict[type, ObjectWriter] = {}
"""Event class → the writer of its line (`object_line` without its look-ups, once per event class)."""


def key_of_created(event: Any) -> str:
    """The key (ref, actor key or region) an aggregate's first event gives it, read from the event object."""
    field = _KEY_FIELDS.get(type(event))
    if field is None:
        aggregate = type(event).__qualname__.partition(".")[0].lower()
        field = _KEY_FIELDS[type(event)] = AGGREGATES[aggregate].key_field
    return str(event.__dict__[field])


_KEY_FIELDS: dict[type, str] = {}
"""Creation event class → the field holding its aggregate's key."""


class LogExtension:
    """One transaction's additions to the tree: leaves as batches are appended, a checkpoint at the end."""

    def __init__(self, cursor: Any, events_table: str, sqlite: bool, lines: LeafLines, signer: Signers) -> None:
        self.cursor = cursor
        self.table = events_table
        self.mark = "?" if sqlite else "%s"
        self.lines = lines
        self.signer = signer
        self.tree: CompactRange | None = None
        self.store_id = ""
        self.start_size = self.start_position = 0

    def extend(self, events: Sequence[Any], recorded_by: Sequence[str | None]) -> None:
        """Called after each batch of `events` is inserted (so on PostgreSQL the table lock is already held),
        with the recorders the store kept for their rows."""
        if not events:
            return
        if self.tree is None:
            self._load()
        assert self.tree is not None
        rows = node_rows(self.tree.extend(map(str.encode, self.lines(self.cursor, events, recorded_by))))
        if self.mark == "%s":
            with self.cursor.copy("COPY kompass_log_nodes (level, idx, hash) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["int4", "int8", "bytea"])
                for row in rows:
                    copy.write_row(row)
        else:
            self.cursor.executemany("INSERT INTO kompass_log_nodes (level, idx, hash) VALUES (?, ?, ?)", rows)

    def finish(self) -> None:
        """Check that exactly this transaction's events follow the last checkpoint, then sign the new one."""
        if self.tree is None:
            return
        m = self.mark
        added = self.tree.size - self.start_size
        count, head = self._after_checkpoint(added)
        if count != added and self.start_size == 0:
            raise IntegrityViolation(
                "this store holds events from before kompass signed its log, so no checkpoint covers them; nothing was "
                "written — export it and restore the export into a new store (`kompass import --restore`)"
            )
        if count != added:
            raise IntegrityViolation(
                f"the log holds {count - added} event(s) after position {self.start_position} that no checkpoint "
                "covers (recorded behind kompass's back, or checkpoints were deleted); nothing was written — run `kompass verify`"
            )
        position = head
        signers = self.signer(self.store_id, self.cursor, self.start_size == 0)
        note = sign(Checkpoint(origin_of(self.store_id), self.tree.size, self.tree.root()).body(), signers)
        self.cursor.execute(
            f"UPDATE kompass_log SET size = {m}, position = {m}, frontier = {m} WHERE id = 1 AND size = {m}",
            (self.tree.size, position, self.tree.pack(), self.start_size),
        )
        if getattr(self.cursor, "sqlite_cursor", self.cursor).rowcount != 1:
            raise ConcurrentChange("another write extended the log at the same moment; nothing was written — try again")
        self.cursor.execute(f"INSERT INTO kompass_checkpoints (size, position, note) VALUES ({m}, {m}, {m})",
                            (self.tree.size, position, note.render()))

    def _after_checkpoint(self, added: int) -> tuple[int, int]:
        """How many events the log holds after the last checkpoint's position, and the last one's position.
        This transaction's `added` events are the newest and come after that position; if the last position is
        exactly `added` further on, they fill every position in between and nothing else is there (one look at
        the index). Otherwise (positions skipped by a rolled-back write on PostgreSQL, or events recorded behind
        kompass's back) they are counted, which reads every event since the checkpoint."""
        column = "rowid" if self.mark == "?" else "notification_id"
        self.cursor.execute(f"SELECT max({column}) AS head FROM {self.table}")
        head = self.cursor.fetchone()["head"]
        if head is not None and int(head) - self.start_position == added:
            return added, int(head)
        self.cursor.execute(f"SELECT count(*) AS n, max({column}) AS head FROM {self.table} WHERE {column} > {self.mark}",
                            (self.start_position,))
        row = self.cursor.fetchone()
        return int(row["n"]), int(row["head"] or 0)

    def _load(self) -> None:
        self.cursor.execute("SELECT store_id, size, position, frontier FROM kompass_log WHERE id = 1")
        row = self.cursor.fetchone()
        if row is None:
            raise IntegrityViolation("the store has no log record (kompass_log): it was not created by kompass or was tampered with")
        self.store_id = str(row["store_id"])
        self.start_size, self.start_position = int(row["size"]), int(row["position"])
        self.tree = CompactRange.unpack(self.start_size, bytes(row["frontier"]))
