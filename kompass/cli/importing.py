"""`kompass import FILE`: a whole command log, or the differences of an edited spreadsheet, applied atomically."""

from __future__ import annotations

from pathlib import Path

import click

from kompass.cli.context import Settings, pass_settings
from kompass.cli.output import message

SHEET_SUFFIXES = (".xlsx", ".csv")


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, allow_dash=True))
@click.option("--restore", is_flag=True, help="Keep the recording times of an export (into an empty store only).")
@click.option("--dry-run", is_flag=True, help="xlsx and csv: print the commands the file would apply, and apply none.")
@pass_settings
def import_(settings: Settings, file: Path, restore: bool, dry_run: bool) -> None:
    """Apply a command log (JSON Lines, see docs/command-log.md), or the differences between an
    edited workbook (FILE.xlsx, from `kompass export --format xlsx`) or CSV of initiatives
    (FILE.csv) and the store: all of it, or nothing. FILE - reads a command log from standard input.

    A command log stops at the first bad line with FILE:LINE: message; a workbook names every
    refused cell as FILE:SHEET!CELL: message. Either way the store is unchanged.
    Lines may end with LF, CRLF or CR; the file must be UTF-8 (a byte order mark is fine).
    Only --restore creates a store where none exists.
    Every op and field, and the rules of --restore: docs/command-log.md.

    Example: kompass import portfolj-14.xlsx --dry-run
    """
    from kompass.infrastructure.command_log import read_command_log, restore_items, source_name

    if file.suffix.lower() in SHEET_SUFFIXES:
        if restore:
            raise click.UsageError("--restore reads a command log from `kompass export`, not a spreadsheet")
        _import_sheets(settings, file, dry_run)
        return
    if dry_run:
        raise click.UsageError("--dry-run is for workbooks (.xlsx) and CSV files of initiatives (.csv)")
    logged = read_command_log(file, restore=restore)  # an unreadable path is refused before the store is touched
    if restore:  # a new store, made by you; the export names its admins and each event's recorder
        summary = settings.store(create=True, restore=True).imports().restore(restore_items(logged, None), source_name(file))
    else:
        commands = ((c.line, c.command, c.recorded_at) for c in logged)
        summary = settings.store().imports().command_log(commands, source_name(file))
    message(f"imported {summary.commands} commands ({summary.events} events) from {source_name(file)}")


def _import_sheets(settings: Settings, file: Path, dry_run: bool) -> None:
    from kompass.application.sheets import CellsRefused
    from kompass.cli.errors import fail
    from kompass.infrastructure.command_log_writer import command_line

    imports = settings.store().imports()
    try:
        if dry_run:
            planned = imports.plan_sheet(file)
            for step in planned:
                click.echo(command_line(step.command))
            message(f"{len(planned)} commands would be applied from {file} (dry run: nothing written)")
            return
        summary = imports.apply_sheet(file)
    except CellsRefused as refused:
        for line in refused.lines[:-1]:
            click.echo(f"Error: {line}", err=True)
        fail(refused.lines[-1], refused.exit_code)
    message(f"applied {summary.commands} commands ({summary.events} events) from {file}")
