"""Query latency against store size, and replay speed (the performance targets), on SQLite.

Builds a store of about 10,000 events and one of about --big events (default 1,000,000) from
bench/generate.py logs with `kompass import`, then on each, side by side:
  - the notification log read raw (recorder.select_notifications in batches of 1,000) and
    decoded as facts (NotificationFacts.facts()), next to Projector.rebuild() (events/s);
  - `kompass gaps --format json`, in-process (click's CliRunner) and as a CLI subprocess,
    best of 5 after a warm-up call, the two stores taking turns.
Targets: gaps at the big store ≤ 2 × gaps at the small one; rebuild ≥ 1/3 of the raw read rate.
Next to the rebuild it prints a floor: SQLite merely writing the rows the rebuilt read models hold
into empty tables, so that the best ratio any rebuild could reach is shown beside the one measured.

    python bench/coverage_bench.py --big 200000
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from common import KOMPASS, OUT, best_of_interleaved, imported_store, progress, remove, run, table, temp_dir, verdict

SMALL = 10_000
REPEAT = 5
GAP_TARGET = 2.0
REBUILD_TARGET = 1 / 3
READ_BATCH = 1000


@dataclass
class Figures:
    url: str
    events: int
    import_seconds: float
    import_rss_mb: float
    raw_read: float
    facts_read: float
    rebuild: float
    rows: int
    write_floor: float
    """Seconds SQLite alone takes to write the rebuilt read-model rows into empty tables."""

    @property
    def best_possible(self) -> float:
        """The rebuild ÷ raw read ratio of a rebuild that only read the log and wrote its rows."""
        read_seconds = self.events / self.raw_read
        return read_seconds / (read_seconds + self.write_floor)


def timed(call: Callable[[], int]) -> tuple[int, float]:
    started = time.perf_counter()
    count = call()
    return count, time.perf_counter() - started


def measure(lines: int, fresh: bool) -> Figures:
    """Build (or reuse) the store, then read its log raw and as facts, and rebuild its projections."""
    from kompass.infrastructure.bootstrap import Store

    url, import_seconds, import_rss = imported_store(lines, fresh)
    store = Store(url, "admin")
    try:
        recorder = store.app.recorder

        def read_raw() -> int:
            count, position = 0, 0
            while True:
                batch = recorder.select_notifications(start=position, limit=READ_BATCH, inclusive_of_start=False)
                count += len(batch)
                if len(batch) < READ_BATCH:
                    return count
                position = batch[-1].id

        def rebuild() -> int:
            started, shown = time.perf_counter(), [0]

            def report(done: int, head: int) -> None:
                if done - shown[0] >= max(head // 10, 1000) or done == head:
                    shown[0] = done
                    progress(f"rebuild {done:,}/{head:,} ({done / (time.perf_counter() - started):,.0f} events/s)")

            return store.projector.rebuild(report)

        progress(f"{lines:,}: reading the log raw, as facts, then rebuilding the projections …")
        events, raw_seconds = timed(read_raw)
        facts, facts_seconds = timed(lambda: sum(1 for _ in store.facts.facts()))
        rebuilt, rebuild_seconds = timed(rebuild)
    finally:
        store.close()
    rows, floor_seconds = write_floor(Path(url.removeprefix("sqlite:///")))
    return Figures(
        url, events, import_seconds, import_rss, events / raw_seconds, facts / facts_seconds, rebuilt / rebuild_seconds, rows, floor_seconds
    )


def write_floor(store: Path) -> tuple[int, float]:
    rows, seconds, _cpu = write_floor_times(store)
    return rows, seconds


def write_floor_times(store: Path) -> tuple[int, float, float]:
    """Copy every read-model row of the rebuilt store into empty tables of the same schema, in one
    transaction from prepared tuples with the store's durability settings (WAL, synchronous FULL):
    no rebuild can take less than reading the log plus this. Returns the rows, the seconds and the CPU seconds."""
    source = sqlite3.connect(store)
    try:
        names = [r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm\\_%' ESCAPE '\\'")]
        in_tables = "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name IN (SELECT value FROM json_each(?))"
        schema = [r[0] for r in source.execute(in_tables, (json.dumps(names),))]
        rows = {name: source.execute(f"SELECT * FROM {name}").fetchall() for name in names if name != "rm_tracking"}
    finally:
        source.close()
    directory = temp_dir("floor-")
    target = sqlite3.connect(directory / "floor.db", isolation_level=None)
    try:
        target.execute("PRAGMA journal_mode=WAL")
        target.execute("PRAGMA synchronous=FULL")
        for statement in schema:
            target.execute(statement)
        started, cpu = time.perf_counter(), time.process_time()
        target.execute("BEGIN")
        for name, table_rows in rows.items():
            if table_rows:
                target.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(table_rows[0]))})", table_rows)
        target.execute("COMMIT")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        target.close()
        remove(directory)
    return sum(len(r) for r in rows.values()), seconds, cpu


def gap_timings(urls: list[str]) -> tuple[list[float], list[float]]:
    """`kompass gaps --format json` on each store: in-process (CliRunner), then as a CLI subprocess."""
    from click.testing import CliRunner

    from kompass.cli.main import cli

    runner = CliRunner()

    def in_process(url: str) -> Callable[[], None]:
        def call() -> None:
            result = runner.invoke(cli, ["--db", url, "gaps", "--format", "json"], catch_exceptions=False)
            if result.exit_code != 0:
                raise SystemExit(f"kompass gaps failed ({result.exit_code}): {result.output}")

        return call

    def as_cli(url: str) -> Callable[[], None]:
        def call() -> None:
            run([KOMPASS, "--db", url, "gaps", "--format", "json"])

        return call

    progress(f"timing kompass gaps on each store, in-process then as a CLI subprocess, best of {REPEAT}")
    return best_of_interleaved([in_process(u) for u in urls], REPEAT), best_of_interleaved([as_cli(u) for u in urls], REPEAT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=int, default=1_000_000, help="lines of the big store (default 1,000,000)")
    parser.add_argument("--small", type=int, default=SMALL, help=f"lines of the small store (default {SMALL:,})")
    parser.add_argument("--fresh", action="store_true", help="rebuild the stores kept in bench/out/ by an earlier run")
    args = parser.parse_args()
    small = measure(args.small, args.fresh)
    big = measure(args.big, args.fresh)
    gaps_in_process, gaps_cli = gap_timings([small.url, big.url])

    rows = [["figure", f"{small.events:,} events", f"{big.events:,} events", "ratio", "target", "verdict"]]
    rows.append(["import (s, CLI, one transaction)", f"{small.import_seconds:.1f}", f"{big.import_seconds:.1f}", "", "", ""])
    rows.append(["import peak RSS (MB)", f"{small.import_rss_mb:.0f}", f"{big.import_rss_mb:.0f}", "", "", ""])
    for name, (a, b) in (("gaps in-process (s)", gaps_in_process), ("gaps CLI subprocess (s)", gaps_cli)):
        rows.append([name, f"{a:.3f}", f"{b:.3f}", f"{b / a:.2f}", f"≤ {GAP_TARGET:g}", verdict(b / a <= GAP_TARGET)])
    rows.append(["log read raw (events/s)", f"{small.raw_read:,.0f}", f"{big.raw_read:,.0f}", "", "", ""])
    rows.append(["log read as facts (events/s)", f"{small.facts_read:,.0f}", f"{big.facts_read:,.0f}", "", "", ""])
    rows.append(["rebuild (events/s)", f"{small.rebuild:,.0f}", f"{big.rebuild:,.0f}", "", "", ""])
    rows.append(["read-model rows a rebuild writes", f"{small.rows:,}", f"{big.rows:,}", "", "", ""])
    rows.append(["writing those rows alone (s)", f"{small.write_floor:.2f}", f"{big.write_floor:.2f}", "", "", ""])
    for label, figures in (("small", small), ("big", big)):
        ratio = figures.rebuild / figures.raw_read
        rows.append([f"rebuild ÷ raw read ({label})", "", "", f"{ratio:.3f}", f"≥ {REBUILD_TARGET:.3f}", verdict(ratio >= REBUILD_TARGET)])
        rows.append([f"rebuild ÷ facts read ({label})", "", "", f"{figures.rebuild / figures.facts_read:.3f}", "", ""])
        rows.append([f"best possible rebuild ÷ raw read ({label})", "", "", f"{figures.best_possible:.3f}", "read + write rows only", ""])
    print(f"Coverage query latency and replay, SQLite (bench/coverage_bench.py --small {args.small} --big {args.big})")
    print(table(rows))


if __name__ == "__main__":
    Path(OUT).mkdir(parents=True, exist_ok=True)
    main()
