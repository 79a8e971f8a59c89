"""`kompass history|export|verify|replay`: what auditors rely on."""

from __future__ import annotations

import base64
import io
import sys
from pathlib import Path

import click

from kompass.cli.context import Settings, parse_date, pass_settings
from kompass.cli.files import check_output, force_option, output_text, write_output
from kompass.cli.output import emit_json, emit_rows, format_option, message


@click.command()
@click.option("--initiative", default=None, metavar="REF", help="Only this initiative's events.")
@click.option("--actor", default=None, metavar="KEY", help="Events of this actor, and its joins and leaves.")
@click.option("--region", default=None, metavar="CC", help="Events of this region's portfolio and initiatives.")
@click.option("--by", default=None, metavar="USER", help="Only changes recorded by this user.")
@click.option("--since", default=None, metavar="DATE", help="Recorded on or after this date.")
@click.option("--until", default=None, metavar="DATE", help="Recorded on or before this date.")
@format_option()
@pass_settings
def history(settings: Settings, initiative: str | None, actor: str | None, region: str | None, by: str | None,
            since: str | None, until: str | None, fmt: str) -> None:
    """Every recorded change: position, recording time, effective date, who, what.

    The JSON shape: docs/definitions.md (JSON shapes).

    Example: kompass history --initiative 14-2021-opendata --format json
    """
    from kompass.application.history import HistoryFilter

    wanted = HistoryFilter(initiative, actor, region, by, parse_date(since, "--since"), parse_date(until, "--until"))
    entries = settings.store().audit().history(wanted)
    if fmt == "json":
        emit_json({"events": entries})
    else:
        emit_rows(fmt, entries, ("position", "recorded_at", "effective", "by", "aggregate", "key", "summary"))


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "xlsx", "csv"]), default="jsonl", show_default=True,
              help="jsonl: the whole log (re-import with --restore); xlsx: a workbook to edit; csv: the initiatives sheet.")
@click.option("--region", default=None, metavar="CC", help="xlsx and csv: only the initiatives this region leads.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default stdout); an existing file only with --force.")
@force_option
@pass_settings
def export(settings: Settings, fmt: str, region: str | None, output: Path | None, force: bool) -> None:
    """Write the whole log as a command log with recording times (re-import with --restore), or the
    portfolio as a workbook (xlsx) or a CSV of initiatives that `kompass import` reads back.

    One line per stored event, the regions kompass registers itself included: the lines are the
    leaves of the log's Merkle tree. The header holds the signed checkpoint the export matches,
    so `kompass verify --against EXPORT` later proves the store still holds it.
    The format: docs/command-log.md.

    Example: kompass export --format xlsx --region 14 --output portfolj-14.xlsx
    """
    check_output(settings, output, force)
    if fmt != "jsonl":
        _export_sheets(settings, fmt, region, output, force)
        return
    if region is not None:
        raise click.UsageError("--region is for --format xlsx and csv; the command log holds the whole store")
    lines = settings.store().audit().export_log()
    if output is None:
        for line in lines:
            sys.stdout.write(line + "\n")
        return
    with output_text(settings, output, force) as stream:
        for line in lines:
            stream.write(line + "\n")
    message(f"exported to {output}")


def _export_sheets(settings: Settings, fmt: str, region: str | None, output: Path | None, force: bool) -> None:
    from kompass.infrastructure.workbook import write_initiatives_csv, write_workbook

    sheets = settings.store().audit().sheets(region)
    tables = sheets.tables
    if fmt == "csv":
        if output is None:
            write_initiatives_csv(sys.stdout, tables["initiatives"])
            return
        with output_text(settings, output, force) as stream:
            write_initiatives_csv(stream, tables["initiatives"])
    else:
        if output is None and sys.stdout.isatty():
            raise click.UsageError("--format xlsx needs --output FILE on a terminal (a workbook is not text)")
        workbook = io.BytesIO()
        write_workbook(workbook, tables, sheets.columns, sheets.allowed, region)
        if not write_output(settings, output, workbook.getvalue(), force):
            return
    message(f"wrote {len(tables['initiatives'])} initiatives to {output}")


@click.command()
@click.option("--against", "held", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE",
              help="A checkpoint kept elsewhere (or an export or report stamped with one): prove the log still extends it.")
@click.option("--key", "keys", multiple=True, metavar="VERIFIER", help="Also trust this public key (NAME+KEYID+BASE64) for --against.")
@pass_settings
def verify(settings: Settings, held: tuple[Path, ...], keys: tuple[str, ...]) -> None:
    """Check the log and everything derived from it; exit 5 naming the first thing altered.

    Without --against: recompute the Merkle tree from the stored events, every checkpoint and
    its signature, every snapshot and every read-model row against a replay. With --against:
    prove by consistency proofs that today's log extends each checkpoint given (fast).

    Example: kompass verify --against checkpoint-2024-06-30.txt
    """
    audit = settings.store().audit()
    if held:
        texts = [(str(f), f.read_text(encoding="utf-8", errors="replace")) for f in held]
        for done in audit.verify_against(texts, keys):
            copy = f" (of {done.origin}, whose log this store holds a copy of)" if done.of_a_copy else ""
            click.echo(f"{done.source}: the log of {done.current} events extends this checkpoint of {done.size} events{copy}")
        return
    verdict = audit.verify()
    click.echo(
        f"verified: {verdict.events} events, {verdict.checkpoints} checkpoints and {verdict.signatures} signatures, "
        f"{verdict.snapshots} snapshots, {verdict.rows} read-model rows match a replay; root {base64.b64encode(verdict.root).decode()}"
    )
    click.echo(f"signed by: {', '.join(verdict.signers) or 'nobody (empty log)'}")
    recorders = verdict.recorders
    unverifiable = f"; {recorders.unverifiable} stored before kompass kept recorders cannot be checked" if recorders.unverifiable else ""
    click.echo(f"recorders: {recorders.checked} events recorded by someone who held the right to{unverifiable}")


@click.command()
@click.option("--until", "until", required=True, metavar="POSITION|TIMESTAMP", help="Last log position (or recording time) to keep.")
@click.option("--into", "target", required=True, metavar="URL", help="An empty store to rebuild (e.g. sqlite:///audit-2021.db).")
@pass_settings
def replay(settings: Settings, until: str, target: str) -> None:
    """Rebuild a separate store holding only the log up to a point, to query with every other command.

    Example: kompass replay --until 2022-01-31T23:59:59+00:00 --into sqlite:///as-known-2022-01.db
    """
    from kompass.cli.context import parse_timestamp

    point = int(until) if until.isdigit() else parse_timestamp(until, "--until")
    assert point is not None  # --until is required
    events = settings.store().audit().replay(point, target)
    message(f"replayed {events} events into {target}")
