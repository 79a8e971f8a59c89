"""The cost of the verifiable log: checkpoints per write, proofs, and `verify --against` (issue 14).

Three measurements, side by side in one run, on SQLite (the import also on PostgreSQL with --postgres):
  1. an import of N lines (default 100,000) with the Merkle tree and signed checkpoint, and the
     same import with the tree switched off (its two hooks replaced by no-ops, in a separate
     process); target: throughput drops by at most 10 %. Shown four ways, because the machine
     is shared: wall time, the import process's CPU time, and, within the same import, the time spent
     inside the tree's hooks against the whole import, by the clock and by CPU time. The hooks run in the
     importing thread between its statements, so an import without them would take exactly that much less
     time: hooks' time / import's time is the throughput drop they cause, measured within one process (other
     processes' load stretches both alike). By the clock it is the judged figure: on PostgreSQL the
     server's work is part of an import's time but not of the process's CPU time;
  2. `prove` and `verify-proof` on a log of 1,000,000 leaves: the tree tables are filled from
     generated leaves (1,000,000 synthetic export lines hashed and stored as the write path would
     store them, and a checkpoint signed with the store's key), because generating a
     1,000,000-event store takes too long for a bench; times are in-process (median of 25 random
     leaves), plus the wall time of the `kompass verify-proof` command itself (with start-up);
     target: under 0.1 s each;
  3. on the imported store: `kompass verify --against` a kept checkpoint against a full `kompass verify`.

    python bench/checkpoint_bench.py [--lines 100000] [--rounds 4] [--leaves 1000000] [--postgres] [--imports-only]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from common import (
    KOMPASS,
    command_log,
    drop_pg_database,
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

TARGET_DROP = 0.10
TARGET_PROOF_SECONDS = 0.1
IMPORT_BATCH = 2_000
"""Events per appended batch in the generated big tree, about what an import appends at a time."""


def one_import(url: str, log: Path, tree: bool) -> None:
    """Child process: open a new store and import the log; print events, wall and CPU seconds as JSON, and
    with the tree the CPU seconds spent inside its two hooks (extending the tree, signing the checkpoint)."""
    from kompass.infrastructure import tlog_write

    hook, hook_wall = [0.0], [0.0]
    if tree:
        extend, finish = tlog_write.LogExtension.extend, tlog_write.LogExtension.finish

        def timed_extend(self: tlog_write.LogExtension, events: Any, recorded_by: Any) -> None:
            started, wall = time.process_time(), time.perf_counter()
            extend(self, events, recorded_by)
            hook[0] += time.process_time() - started
            hook_wall[0] += time.perf_counter() - wall

        def timed_finish(self: tlog_write.LogExtension) -> None:
            started, wall = time.process_time(), time.perf_counter()
            finish(self)
            hook[0] += time.process_time() - started
            hook_wall[0] += time.perf_counter() - wall

        tlog_write.LogExtension.extend = timed_extend  # type: ignore[method-assign]
        tlog_write.LogExtension.finish = timed_finish  # type: ignore[method-assign]
    else:
        tlog_write.LogExtension.extend = lambda self, events, recorded_by: None  # type: ignore[method-assign]
        tlog_write.LogExtension.finish = lambda self: None  # type: ignore[method-assign]
    from kompass.infrastructure.bootstrap import Store
    from kompass.infrastructure.command_log import read_command_log

    store = Store(url, create=True)  # whoever runs the bench is the new store's first admin
    started, cpu = time.perf_counter(), time.process_time()
    summary = store.kompass.import_commands(((c.line, c.command, c.recorded_at) for c in read_command_log(log)), store.access())
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    store.close()
    print(json.dumps({"events": summary.events, "seconds": seconds, "cpu": cpu, "hook": hook[0], "hook_wall": hook_wall[0]}))


def drop(without: float, with_: float) -> float:
    """The throughput drop when an import of the same events takes `with_` instead of `without` seconds."""
    return 1 - without / with_


def imports(lines: int, rounds: int, directory: Path, backend: str, databases: list[str]) -> tuple[list[list[str]], str]:
    """`rounds` imports each way, alternating which goes first, so that both meet the same load on a shared
    machine. Four figures: wall time (best and median of each way), the import process's CPU time (other
    processes' load does not enter it, but on PostgreSQL the server's work does not either), and the time inside
    the tree's hooks against the rest of the same import, by CPU time and by the clock (the hooks' share, measured
    within one process; by the clock it includes the node rows' round trips to a server)."""
    log = command_log(lines)
    runs: dict[bool, list[dict[str, float]]] = {False: [], True: []}
    kept_url = ""
    for attempt in range(rounds):
        for tree in (False, True) if attempt % 2 == 0 else (True, False):
            url = sqlite_url(directory, f"import-{tree}-{attempt}.db") if backend == "sqlite" else new_pg_database()
            databases.append(url)
            progress(f"{backend}: import of {lines:,} lines, tree {'on' if tree else 'off'} (round {attempt + 1})")
            done = run([sys.executable, __file__, "--one-import", url, str(log), *([] if tree else ["--no-tree"])])
            runs[tree].append(json.loads(done.stdout))
            if tree:
                kept_url = url
            elif backend == "postgres":
                drop_pg_database(url)
                databases.remove(url)
    events = int(runs[True][0]["events"])

    def figures(key: str) -> tuple[dict[bool, float], dict[bool, float]]:
        values = {tree: [r[key] for r in done] for tree, done in runs.items()}
        return ({tree: min(v) for tree, v in values.items()}, {tree: statistics.median(v) for tree, v in values.items()})

    best, middle = figures("seconds")
    cpu_best, cpu_middle = figures("cpu")
    # The hooks' CPU against the rest of the import (what the tree adds to it), and the throughput drop that implies:
    # an import taking rest + hook instead of rest drops by hook / (rest + hook), as `drop` defines it.
    shares = sorted(r["hook"] / (r["cpu"] - r["hook"]) for r in runs[True])
    implied = sorted(r["hook"] / r["cpu"] for r in runs[True])
    by_clock = sorted(r["hook_wall"] / r["seconds"] for r in runs[True])
    wall_drop, cpu_drop, hook_share = drop(best[False], best[True]), drop(cpu_best[False], cpu_best[True]), statistics.median(shares)
    hook_drop, clock_drop = statistics.median(implied), statistics.median(by_clock)
    rows = [
        [f"{backend}: import without tree/checkpoints (best of {rounds}; median)", f"{events:,}",
         f"{best[False]:.2f} s; {middle[False]:.2f} s", f"{events / best[False]:,.0f} events/s", "", ""],
        [f"{backend}: import with tree + signed checkpoint (best of {rounds}; median)", f"{events:,}",
         f"{best[True]:.2f} s; {middle[True]:.2f} s", f"{events / best[True]:,.0f} events/s", "", ""],
        [f"{backend}: → throughput drop, wall (best; median)", "", "",
         f"{wall_drop:.1%}; {drop(middle[False], middle[True]):.1%}", f"≤ {TARGET_DROP:.0%}", verdict(wall_drop <= TARGET_DROP)],
        [f"{backend}: import process CPU without; with (best of {rounds})", "",
         f"{cpu_best[False]:.2f} s; {cpu_best[True]:.2f} s", "", "", ""],
        [f"{backend}: → throughput drop, process CPU (best; median)", "", "",
         f"{cpu_drop:.1%}; {drop(cpu_middle[False], cpu_middle[True]):.1%}", f"≤ {TARGET_DROP:.0%}", verdict(cpu_drop <= TARGET_DROP)],
        [f"{backend}: CPU in the tree's hooks / rest of the same import (median; range)", "", "",
         f"{hook_share:.1%}; {shares[0]:.1%}–{shares[-1]:.1%}", "", ""],
        [f"{backend}: hooks' CPU / the import process's CPU (median; range)", "", "",
         f"{hook_drop:.1%}; {implied[0]:.1%}–{implied[-1]:.1%}", "", ""],
        [f"{backend}: → throughput drop the hooks make, their time / the import's, by the clock (median; range)", "", "",
         f"{clock_drop:.1%}; {by_clock[0]:.1%}–{by_clock[-1]:.1%}", f"≤ {TARGET_DROP:.0%}", verdict(by_clock[-1] <= TARGET_DROP)],
    ]
    return rows, kept_url


