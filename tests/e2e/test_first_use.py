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
    """Sixteen `init --admin user-N` at once: one store, one first admin (a `user.grant` event), and the others
    told the store exists (exit 0) or to try again (exit 3), never "database is locked" (exit 7)."""
    assert KOMPASS is not None
    env = {k: v for k, v in os.environ.items() if k not in {"KOMPASS_DB", "KOMPASS_USER"}}
    processes = [
        subprocess.Popen(
            [KOMPASS, "--db", no_store_url, "init", "--admin", f"user-{n}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=env,
        )
        for n in range(PROCESSES)
    ]
    results = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in processes]
    for code, stderr in results:
        assert code in (0, 3), stderr
        assert "Traceback" not in stderr and "duplicate key" not in stderr and "locked" not in stderr, stderr
    creators = [stderr for code, stderr in results if code == 0 and stderr.startswith("created a store")]
    assert len(creators) == 1, [s for _c, s in results]
    store = Store(no_store_url)
    try:
        admins = [g.user for g in store.users.all() if g.is_admin]
        assert len(admins) == 1 and admins[0].startswith("user-")
        assert store.facts.head() == 43  # the regions, once, and one grant
    finally:
        store.close()


def test_a_read_on_a_new_store_creates_nothing_and_grants_nothing(no_store_url: str) -> None:
    assert KOMPASS is not None
    env = {k: v for k, v in os.environ.items() if k not in {"KOMPASS_DB", "KOMPASS_USER"}}
    for args in (["--as", "intern", "gaps"], ["gaps"], ["user", "list"]):
        done = subprocess.run([KOMPASS, "--db", no_store_url, *args], capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 7 and len(done.stderr.splitlines()) == 1 and "no kompass store" in done.stderr, done.stderr
    done = subprocess.run([KOMPASS, "--db", no_store_url, "init"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0 and done.stderr.startswith("created a store"), done.stderr
