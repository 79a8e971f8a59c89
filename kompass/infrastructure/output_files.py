"""Writing the files users ask for (`--output FILE`) without ever destroying one they did not mean to.

Every command that writes a file goes through `output_file`, which:

- refuses a file that exists unless `force` (exit 1), and a symbolic link counts as existing,
  even one pointing nowhere;
- never writes onto the store's own files (the SQLite database and its -wal, -shm and -journal,
  the rebuild's scratch files, the signing key, the person keys), not even with `force`, not
  through another path, a symbolic link or a hard link: paths are compared resolved and
  existing files by device and inode (exit 4);
- writes the whole content to a new file beside the target, opened with O_CREAT|O_EXCL|O_NOFOLLOW,
  and only then puts it in place: without `force` by a hard link, which fails if anything took
  the name meanwhile; with `force` by a rename over the name, which replaces a symbolic link
  rather than writing to where it points. A failed or killed command leaves no half-written file
  under the name asked for.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from kompass.domain.errors import KompassError, PermissionDenied

SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal", ".rebuild", ".rebuild-wal", ".rebuild-shm", ".rebuild-journal", ".rebuild-lock")
"""The files a SQLite store at PATH keeps beside it: PATH itself, SQLite's own, and a rebuild's."""


class OutputExists(KompassError):
    """The output file exists and --force was not given."""


class OutputRefused(KompassError):
    """The output file cannot be written (a directory, no permission, a full disk)."""


class OutputOntoStore(PermissionDenied):
    """Nobody may write an output onto the store's own files."""


@dataclass(frozen=True)
class StoreFiles:
    """The files an output must never replace: `files` exactly, and everything under `directories`."""

    files: tuple[Path, ...] = ()
    directories: tuple[Path, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, database: Path | None, keys: Iterable[Path] = (), key_directories: Iterable[Path] = ()) -> StoreFiles:
        companions = [database.with_name(database.name + suffix) for suffix in SQLITE_COMPANIONS] if database else []
        return cls(tuple(companions) + tuple(keys), tuple(key_directories))

    def holds(self, target: Path) -> bool:
        """Whether writing `target` would write one of these files, by whatever path it is named."""
        resolved = Path(os.path.realpath(target))
        if any(resolved == Path(os.path.realpath(f)) for f in self.files):
            return True
        if any(resolved.is_relative_to(os.path.realpath(d)) for d in self.directories):
            return True
        return _identity(target) in {_identity(f) for f in self.files} - {None}


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_dev, status.st_ino


def require_writable(target: Path, *, force: bool, store: StoreFiles) -> None:
    """Refuse now what `output_file` would refuse, before a command spends time making the content."""
    if store.holds(target):
        raise OutputOntoStore(f"{target} is one of the store's own files: nobody may write an output onto it, not even with --force")
    if not force and os.path.lexists(target):
        raise OutputExists(f"{target} exists: give --force to replace it, or another file name")


@contextmanager
def output_file(target: Path, *, force: bool, store: StoreFiles) -> Iterator[BinaryIO]:
    """A binary file to write `target`'s whole content to; it takes `target`'s name when the block ends well."""
    require_writable(target, force=force, store=store)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    except OSError as error:
        raise OutputRefused(f"cannot write {target}: {error.strerror}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _put_in_place(temporary, target, force)
    finally:
        with suppress(FileNotFoundError):
            temporary.unlink()


def _put_in_place(temporary: Path, target: Path, force: bool) -> None:
    try:
        if force:
            os.replace(temporary, target)
        else:
            try:
                os.link(temporary, target)
            except FileExistsError:
                raise
            except OSError as error:
                if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                    raise
                _copy_exclusively(temporary, target)  # a file system without hard links
    except FileExistsError:
        raise OutputExists(f"{target} exists: give --force to replace it, or another file name") from None
    except OSError as error:
        raise OutputRefused(f"cannot write {target}: {error.strerror}") from None


def _copy_exclusively(temporary: Path, target: Path) -> None:
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    with os.fdopen(descriptor, "wb") as handle, temporary.open("rb") as source:
        shutil.copyfileobj(source, handle)


def write_output(target: Path, data: bytes, *, force: bool, store: StoreFiles) -> None:
    with output_file(target, force=force, store=store) as handle:
        handle.write(data)
