"""Rebuilds nobody notices: the rebuild rate against the best possible, and a reader loop during it.

On a SQLite store of --lines generated commands (bench/generate.py, built once by `kompass import` and
kept in bench/out/ like coverage_bench.py's), side by side in one run:
  - the log read raw and the write floor (coverage_bench.write_floor: SQLite alone writing the rows the
    rebuilt read models hold), which give the best rate any rebuild could reach;
  - `Projector.rebuild()` in-process, timed (best of --repeat; its CPU time shown beside), in rounds that
    alternate with the write floor's (best of --repeat too), and each round's rebuild against the floor
    timed beside it;
  - during each rebuild, a reader loop of `kompass coverage --format json` subprocesses, counting the
    queries that failed (non-zero exit) and those whose answer differed from the one before the
    rebuild without saying that a rebuild was under way (stale without saying). Targets: both 0,
    and rebuild ≥ 60 % of the best possible rate (events per second of wall time). Since other work on a
    shared machine stretches wall time unevenly, each round's rebuild is also set against the floor timed
    beside it. The CPU time of every process is shown as the work the rebuild costs, with no target: a
    rebuild of 20,000 facts or more fills in two processes (`parallel_fill`), which spend more CPU time
    together than one would, to take less wall time, so it is no rate (events per CPU second was the
    target while a rebuild was one process, and only then could it stand for the rate).

With --postgres, the same log imported into a new PostgreSQL database, and its rebuild timed filling the fresh
tables in one process and in two (`parallel_fill`), alternately, best of --repeat each.

    python bench/rebuild_bench.py --lines 100000 [--postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time
from pathlib import Path
from typing import NamedTuple

from common import KOMPASS, OUT, command_log, drop_pg_database, imported_store, new_pg_database, pg_unavailable, progress, table, verdict
from coverage_bench import READ_BATCH, write_floor_times

RATE_TARGET = 0.6
SAYS = "being rebuilt"


def raw_read_seconds(url: str) -> tuple[int, float, float]:
    """Read the whole notification log raw (the library's recorder), best of three: events, wall and CPU seconds."""
    from kompass.infrastructure.bootstrap import Store

    store = Store(url, "admin")
    best, best_cpu, count = float("inf"), float("inf"), 0
    try:
        for _ in range(3):
            started, cpu, count, position = time.perf_counter(), time.process_time(), 0, 0
            while True:
                batch = store.app.recorder.select_notifications(start=position, limit=READ_BATCH, inclusive_of_start=False)
                count += len(batch)
                if len(batch) < READ_BATCH:
                    break
                position = batch[-1].id
            best, best_cpu = min(best, time.perf_counter() - started), min(best_cpu, time.process_time() - cpu)
    finally:
        store.close()
    return count, best, best_cpu


def answer(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([KOMPASS, "--db", url, "coverage", "--format", "json"], capture_output=True, text=True, check=False)


def content(done: subprocess.CompletedProcess[str]) -> object:
    data = json.loads(done.stdout)
    data.pop("as_of", None)
    return data


def rebuild_with_readers(url: str) -> tuple[float, float, int, int, int, int]:
    """One rebuild as a subprocess with a reader loop beside it: wall and child CPU seconds, queries run,
    failed, stale without saying, and those that said a rebuild was under way."""
    expected = content(answer(url))
    before = os.times()
    started = time.perf_counter()
    rebuild = subprocess.Popen([KOMPASS, "--db", url, "projections", "rebuild"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    queries = failed = stale = said = 0
    while rebuild.poll() is None:
        done = answer(url)
        queries += 1
        if done.returncode != 0:
            failed += 1
            progress(f"a query failed during the rebuild ({done.returncode}): {done.stderr.strip()}")
            continue
        says = SAYS in done.stderr
        said += says
        if content(done) != expected and not says:
            stale += 1
    _out, err = rebuild.communicate()
    seconds = time.perf_counter() - started
    if rebuild.returncode != 0:
        raise SystemExit(f"the rebuild failed ({rebuild.returncode}): {err.strip()}")
    after = os.times()
    if content(answer(url)) != expected:
        stale += 1
        progress("the answer after the rebuild differs from the one before it")
    # the child's CPU time includes the reader subprocesses; the rebuild's alone is timed without readers below
    return seconds, after.children_user - before.children_user, queries, failed, stale, said


def rebuild_alone(url: str, repeat: int, one_process: bool = False) -> tuple[float, float, int]:
    """Best wall and best CPU seconds of `Projector.rebuild()` in-process (no start-up, no readers), as
    coverage_bench.py times it: the figure to set against the read + write floor. The CPU seconds are this
    process's and those of the second process filling beside it (`parallel_fill`); also how many processes filled."""
    from kompass.infrastructure.bootstrap import Store

    walls, cpus = [], []
    store = Store(url, "admin")
    if one_process:
        store.projector.parallel_from = 1 << 62
    try:
        for _ in range(repeat):
            wall, cpu, before = time.perf_counter(), time.process_time(), os.times()
            store.projector.rebuild()
            after = os.times()
            walls.append(time.perf_counter() - wall)
            children = after.children_user + after.children_system - before.children_user - before.children_system
            cpus.append(time.process_time() - cpu + children)
    finally:
        store.close()
    return min(walls), min(cpus), store.projector.processes


class Side(NamedTuple):
    """Best wall and CPU seconds of the rebuild and of the write floor, measured alternately, and the paired ratios."""

    wall: float
    cpu: float
    processes: int
    rows: int
    floor: float
    floor_cpu: float
    paired: list[float]
    """Per round, (read + that round's floor) / that round's rebuild: the rate as one round alone shows it."""


def rebuilds_beside_floors(url: str, repeat: int, read_seconds: float) -> Side:
    """`repeat` rounds, each a `Projector.rebuild()` in-process (as `rebuild_alone` times it) and the write floor
    (`write_floor_times`), in alternating order, so that both meet the same load on a shared machine: the floor is
    timed as often as the rebuild and the best of each is kept (a floor timed once, in a slow moment or a fast one,
    moved the rate by a tenth between runs of the same code)."""
    from kompass.infrastructure.bootstrap import Store

    path = Path(url.removeprefix("sqlite:///"))
    walls, cpus, floors, floor_cpus, rows = [], [], [], [], 0
    store = Store(url, "admin")
    try:
        for attempt in range(repeat):
            for part in ("rebuild", "floor") if attempt % 2 == 0 else ("floor", "rebuild"):
                if part == "floor":
                    rows, seconds, cpu = write_floor_times(path)
                    floors.append(seconds)
                    floor_cpus.append(cpu)
                    continue
                wall, cpu, before = time.perf_counter(), time.process_time(), os.times()
                store.projector.rebuild()
                after = os.times()
                walls.append(time.perf_counter() - wall)
                children = after.children_user + after.children_system - before.children_user - before.children_system
                cpus.append(time.process_time() - cpu + children)
    finally:
        store.close()
    paired = sorted((read_seconds + floor) / wall for floor, wall in zip(floors, walls, strict=True))
    return Side(min(walls), min(cpus), store.projector.processes, rows, min(floors), min(floor_cpus), paired)


def postgres_rebuilds(lines: int, repeat: int) -> list[list[str]]:
    """The log imported into a new PostgreSQL database; its rebuild in one process and in two, alternately: rows of
    the table (best wall seconds, this process's CPU, and the ratio)."""
    from kompass.infrastructure.bootstrap import Store
    from kompass.infrastructure.command_log import read_command_log

    url = new_pg_database()
    try:
        store = Store(url, create=True)
        try:
            progress(f"PostgreSQL: importing {lines:,} lines …")
            commands = ((c.line, c.command, c.recorded_at) for c in read_command_log(command_log(lines)))
            store.kompass.import_commands(commands, store.access())
            store.projector.catch_up()
            times: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
            for attempt in range(repeat):
                for processes in (1, 2) if attempt % 2 == 0 else (2, 1):
                    store.projector.parallel_from = 1 if processes == 2 else 1 << 62
                    progress(f"PostgreSQL: rebuild in {processes} process(es), round {attempt + 1}")
                    wall, cpu = time.perf_counter(), time.process_time()
                    store.projector.rebuild()
                    times[processes].append((time.perf_counter() - wall, time.process_time() - cpu))
                    assert store.projector.processes == processes
        finally:
            store.close()
    finally:
        drop_pg_database(url)
    one, two = min(times[1]), min(times[2])
    return [
        [f"PostgreSQL: rebuild filling in one process (s, best of {repeat}; this process's CPU {one[1]:.2f} s)", f"{one[0]:.2f}", "", ""],
        [f"PostgreSQL: rebuild filling in two processes (s, best of {repeat}; this process's CPU {two[1]:.2f} s)", f"{two[0]:.2f}", "", ""],
        ["PostgreSQL: two processes ÷ one, wall", f"{two[0] / one[0]:.3f}", "", ""],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000, help="lines of the generated store (default 100,000)")
    parser.add_argument("--repeat", type=int, default=3, help="rebuilds timed without readers; the best is kept")
    parser.add_argument("--fresh", action="store_true", help="rebuild the store kept in bench/out/ by an earlier run")
    parser.add_argument("--postgres", action="store_true", help="also time the rebuild on PostgreSQL, in one process and in two")
    args = parser.parse_args()
    url, _import_seconds, _rss = imported_store(args.lines, args.fresh)
    events, read_seconds, read_cpu = raw_read_seconds(url)
    progress(f"{events:,} events; rebuild with a reader loop beside it …")
    with_readers, _cpu, queries, failed, stale, said = rebuild_with_readers(url)
    progress(f"rebuild alone and the write floor, alternately, best of {args.repeat} each …")
    side = rebuilds_beside_floors(url, args.repeat, read_seconds)
    wall, cpu, processes, rows_written, floor, floor_cpu = side.wall, side.cpu, side.processes, side.rows, side.floor, side.floor_cpu
    progress(f"rebuild alone in one process, best of {args.repeat} …")
    one_wall, one_cpu, _one = rebuild_alone(url, args.repeat, one_process=True)
    best_rate = events / (read_seconds + floor)
    rate = events / wall
    rows = [["figure", "value", "target", "verdict"]]
    rows.append(["events", f"{events:,}", "", ""])
    rows.append(["log read raw (s, best of 3)", f"{read_seconds:.2f}", "", ""])
    rows.append([f"writing the {rows_written:,} read-model rows alone (s, best of {args.repeat})", f"{floor:.2f}", "", ""])
    rows.append(["best possible rebuild (events/s): read + write", f"{best_rate:,.0f}", "", ""])
    alone = f"rebuild in-process, {processes} process(es) filling (s, best of {args.repeat}; CPU of all {cpu:.2f} s)"
    rows.append([alone, f"{wall:.2f}", "", ""])
    rows.append([f"… the same filled in one process (s, best of {args.repeat}; CPU {one_cpu:.2f} s)", f"{one_wall:.2f}", "", ""])
    rows.append(["rebuild (events/s)", f"{rate:,.0f}", "", ""])
    rows.append(["rebuild ÷ best possible (wall)", f"{rate / best_rate:.3f}", f"≥ {RATE_TARGET}", verdict(rate / best_rate >= RATE_TARGET)])
    paired = side.paired
    rows.append([f"… each round's rebuild ÷ the floor timed beside it (median; range of {args.repeat})",
                 f"{statistics.median(paired):.3f}; {paired[0]:.3f}–{paired[-1]:.3f}", "", ""])
    rows.append([f"the work: CPU of every process ÷ CPU of read + write ({cpu:.2f} s ÷ {read_cpu + floor_cpu:.2f} s)",
                 f"{cpu / (read_cpu + floor_cpu):.2f} ×", "", ""])
    rows.append(["`kompass projections rebuild` with the reader loop beside it (s)", f"{with_readers:.2f}", "", ""])
    rows.append(["queries during that rebuild", f"{queries}", "≥ 1", verdict(queries >= 1)])
    rows.append(["… that said a rebuild was under way", f"{said}", "", ""])
    rows.append(["… that failed", f"{failed}", "0", verdict(failed == 0)])
    rows.append(["… stale without saying so", f"{stale}", "0", verdict(stale == 0)])
    if args.postgres:
        reason = pg_unavailable()
        rows += postgres_rebuilds(args.lines, args.repeat) if reason is None else [[f"PostgreSQL: not measured ({reason})", "", "", ""]]
    print(f"Rebuild rate and readers during a rebuild, SQLite (bench/rebuild_bench.py --lines {args.lines})")
    print(table(rows))


if __name__ == "__main__":
    Path(OUT).mkdir(parents=True, exist_ok=True)
    main()
