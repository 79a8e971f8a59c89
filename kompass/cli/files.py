"""`--output FILE` and `--force`: every file a command writes goes through infrastructure/output_files.py."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import click

from kompass.cli.context import Settings

F = TypeVar("F", bound=Callable[..., Any])


def force_option(f: F) -> F:
    return click.option(
        "--force", is_flag=True, help="Replace --output FILE if it exists (a symbolic link is replaced, not followed)."
    )(f)


@contextmanager
def output_stream(settings: Settings, path: Path, force: bool) -> Iterator[BinaryIO]:
    """A binary file for `path`'s whole content, never one of the store's own files (exit 4), an existing file
    only with --force (else exit 1)."""
    from kompass.infrastructure.output_files import output_file

    with output_file(path, force=force, store=settings.store().own_files()) as handle:
        yield handle


@contextmanager
def output_text(settings: Settings, path: Path, force: bool) -> Iterator[io.TextIOWrapper]:
    """`output_stream` as UTF-8 text, written exactly as given (no newline translation)."""
    with output_stream(settings, path, force) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        try:
            yield text
        finally:
            text.flush()
            text.detach()


def check_output(settings: Settings, path: Path | None, force: bool) -> None:
    """Refuse an output file before the work of making its content (writing checks again)."""
    if path is not None:
        from kompass.infrastructure.output_files import require_writable

        require_writable(path, force=force, store=settings.store().own_files())


def write_file(settings: Settings, path: Path, data: bytes, force: bool) -> None:
    with output_stream(settings, path, force) as handle:
        handle.write(data)


def write_output(settings: Settings, path: Path | None, data: bytes, force: bool) -> bool:
    """`data` to the --output file, or as bytes to standard output without one; whether a file was written
    (the command then says so)."""
    if path is not None:
        write_file(settings, path, data, force)
        return True
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return False
