"""Questions about the past from the bitemporal rows, against the present-time question and the replay.

On SQLite stores of --small and --big generated lines (bench/generate.py, built once by `kompass
import` and kept in bench/out/ like coverage_bench.py's; every projection caught up first, outside
the timing), side by side in one run, each the best CPU time (time.process_time) of --repeat
in-process calls taking turns (a loaded machine slows all alike):
  - `kompass gaps` (present time; the lean SQLite read) and `kompass coverage`;
  - `kompass gaps --as-of 2021-06-30` and `kompass coverage --known-at <the middle of the log>`,
    answered from the coverage series the bitemporal projection keeps (one row per cell, whatever
    the log's length; kompass.application.coverage_series);
  - the same two by replaying the log (`queries.coverage_report` without the rows), the reference.
Targets (issue 17): past ÷ present ≤ 3 on the big store; past big ÷ past small ≤ 1.5.
The stores are kept in common.OUT (KOMPASS_BENCH_OUT), where import_bench.py --keep also leaves its store.

    python bench/temporal_bench.py --small 20000 --big 100000
    KOMPASS_BENCH_OUT=/work/scale-data python bench/temporal_bench.py --small 100000 --big 1000000 --no-replay
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from common import OUT, best_of_interleaved, imported_store, progress, table, verdict

AS_OF = "2021-06-30"
PRESENT_TARGET = 3.0
GROWTH_TARGET = 1.5


def middle_of_log(url: str) -> str:
    from kompass.infrastructure.bootstrap import Store

    store = Store(url, "admin")
    try:
        store.projector.catch_up()
        head = store.facts.head()
        fact = next(store.facts.facts(after=head // 2, batch=1))
        return fact.recorded_at.astimezone(UTC).isoformat()
    finally:
        store.close()


def calls(url: str, known_at: str, replayed: bool) -> dict[str, Callable[[], None]]:
    from click.testing import CliRunner

    from kompass.application.queries import coverage_report
    from kompass.cli.main import cli
    from kompass.infrastructure.bootstrap import Store

    runner = CliRunner()

    def cli_call(*args: str) -> Callable[[], None]:
        def call() -> None:
            result = runner.invoke(cli, ["--db", url, *args, "--format", "json"], catch_exceptions=False)
            if result.exit_code != 0:
                raise SystemExit(f"kompass {' '.join(args)} failed ({result.exit_code}): {result.output}")

        return call

    def replay(as_of: date | None, moment: datetime | None) -> Callable[[], None]:
        def call() -> None:
            store = Store(url, "admin")
            try:
                coverage_report(store.read_model, store.facts, store.framework, date.today(), as_of, moment)
            finally:
                store.close()

        return call

    named = {
        "gaps (present)": cli_call("gaps"),
        "coverage (present)": cli_call("coverage"),
        f"gaps --as-of {AS_OF}": cli_call("gaps", "--as-of", AS_OF),
        "coverage --known-at (middle)": cli_call("coverage", "--known-at", known_at),
    }
    if replayed:
        named[f"replayed --as-of {AS_OF}"] = replay(date.fromisoformat(AS_OF), None)
        named["replayed --known-at (middle)"] = replay(None, datetime.fromisoformat(known_at))
    return named


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100_000, help="lines of the small store (default 100,000)")
    parser.add_argument("--big", type=int, default=1_000_000, help="lines of the big store (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="rebuild the stores kept in bench/out/ by an earlier run")
    parser.add_argument(
        "--no-replay",
        action="store_true",
        help="leave out the replayed reference (each call reads the whole log: minutes at 1,000,000 events)",
    )
    args = parser.parse_args()
    figures = []
    for lines in (args.small, args.big):
        url, _seconds, _rss = imported_store(lines, args.fresh)
        progress(f"{lines:,}: catching the projections up (the bitemporal rows of a store built before them) …")
        known_at = middle_of_log(url)
        named = calls(url, known_at, not args.no_replay)
        progress(f"{lines:,}: timing {len(named)} questions, best CPU of {args.repeat}")
        figures.append(dict(zip(named, best_of_interleaved(list(named.values()), args.repeat, time.process_time), strict=True)))
    small, big = figures
    rows = [[f"question (CPU s, best of {args.repeat})", f"{args.small:,} lines", f"{args.big:,} lines", "big ÷ small"]]
    for name in small:
        rows.append([name, f"{small[name]:.3f}", f"{big[name]:.3f}", f"{big[name] / small[name]:.2f}"])
    print(
        f"Past questions from the bitemporal rows, SQLite (bench/temporal_bench.py --small {args.small} --big {args.big}"
        f" --repeat {args.repeat}{' --no-replay' if args.no_replay else ''})"
    )
    print(table(rows))
    checks = [["check", "ratio", "target", "verdict"]]
    for past, present in ((f"gaps --as-of {AS_OF}", "gaps (present)"), ("coverage --known-at (middle)", "coverage (present)")):
        ratio = big[past] / big[present]
        checks.append([f"{past} ÷ {present}, big store", f"{ratio:.2f}", f"≤ {PRESENT_TARGET:g}", verdict(ratio <= PRESENT_TARGET)])
        growth = big[past] / small[past]
        checks.append([f"{past}: big ÷ small store", f"{growth:.2f}", f"≤ {GROWTH_TARGET:g}", verdict(growth <= GROWTH_TARGET)])
    pairs = ((f"gaps --as-of {AS_OF}", f"replayed --as-of {AS_OF}"), ("coverage --known-at (middle)", "replayed --known-at (middle)"))
    for past, replayed in pairs if not args.no_replay else ():
        checks.append([f"replay ÷ rows ({past}), big store", f"{big[replayed] / big[past]:.1f}", "", ""])
    print(table(checks))


if __name__ == "__main__":
    Path(OUT).mkdir(parents=True, exist_ok=True)
    main()
