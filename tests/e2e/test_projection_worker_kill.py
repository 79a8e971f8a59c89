"""A projection worker killed with SIGKILL in the middle of catching up (docs/definitions.md).

Real `kompass` processes: a few thousand events are imported, a `projections run` worker is
killed once it has committed a batch but not all, a second one is killed part-way as well, and
a last `projections run` finishes. (A killed `projections rebuild` leaves the live tables as
they were, since it builds beside them: tests/e2e/test_crash.py.)
Each batch is committed together with the projection's position, so the last worker must
apply exactly the events after the last committed position, and every read table must
equal a clean rebuild; coverage from the tables must equal the replayed log and an
independent computation over the aggregates.

Not timing-flaky: the test polls the committed position (`rm_tracking`) and kills only
once it lies strictly between 0 and the head; if a worker finishes first, it starts over.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text, update
from sqlalchemy.pool import NullPool

from kompass.infrastructure import tables
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.settings import locate
from tests.e2e.program import INSTALLED, command, environment, run, succeeded
from tests.integration.helpers import as_json as in_process
from tests.integration.test_projections_cli import read_tables
from tests.integration.test_projections_reference import (
    generate_log,
    keys_of,
    projected_numbers,
    reference_numbers,
    write_log,
)

pytestmark = [INSTALLED, pytest.mark.slow]
ATTEMPTS = 4


def kompass(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return succeeded(run(url, *args, timeout=300))


def as_json(url: str, *args: str) -> Any:
    return json.loads(kompass(url, *args, "--format", "json").stdout)


class Positions:
    """Reads the committed positions of the projections, beside the workers."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(locate(url).sqlalchemy_url, poolclass=NullPool)

    def __call__(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT min(position) FROM rm_tracking")).scalar_one())

    def close(self) -> None:
        self.engine.dispose()


def reset_to_start(url: str) -> None:
    """Empty every projection and set it back to the start of the log, in one transaction."""
    store = Store(url, "admin")
    try:
        with store.engine.begin() as conn:
            for projection in store.projector.projections:
                projection.reset(conn, store.framework.area_keys)
            conn.execute(update(tables.tracking).values(position=0))
    finally:
        store.close()


def kill_part_way(url: str, args: list[str], positions: Positions, low: int, head: int) -> int | None:
    """Start `kompass ARGS`; SIGKILL it once the committed position lies in (low, head).

    Returns the position it left, or None when it finished first (or never got past `low`).
    """
    worker = subprocess.Popen(command(url, *args), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment())
    try:
        deadline = time.monotonic() + 240
        while worker.poll() is None and time.monotonic() < deadline:
            if low < positions() < head:
                worker.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
    finally:
        if worker.poll() is None and time.monotonic() >= deadline:
            worker.kill()
        worker.wait(timeout=60)
        assert worker.stderr is not None
        worker.stderr.close()
    left = positions()
    killed = worker.returncode == -signal.SIGKILL
    return left if killed and low < left < head else None


def test_a_worker_killed_mid_catch_up_resumes_where_it_committed(db_url: str, tmp_path: Path) -> None:
    lines = 2100 if db_url.startswith("sqlite") else 1100
    commands = generate_log(lines, seed=4242)
    refs, keys = keys_of(commands)
    kompass(db_url, "import", str(write_log(tmp_path / "log.jsonl", commands)))
    status = {row["projection"]: row for row in as_json(db_url, "projections", "status")}
    head = status["portfolio"]["head"]
    assert head >= 2 * 21 + lines, "the regions' 42 events, then at least one per command"
    assert all(row["behind"] > 0 for row in status.values()), "an import appends; the tables are behind"

    positions = Positions(db_url)
    try:
        # 1. A worker killed after committing some batches, not all.
        first = None
        for _attempt in range(ATTEMPTS):
            reset_to_start(db_url)  # a worker that finished first is given the whole log again
            first = kill_part_way(db_url, ["projections", "run", "--batch", "200"], positions, 0, head)
            if first is not None:
                break
        assert first is not None, f"the worker finished {ATTEMPTS} times before it could be killed part-way"

        # 2. A worker started from there, killed again further on (when there is room to).
        second = kill_part_way(db_url, ["projections", "run", "--batch", "200"], positions, first, head)
        resumed_from = second if second is not None else positions()
        assert first <= resumed_from <= head
    finally:
        positions.close()

    # 3. The last worker applies exactly what was not committed: no event twice, none skipped.
    result = kompass(db_url, "projections", "run")
    assert f"applied {head - resumed_from} events" in result.stderr, (resumed_from, head, result.stderr)
    for row in as_json(db_url, "projections", "status"):
        assert (row["position"], row["behind"]) == (head, 0), row

    # Coverage from the tables == the bitemporal rows (a date far ahead; their property test holds them
    # to the replayed log) == the reference.
    # (Queried in-process: the processes that mattered were the workers.)
    tables_now = in_process(db_url, "coverage")
    replayed = in_process(db_url, "coverage", "--as-of", "2100-01-01")
    assert tables_now["regions"] == replayed["regions"] and tables_now["national"] == replayed["national"]
    gaps_now, gaps_replayed = in_process(db_url, "gaps"), in_process(db_url, "gaps", "--as-of", "2100-01-01")
    assert (gaps_now["gaps"], gaps_now["declared_unbacked"]) == (gaps_replayed["gaps"], gaps_replayed["declared_unbacked"])
    store = Store(db_url, "admin")
    try:
        assert projected_numbers(store).differences(reference_numbers(store, refs, keys)) == []
        # Every read table (coverage and network) equals a clean rebuild of the same log.
        resumed = read_tables(store)
        assert store.projector.rebuild() == head
        assert read_tables(store) == resumed
    finally:
        store.close()
