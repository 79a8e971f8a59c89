"""Every `kompass` command of the README's tour and of docs/usage.md, in the order written, on a fresh demo.

The documents are read as a user reads them: each ```sh block line by line (a trailing `\\` joins
the next line), `export NAME=VALUE` sets the environment for what follows, and each line that
starts with `kompass` is run by a shell (so a redirection works as written) in a directory of its
own, beside a link to the project's `docs/`. Every command must exit 0, except the few whose
documented purpose is another exit code.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = (ROOT / "README.md", ROOT / "docs" / "usage.md")
BIN = Path(sys.executable).parent
EXPECTED_EXIT = {"gaps --fail-on-gaps": 6, "check ": 6}
"""Commands that report what they found with their exit code (6), as documented."""

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (BIN / "kompass").exists(), reason="the kompass program is not installed (pip install -e .)")]


def shell_lines(document: Path) -> list[str]:
    """The lines of the document's sh blocks, continuation lines joined."""
    lines, block, pending = [], False, ""
    for raw in document.read_text(encoding="utf-8").splitlines():
        if raw.startswith("```"):
            block = raw.strip() == "```sh" if not block else False
            continue
        if not block:
            continue
        line = pending + raw.strip()
        code = line.split(" #", 1)[0].rstrip() if not line.startswith("#") else ""
        if code.endswith("\\"):
            pending = code[:-1].rstrip() + " "
            continue
        pending = ""
        if code:
            lines.append(code)
    return lines


def test_both_documents_name_their_commands() -> None:
    commands = [line for document in DOCUMENTS for line in shell_lines(document) if line.startswith("kompass ")]
    assert len(commands) > 60
    assert any("initiative unfund" in c for c in commands) and any("import demo/portfolj-14.xlsx" in c for c in commands)


def test_every_documented_command_exits_0_on_a_fresh_demo(tmp_path: Path) -> None:
    (tmp_path / "docs").symlink_to(ROOT / "docs")
    env = {k: v for k, v in os.environ.items() if k not in {"KOMPASS_DB", "KOMPASS_USER"}}
    env.update({"PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}", "NO_COLOR": "1"})
    ran = 0
    for document in DOCUMENTS:
        for line in shell_lines(document):
            if match := re.fullmatch(r"export (\w+)=(\S+)", line):
                env[match[1]] = match[2]
                continue
            if not line.startswith("kompass "):
                continue  # make, source: the setting up the tests already have
            result = subprocess.run(["bash", "-c", line], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
                                    check=False)
            expected = next((code for start, code in EXPECTED_EXIT.items() if line.startswith(f"kompass {start}")), 0)
            assert result.returncode == expected, (
                f"{document.name}: `{line}` exited {result.returncode}\nstdout: {result.stdout[-2000:]}\nstderr: {result.stderr}"
            )
            assert "Traceback" not in result.stderr, shlex.quote(line)
            ran += 1
    assert ran > 60
