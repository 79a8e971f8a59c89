"""Filling a rebuild's fresh tables in two processes at once.

Why: a rebuild replays the log into the portfolio, network and bitemporal projections' tables, and one process
does them one after the other while the machine has other cores. The bitemporal projection's coverage series
are the longest of these fills and write tables of their own: a second process fills them while this one fills
the rest (`split`), so the fill takes about as long as the longer of the two instead of their sum. PostgreSQL
takes both writers at once. SQLite has one write lock per file: there each process holds its batches' writes
back while it works them out and takes the lock only to run them (`held_writes`), so neither waits out the
other's working.

The second process is a new interpreter (`python -m` this module: it shares none of this process's
connections, and unlike multiprocessing's `spawn` it never imports the caller's main module again). It reads
its order, pickled, on stdin, opens the store's log itself and fills its projections' tables in the rebuild's
scratch schema with the same `Projector` code, writing its position on stdout as it goes. It stops when this
process is gone (it looks between pages), and a failure in either process fails the rebuild before the swap,
so the live tables stay as they were (`blue_green`).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kompass.domain import errors
from kompass.domain.errors import KompassError, StorageUnavailable
from kompass.infrastructure.projections.layout import BITEMPORAL
from kompass.infrastructure.settings import StoreLocation

if TYPE_CHECKING:
    from sqlalchemy import Engine

PARALLEL_FROM = 20_000
"""Facts a rebuild must replay before a second process is worth its start (about half a second)."""
ORPHANED = 75
"""Exit status of a second process that found its parent gone."""
FAILED = 76
"""Exit status of a second process that failed; stderr's last line says why (`_said`)."""

Progress = Callable[[int, int], None]
"""(position reached, head of the log)."""


@dataclass(frozen=True)
class FillOrder:
    """What the second process needs to fill its projections (sent to it pickled)."""

    location: StoreLocation
    names: tuple[str, ...]
    """The projections it fills, by tracking name (`split`)."""
    areas: tuple[str, ...]
    batch: int
    page: int
    parent: int
    """The process id of the rebuild: the second process stops when it is gone."""
    upto: int
    """The position both processes fill up to: the head of the log when the rebuild began. The two parts of the
    bitemporal projection must end at the same position, since the projection keeps one."""


def split(projections: Sequence[Any]) -> tuple[list[Any], tuple[str, ...]] | None:
    """(the projections filled here, the names of those the second process fills), or None when there is nothing
    to share. The bitemporal projection is cut in two (`bitemporal.parts`): its coverage series, the longest fill,
    go to the second process; its versions stay here with the other projections. Each process then works about as
    long before it writes, and the writes, one after the other on SQLite, come at the end of each (measured:
    bench/rebuild_bench.py)."""
    from kompass.infrastructure.projections.bitemporal import parts

    if not any(p.NAME == BITEMPORAL for p in projections):
        return None
    return [*(p for p in projections if p.NAME != BITEMPORAL), parts.VERSIONS], (parts.SERIES,)


