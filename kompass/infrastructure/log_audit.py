"""Checking a store against its own log: the tree and every checkpoint, and proofs for others.

`verify` trusts nothing derived: it recomputes every leaf from the stored events with the
export's code, compares it with the tree's stored leaf, recomputes the root at every
checkpoint and checks its signature, and then checks snapshots and read models
(`derived_audit`). `verify --against` needs only the tree: a consistency proof per checkpoint
held elsewhere. The first failure is raised as IntegrityViolation naming the position.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kompass.application.facts import Fact
from kompass.application.history import identity, keyed
from kompass.application.ports import FactLog
from kompass.application.proofs import check_extension, inclusion_document
from kompass.application.recorder_audit import RecorderVerdict, Unauthorised, audit_recorders
from kompass.domain.checkpoint import Checkpoint, SignedNote, VerifierKey
from kompass.domain.errors import IntegrityViolation, InvalidValue, NotFound, StoreDamaged
from kompass.domain.merkle import HASH_SIZE, CompactRange, consistency_proof, inclusion_proof, leaf_hash, subtree_hash
from kompass.domain.signing_key import require_public_key
from kompass.infrastructure.command_log_writer import event_line
from kompass.infrastructure.fact_decoder import FactDecoder
from kompass.infrastructure.tlog import StoredCheckpoint, TransparencyLog
from kompass.infrastructure.tlog_write import Pending, user_key_name

if TYPE_CHECKING:
    from kompass.infrastructure.bootstrap import Store


@dataclass(frozen=True)
class LogVerdict:
    events: int
    checkpoints: int
    signatures: int
    root: bytes
    signers: tuple[str, ...]


def verify_log(facts: FactLog, log: TransparencyLog) -> LogVerdict:
    """Recompute the tree from the stored events; check it against the stored leaves and every checkpoint."""
    try:
        return _verify_log(facts, log)
    except StoreDamaged as damaged:
        raise IntegrityViolation(f"verification failed at position {damaged.position}: a stored event cannot be read") from None


def _verify_log(facts: FactLog, log: TransparencyLog) -> LogVerdict:
    trusted = log.trusted_keys()
    marks = {c.size: c for c in log.checkpoints()}
    tree = CompactRange()
    checked = signatures = 0
    position = 0
    signers: set[str] = set()
    published: list[VerifierKey] = []
    stored = StoredNodes(log)
    for fact, key, _region in keyed(facts.facts()):
        position = fact.position
        if fact.type == "KeyPublished":
            published.append(_published_key(fact, log.origin))
        for level, index, value in tree.append(leaf_hash(event_line(fact, key).encode())):
            _check_node(level, index, value, stored.get(level, index), position)
        mark = marks.pop(tree.size, None)
        if mark is not None:
            keys = _check_mark(mark, tree, position, log.origin, [*trusted, *published])
            signatures += len(keys)
            signers.update(k.name for k in keys)
            checked += 1
    for level, count in sorted(log.stored_per_level().items()):
        if count != tree.size >> level:
            raise IntegrityViolation(
                f"the tree holds {count} nodes at level {level} where the log's {tree.size} events give {tree.size >> level}: "
                f"nodes were added behind kompass's back, or events after position {position} were removed"
            )
    if marks:
        size = min(marks)
        raise IntegrityViolation(f"a checkpoint covers {size} events but the log holds {tree.size}: events were removed")
    size, _position, frontier = log.state()
    if checked == 0 and tree.size:
        raise IntegrityViolation(f"no checkpoint covers the log's {tree.size} events")
    if size != tree.size or frontier.root() != tree.root():
        raise IntegrityViolation(f"the events after the last checkpoint (of {size} events) are covered by none")
    return LogVerdict(tree.size, checked, signatures, tree.root(), tuple(sorted(signers)))


@dataclass(frozen=True)
class StoreVerdict:
    log: LogVerdict
    snapshots: int
    rows: int
    recorders: RecorderVerdict


def verify_store(store: Store) -> StoreVerdict:
    """Everything `kompass verify` checks, in order: the log and its checkpoints, who recorded each event,
    then what is derived from it."""
    from kompass.infrastructure.derived_audit import verify_read_models, verify_snapshots

    verdict = verify_log(store.facts, store.log)
    recorders = verify_recorders(store.facts)
    return StoreVerdict(verdict, verify_snapshots(store), verify_read_models(store), recorders)


def verify_recorders(facts: FactLog) -> RecorderVerdict:
    """Every event's recorder held the right to record it then; the first who did not is named (exit 5)."""
    found = audit_recorders(keyed(facts.facts()))
    if isinstance(found, Unauthorised):
        raise IntegrityViolation(
            f"verification failed at position {found.position}: recorded by {found.recorded_by}, who had no right to it "
            f"({found.reason})"
        )
    return found


class StoredNodes:
    """The stored tree as `verify` asks for it: each level's nodes in index order, each once. Runs are fetched a page
    per level at a time, so checking the whole tree holds a page per level, never the tree."""

    PAGE = 1000

    def __init__(self, log: TransparencyLog) -> None:
        self.log = log
        self.pages: dict[int, deque[tuple[int, bytes]]] = {}
        self.current: dict[int, tuple[int, bytes]] = {}

    def get(self, level: int, index: int) -> bytes | None:
        """The stored hash of node (level, index), None if no run holds it."""
        first, hashes = self.current.get(level, (-1, b""))
        while first + len(hashes) // HASH_SIZE <= index:
            page = self.pages.setdefault(level, deque())
            if not page:
                page.extend(self.log.runs(level, first, self.PAGE))
                if not page:
                    return None
            end = first + len(hashes) // HASH_SIZE
            first, hashes = self.current[level] = page.popleft()
            if first < end or len(hashes) % HASH_SIZE:
                raise IntegrityViolation(f"the tree's stored nodes at level {level} from index {first} overlap others or are cut")
        if index < first:
            return None
        offset = (index - first) * HASH_SIZE
        return hashes[offset : offset + HASH_SIZE]


