"""Where a report comes from: a position of the event log and the hash-chain digest there."""

from __future__ import annotations

from typing import Any

from kompass.infrastructure.seal import GENESIS, chain


def digest_at(recorder: Any, position: int) -> tuple[int, str]:
    """(the last stored position ≤ `position`, the chain's digest there); (0, GENESIS) for an empty prefix.

    The same as `seal.digest_at_head` when `position` is the head; `kompass verify --digest` finds it.
    """
    last = (0, GENESIS)
    for link in chain(recorder):
        if link[0] > position:
            break
        last = link
    return last