class _Worker:
    """The second process, and the position it last reported (read from its stdout by a thread)."""

    def __init__(self, order: FillOrder) -> None:
        self.process = subprocess.Popen(
            # -P: the working directory stays off its module path (`python -m` puts it first): a `kompass` folder
            # there, another checkout or one planted, is never the code it runs (`_same_kompass`)
            [sys.executable, "-P", "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_same_kompass(),
        )
        assert self.process.stdin is not None and self.process.stdout is not None and self.process.stderr is not None
        self.position = 0
        self.said: list[bytes] = []
        self.readers = [
            threading.Thread(target=self._positions, args=(self.process.stdout,), daemon=True),
            threading.Thread(target=self.said.extend, args=(self.process.stderr,), daemon=True),
        ]
        for reader in self.readers:
            reader.start()
        try:
            with self.process.stdin as stdin:
                pickle.dump(order, stdin)
        except BrokenPipeError:
            pass  # it ended before reading its order: its exit status says how (`wait`)

    def _positions(self, stdout: IO[bytes]) -> None:
        for line in stdout:
            if line.strip().isdigit():  # anything else a library might print is not a position
                self.position = int(line)

    def wait(self, on_tick: Callable[[], None], seconds: float = 0.2) -> int:
        while True:
            try:
                code = self.process.wait(seconds)
            except subprocess.TimeoutExpired:
                on_tick()
                continue
            for reader in self.readers:
                reader.join()
            return code

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


def _same_kompass() -> dict[str, str]:
    """The environment for the second process, with the directory this kompass package was imported from first on
    its path: it runs the same code as the rebuild, from a source checkout as from an installed package."""
    import kompass

    env = dict(os.environ)
    home = str(Path(kompass.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (home, env.get("PYTHONPATH", "")) if p)
    return env


def fill_together(order: FillOrder, fill_here: Callable[[Progress], int], on_progress: Progress | None = None) -> int:
    """Start the second process on `order`, run `fill_here(report)` in this one, and wait for the other; returns
    what `fill_here` returned. Raises what the other process raised (a storage error if it died without saying),
    after stopping it if this process's fill failed first."""
    worker = _Worker(order)
    head = [0]

    def report(done: int, last: int) -> None:
        head[0] = last
        if on_progress is not None:
            on_progress(min(done, worker.position), last)

    def tick() -> None:
        if on_progress is not None and head[0]:
            on_progress(min(worker.position, head[0]), head[0])

    try:
        applied = fill_here(report)
        code = worker.wait(tick)
    except BaseException:
        worker.stop()
        raise
    if code != 0:
        raise _failure(code, b"".join(worker.said).decode("utf-8", "replace"))
    tick()  # its last position, read to the end of its output: progress ends where both fills did
    return applied


def _failure(code: int, stderr: str) -> KompassError:
    """The second process's failure as the error it was (a KompassError by class name), or a storage error."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    if code == FAILED and lines:
        name, _, message = lines[-1].partition(": ")
        kind = getattr(errors, name, None)
        if isinstance(kind, type) and issubclass(kind, KompassError):
            return kind(message)
        return StorageUnavailable(f"the rebuild's second process failed: {message or name}")
    return StorageUnavailable(f"the rebuild's second process ended with exit status {code}; the read tables in use are unchanged")


def _said(error: BaseException) -> str:
    """One line naming the error: its class (a KompassError's, to raise again) and the first line of its message."""
    if isinstance(error, KompassError):
        name = type(error).__name__
        text = str(error)
    else:
        name = "StorageUnavailable"
        text = str(getattr(error, "orig", None) or error)
    first = text.strip().splitlines()
    return f"{name}: {first[0] if first else type(error).__name__}"


def main() -> int:
    """The second process: read the order on stdin, fill, and say how it ended (exit status, stderr)."""
    try:
        order = pickle.load(sys.stdin.buffer)  # from the rebuild that started this process, never from a user
        _fill(order)
    except Exception as error:  # noqa: BLE001 — whatever it was, the rebuild says it in one line
        print(_said(error), file=sys.stderr, flush=True)
        return FAILED
    return 0


def _fill(order: FillOrder) -> None:
    from kompass.infrastructure.event_reads import NotificationFacts
    from kompass.infrastructure.eventstore import open_application
    from kompass.infrastructure.projections.bitemporal import parts
    from kompass.infrastructure.projections.projector import Projector, default_projections, few_full_collections

    def report(done: int, _head: int) -> None:
        if os.getppid() != order.parent:
            os._exit(ORPHANED)  # the rebuild is gone: nothing would ever swap these tables in
        print(done, flush=True)

    app = open_application(order.location)
    engine = fill_engine(order.location)
    try:
        log = NotificationFacts(app, order.location.backend)
        chosen = [p for p in [*default_projections(), parts.series(log)] if p.NAME in order.names]  # by name: any `split` makes
        projector = Projector(engine, log, order.areas, chosen, batch=order.batch, page=order.page)
        # the rebuild's own fill writes the same file: each holds the lock only to write
        projector.hold_writes = order.location.backend == "sqlite"
        with few_full_collections():
            projector.catch_up(report, order.batch, upto=order.upto)
    finally:
        engine.dispose()
        app.close()


def fill_engine(location: StoreLocation) -> Engine:
    """The engine the second process fills its tables with. SQLite: on the rebuild's shadow tables, its commits
    leaving the copying of the WAL into the store file to the rebuild's own process (`blue_green.tidying`).
    PostgreSQL: on the scratch schema."""
    from kompass.infrastructure.database import make_engine
    from kompass.infrastructure.projections import blue_green
    from kompass.infrastructure.projections.projector import default_projections

    if location.backend != "sqlite":
        return blue_green.postgres_scratch_engine(location.sqlalchemy_url)
    live = make_engine(location)
    try:
        return blue_green.shadow_engine(live, [t.name for t in blue_green.rebuilt_tables(default_projections())], copies_wal=False)
    finally:
        live.dispose()


def leave(code: int) -> None:
    """End the second process at once with `code`, once what it says is flushed. Everything it wrote is committed
    and its connections are closed when `main` returns: tearing the interpreter down, freeing its objects one by
    one, took a fifth of a second that the rebuild waited for before it could swap its tables in."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    leave(main())
