"""Import throughput: `kompass import` against the raw library doing the same appends (the performance targets).

Side by side in one run, on SQLite and (when a server answers) PostgreSQL, each on a fresh store:
  - `kompass import FILE` as a subprocess (after `kompass init`), wall time and peak RSS;
  - bench/baseline_append.py: the same commands through kompass.domain and the library's
    own Application.save, at 100 aggregates per save and at 2,000 (large batches).
Target: kompass events/s ≥ 0.5 × the faster baseline's (wall time, as the target was set). Beside it the
same ratio by CPU time (kompass's user + system time from GNU time, the baseline's process time over
the same loop), which the neighbours of a shared machine disturb less.

With --keep, the SQLite store kompass imported is kept where coverage_bench.py, temporal_bench.py and
network_bench.py --store look for it (OUT/store-LINES, see common.OUT), so that one import of a
1,000,000-line log is both this measurement and the store the other benches ask their questions of.

    python bench/import_bench.py --lines 100000
    KOMPASS_BENCH_OUT=/work/scale-data python bench/import_bench.py --lines 1000000 --backend sqlite --per-save 100 --keep
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from common import (
    BENCH,
    KOMPASS,
    command_log,
    drop_pg_database,
    kept_store,
    mark_imported,
    new_pg_database,
    pg_unavailable,
    progress,
    remove,
    run,
    sqlite_url,
    table,
    temp_dir,
    verdict,
)

TARGET = 0.5
PER_SAVE = (100, 2000)


@contextmanager
def fresh_store(backend: str) -> Iterator[Callable[[], str]]:
    """A factory of empty stores of the backend, all removed afterwards."""
    directory = temp_dir("import-")
    databases: list[str] = []

    def make() -> str:
        url = sqlite_url(directory, f"store-{len(databases)}.db") if backend == "sqlite" else new_pg_database()
        databases.append(url)
        return url

    try:
        yield make
    finally:
        remove(directory)
        for url in databases:
            if url.startswith("postgresql"):
                drop_pg_database(url)


def new_kept_store(lines: int) -> str:
    """An empty place for the imported store where the other benches reuse it (common.imported_store)."""
    directory = kept_store(lines)
    remove(directory)
    directory.mkdir(parents=True)
    return sqlite_url(directory)


def measure(backend: str, lines: int, log: Path, per_saves: list[int], keep: bool) -> list[list[str]]:
    rows: list[list[str]] = []
    with fresh_store(backend) as make:
        url = new_kept_store(lines) if keep else make()
        started = run([KOMPASS, "--db", url, "init"])
        rows.append(
            [
                backend,
                "kompass init (start-up, for scale)",
                "",
                f"{started.seconds:.2f}",
                f"{started.cpu_seconds:.2f}",
                "",
                f"{started.peak_rss_mb:.0f}",
                "",
                "",
                "",
                "",
            ]
        )
        progress(f"{backend}: kompass import of {lines:,} lines")
        run([KOMPASS, "--db", url, "init"])  # only init creates a store
        imported = run([KOMPASS, "--db", url, "import", str(log)])
        match = re.search(r"imported (\d+) commands \((\d+) events\)", imported.stderr)
        if not match:
            raise SystemExit(f"unexpected output of kompass import: {imported.stderr.strip()}")
        events = int(match.group(2))
        if keep:
            mark_imported(kept_store(lines), imported.seconds, imported.peak_rss_mb)
        kompass_rate = events / imported.seconds
        rows.append(
            [
                backend,
                "kompass import (one transaction)",
                f"{events:,}",
                f"{imported.seconds:.2f}",
                f"{imported.cpu_seconds:.2f}",
                f"{kompass_rate:,.0f}",
                f"{imported.peak_rss_mb:.0f}",
                "",
                "",
                "",
                "",
            ]
        )
        baselines: list[tuple[float, float]] = []
        for per_save in per_saves:
            progress(f"{backend}: library baseline, {per_save} aggregates per save")
            done = run(
                [sys.executable, str(BENCH / "baseline_append.py"), "--lines", str(lines), "--db", make(), "--per-save", str(per_save)]
            )
            result = json.loads(done.stdout)
            base_rate = result["events"] / result["seconds"]
            base_cpu = events / imported.cpu_seconds / (result["events"] / result["cpu_seconds"])
            baselines.append((base_rate, base_cpu))
            rows.append(
                [
                    backend,
                    f"library Application.save, {per_save}/save",
                    f"{result['events']:,}",
                    f"{result['seconds']:.2f}",
                    f"{result['cpu_seconds']:.2f}",
                    f"{base_rate:,.0f}",
                    f"{done.peak_rss_mb:.0f}",
                    f"{kompass_rate / base_rate:.2f}",
                    f"{base_cpu:.2f}",
                    "",
                    "",
                ]
            )
        best, by_cpu = max(baselines)[0], min(cpu for _, cpu in baselines)
        rows.append(
            [
                backend,
                "→ kompass ÷ faster baseline",
                "",
                "",
                "",
                "",
                "",
                f"{kompass_rate / best:.2f}",
                f"{by_cpu:.2f}",
                f"≥ {TARGET}",
                verdict(kompass_rate / best >= TARGET),
            ]
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000, help="command lines to import (default 100,000)")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--per-save", type=int, nargs="+", default=list(PER_SAVE), help="aggregates per library save, one baseline each (default 100 2000)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the SQLite store kompass imported (OUT/store-LINES)")
    args = parser.parse_args()
    if args.keep and args.backend != "sqlite":
        parser.error("--keep keeps a SQLite store: give --backend sqlite")
    log = command_log(args.lines)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    rows = [["store", "what", "events", "seconds", "cpu s", "events/s", "peak RSS MB", "ratio", "ratio by cpu", "target", "verdict"]]
    skipped = []
    for backend in backends:
        why = pg_unavailable() if backend == "postgres" else None
        if why:
            skipped.append(f"postgres skipped: {why}")
            continue
        rows += measure(backend, args.lines, log, args.per_save, args.keep)
    print(
        f"Import throughput, {args.lines:,} command lines (bench/import_bench.py --lines {args.lines}"
        f" --per-save {' '.join(map(str, args.per_save))})"
    )
    print(table(rows))
    for line in skipped:
        print(line)


if __name__ == "__main__":
    main()
