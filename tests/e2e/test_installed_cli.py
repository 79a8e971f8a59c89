"""The installed `kompass` program in a real subprocess: the demo, then queries on the store it left."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

VENV_KOMPASS = Path(sys.executable).parent / "kompass"
KOMPASS = str(VENV_KOMPASS) if VENV_KOMPASS.exists() else shutil.which("kompass")

pytestmark = pytest.mark.skipif(KOMPASS is None, reason="the kompass program is not installed (pip install -e .)")


def kompass(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"KOMPASS_DB", "KOMPASS_USER"}}
    env["NO_COLOR"] = "1"
    assert KOMPASS is not None
    return subprocess.run([KOMPASS, *args], capture_output=True, text=True, encoding="utf-8", env=env, cwd=cwd,
                          timeout=120, check=False)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, subprocess.CompletedProcess[str]]:
    directory = tmp_path_factory.mktemp("demo") / "store"
    result = kompass("--as", "admin", "demo", "--dir", str(directory))
    return f"sqlite:///{directory / 'kompass.db'}", result


def test_demo_exits_0_and_prints_the_grid(demo: tuple[str, subprocess.CompletedProcess[str]]) -> None:
    url, result = demo
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("coverage as of ")
    header = lines[1].split()
    assert header == ["competence", "security", "innovation", "leadership", "infrastructure"]
    rows = [line for line in lines if line[:2].isdigit() and line[2] == " "]
    assert len(rows) == 21
    assert any(line.startswith("14 Västra Götaland") for line in rows)
    assert any(line.startswith("national") for line in lines)
    assert any(line.startswith("regions with a gap") for line in lines)
    assert "\x1b[" not in result.stdout  # NO_COLOR, and not a terminal
    assert url.removeprefix("sqlite:///") in result.stderr  # where the store is, on stderr
    hint = next(line for line in result.stderr.splitlines() if line.startswith("query it: "))
    program = hint.removeprefix("query it: ").split(" --db ")[0]
    assert (program == "kompass" and shutil.which("kompass") == KOMPASS) or program == KOMPASS  # a command that runs as printed


def test_the_demo_hint_names_the_program_it_was_called_by_when_kompass_is_not_on_path(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "KOMPASS_USER": "admin", "HOME": str(tmp_path)}
    assert KOMPASS is not None
    result = subprocess.run([KOMPASS, "demo", "--dir", str(tmp_path / "d")], capture_output=True, text=True, env=env, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert f"query it: {KOMPASS} --db sqlite:///{tmp_path / 'd' / 'kompass.db'} gaps" in result.stderr
    assert (tmp_path / "d" / "portfolj-14.xlsx").exists()


def test_queries_on_the_demo_store(demo: tuple[str, subprocess.CompletedProcess[str]]) -> None:
    url, created = demo
    assert created.returncode == 0, created.stderr
    result = kompass("--db", url, "initiative", "list", "--format", "json")
    assert result.returncode == 0, result.stderr
    initiatives = json.loads(result.stdout)
    assert len(initiatives) >= 60
    assert len({i["region"] for i in initiatives}) >= 18
    for item in initiatives:
        assert {"ref", "region", "title", "areas", "type", "status"} <= set(item)
        assert item["areas"]

    ref = next(i["ref"] for i in initiatives if i["region"] == "14")
    shown = kompass("--db", url, "initiative", "show", ref, "--format", "json")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["ref"] == ref and data["region"] == "14"
    table = kompass("--db", url, "initiative", "show", ref)
    assert table.returncode == 0 and f"ref          {ref}" in table.stdout

    gaps = kompass("--db", url, "gaps", "--fail-on-gaps", "--format", "json")
    assert gaps.returncode == 6 and json.loads(gaps.stdout)["gaps"]


def test_a_user_error_exits_1_with_one_line_and_no_traceback(demo: tuple[str, subprocess.CompletedProcess[str]]) -> None:
    url, created = demo
    assert created.returncode == 0, created.stderr
    before = kompass("--db", url, "initiative", "list", "--format", "json").stdout
    cases = [
        ("initiative", "add", "--ref", "x", "--region", "99", "--title", "t", "--area", "innovation", "--type", "project"),
        ("initiative", "show", "no-such-initiative"),
    ]
    for args in cases:
        result = kompass("--db", url, *args)
        assert result.returncode == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error: "), result.stderr
        assert result.stdout == ""
    assert kompass("--db", url, "initiative", "list", "--format", "json").stdout == before


def test_usage_error_exits_2_and_version_answers() -> None:
    result = kompass("initiative", "list", "--format", "xml")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    version = kompass("--version")
    assert version.returncode == 0 and version.stdout.startswith("kompass")
