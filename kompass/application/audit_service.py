"""What auditors rely on, as use cases: the history of changes, the export of the log and of the
portfolio as workbook tables, the verification of the store, and a replay of the log up to a point
into a separate store. The commands `kompass history|export|verify|replay` call one method each.

The checks over the stored tree and the copies into other stores are the `Auditor` port's
(`infrastructure/auditor.py`); what is chosen, filtered and trusted is decided here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kompass.application.history import HistoryFilter, history_entry, keyed, matches
from kompass.application.ports import Auditor, FactLog, ReadModelPort
from kompass.application.recorder_audit import RecorderVerdict
from kompass.domain.framework import Framework

__all__ = ["AuditService", "Checkpointed", "Extended", "Sheets", "Verified"]


@dataclass(frozen=True)
class Checkpointed:
    """The newest signed checkpoint: how many events it covers and its signed-note text, to keep elsewhere."""

    size: int
    note: str


@dataclass(frozen=True)
class Verified:
    """What `kompass verify` checked and found in order: the log's events, checkpoints and signatures,
    the snapshots and the read-model rows that match a replay, and the events whose recorder held the
    right to record them (and those stored before kompass kept recorders, which cannot be checked)."""

    events: int
    checkpoints: int
    signatures: int
    root: bytes
    signers: tuple[str, ...]
    snapshots: int
    rows: int
    recorders: RecorderVerdict


@dataclass(frozen=True)
class Extended:
    """A checkpoint held elsewhere that today's log extends (proved by a consistency proof)."""

    source: str
    size: int
    """Events the held checkpoint covers."""
    current: int
    """Events the log holds today."""
    origin: str
    of_a_copy: bool
    """The checkpoint is of another store's log, which this store holds a copy of (a restore)."""


@dataclass(frozen=True)
class Sheets:
    """The portfolio as a workbook's tables, with each sheet's columns and the values offered in drop-down lists."""

    tables: dict[str, list[dict[str, Any]]]
    columns: dict[str, tuple[str, ...]]
    allowed: dict[str, tuple[str, ...]]
    region: str | None


class AuditService:
    def __init__(self, facts: FactLog, auditor: Auditor, read_model: Callable[[], ReadModelPort], framework: Framework) -> None:
        self.facts = facts
        self.auditor = auditor
        self.read_model = read_model
        """The present-time read model, caught up with the log first."""
        self.framework = framework

    def history(self, wanted: HistoryFilter) -> list[dict[str, Any]]:
        """Every recorded change that `wanted` lets through, in log order (the `history` shape of docs/definitions.md)."""
        return [history_entry(f, key) for f, key, region in keyed(self.facts.facts()) if matches(f, key, region, wanted)]

    def export_log(self) -> Iterator[str]:
        """The whole log as command-log lines with recording times, headed by the signed checkpoint it matches."""
        return self.auditor.export_lines()

    def sheets(self, region: str | None = None) -> Sheets:
        """The portfolio's rows for a workbook or a CSV of initiatives made for `region` (None: every region)."""
        from kompass.application.sheet_import import current_tables
        from kompass.application.sheets import allowed_values, sheet_columns

        tables = current_tables(self.read_model(), self.framework, region)
        return Sheets(tables, sheet_columns(self.framework), allowed_values(self.framework), region)

    def verify(self) -> Verified:
        """The tree recomputed from the stored events, every checkpoint and its signatures, who recorded each event,
        every snapshot and every read-model row against a replay; IntegrityViolation (exit 5) names the first thing
        altered (or the first event recorded by someone without the right to it)."""
        return self.auditor.verify_store()

    def verify_against(self, held: Sequence[tuple[str, str]], keys: Sequence[str] = ()) -> list[Extended]:
        """Prove that today's log extends each checkpoint held elsewhere.

        `held` is (where it was kept, the text of a file holding it: a bare checkpoint, an export or a report
        stamped with one); `keys` are further public keys to trust (NAME+KEYID+BASE64).
        """
        from kompass.application.proofs import find_note
        from kompass.domain.checkpoint import VerifierKey

        notes = [(source, find_note(text)) for source, text in held]
        return self.auditor.verify_against(notes, [VerifierKey.parse(k) for k in keys])

    def checkpoint(self) -> Checkpointed:
        """The newest signed checkpoint; NotFound before the store's first write signed one."""
        from kompass.domain.errors import NotFound

        latest = self.auditor.latest_checkpoint()
        if latest is None:
            raise NotFound("the store has no checkpoint yet")
        return Checkpointed(*latest)

    def checkpoint_keys(self) -> list[str]:
        """The public keys that signed the newest checkpoint (the store's own before the first), to pin elsewhere."""
        return self.auditor.checkpoint_keys()

    def prove(self, position: int, held: str | None = None) -> dict[str, object]:
        """An inclusion proof of the event at `position`: in the newest checkpoint, or in the one found in `held`
        (the text of a checkpoint file, an export or a stamped report)."""
        from kompass.application.proofs import find_note

        return self.auditor.inclusion_proof(position, find_note(held) if held is not None else None)

    def replay(self, until: int | datetime, target: str) -> int:
        """Rebuild the new store at `target` from the log up to a position (or a recording time), as a restore of
        that part of the export: each event keeps its recorder; the events written."""
        if isinstance(until, int):
            return self.auditor.restore_into(self.facts.facts(upto=until), target)
        return self.auditor.restore_into((f for f in self.facts.facts() if f.recorded_at <= until), target)
