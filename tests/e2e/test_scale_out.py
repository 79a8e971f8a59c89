"""Scale out on one PostgreSQL server (issue 7, docs/scale-out.md): two `projections run --follow` workers
and several CLI writers, each on its own connections, as two machines would run them.

The workers share the work through the tracking row they lock: when both are stopped at the head of
the log, the projections equal a rebuild from scratch, so no event was applied twice or skipped.
PostgreSQL only: with no server the test is skipped with its reason.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PG_UNAVAILABLE, drop_pg_database, init_store, new_pg_database
from tests.e2e import program
from tests.e2e.program import INSTALLED, succeeded

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    INSTALLED,
    pytest.mark.skipif(PG_UNAVAILABLE is not None, reason=PG_UNAVAILABLE or ""),
]

REGIONS = ["14", "12", "01", "25"]
FAULTS = {"PYTHONFAULTHANDLER": "1"}
"""A worker that hangs or dies of a signal prints where it was."""


def start(url: str, *args: str) -> subprocess.Popen[str]:
    return program.start(url, *args, env=FAULTS)


def kompass(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return succeeded(program.run(url, *args, env=FAULTS))


def as_json(url: str, *args: str) -> Any:
    return json.loads(kompass(url, *args, "--format", "json").stdout)


def together(url: str, commands: list[list[str]]) -> None:
    processes = [start(url, *args) for args in commands]
    for args, process in zip(commands, processes, strict=True):
        _out, err = process.communicate(timeout=600)
        assert process.returncode == 0, f"kompass {' '.join(args)} exited {process.returncode}: {err}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    url = new_pg_database(initialised=False)
    try:
        yield init_store(url)
    finally:
        drop_pg_database(url)


@pytest.fixture(scope="module")
def generated_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scale-out") / "log-3000.jsonl"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "3000", str(path)], check=True, capture_output=True, timeout=600)
    return path


def wait_until_caught_up(url: str, timeout: float = 600) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        status: list[dict[str, Any]] = as_json(url, "projections", "status")
        if status and all(row["behind"] == 0 for row in status):
            return status
        assert time.monotonic() < deadline, f"the workers did not catch up: {status}"
        time.sleep(0.5)


def stop(worker: subprocess.Popen[str], how: signal.Signals) -> str:
    """Ctrl-C as an operator stops a worker, or SIGTERM as a service manager does: it says so and exits 0.
    If it does not, SIGABRT makes Python's fault handler print where every thread of it was stuck."""
    worker.send_signal(how)
    try:
        _out, err = worker.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        worker.send_signal(signal.SIGABRT)
        _out, err = worker.communicate(timeout=60)
        pytest.fail(f"a worker did not stop on SIGINT; its threads were at:\n{err[-8000:]}")
    assert worker.returncode == 0, err
    assert "Traceback" not in err
    assert "stopped" in err
    return err


def test_two_follow_workers_and_several_writers_on_one_server(pg_url: str, generated_log: Path, small_log: Path) -> None:
    kompass(pg_url, "init")
    workers = [start(pg_url, "projections", "run", "--follow", "--poll", "0.2") for _ in range(2)]
    try:
        refs = [f"{code}-scale-{n}" for n, code in enumerate(REGIONS)]
        together(
            pg_url,
            [
                [
                    "initiative",
                    "add",
                    "--ref",
                    ref,
                    "--region",
                    ref[:2],
                    "--title",
                    f"Skala ut {ref}",
                    "--area",
                    "security",
                    "--type",
                    "project",
                ]
                for ref in refs
            ],
        )
        importer = start(pg_url, "import", str(generated_log))  # thousands of events while the writers go on
        together(pg_url, [["initiative", "status", ref, "active"] for ref in refs])
        together(
            pg_url,
            [
                ["initiative", "fund", ref, "--source", "regional", "--amount-sek", str(100_000 * (n + 1)), "--year", "2024"]
                for n, ref in enumerate(refs)
            ],
        )
        _out, err = importer.communicate(timeout=600)
        assert importer.returncode == 0, err
        kompass(pg_url, "import", str(small_log))
        together(pg_url, [["initiative", "tag", ref, "--area", "competence"] for ref in refs])

        status = wait_until_caught_up(pg_url)
        for worker in workers:
            assert worker.poll() is None, f"a worker stopped: {worker.communicate()}"
    finally:
        messages = [
            stop(worker, how) if worker.poll() is None else worker.communicate()[1]
            for worker, how in zip(workers, (signal.SIGINT, signal.SIGTERM), strict=True)
        ]
    assert all("following the log" in m for m in messages)

    head = status[0]["head"]
    assert all(row["position"] == head for row in status)
    followed = {
        "coverage": as_json(pg_url, "coverage"),
        "gaps": as_json(pg_url, "gaps"),
        "initiatives": as_json(pg_url, "initiative", "list"),
        "actors": as_json(pg_url, "actor", "list"),
        "network": as_json(pg_url, "network", "metrics"),
    }
    # counts exact: each of the writers' changes shows once (twice-applied funding would double the budget)
    listed = {i["ref"]: i for i in followed["initiatives"]}
    for n, ref in enumerate(refs):
        assert listed[ref]["status"] == "active"
        assert sorted(listed[ref]["areas"]) == ["competence", "security"]
        shown = as_json(pg_url, "initiative", "show", ref)
        assert shown["funding"] == [{"source": "regional", "amount_sek": 100_000 * (n + 1), "year": 2024}]

    kompass(pg_url, "projections", "rebuild")
    rebuilt = {
        "coverage": as_json(pg_url, "coverage"),
        "gaps": as_json(pg_url, "gaps"),
        "initiatives": as_json(pg_url, "initiative", "list"),
        "actors": as_json(pg_url, "actor", "list"),
        "network": as_json(pg_url, "network", "metrics"),
    }
    for name, value in followed.items():
        assert value == rebuilt[name], f"{name} kept by the two workers differs from a rebuild"
    assert all(row["position"] == head for row in as_json(pg_url, "projections", "status"))
