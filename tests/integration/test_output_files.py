"""`--output FILE` never destroys what the user did not mean to (docs/usage.md, "Output files").

Every command that writes a file refuses an existing one unless `--force` (exit 1), refuses the
store's own files whatever path names them, even with `--force` (exit 4), does not follow a
symbolic link onto an existing file, and leaves no half-written file when it fails.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.output_files import OutputExists, OutputOntoStore, StoreFiles, output_file
from kompass.infrastructure.signing import key_path
from tests.integration.helpers import ok, refused

EXISTS, ONTO_STORE = 1, 4
OUT = "OUT"
WRITERS = {
    "export": ("export", "--output", OUT),
    "export-csv": ("export", "--format", "csv", "--output", OUT),
    "export-xlsx": ("export", "--format", "xlsx", "--output", OUT),
    "checkpoint": ("checkpoint", "--output", OUT),
    "checkpoint-key": ("checkpoint", "--key", "-o", OUT),
    "prove": ("prove", "1", "-o", OUT),
    "coverage-svg": ("coverage", "--format", "svg", "-o", OUT),
    "report": ("report", "national", "--year", "2021", "-o", OUT),
    "network-export": ("network", "export", "--output", OUT),
}
SENTINEL = b"a file the user keeps\n"


@pytest.fixture
def store(sqlite_url: str, small_log: Path) -> str:
    ok(sqlite_url, "import", str(small_log))
    return sqlite_url


def database(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def writing(args: tuple[str, ...], target: Path | str, *extra: str) -> tuple[str, ...]:
    return (*(str(target) if a == OUT else a for a in args), *extra)


def log_of(url: str) -> tuple[str, str]:
    return ok(url, "history", "--format", "json").stdout, ok(url, "verify").stdout


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("args", WRITERS.values(), ids=WRITERS.keys())
def test_every_output_refuses_an_existing_file_unless_forced(store: str, tmp_path: Path, args: tuple[str, ...]) -> None:
    target = tmp_path / "out.file"
    ok(store, *writing(args, target))
    assert target.stat().st_size > 0
    target.write_bytes(SENTINEL)
    message = refused(store, *writing(args, target), code=EXISTS)
    assert message == f"{target} exists: give --force to replace it, or another file name"
    assert target.read_bytes() == SENTINEL
    ok(store, *writing(args, target, "--force"))
    assert target.read_bytes() != SENTINEL and target.stat().st_size > 0
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == [], "no temporary file is left behind"


@pytest.mark.parametrize("args", WRITERS.values(), ids=WRITERS.keys())
def test_no_output_is_written_onto_the_store(store: str, args: tuple[str, ...]) -> None:
    before = log_of(store)
    for force in ((), ("--force",)):
        message = refused(store, *writing(args, database(store), *force), code=ONTO_STORE)
        assert message == f"{database(store)} is one of the store's own files: nobody may write an output onto it, not even with --force"
    assert log_of(store) == before


def test_the_store_is_refused_under_any_name(store: str, tmp_path: Path) -> None:
    """`export --output s.db` once overwrote the store itself; so must no other path to it."""
    db = database(store)
    before, size = log_of(store), db.stat().st_size
    (tmp_path / "link.db").symlink_to(db)
    os.link(db, tmp_path / "hard.db")
    (tmp_path / "sub").mkdir()
    names = [
        db, tmp_path / "link.db", tmp_path / "hard.db", tmp_path / "sub" / ".." / db.name,
        Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal"), Path(f"{db}.rebuild-lock"),
    ]
    for name in names:
        for force in ((), ("--force",)):
            refused(store, "export", "--output", str(name), *force, code=ONTO_STORE)
    assert not Path(f"{db}-journal").exists(), "no stray journal was made beside the store"
    assert log_of(store) == before and db.stat().st_size == size
    assert (tmp_path / "link.db").is_symlink()


def test_nor_the_signing_key_or_the_person_keys(db_url: str) -> None:
    """On PostgreSQL too: the store's files there are its keys."""
    ok(db_url, "person", "add", "admin", "--name", "Ada Admin")
    opened = Store(db_url, "admin")
    try:
        signing_key, person_key = key_path(opened.log.store_id), opened.persons.keys.path("admin")
    finally:
        opened.close()
    keys = {signing_key: digest(signing_key), person_key: digest(person_key)}
    for key in keys:
        refused(db_url, "checkpoint", "--force", "--output", str(key), code=ONTO_STORE)
    assert {k: digest(k) for k in keys} == keys
    assert ok(db_url, "person", "show", "admin").stdout
    ok(db_url, "initiative", "list")  # still signs and reads


def test_a_symbolic_link_is_never_followed_onto_an_existing_file(store: str, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(SENTINEL)
    link = tmp_path / "innocent.jsonl"
    link.symlink_to(victim)
    assert "exists" in refused(store, "export", "--output", str(link), code=EXISTS)
    assert victim.read_bytes() == SENTINEL
    ok(store, "export", "--output", str(link), "--force")
    assert victim.read_bytes() == SENTINEL, "--force replaces the link, not the file it points to"
    assert not link.is_symlink() and link.read_text(encoding="utf-8").startswith("# kompass export")


def test_a_dangling_symbolic_link_is_not_followed_to_create_a_file(store: str, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "planted.txt"
    elsewhere.parent.mkdir()
    link = tmp_path / "checkpoint.txt"
    link.symlink_to(elsewhere)
    refused(store, "checkpoint", "--output", str(link), code=EXISTS)
    assert not elsewhere.exists()
    ok(store, "checkpoint", "--output", str(link), "--force")
    assert not elsewhere.exists() and not link.is_symlink()


def test_stdout_stays_the_default(store: str) -> None:
    assert ok(store, "checkpoint").stdout.startswith("kompass/")


# --- the helper itself ---------------------------------------------------------------------------------------------


def test_a_failed_write_leaves_nothing_under_the_name(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    with pytest.raises(RuntimeError), output_file(target, force=False, store=StoreFiles()) as handle:
        handle.write(b"half a report")
        raise RuntimeError("the renderer failed")
    assert list(tmp_path.iterdir()) == []
    target.write_bytes(SENTINEL)
    with pytest.raises(RuntimeError), output_file(target, force=True, store=StoreFiles()) as handle:
        handle.write(b"half a report")
        raise RuntimeError("the renderer failed")
    assert target.read_bytes() == SENTINEL and list(tmp_path.iterdir()) == [target]


def test_a_file_made_by_someone_else_meanwhile_is_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "export.jsonl"
    with pytest.raises(OutputExists), output_file(target, force=False, store=StoreFiles()) as handle:
        handle.write(b"ours")
        target.write_bytes(SENTINEL)  # another program takes the name while we write
    assert target.read_bytes() == SENTINEL and list(tmp_path.iterdir()) == [target]


def test_files_under_a_protected_directory_are_refused(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.mkdir()
    with pytest.raises(OutputOntoStore), output_file(keys / "new.key", force=True, store=StoreFiles(directories=(keys,))):
        pass
    assert list(keys.iterdir()) == []
