"""Where a report comes from: a position of the event log and a signed checkpoint of a log that holds it."""

from __future__ import annotations

from kompass.domain.errors import IntegrityViolation
from kompass.infrastructure.tlog import TransparencyLog


def checkpoint_at(log: TransparencyLog, position: int) -> tuple[int, str]:
    """(`position`, the signed note of the first checkpoint covering it): every event the report read is in
    that checkpoint's tree, so `kompass verify --against` on it proves they are still in today's log."""
    mark = log.covering(position) if position else log.latest()
    if mark is None:
        raise IntegrityViolation(f"no checkpoint covers log position {position}: run `kompass verify`")
    return position, mark.note
