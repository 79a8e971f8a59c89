"""CLI start-up (issue 7): `kompass --help` and a present-time `kompass gaps --format json` on a
large store, against `python -c "import click"` — target ≤ 4 ×, medians of several runs taken in turns.
`kompass coverage --format json` reads the same tables and is held to the same target.

Also lists the modules `gaps` imports (python -X importtime): networkx, matplotlib and sqlalchemy.orm
must not be among them.

By default builds (once, kept in bench/out/startup-store-N/) a SQLite store from a bench/generate.py log
of N = 1,000,000 lines with its projections brought up to date; `--store URL` uses a prebuilt store
instead (e.g. the coverage bench's).

    python bench/startup_bench.py                      # 1,000,000-line store, 7 runs each
    python bench/startup_bench.py --lines 200000       # a smaller store, built faster
    python bench/startup_bench.py --store sqlite:///bench/out/store-1000000/kompass.db
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import KOMPASS, OUT, imported_store, kept_store, progress, run, table, verdict

TARGET = 4.0
LINES = 1_000_000
"""The issue's size: a present-time query on a store of about 1,000,000 events."""
RUNS = 7
FORBIDDEN = ("networkx", "matplotlib", "sqlalchemy.orm")
WATCHED = (*FORBIDDEN, "numpy", "scipy", "pandas", "psycopg", "psycopg_pool", "sqlalchemy", "eventsourcing", "platformdirs")


def build(lines: int, fresh: bool) -> str:
    """The store of the generated log of `lines` lines, projections current; reused unless `fresh`."""
    ready = kept_store(lines, "startup-store") / "ready"
    url, imported, _rss = imported_store(lines, fresh or not ready.exists(), "startup-store")
    if not ready.exists():  # a new import, or one whose projections were not brought up to date
        progress("bringing the projections up to date …")
        projected = run([KOMPASS, "--db", url, "projections", "run"])
        progress(f"projected in {projected.seconds:.0f} s")
        ready.write_text(f"{imported:.1f} {projected.seconds:.1f}\n")
    return url


def wall(args: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 6):
        raise SystemExit(f"failed ({done.returncode}): {' '.join(args)}\n{done.stderr.decode(errors='replace').strip()}")
    return seconds


def imported_modules(args: list[str]) -> dict[str, float]:
    """Module name → cumulative import time in ms, from python -X importtime."""
    done = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True, text=True, check=False)
    modules: dict[str, float] = {}
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if match:
            modules[match.group(4)] = int(match.group(2)) / 1000
    return modules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=LINES, help=f"lines of the generated store (default {LINES:,})")
    parser.add_argument("--store", metavar="URL", help="a prebuilt store to query instead (its first user must be admin)")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"runs of each command (default {RUNS}); the median counts")
    parser.add_argument("--fresh", action="store_true", help="rebuild the store kept in bench/out/ by an earlier run")
    args = parser.parse_args()

    url = args.store or build(args.lines, args.fresh)
    events = run([KOMPASS, "--db", url, "projections", "status", "--format", "json"]).stdout
    head = max(int(h) for h in re.findall(r'"head": (\d+)', events))
    behind = max(int(b) for b in re.findall(r'"behind": (\d+)', events))

    commands = {
        'python -c "import click"': [sys.executable, "-c", "import click"],
        "kompass --help": [KOMPASS, "--help"],
        "kompass gaps --format json": [KOMPASS, "--db", url, "gaps", "--format", "json"],
        "kompass coverage --format json": [KOMPASS, "--db", url, "coverage", "--format", "json"],
    }
    for command in commands.values():  # warm the page cache and catch up the projections once
        wall(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            times[name].append(wall(command))
    medians = {name: statistics.median(values) for name, values in times.items()}
    baseline = medians['python -c "import click"']

    rows = [["command", "median (s)", "min (s)", "× import click", "target", "verdict"]]
    for name, median in medians.items():
        ratio = median / baseline
        is_baseline = name.startswith("python")
        rows.append(
            [
                name,
                f"{median:.3f}",
                f"{min(times[name]):.3f}",
                f"{ratio:.2f}",
                "" if is_baseline else f"≤ {TARGET:g}",
                "" if is_baseline else verdict(ratio <= TARGET),
            ]
        )
    source = f"--store {args.store}" if args.store else f"--lines {args.lines}"
    print(
        f"CLI start-up, {args.runs} runs each in turns, store of {head:,} events, projections behind {behind} "
        f"(bench/startup_bench.py {source})"
    )
    print(table(rows))

    modules = imported_modules([KOMPASS, "--db", url, "gaps", "--format", "json"])
    print()
    print(f"`kompass gaps` imports {len(modules)} modules; heavy ones:")
    rows = [["module", "imported", "cumulative (ms)", "verdict"]]
    for name in WATCHED:
        present = name in modules
        rows.append(
            [
                name,
                "yes" if present else "no",
                f"{modules[name]:.0f}" if present else "",
                ("NOT MET (must not be imported)" if present else "met") if name in FORBIDDEN else "",
            ]
        )
    print(table(rows))
    top = sorted(((ms, name) for name, ms in modules.items() if "." not in name), reverse=True)[:8]
    print("slowest top-level imports: " + ", ".join(f"{name} {ms:.0f} ms" for ms, name in top))


if __name__ == "__main__":
    Path(OUT).mkdir(parents=True, exist_ok=True)
    main()
