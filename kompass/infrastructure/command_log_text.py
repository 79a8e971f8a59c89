"""The bytes of a command log as lines of text (format: docs/command-log.md, "Lines").

Files are read as people write them: lines may end with LF, CRLF or a lone CR (old Mac and
Excel exports), and a UTF-8 byte order mark at the start is skipped. A file in another
encoding is refused with the encoding it seems to be in. `-` reads standard input.

Lines are read a block at a time so a file of any length is parsed in constant memory.
Every refusal names the line: `FILE:LINE: message`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from kompass.domain.errors import KompassError

__all__ = ["MAX_LINE_BYTES", "STDIN", "STDIN_NAME", "LineError", "source_name", "text_lines"]

MAX_LINE_BYTES = 1 << 20
"""A command is a few hundred bytes; a line over a mebibyte is a broken file, not data."""


class LineError(KompassError):
    def __init__(self, source: str, line: int, message: str) -> None:
        super().__init__(f"{source}:{line}: {message}")
        self.line = line


STDIN = "-"
STDIN_NAME = "<stdin>"
"""How refusals name standard input: `<stdin>:LINE: message`."""
BLOCK = 1 << 16
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_NEWLINE = re.compile(rb"\r\n|\r|\n")


def source_name(path: Path) -> str:
    """How refusals name the file: its path, or `<stdin>`."""
    return STDIN_NAME if str(path) == STDIN else str(path)


def text_lines(stream: IO[bytes], source: str) -> Iterator[tuple[int, str]]:
    """Each line of `stream` with its number (from 1), as text without its end; a UTF-16 file or a line that
    is not UTF-8 is refused, naming the line."""
    for number, raw in enumerate(_lines(stream, source), start=1):
        if number == 1:
            if raw.startswith(UTF16_BOMS):
                raise LineError(source, number, "the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8")
            raw = raw.removeprefix(UTF8_BOM)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise LineError(source, number, _not_utf8(raw, error)) from None
        yield number, text


def _not_utf8(raw: bytes, error: UnicodeDecodeError) -> str:
    """Name the encoding the line seems to be in: a Latin-1 or Windows-1252 file (Excel's "CSV" on Windows) is
    the usual cause, and every byte of such a line is a letter or a sign in it."""
    byte = raw[error.start]
    where = f"byte {error.start + 1}, 0x{byte:02X}"
    try:
        as_cp1252 = raw.decode("cp1252")
    except UnicodeDecodeError:
        return f"not valid UTF-8 ({where}): save the file as UTF-8"
    if all(c.isprintable() or c in "\t\r\n" for c in as_cp1252):
        return f"not valid UTF-8 ({where}): the file seems to be Latin-1 or Windows-1252 — save it as UTF-8"
    return f"not valid UTF-8 ({where}): save the file as UTF-8"


def _lines(stream: IO[bytes], source: str) -> Iterator[bytes]:
    """The lines of `stream`, each without its end (LF, CRLF or a lone CR), in memory bounded by MAX_LINE_BYTES."""
    number = 0
    pending = b""
    while True:
        block = stream.read(BLOCK)
        if not block:
            break
        data = pending + block
        held = b"\r" if data.endswith(b"\r") else b""  # a CR at the end of a block may be half of a CRLF
        parts = _NEWLINE.split(data[: len(data) - len(held)])
        pending = parts.pop() + held
        for part in parts:
            number += 1
            if len(part) > MAX_LINE_BYTES:
                raise LineError(source, number, "line is longer than 1 MiB")
            yield part
        if len(pending) > MAX_LINE_BYTES + 1:
            raise LineError(source, number + 1, "line is longer than 1 MiB")
    if pending:
        pending = pending.removesuffix(b"\r")
        number += 1
        if len(pending) > MAX_LINE_BYTES:
            raise LineError(source, number, "line is longer than 1 MiB")
        if pending:
            yield pending
