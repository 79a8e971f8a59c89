"""Tamper evidence: a SHA-256 hash chain over every stored event, in notification order.

Each link covers the event's position, aggregate id, version, topic and stored bytes, so
changing, removing, inserting, reordering or swapping stored events all change the chain.
`seal` records the chain up to the head; `verify` recomputes it and names the first
position that differs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select

from kompass.infrastructure import tables as t

GENESIS = hashlib.sha256(b"kompass hash chain v1").hexdigest()
BATCH = 5000


def link(previous: str, position: int, originator_id: Any, version: int, topic: str, state: bytes) -> str:
    head = f"{previous}|{position}|{originator_id}|{version}|{topic}|".encode()
    return hashlib.sha256(head + bytes(state)).hexdigest()


def chain(recorder: Any, after: int = 0, previous: str = GENESIS) -> Iterator[tuple[int, str]]:
    """(position, digest) for every stored event after `after`, continuing from `previous`."""
    position = after
    while True:
        notifications = recorder.select_notifications(start=position, limit=BATCH, inclusive_of_start=False)
        for n in notifications:
            previous = link(previous, n.id, n.originator_id, n.originator_version, n.topic, n.state)
            yield n.id, previous
        if len(notifications) < BATCH:
            return
        position = notifications[-1].id


@dataclass(frozen=True)
class Seal:
    position: int
    digest: str
    sealed_at: str
    by: str


def seal(engine: Engine, recorder: Any, by: str) -> Seal | None:
    """Extend the recorded chain to the head of the log and record a seal there."""
    with engine.begin() as conn:
        last = conn.execute(select(t.chain.c.position, t.chain.c.digest).order_by(t.chain.c.position.desc()).limit(1)).first()
        after, previous = (int(last[0]), str(last[1])) if last else (0, GENESIS)
        links = list(chain(recorder, after, previous))
        for start in range(0, len(links), BATCH):
            conn.execute(insert(t.chain), [{"position": p, "digest": d} for p, d in links[start : start + BATCH]])
        if not links and not last:
            return None
        position, digest = links[-1] if links else (after, previous)
        exists = conn.execute(select(t.seals.c.position).where(t.seals.c.position == position)).first()
        stamp = datetime.now(tz=UTC).isoformat()
        if not exists:
            conn.execute(insert(t.seals).values(position=position, digest=digest, sealed_at=stamp, by=by))
    return Seal(position, digest, stamp, by)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    head: int
    digest: str
    problem: str = ""
    position: int | None = None


def verify(engine: Engine, recorder: Any, digest: str | None = None) -> Verdict:
    """Recompute the chain from the stored events and check it against the recorded chain and seals."""
    with engine.connect() as conn:
        recorded = iter(conn.execute(select(t.chain.c.position, t.chain.c.digest).order_by(t.chain.c.position)).all())
        seals = {int(r[0]): str(r[1]) for r in conn.execute(select(t.seals.c.position, t.seals.c.digest))}
    computed: dict[int, str] = {}
    expected = next(recorded, None)
    head, last = 0, GENESIS
    wanted = digest.lower() if digest else None
    digest_seen = False
    for position, value in chain(recorder):
        head, last = position, value
        if wanted and value.startswith(wanted):
            digest_seen = True
        if position in seals:
            computed[position] = value
        if expected is None:
            continue
        if position < expected[0]:
            return Verdict(False, head, value, f"event at position {position} was inserted into the sealed log", position)
        if position > expected[0]:
            return Verdict(False, head, value, f"the event at position {expected[0]} was removed", int(expected[0]))
        if value != expected[1]:
            return Verdict(False, head, value, f"the event at position {position} was changed (or events were reordered)", position)
        expected = next(recorded, None)
    if expected is not None:
        return Verdict(False, head, last, f"the event at position {expected[0]} was removed", int(expected[0]))
    for position, sealed in sorted(seals.items()):
        if computed.get(position) != sealed:
            return Verdict(False, head, last, f"the seal at position {position} does not match the log (forged seal?)", position)
    if wanted and not digest_seen:
        return Verdict(False, head, last, f"no position of the log has the digest {digest}")
    return Verdict(True, head, last)


def latest_seal(engine: Engine) -> Seal | None:
    with engine.connect() as conn:
        row = conn.execute(select(t.seals).order_by(t.seals.c.position.desc()).limit(1)).mappings().first()
    return Seal(int(row["position"]), row["digest"], row["sealed_at"], row["by"]) if row else None


def digest_at_head(recorder: Any) -> tuple[int, str]:
    """The chain's digest at the head of the log, computed now (exports are stamped with it)."""
    last = (0, GENESIS)
    for last in chain(recorder):  # noqa: B007 — only the final link matters
        pass
    return last
