"""The installed `kompass` program, run as a real subprocess against a store as `admin`: what the
end-to-end tests that start processes, kill them or run them side by side share.

The program is the one beside this Python (the venv's), else the one on PATH; a module that needs it
marks itself with `INSTALLED`, so without it the tests are skipped with the reason. The subprocess
never sees the caller's store or user (`KOMPASS_DB`, `KOMPASS_USER`) nor a PostgreSQL setting a test
did not ask for, and prints no colours.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

VENV_KOMPASS = Path(sys.executable).parent / "kompass"
KOMPASS = str(VENV_KOMPASS) if VENV_KOMPASS.exists() else shutil.which("kompass")
INSTALLED = pytest.mark.skipif(KOMPASS is None, reason="the kompass program is not installed (pip install -e .)")
LEFT_OUT = {"KOMPASS_DB", "KOMPASS_USER", "POSTGRES_ENABLE_DB_FUNCTIONS"}


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without `LEFT_OUT`, with `NO_COLOR` and then `extra` set."""
    values = {k: v for k, v in os.environ.items() if k not in LEFT_OUT}
    values["NO_COLOR"] = "1"
    return {**values, **(extra or {})}


def command(url: str, *args: str) -> list[str]:
    """`kompass --db URL --as admin ARGS…`."""
    assert KOMPASS is not None
    return [KOMPASS, "--db", url, "--as", "admin", *args]


def start(url: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start `kompass ARGS` with the variables `env` added; its output is read as text through pipes."""
    return subprocess.Popen(
        command(url, *args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=environment(env),
    )


def run(url: str, *args: str, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run `kompass ARGS` with the variables `env` added to its end, whatever its exit code (`succeeded` judges it)."""
    return subprocess.run(
        command(url, *args),
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment(env),
        timeout=timeout,
        check=False,
    )


def succeeded(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    """The result, once it is known to have exited 0 without a traceback."""
    assert result.returncode == 0, f"{result.args} exited {result.returncode}: {result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr
    return result
