"""Peak memory of `kompass import` (issue 7): a generated command log of 1,000,000 lines
imported into a fresh SQLite store — target peak RSS < 300 MB.

Imports stream: memory is bounded by the aggregates the file touches, not by its length. To show
that, the same import is also measured at a tenth of the size, next to the footprint of the program
itself (`kompass --help`) and of the bare interpreter with click. Peak RSS from /usr/bin/time -v
(or getrusage(RUSAGE_CHILDREN) where GNU time is missing).

    python bench/memory_bench.py                  # 1,000,000 and 100,000 lines (several minutes)
    python bench/memory_bench.py --lines 200000   # 200,000 and 20,000 lines
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from common import KOMPASS, OUT, command_log, progress, rate, remove, run, sqlite_url, table, temp_dir, verdict

TARGET_MB = 300
LINES = 1_000_000


def import_peak(lines: int) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, events) of importing the generated log of `lines` lines into a fresh store."""
    log = command_log(lines)
    directory = temp_dir(f"memory-{lines}-")
    try:
        url = sqlite_url(directory)
        run([KOMPASS, "--db", url, "init"])
        progress(f"importing {lines:,} lines …")
        run([KOMPASS, "--db", url, "init"])  # only init creates a store
        done = run([KOMPASS, "--db", url, "import", str(log)])
        events = int(done.stderr.split("(")[1].split()[0]) if "(" in done.stderr else 0
        progress(f"{lines:,} lines: {done.seconds:.0f} s, peak RSS {done.peak_rss_mb:.0f} MB")
        return done.seconds, done.peak_rss_mb, events
    finally:
        remove(directory)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=LINES, help=f"lines of the imported log (default {LINES:,})")
    parser.add_argument("--small", type=int, default=None, help="lines of the comparison import (default a tenth; 0 skips it)")
    args = parser.parse_args()
    small = args.lines // 10 if args.small is None else args.small

    python = run([sys.executable, "-c", "import click"])
    helped = run([KOMPASS, "--help"])
    measured = [(n, *import_peak(n)) for n in ([small] if small else []) + [args.lines]]

    rows = [["process", "lines", "events", "time (s)", "rate", "peak RSS (MB)", "target", "verdict"]]
    rows.append(['python -c "import click"', "", "", f"{python.seconds:.2f}", "", f"{python.peak_rss_mb:.0f}", "", ""])
    rows.append(["kompass --help", "", "", f"{helped.seconds:.2f}", "", f"{helped.peak_rss_mb:.0f}", "", ""])
    for lines, seconds, rss, events in measured:
        rows.append([
            "kompass import", f"{lines:,}", f"{events:,}", f"{seconds:.0f}", rate(lines, seconds) + " lines",
            f"{rss:.0f}", f"< {TARGET_MB}", verdict(rss < TARGET_MB),
        ])
    if len(measured) == 2:
        growth = measured[1][2] - measured[0][2]
        rows.append([f"growth from {measured[0][0]:,} to {measured[1][0]:,} lines", "", "", "", "", f"{growth:+.0f}", "", ""])
    print(f"Peak memory of an import, SQLite (bench/memory_bench.py --lines {args.lines} --small {small})")
    print(table(rows))


if __name__ == "__main__":
    Path(OUT).mkdir(parents=True, exist_ok=True)
    main()
