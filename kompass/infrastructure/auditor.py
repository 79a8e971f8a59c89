"""The `Auditor` port over an opened store: its log's tree and checkpoints (`log_audit`), the command-log
writer and reader, and new stores to replay into (`bootstrap`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from kompass.application import ports
from kompass.application.audit_service import Extended, Verified
from kompass.application.facts import Fact
from kompass.domain.checkpoint import VerifierKey

if TYPE_CHECKING:
    from kompass.infrastructure.bootstrap import Store


class StoreAuditor(ports.Auditor):
    def __init__(self, store: Store) -> None:
        self.store = store

    def verify_store(self) -> Verified:
        from kompass.infrastructure.log_audit import verify_store

        verdict = verify_store(self.store)
        log = verdict.log
        return Verified(
            log.events, log.checkpoints, log.signatures, log.root, log.signers, verdict.snapshots, verdict.rows, verdict.recorders
        )

    def verify_against(self, notes: Sequence[tuple[str, str]], keys: Sequence[VerifierKey]) -> list[Extended]:
        from kompass.infrastructure.log_audit import verify_against

        log = self.store.log
        return [Extended(e.source, e.size, e.current, e.origin, e.origin != log.origin) for e in verify_against(log, notes, keys)]

    def export_lines(self) -> Iterator[str]:
        from kompass.infrastructure.command_log_writer import export_lines

        return export_lines(self.store.facts, self.store.log)

    def latest_checkpoint(self) -> tuple[int, str] | None:
        latest = self.store.log.latest()
        return (latest.size, latest.note) if latest else None

    def checkpoint_keys(self) -> list[str]:
        return [key.encode() for key in self.store.log.keys_of_latest()]

    def inclusion_proof(self, position: int, note: str | None) -> dict[str, object]:
        from kompass.infrastructure.log_audit import prove

        return prove(self.store, position, note)

    def restore_into(self, facts: Iterable[Fact], target: str) -> int:
        """As `kompass export` and `kompass import --restore` would: each fact written as its command-log line
        (with its recorder) and read back, the regions kompass registers itself left to the new store, which
        is made by, and restored as, whoever really runs this (not whom an admin acts as)."""
        from kompass.domain.errors import InvalidValue
        from kompass.infrastructure.bootstrap import Store
        from kompass.infrastructure.command_log import is_reference, parse_command, restore_items
        from kompass.infrastructure.command_log_writer import command_lines

        destination = Store(target, create=True, restore=True)  # a restore into a new store, by you
        try:
            if not destination.is_empty():
                raise InvalidValue(f"{target} is not empty: replay needs a new store")
            lines = (parse_command(text, n, restore=True) for n, text in enumerate(command_lines(facts), start=1) if not is_reference(text))
            summary = destination.kompass.restore(restore_items(lines, None), destination.identity.real)
        finally:
            destination.close()
        return summary.events
