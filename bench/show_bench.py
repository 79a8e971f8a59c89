"""Long histories (issue 7): `initiative show` and a write (`initiative result`) on an initiative with
10,000 events against one with 100 — target ≤ 2 ×.

kompass snapshots an initiative every 100 events (also after an import), so loading one costs its
latest snapshot plus fewer than 100 events however long its history. Both initiatives get the same
kinds of events (alternating tag/untag, so their state and output stay the same size) in one import;
then, side by side and in turns, medians of several runs:
  - the CLI as a user runs it (`kompass initiative show REF --format json`, `kompass initiative result REF …`);
  - in-process, what the CLI does beneath its start-up: loading the aggregate, and a whole
    `Kompass.execute` of a RecordResult (load, check, save).

    python bench/show_bench.py                         # 10,000 vs 100 events, 9 runs each
    python bench/show_bench.py --big 100000 --runs 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from common import KOMPASS, OUT, progress, remove, run, sqlite_url, table, temp_dir, verdict

TARGET = 2.0
BIG, SMALL, RUNS = 10_000, 100, 9
BIG_REF, SMALL_REF = "14-long-history", "12-short-history"


def build(directory: Path, big: int, small: int) -> str:
    url = sqlite_url(directory)
    log = directory / "history.jsonl"
    with log.open("w", encoding="utf-8") as out:
        for ref, events in ((BIG_REF, big), (SMALL_REF, small)):
            out.write(json.dumps({"op": "initiative.propose", "ref": ref, "region": ref[:2], "title": f"Insats {ref}",
                                  "areas": ["competence"], "type": "project"}) + "\n")
            for n in range(events - 1):
                op = "initiative.tag" if n % 2 == 0 else "initiative.untag"
                out.write(json.dumps({"op": op, "ref": ref, "area": "security"}) + "\n")
    progress(f"importing {big:,} + {small:,} events …")
    run([KOMPASS, "--db", url, "init"])  # only init creates a store
    run([KOMPASS, "--db", url, "import", str(log)])
    run([KOMPASS, "--db", url, "projections", "run"])
    return url


def wall(args: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(args)}\n{done.stderr.decode(errors='replace').strip()}")
    return seconds


def in_turns(calls: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    for call in calls.values():
        call()  # warm-up
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(runs):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


def snapshot_versions(url: str) -> dict[str, tuple[int, int]]:
    """ref → (latest snapshot version, current version)."""
    import sqlite3

    from kompass.domain.recording import initiative_id

    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        found = {}
        for ref in (BIG_REF, SMALL_REF):
            key = initiative_id(ref).hex
            snap = conn.execute("SELECT max(originator_version) FROM stored_snapshots WHERE originator_id = ?", (key,)).fetchone()[0]
            head = conn.execute("SELECT max(originator_version) FROM stored_events WHERE originator_id = ?", (key,)).fetchone()[0]
            found[ref] = (int(snap or 0), int(head))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=int, default=BIG, help=f"events of the long history (default {BIG:,})")
    parser.add_argument("--small", type=int, default=SMALL, help=f"events of the short one (default {SMALL})")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"runs of each measurement (default {RUNS}); the median counts")
    args = parser.parse_args()

    directory = temp_dir("show-")
    try:
        url = build(directory, args.big, args.small)
        before = snapshot_versions(url)
        cli = {"kompass": KOMPASS, "db": url}

        def show(ref: str) -> Callable[[], object]:
            return lambda: wall([cli["kompass"], "--db", cli["db"], "initiative", "show", ref, "--format", "json"])

        def write(ref: str) -> Callable[[], object]:
            return lambda: wall([cli["kompass"], "--db", cli["db"], "initiative", "result", ref,
                                 "--type", "direct", "--text", "mätt"])

        shows = in_turns({"big": show(BIG_REF), "small": show(SMALL_REF)}, args.runs)
        writes = in_turns({"big": write(BIG_REF), "small": write(SMALL_REF)}, args.runs)

        from kompass.application.commands import RecordResult
        from kompass.domain.recording import initiative_id
        from kompass.infrastructure.bootstrap import Store

        store = Store(url, "admin")
        try:
            access = store.access()
            repeat = max(args.runs, 25)
            refs = (("big", BIG_REF), ("small", SMALL_REF))
            loads = in_turns({name: partial(store.app.repository.get, initiative_id(ref)) for name, ref in refs}, repeat)
            results = {name: RecordResult(ref=ref, type="direct", text="i processen") for name, ref in refs}
            executes = in_turns({name: partial(store.kompass.execute, result, access) for name, result in results.items()}, repeat)
        finally:
            store.close()
        after = snapshot_versions(url)
    finally:
        remove(directory)

    rows = [["measurement", f"{args.big:,} events (s)", f"{args.small:,} events (s)", "ratio", "target", "verdict"]]
    for name, figures, targeted in (
        ("kompass initiative show --format json", shows, True),
        ("kompass initiative result", writes, True),
        ("in-process: load the initiative", loads, False),
        ("in-process: Kompass.execute(RecordResult)", executes, False),
    ):
        ratio = figures["big"] / figures["small"]
        rows.append([name, f"{figures['big']:.4f}", f"{figures['small']:.4f}", f"{ratio:.2f}",
                     f"≤ {TARGET:g}" if targeted else "", verdict(ratio <= TARGET) if targeted else ""])
    print(f"Long histories, SQLite, medians of {args.runs} CLI runs and {max(args.runs, 25)} in-process runs, in turns "
          f"(bench/show_bench.py --big {args.big} --small {args.small})")
    print(table(rows))
    for ref in (BIG_REF, SMALL_REF):
        (s0, h0), (s1, h1) = before[ref], after[ref]
        print(f"{ref}: after the import, snapshot at version {s0} of {h0}; after the writes, snapshot at {s1} of {h1}")


if __name__ == "__main__":
    Path(OUT).mkdir(parents=True, exist_ok=True)
    main()
