"""What the benchmark scripts share: fresh stores, timed subprocesses with peak memory, and
printing figures next to their targets.

Benchmarks never assert wall-clock times: they print ratios measured side by side in one run.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OUT = Path(os.environ.get("KOMPASS_BENCH_OUT") or BENCH / "out")
"""Where generated logs and kept stores live, reused by every bench: bench/out/, or the directory
KOMPASS_BENCH_OUT names (a 1,000,000-event store takes long to build; keep one outside the worktree
and point every bench at it)."""
KOMPASS = str(Path(sys.executable).parent / "kompass")
"""The installed `kompass` command of the interpreter running the benchmark."""
PG_ADMIN_URL = os.environ.get("KOMPASS_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
GNU_TIME = "/usr/bin/time"


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss_mb: float
    stdout: str
    stderr: str
    cpu_seconds: float = float("nan")
    """User plus system CPU time of the command (GNU time; nan without it): on a shared machine the wall
    clock measures the neighbours too."""


def run(args: list[str], env: dict[str, str] | None = None) -> Run:
    """Run a command to its end; its wall time and peak resident memory. Fails loudly on a non-zero exit."""
    use_time = os.access(GNU_TIME, os.X_OK)
    command = [GNU_TIME, "-v", *args] if use_time else args
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False)
    seconds = time.perf_counter() - started
    stderr = done.stderr
    if use_time:
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
        peak = int(match.group(1)) / 1024 if match else float("nan")
        times = [re.search(rf"{kind} time \(seconds\): ([\d.]+)", stderr) for kind in ("User", "System")]
        cpu = sum(float(m.group(1)) for m in times if m) if all(times) else float("nan")
        stderr = stderr[: stderr.rfind("\tCommand being timed")] if "\tCommand being timed" in stderr else stderr
    else:
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child so far
        cpu = float("nan")
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(args)}\n{stderr.strip()}")
    return Run(seconds, peak, done.stdout, stderr, cpu)


def sqlite_url(directory: Path, name: str = "kompass.db") -> str:
    return f"sqlite:///{directory / name}"


def temp_dir(prefix: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=OUT))


def remove(directory: Path) -> None:
    shutil.rmtree(directory, ignore_errors=True)


def pg_unavailable() -> str | None:
    """None if the PostgreSQL server answers, else why not."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=2):
            return None
    except Exception as error:  # noqa: BLE001 — any failure means "no server here"
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"no PostgreSQL server answers at {PG_ADMIN_URL}: {first}"


def new_pg_database(prefix: str = "kompass_b_") -> str:
    """Create an empty database (as tests/conftest.py does) and return its URL."""
    import psycopg

    name = f"{prefix}{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}"


def drop_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def command_log(lines: int, *, quiet: bool = False) -> Path:
    """The generated command log of `lines` lines (bench/generate.py), reused when already written."""
    from generate import SEED, write_log

    path = OUT / f"log-{lines}.jsonl"
    header = f"# kompass benchmark log: {lines} commands, seed {SEED} (bench/generate.py)\n"
    if path.exists():
        with path.open(encoding="utf-8") as f:
            if f.readline() == header and path.stat().st_size > lines * 50:
                return path
    if not quiet:
        print(f"  generating {lines:,} lines → {path}", file=sys.stderr, flush=True)
    write_log(lines, path)
    return path


def kept_store(lines: int, name: str = "store") -> Path:
    """Where the benches keep the store of the generated log of `lines` lines: OUT/NAME-LINES (`store` is the
    one import_bench.py --keep leaves and coverage_bench.py reuses)."""
    return OUT / f"{name}-{lines}"


def mark_imported(directory: Path, seconds: float, peak_rss_mb: float) -> None:
    """Mark the kept store in `directory` as whole: the import finished, in these seconds and peak memory."""
    (directory / "imported").write_text(f"{seconds} {peak_rss_mb}\n")


def imported_store(lines: int, fresh: bool, name: str = "store") -> tuple[str, float, float]:
    """The URL of the kept SQLite store (`kept_store`) of the generated log of `lines` lines, made by `init` and
    filled by `import` as the login running the bench (its first admin, so every command runs as that login),
    with the import's seconds and peak RSS (MB; nan where an older mark did not record it). Reused from an
    earlier run when marked whole, unless `fresh`: a big store takes long to build."""
    directory = kept_store(lines, name)
    done = directory / "imported"
    url = sqlite_url(directory)
    if fresh or not done.exists():
        remove(directory)
        directory.mkdir(parents=True)
        log = command_log(lines)
        run([KOMPASS, "--db", url, "init"])
        progress(f"importing {lines:,} lines into {directory} …")
        imported = run([KOMPASS, "--db", url, "import", str(log)])
        progress(f"imported in {imported.seconds:.1f} s (peak RSS {imported.peak_rss_mb:.0f} MB)")
        mark_imported(directory, imported.seconds, imported.peak_rss_mb)
    seconds, *rss = (float(x) for x in done.read_text().split())
    return url, seconds, rss[0] if rss else float("nan")


def verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s" if seconds > 0 else "∞"


def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def progress(text: str) -> None:
    print(f"  {text}", file=sys.stderr, flush=True)


def best_of_interleaved(calls: list[Callable[[], None]], repeat: int, clock: Callable[[], float] = time.perf_counter) -> list[float]:
    """Best time of each call by `clock` (wall time, or `time.process_time` for CPU), after a warm-up, taking
    turns so that a busy machine slows all alike."""
    for call in calls:
        call()
    best = [float("inf")] * len(calls)
    for _ in range(repeat):
        for i, call in enumerate(calls):
            started = clock()
            call()
            best[i] = min(best[i], clock() - started)
    return best