def big_tree(leaves: int, directory: Path) -> tuple[Path, Path]:
    """A store whose tree holds `leaves` generated leaves and a signed checkpoint; returns (store file, proof file)."""
    from sqlalchemy import delete, insert, update

    from kompass.application.proofs import sign
    from kompass.domain.checkpoint import Checkpoint
    from kompass.domain.merkle import CompactRange
    from kompass.infrastructure import tables as t
    from kompass.infrastructure.bootstrap import Store
    from kompass.infrastructure.signing import key_path, load_key
    from kompass.infrastructure.tlog_write import node_rows, origin_of

    path = directory / "big-tree.db"
    store = Store(sqlite_url(directory, path.name), create=True)
    progress(f"building a tree of {leaves:,} generated leaves")
    tree = CompactRange()
    with store.engine.begin() as conn:
        conn.execute(delete(t.log_nodes))
        for start in range(0, leaves, IMPORT_BATCH):  # stored as an import's batches store them: runs cut into rows
            lines = [json.dumps({"op": "initiative.measure", "ref": f"14-bench-{i // 100}", "name": "n", "value": i, "by": "bench",
                                 "effective": "2024-01-01", "recorded_at": "2024-01-01T00:00:00+00:00"}).encode()
                     for i in range(start, min(start + IMPORT_BATCH, leaves))]
            rows = node_rows(tree.extend(lines))
            conn.execute(insert(t.log_nodes), [{"level": lv, "idx": ix, "hash": h} for lv, ix, h in rows])
        signer = load_key(key_path(store.log.store_id), origin_of(store.log.store_id))
        note = sign(Checkpoint(store.log.origin, tree.size, tree.root()).body(), [signer]).render()
        conn.execute(delete(t.checkpoints))
        conn.execute(insert(t.checkpoints).values(size=tree.size, position=tree.size, note=note))
        conn.execute(update(t.log_state).values(size=tree.size, position=tree.size, frontier=tree.pack()))
    store.close()
    return path, directory / "big-proof.json"


