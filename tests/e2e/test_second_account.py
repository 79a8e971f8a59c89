"""A second operating-system account on the same SQLite store is who it is, not who it says (issue 13).

The test makes a real account with `useradd` (a unique name, removed afterwards), installs kompass
for it into a virtualenv made from the system's Python (which every account may read), lets it
write the store file, and runs kompass as that account with `runuser`. It is no admin, so naming
the admin with `--as` (or KOMPASS_USER, or $USER) is refused with exit 4 and writes nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = Path("/usr/bin/python3")
TOOLS = ("useradd", "userdel", "runuser")


def _missing() -> str | None:
    if os.geteuid() != 0:
        return "making a second OS account needs root"
    absent = [tool for tool in TOOLS if shutil.which(tool) is None]
    if absent:
        return f"no {', '.join(absent)} on this machine"
    if not SYSTEM_PYTHON.exists():
        return f"no {SYSTEM_PYTHON} to make a virtualenv every account can read"
    return None


pytestmark = [pytest.mark.slow, pytest.mark.skipif(_missing() is not None, reason=_missing() or "")]


@pytest.fixture(scope="session")
def shared_venv() -> Iterator[Path]:
    """kompass installed (not editable) into a virtualenv of the system Python, in a directory all may read: the
    pure-Python build (KOMPASS_PURE_PYTHON=1, setup.py), so that these tests also show it installs and works as the
    compiled one the rest of the suite runs."""
    place = Path(tempfile.mkdtemp(prefix="kompass-second-account-"))
    place.chmod(0o755)
    venv = place / "venv"
    subprocess.run([str(SYSTEM_PYTHON), "-m", "venv", str(venv)], check=True, timeout=300)
    pure = {**os.environ, "KOMPASS_PURE_PYTHON": "1"}
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(ROOT)], check=True, timeout=900, capture_output=True, env=pure)
    assert _compiled_kompass(venv) == []
    try:
        yield venv
    finally:
        shutil.rmtree(place, ignore_errors=True)


def _compiled_kompass(venv: Path) -> list[Path]:
    """The compiled modules of kompass in `venv` (none in the pure-Python build)."""
    site = next((venv / "lib").glob("python3*/site-packages"))
    return [*site.glob("kompass/**/*.so"), *site.glob("*__mypyc*.so")]


@pytest.fixture
def account() -> Iterator[str]:
    name = f"kt{uuid.uuid4().hex[:10]}"
    subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True, timeout=60)
    try:
        yield name
    finally:
        subprocess.run(["userdel", name], check=False, timeout=60)


def test_another_account_naming_the_admin_is_refused(shared_venv: Path, account: str, tmp_path: Path) -> None:
    kompass = str(shared_venv / "bin" / "kompass")
    place = Path(tempfile.mkdtemp(prefix="kompass-shared-store-"))
    try:
        place.chmod(0o777)  # the account writes the store's journal files beside it
        db = place / "kompass.db"
        url = f"sqlite:///{db}"
        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(place), "XDG_CONFIG_HOME": str(place / "config")}
        subprocess.run([kompass, "--db", url, "init"], check=True, env=env, capture_output=True, timeout=120)
        for path in place.iterdir():
            path.chmod(0o666 if path.is_file() else 0o777)
        for sub in (place / "config").rglob("*"):
            sub.chmod(0o777 if sub.is_dir() else 0o644)
        before = db.read_bytes()

        def as_account(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(["runuser", "-u", account, "--", kompass, "--db", url, *args], capture_output=True, text=True,
                                  env={**env, **extra}, timeout=120)

        for done in (
            as_account("--as", "root", "user", "list"),
            as_account("--as", "root", "user", "add", "mallory", "--role", "admin"),
            as_account("user", "list", KOMPASS_USER="root"),
            as_account("user", "add", "mallory", "--role", "admin", USER="root", LOGNAME="root"),
        ):
            assert done.returncode == 4, (done.returncode, done.stderr)
            assert done.stderr.startswith(f"Error: {account} may not "), done.stderr
            assert len(done.stderr.splitlines()) == 1 and done.stdout == ""
        assert db.read_bytes() == before
    finally:
        shutil.rmtree(place, ignore_errors=True)
