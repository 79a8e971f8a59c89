"""Sixteen processes start on the same new store at once (issue 12): one store, one admin.

Before, concurrent first uses on PostgreSQL exited 7 with raw catalog errors (`duplicate key …
pg_type_typname_nsp_index`, `relation "rm_tracking" already exists`) and made a second or third
admin. Now a store is made under a lock (an advisory lock on PostgreSQL, a lock on the directory
on SQLite): the others wait and find it made, or exit 3; none exits 7, and exactly one is admin.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kompass.infrastructure.bootstrap import Store

VENV_KOMPASS = Path(sys.executable).parent / "kompass"
KOMPASS = str(VENV_KOMPASS) if VENV_KOMPASS.exists() else shutil.which("kompass")
pytestmark = pytest.mark.skipif(KOMPASS is None, reason="the kompass program is not installed (pip install -e .)")

PROCESSES = 16


def test_sixteen_first_uses_make_one_store_and_one_admin(no_store_url: str) -> None:
    assert KOMPASS is not None
    env = {k: v for k, v in os.environ.items() if k not in {"KOMPASS_DB", "KOMPASS_USER"}}
    processes = [
        subprocess.Popen(
            [KOMPASS, "--db", no_store_url, "--as", f"user-{n}", "init"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        for n in range(PROCESSES)
    ]
    results = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in processes]
    for code, stderr in results:
        assert code in (0, 3), stderr
        assert "Traceback" not in stderr and "duplicate key" not in stderr and "already exists" not in stderr, stderr
    creators = [stderr for code, stderr in results if code == 0 and stderr.startswith("created a store")]
    assert len(creators) == 1, [s for _c, s in results]
    store = Store(no_store_url, "user-0")
    try:
        admins = [g.user for g in store.users.all() if g.is_admin]
        assert len(admins) == 1 and f"{admins[0]} is admin" in creators[0]
        assert store.facts.head() == 42  # the regions, once
    finally:
        store.close()