def proofs(leaves: int, directory: Path) -> list[list[str]]:
    from kompass.application.proofs import check_inclusion_document, inclusion_document
    from kompass.domain.checkpoint import VerifierKey
    from kompass.domain.merkle import inclusion_proof
    from kompass.infrastructure.bootstrap import Store

    path, proof_file = big_tree(leaves, directory)
    store = Store(sqlite_url(directory, path.name))
    latest = store.log.latest()
    assert latest is not None
    key = store.log.trusted_keys()[0]
    prove_times, check_times = [], []
    rng = random.Random(14)
    document: dict[str, object] = {}
    for _ in range(25):
        index = rng.randrange(leaves)
        started = time.perf_counter()
        path_hashes = inclusion_proof(index, leaves, store.log.node)
        document = inclusion_document("(generated leaf)", index, index + 1, path_hashes, store.log.latest().note, key)  # type: ignore[union-attr]
        prove_times.append(time.perf_counter() - started)
        document["leaf"] = json.dumps({"op": "initiative.measure", "ref": f"14-bench-{index // 100}", "name": "n", "value": index,
                                       "by": "bench", "effective": "2024-01-01", "recorded_at": "2024-01-01T00:00:00+00:00"})
        started = time.perf_counter()
        check_inclusion_document(document, [VerifierKey.parse(key.encode())])
        check_times.append(time.perf_counter() - started)
    store.close()
    proof_file.write_text(json.dumps(document), encoding="utf-8")
    cli = run([KOMPASS, "verify-proof", str(proof_file), "--key", key.encode()])
    prove_s, check_s = statistics.median(prove_times), statistics.median(check_times)
    return [
        [f"prove (tree of {leaves:,}: audit path from stored nodes + document)", "", f"{prove_s * 1000:.2f} ms", "",
         f"< {TARGET_PROOF_SECONDS} s", verdict(prove_s < TARGET_PROOF_SECONDS)],
        [f"verify-proof (tree of {leaves:,}: signature + path)", "", f"{check_s * 1000:.2f} ms", "",
         f"< {TARGET_PROOF_SECONDS} s", verdict(check_s < TARGET_PROOF_SECONDS)],
        ["`kompass verify-proof` command, wall time with start-up", "", f"{cli.seconds:.2f} s", "", "", ""],
    ]


def verifies(url: str, directory: Path) -> list[list[str]]:
    kept = directory / "kept.txt"
    run([KOMPASS, "--db", url, "checkpoint", "--output", str(kept)])
    progress("full verify of the imported store")
    full = run([KOMPASS, "--db", url, "verify"])
    against = run([KOMPASS, "--db", url, "verify", "--against", str(kept)])
    one_proof = run([KOMPASS, "--db", url, "prove", "1000"])
    return [
        ["kompass verify (tree, checkpoints, snapshots, read models)", "", f"{full.seconds:.2f} s", "", "", ""],
        ["kompass verify --against a kept checkpoint", "", f"{against.seconds:.2f} s",
         f"{full.seconds / against.seconds:.0f}× faster", "", ""],
        ["kompass prove 1000 on the imported store (wall, with start-up)", "", f"{one_proof.seconds:.2f} s", "", "", ""],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=4, help="imports each way, alternating (default 4)")
    parser.add_argument("--postgres", action="store_true", help="also measure the import on PostgreSQL")
    parser.add_argument("--imports-only", action="store_true", help="measure only the imports (1), not verify and proofs")
    parser.add_argument("--one-import", nargs=2, metavar=("URL", "LOG"), help=argparse.SUPPRESS)
    parser.add_argument("--no-tree", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_import:
        one_import(args.one_import[0], Path(args.one_import[1]), tree=not args.no_tree)
        return
    directory = temp_dir("checkpoint-")
    databases: list[str] = []
    try:
        rows = [["what", "events", "time", "rate / ratio", "target", "verdict"]]
        import_rows, url = imports(args.lines, args.rounds, directory, "sqlite", databases)
        rows += import_rows
        if args.postgres and not pg_unavailable():
            rows += imports(args.lines, args.rounds, directory, "postgres", databases)[0]
        if not args.imports_only:
            rows += verifies(url, directory)
            rows += proofs(args.leaves, directory)
    finally:
        remove(directory)
        for database in databases:
            if database.startswith("postgresql"):
                drop_pg_database(database)
    print(f"Verifiable log (bench/checkpoint_bench.py --lines {args.lines} --rounds {args.rounds} --leaves {args.leaves}); "
          "verify, prove: SQLite")
    print(table(rows))


if __name__ == "__main__":
    main()
