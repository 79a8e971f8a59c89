"""Reports of past years from the bitemporal rows, against this year's report and against the replay.

On SQLite stores of --small and --big generated lines (bench/generate.py: effective dates 2019 to
2025, built once by `kompass init` and `kompass import` as the login running the bench, and kept in bench/out/; every
projection caught up first, outside the timing), side by side in one run, each the best CPU time
(time.process_time) of --repeat in-process calls taking turns (a loaded machine slows all alike):
  - the annual report of region 14 for the log's last year (2025, "present") and for 2020
    ("past"), and the same 2020 report known at the middle of the log (`--known-at`), all read
    from the bitemporal rows (`reports.year.indexed_year`: two past states, the regions'
    assessments and only the year's own facts);
  - the same 2020 report replayed from the whole log (`replay_year`), the reference;
  - the national report for 2020 from the rows and replayed (five years: the trend's four and its own).
Each call makes the report's figures and its document (ReportService.make), JSON rendering
included, as `kompass report … --format json` does after opening the store.
Target (issue 17's for past questions): past ÷ present ≤ 3 on the big store. The generated log spreads
its lines over 2019 to 2025, so each year's own portfolio grows with the log (five times from 20,000 to
100,000 lines) and so does every report of it, this year's too: the growth of a past year's report is
shown beside this year's, not held to issue 17's 1.5 (which is for questions whose answer does not grow).

    python bench/report_bench.py --small 20000 --big 100000
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from common import OUT, best_of_interleaved, imported_store, progress, table, verdict

PRESENT, PAST = 2025, 2020
PRESENT_TARGET = 3.0


def calls(url: str) -> tuple[dict[str, Callable[[], None]], Callable[[], None]]:
    """The questions, by name, on one opened store (and how to close it)."""
    from kompass.application.reports.service import ReportRequest, ReportService
    from kompass.infrastructure.bootstrap import Store
    from kompass.infrastructure.report_formats import render

    store = Store(url)
    store.projector.catch_up()
    head = store.facts.head()
    middle = next(store.facts.facts(after=head // 2, batch=1)).recorded_at.astimezone(UTC)
    rows = store.reports()
    replay = ReportService(rows.facts, rows.stamp, rows.frameworks, rows.languages)
    """The same service without the rows: it replays the log."""

    def make(service: ReportService, kind: str, year: int, known_at: datetime | None = None) -> Callable[[], None]:
        region = "14" if kind == "annual" else None

        def call() -> None:
            render(service.make(ReportRequest(kind, year, region=region, known_at=known_at)), "json")

        return call

    named = {
        f"annual {PRESENT} (present), rows": make(rows, "annual", PRESENT),
        f"annual {PAST} (past), rows": make(rows, "annual", PAST),
        f"annual {PAST} --known-at (middle), rows": make(rows, "annual", PAST, middle),
        f"annual {PAST}, replayed": make(replay, "annual", PAST),
        f"national {PAST}, rows": make(rows, "national", PAST),
        f"national {PAST}, replayed": make(replay, "national", PAST),
    }
    return named, store.close


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=20_000, help="lines of the small store (default 20,000)")
    parser.add_argument("--big", type=int, default=100_000, help="lines of the big store (default 100,000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="rebuild the stores kept in bench/out/ by an earlier run")
    args = parser.parse_args()
    figures = []
    for lines in (args.small, args.big):
        url, _seconds, _rss = imported_store(lines, args.fresh, "report-store")
        progress(f"{lines:,}: catching the projections up (outside the timing) …")
        named, close = calls(url)
        try:
            progress(f"{lines:,}: timing {len(named)} reports, best CPU of {args.repeat}")
            figures.append(dict(zip(named, best_of_interleaved(list(named.values()), args.repeat, time.process_time), strict=True)))
        finally:
            close()
    small, big = figures
    rows = [[f"report (CPU s, best of {args.repeat})", f"{args.small:,} lines", f"{args.big:,} lines", "big ÷ small"]]
    for name in small:
        rows.append([name, f"{small[name]:.3f}", f"{big[name]:.3f}", f"{big[name] / small[name]:.2f}"])
    print(f"Reports of past years from the bitemporal rows, SQLite (bench/report_bench.py --small {args.small} --big {args.big})")
    print(table(rows))
    present = f"annual {PRESENT} (present), rows"
    checks = [["check", "ratio", "target", "verdict"]]
    for past in (f"annual {PAST} (past), rows", f"annual {PAST} --known-at (middle), rows"):
        ratio = big[past] / big[present]
        checks.append([f"{past} ÷ present, big store", f"{ratio:.2f}", f"≤ {PRESENT_TARGET:g}", verdict(ratio <= PRESENT_TARGET)])
        checks.append([f"{past}: big ÷ small store", f"{big[past] / small[past]:.2f}", "", ""])
    checks.append([f"{present}: big ÷ small store", f"{big[present] / small[present]:.2f}", "", ""])
    for kind in ("annual", "national"):
        replayed, read = f"{kind} {PAST}, replayed", f"{kind} {PAST}" + (" (past)" if kind == "annual" else "") + ", rows"
        checks.append([f"replay ÷ rows ({kind} {PAST}), big store", f"{big[replayed] / big[read]:.1f}", "", ""])
    print(table(checks))


if __name__ == "__main__":
    Path(OUT).mkdir(parents=True, exist_ok=True)
    main()