def _check_node(level: int, index: int, computed: bytes, recorded: bytes | None, position: int) -> None:
    if recorded is None:
        raise IntegrityViolation(f"the event at position {position} is in no checkpoint: recorded behind kompass's back")
    if recorded != computed:
        if level == 0:
            raise IntegrityViolation(f"the event at position {position} is not the one the log's tree recorded (changed)")
        raise IntegrityViolation(
            f"the tree's node at level {level}, index {index} (completed by the event at position {position}) was altered"
        )


def _published_key(fact: Fact, origin: str) -> VerifierKey:
    """The key a KeyPublished event adds, named for its user; one published by anyone else is a forgery. Both who
    it says acted (`by`) and the login the store kept for its row (`recorded_by`) must be that user: the write side
    refuses an admin acting as the user (`--as`), so a row saying otherwise was rewritten behind kompass's back."""
    user = fact.data["user"]
    for who in (fact.by, fact.recorded_by):
        if who != user:
            raise IntegrityViolation(
                f"the event at position {fact.position} publishes a signing key for {user}, but "
                f"{who or 'no known login'} recorded it: a user publishes only their own key"
            )
    try:
        public_key = require_public_key(fact.data["public_key"])
    except InvalidValue as error:
        raise IntegrityViolation(f"the signing key published at position {fact.position} is not one: {error}") from None
    return VerifierKey(user_key_name(origin, user), public_key)


def _check_mark(
    mark: StoredCheckpoint, tree: CompactRange, position: int, origin: str, trusted: list[VerifierKey]
) -> list[VerifierKey]:
    note = SignedNote.parse(mark.note)
    checkpoint = Checkpoint.from_note(note)
    where = f"the checkpoint of {mark.size} events (position {position})"
    if checkpoint.origin != origin or checkpoint.size != mark.size or mark.position != position:
        raise IntegrityViolation(f"{where} does not describe this log")
    if checkpoint.root != tree.root():
        raise IntegrityViolation(f"{where} has a root the events do not give: the events before position {position} were altered")
    known = {(k.name, k.id) for k in trusted}
    for signature in note.signatures:
        if (signature.name, signature.key_id) not in known:
            raise IntegrityViolation(
                f"{where} is signed by the key {signature.name} (key id {signature.key_id.hex()}), which is neither the "
                "store's key nor a key its user published in the log before"
            )
    try:
        return note.verified_by(trusted)
    except IntegrityViolation as error:
        raise IntegrityViolation(f"{where}: {error}") from None


@dataclass(frozen=True)
class Extension:
    source: str
    size: int
    current: int
    origin: str


def verify_against(log: TransparencyLog, notes: Sequence[tuple[str, str]], keys: Sequence[VerifierKey] = ()) -> list[Extension]:
    """Prove that today's tree extends each (source name, note text) checkpoint held elsewhere."""
    latest = log.latest()
    if latest is None:
        raise IntegrityViolation("this store has no checkpoint to compare with")
    current = Checkpoint.from_note(SignedNote.parse(latest.note))
    if current.root != log.state()[2].root():
        raise IntegrityViolation("the store's last checkpoint does not match its tree")
    trusted = [*log.trusted_keys(), *log.published_keys(), *keys]
    done = []
    for source, text in notes:
        try:
            note = SignedNote.parse(text)
            held = Checkpoint.from_note(note)
            note.verified_by(trusted)
            check_extension(held, current, consistency_proof(held.size, current.size, log.node) if held.size <= current.size else [])
        except IntegrityViolation as error:
            raise IntegrityViolation(f"{source}: {error}") from None
        done.append(Extension(source, held.size, current.size, held.origin))
    return done


def prove(store: Store, position: int, note: str | None = None) -> dict[str, object]:
    """An inclusion proof of the event at `position` in the latest checkpoint, or in `note` (a checkpoint of this log)."""
    log = store.log
    mark = log.covering(position)
    if mark is None:
        raise NotFound(f"no checkpoint covers log position {position}")
    found = list(store.facts.facts(after=position - 1, upto=position))
    if not found or found[0].position != position:
        raise NotFound(f"there is no event at log position {position}")
    fact = found[0]
    index = log.index_of(position)
    text = note or (log.latest() or mark).note
    checkpoint = Checkpoint.from_note(SignedNote.parse(text))
    if checkpoint.origin != log.origin or not index < checkpoint.size <= log.state()[0]:
        raise IntegrityViolation("that checkpoint is not of this log, or does not cover the event")
    if checkpoint.root != subtree_hash(0, checkpoint.size, log.node):
        raise IntegrityViolation("that checkpoint's root is not this log's root at its size")
    line = event_line(fact, _key(store, fact))
    path = inclusion_proof(index, checkpoint.size, log.node)
    signer = SignedNote.parse(text).verified_by([*log.trusted_keys(), *log.published_keys()])[0]
    return inclusion_document(line, index, position, path, text, signer)


def _key(store: Store, fact: Fact) -> str:
    """The key of the fact's aggregate, from the aggregate's first event."""
    if fact.version == 1:
        return identity(fact)[0]
    first = store.app.recorder.select_events(fact.originator_id, lte=1)
    if not first:
        return str(fact.originator_id)
    created = FactDecoder(store.app.mapper)(Pending(0, first[0].originator_id, 1, first[0].topic, bytes(first[0].state)))
    return identity(created)[0]
