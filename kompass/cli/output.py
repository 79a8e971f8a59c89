"""Rendering rows for people (table) and programs (json, csv); data to stdout only."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from kompass.infrastructure.cells import safe_cell

FORMATS = ("table", "json", "csv")
F = TypeVar("F", bound=Callable[..., Any])


def format_option(*choices: str) -> Callable[[F], F]:
    choices = choices or FORMATS
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default=choices[0], show_default=True,
        help="table for people; json or csv for programs.",
    )


def use_colour() -> bool:
    """Colour only on a terminal and never with NO_COLOR set (click does not check it itself)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def visible(text: str) -> str:
    """Text for a terminal: control and format characters (an escape sequence that clears the screen, a
    right-to-left override, a newline inside a title) are shown as escapes instead of being obeyed."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else _escape(c) for c in text)


def _escape(c: str) -> str:
    code = ord(c)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def emit_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: safe_cell(_flat(row.get(k))) for k in columns})
    click.echo(buffer.getvalue(), nl=False)


def _flat(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return ";".join(f"{k}={v}" for k, v in value.items())
    return "" if value is None else value


def emit_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], headers: Sequence[str] | None = None) -> None:
    headers = list(headers or columns)
    cells = [[visible(str(_flat(row.get(c)))) for c in columns] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()
    click.echo(click.style(line, bold=True) if use_colour() else line)
    for r in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())


def emit_rows(fmt: str, rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    if fmt == "json":
        emit_json(list(rows))
    elif fmt == "csv":
        emit_csv(rows, columns)
    else:
        emit_table(rows, columns)


def message(text: str) -> None:
    """A message for the person at the terminal: stderr, so stdout stays data."""
    click.echo(text, err=True)
