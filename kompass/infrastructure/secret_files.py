"""Secret files made once: a signing key, a person's key.

Two processes may make the same key at the same moment (two first writes to a new store). The file
is written whole under another name, flushed to disk, and then linked into place: the loser of the
race finds the winner's complete file and uses it, never half a file and never a second key.
"""

from __future__ import annotations

import os
from pathlib import Path


def create_once(path: Path, content: bytes) -> None:
    """Write `content` to `path` (mode 0600, in a 0700 directory) unless a file is already there."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass  # another process made it first: its key is the one
    finally:
        temporary.unlink()
