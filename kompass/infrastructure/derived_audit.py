"""Checking what is derived from the log: every snapshot and every read-model row against a replay.

Why: the tree protects the events, but commands load aggregates from snapshots and users read
the read models. A forged snapshot (active → cancelled) would make the domain refuse honest
commands, and a forged read-model row would be shown to users, while the events stay intact.
Snapshots are compared with the aggregate replayed from its events to the same version; read
models with the rows a fresh rebuild into a scratch SQLite database writes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventsourcing.application import project_aggregate
from eventsourcing.persistence import StoredEvent
from sqlalchemy import select

from kompass.domain.errors import IntegrityViolation
from kompass.infrastructure import tables as t
from kompass.infrastructure.database import make_engine
from kompass.infrastructure.projections.projector import Projector
from kompass.infrastructure.settings import locate

if TYPE_CHECKING:
    from kompass.infrastructure.bootstrap import Store

READ_MODELS = [table for name, table in sorted(t.metadata.tables.items()) if name.startswith("rm_") and name != "rm_tracking"]


def verify_snapshots(store: Store) -> int:
    """Every stored snapshot equals its aggregate replayed from the events; returns how many were checked."""
    app: Any = store.app
    if app.snapshots is None:
        return 0
    recorder = app.snapshots.recorder
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(f"SELECT originator_id, originator_version, topic, state FROM {recorder.events_table_name} ORDER BY 1, 2")
        rows = cursor.fetchall()
    for row in rows:
        stored = StoredEvent(row["originator_id"], row["originator_version"], row["topic"], bytes(row["state"]))
        snapshot = app.mapper.to_domain_event(stored)
        events = list(app.events.get(snapshot.originator_id, lte=snapshot.originator_version))
        replayed = project_aggregate(None, events) if events else None
        if replayed is None or replayed.version != snapshot.originator_version or _state(app, snapshot) != _state(
            app, type(snapshot).take(replayed)
        ):
            raise IntegrityViolation(
                f"the snapshot of aggregate {snapshot.originator_id} at version {snapshot.originator_version} is not what its "
                "events give (a forged snapshot: commands would act on a state the log never had)"
            )
    return len(rows)


def _state(app: Any, snapshot: Any) -> dict[str, Any]:
    """The snapshot's aggregate state as the store would load it (through the transcoder both ways)."""
    decoded = app.mapper.to_domain_event(app.mapper.to_stored_event(snapshot))
    return dict(vars(decoded.mutate(None)))


def verify_read_models(store: Store) -> int:
    """Rebuild the read models into a scratch database and compare every table row by row; returns rows checked."""
    store.projector.catch_up()
    with tempfile.TemporaryDirectory(prefix="kompass-verify-") as directory:
        scratch = make_engine(locate(f"sqlite:///{Path(directory) / 'replay.db'}"))
        try:
            projector = Projector(scratch, store.facts, store.framework.area_keys)
            projector.ensure_tables()
            projector.catch_up()
            checked = 0
            for table in READ_MODELS:
                checked += _compare(table, _rows(store.engine, table), _rows(scratch, table))
        finally:
            scratch.dispose()
    return checked


def _rows(engine: Any, table: Any) -> list[tuple[Any, ...]]:
    keys = list(table.primary_key.columns)
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(table).order_by(*keys))]


def _compare(table: Any, stored: list[tuple[Any, ...]], replayed: list[tuple[Any, ...]]) -> int:
    names = [c.name for c in table.primary_key.columns]
    index = [list(table.columns).index(c) for c in table.primary_key.columns]
    replayed_by_key = {tuple(r[i] for i in index): r for r in replayed}
    for row in stored:
        key = tuple(row[i] for i in index)
        if replayed_by_key.pop(key, None) != row:
            where = ", ".join(f"{n}={v!r}" for n, v in zip(names, key, strict=True))
            raise IntegrityViolation(f"the read model {table.name} row ({where}) differs from a replay of the log")
    if replayed_by_key:
        key = min(replayed_by_key)
        where = ", ".join(f"{n}={v!r}" for n, v in zip(names, key, strict=True))
        raise IntegrityViolation(f"the read model {table.name} lacks the row ({where}) that a replay of the log gives")
    return len(stored)
