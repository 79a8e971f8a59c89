"""`kompass import FILE`: a whole command log, applied atomically."""

from __future__ import annotations

from pathlib import Path

import click

from kompass.cli.context import Settings, pass_settings
from kompass.cli.output import message


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, allow_dash=True))
@click.option("--restore", is_flag=True, help="Keep the recording times of an export (into an empty store only).")
@pass_settings
def import_(settings: Settings, file: Path, restore: bool) -> None:
    """Apply a command log (JSON Lines, see docs/command-log.md): all of it, or nothing. FILE - reads standard input.

    On the first bad line it stops with FILE:LINE: message and the store is unchanged.
    Lines may end with LF, CRLF or CR; the file must be UTF-8 (a byte order mark is fine).
    Only --restore creates a store where none exists.
    Every op and field, and the rules of --restore: docs/command-log.md.

    Example: kompass import portfolio-2021.jsonl
    """
    from kompass.application.service import LineRefused
    from kompass.domain.errors import InvalidValue
    from kompass.infrastructure.command_log import read_command_log, source_name

    logged = read_command_log(file, restore=restore)  # an unreadable path is refused before the store is touched
    store = settings.store(create=restore)
    if restore and not store.is_empty():
        raise InvalidValue("--restore needs an empty store: it reproduces an exported store exactly")
    commands = ((c.line, c.command, c.recorded_at) for c in logged)
    try:
        summary = store.kompass.import_commands(commands, store.access())
    except LineRefused as refused:
        refused.args = (f"{source_name(file)}:{refused}",)
        raise
    message(f"imported {summary.commands} commands ({summary.events} events) from {source_name(file)}")
