"""Build kompass, compiling the modules a rebuild spends its time in with mypyc where a C compiler is at hand.

Why: rebuilding the read models folds every fact of the log in Python, and these modules hold those folds. Compiled
by mypyc (part of mypy; the code is the same typed Python), a rebuild's fills took up to a third less time.
Everything else stays plain Python. Without a C compiler or Python's headers, or with KOMPASS_PURE_PYTHON=1, the
same package installs uncompiled and behaves the same, only slower: the compiled build is never required.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

COMPILED = [
    "kompass/application/coverage_series.py",
    "kompass/application/bitemporal.py",
    "kompass/application/state.py",
    "kompass/application/catalogue/initiative.py",
    "kompass/domain/coverage.py",
    "kompass/infrastructure/fact_decoder.py",
    "kompass/infrastructure/projections/coverage_series/series.py",
]
"""The modules compiled: those the profiles of a rebuild put on top. Tests replace no function in them (a compiled
module calls its own functions directly, so a replacement would go unseen)."""


class OptionalBuildExt(build_ext):  # type: ignore[misc]  # setuptools is untyped here
    """Builds the compiled modules only when a test compile of Python's headers succeeds; otherwise none of them,
    and says so (a part of them would leave modules that import a library that is not there)."""

    def run(self) -> None:
        command: Any = self  # distutils' attributes are untyped
        if command.extensions and not self._can_compile():
            sys.stderr.write("kompass: no working C compiler or Python headers; installing the pure-Python build\n")
            command.extensions = []
            command.distribution.ext_modules = []
            return
        super().run()

    def _can_compile(self) -> bool:
        from setuptools._distutils.ccompiler import new_compiler
        from setuptools._distutils.sysconfig import customize_compiler, get_python_inc

        compiler: Any = new_compiler()
        customize_compiler(compiler)
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "probe.c"
            source.write_text("#include <Python.h>\nint kompass_probe(void) { return 0; }\n")
            try:
                compiler.compile([str(source)], output_dir=folder, include_dirs=[get_python_inc()])
            except Exception:  # noqa: BLE001 — any failure means: build the pure-Python package
                return False
        return True


def compiled_modules() -> list[Any]:
    """mypyc's extension modules for COMPILED, or none (the pure-Python build) when told so or when mypyc fails."""
    if os.environ.get("KOMPASS_PURE_PYTHON") == "1":
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        return []
    try:
        return list(mypycify([*RELAXED, *COMPILED], opt_level="3"))
    except (Exception, SystemExit) as error:  # noqa: BLE001 — whatever stops mypyc: build the pure-Python package
        sys.stderr.write(f"kompass: mypyc could not compile ({error!r}); installing the pure-Python build\n")
        return []


RELAXED = [
    "--ignore-missing-imports",
    "--allow-subclassing-any",
    "--no-warn-return-any",
    "--no-warn-unused-ignores",
    "--allow-untyped-calls",
    "--allow-untyped-decorators",
    "--cache-dir=/dev/null",
]
"""mypyc type-checks what it compiles. Where kompass is built, its libraries (SQLAlchemy, eventsourcing…) are not
installed, so their types are Any: the project's strict checks (run by `make test` where they are) would refuse
that here. No cache, so a build never depends on an earlier check's files."""


setup(ext_modules=compiled_modules(), cmdclass={"build_ext": OptionalBuildExt})
