"""The modules setup.py compiles with mypyc are compiled all together or not at all, and in CI all of them.

Why: a compiled module imports the one library mypyc builds for all of them, so a part of them would not import;
and a CI run that silently fell back to the pure-Python build would test what users with a C compiler never run.
"""

from __future__ import annotations

import ast
import importlib
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def compiled_list() -> list[str]:
    """setup.py's COMPILED, read without running setup.py."""
    tree = ast.parse((ROOT / "setup.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == "COMPILED" for t in targets):
                assert node.value is not None
                return [str(v) for v in ast.literal_eval(node.value)]
    raise AssertionError("setup.py names no COMPILED modules")


def is_compiled(path: str) -> bool:
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    return not str(module.__file__).endswith(".py")


def test_the_compiled_modules_exist_and_are_all_compiled_or_none() -> None:
    paths = compiled_list()
    assert paths and all((ROOT / p).is_file() for p in paths)
    assert len({is_compiled(p) for p in paths}) == 1, {p: is_compiled(p) for p in paths}


@pytest.mark.skipif(os.environ.get("CI") != "true" or os.environ.get("KOMPASS_PURE_PYTHON") == "1", reason="only CI must run compiled")
def test_ci_runs_the_compiled_build() -> None:
    assert all(is_compiled(p) for p in compiled_list())
