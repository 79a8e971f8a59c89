"""`kompass history|export|seal|verify|replay`: what auditors rely on."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click

from kompass.cli.context import Settings, parse_date, pass_settings
from kompass.cli.output import emit_json, emit_rows, format_option, message

VERIFY_FAILED_EXIT = 5


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
    from kompass.application.history import HistoryFilter, history_entry, keyed, matches

    store = settings.store()
    wanted = HistoryFilter(initiative, actor, region, by, parse_date(since, "--since"), parse_date(until, "--until"))
    entries = [history_entry(f, key) for f, key, reg in keyed(store.facts.facts()) if matches(f, key, reg, wanted)]
    if fmt == "json":
        emit_json({"events": entries})
    else:
        emit_rows(fmt, entries, ("position", "recorded_at", "effective", "by", "aggregate", "key", "summary"))


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "xlsx", "csv"]), default="jsonl", show_default=True,
              help="jsonl: the whole log (re-import with --restore); xlsx: a workbook to edit; csv: the initiatives sheet.")
@click.option("--region", default=None, metavar="CC", help="xlsx and csv: only the initiatives this region leads.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File to write (default stdout).")
@pass_settings
def export(settings: Settings, fmt: str, region: str | None, output: Path | None) -> None:
    """Write the whole log as a command log with recording times (re-import with --restore), or the
    portfolio as a workbook (xlsx) or a CSV of initiatives that `kompass import` reads back.

    The command log's header names the log position and the hash-chain digest it was made from;
    its format: docs/command-log.md.

    Example: kompass export --format xlsx --region 14 --output portfolj-14.xlsx
    """
    if fmt != "jsonl":
        _export_sheets(settings, fmt, region, output)
        return
    if region is not None:
        raise click.UsageError("--region is for --format xlsx and csv; the command log holds the whole store")
    from kompass.infrastructure.command_log_writer import command_lines
    from kompass.infrastructure.seal import digest_at_head

    store = settings.store()
    head, digest = digest_at_head(store.app.recorder)
    stream = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        stream.write("# kompass export (a command log, docs/command-log.md); import with: kompass import --restore FILE\n")
        stream.write(f"# position: {head}\n# digest: {digest}\n")
        for line in command_lines(store.facts.facts(upto=head)):
            stream.write(line + "\n")
    finally:
        if output:
            stream.close()
    if output:
        message(f"exported up to position {head} to {output}")


def _export_sheets(settings: Settings, fmt: str, region: str | None, output: Path | None) -> None:
    from kompass.application.sheet_import import current_tables
    from kompass.application.sheets import allowed_values, sheet_columns
    from kompass.infrastructure.workbook import write_initiatives_csv, write_workbook

    store = settings.store()
    tables = current_tables(store.fresh_read_model(), store.framework, region)
    if fmt == "csv":
        if output is None:
            write_initiatives_csv(sys.stdout, tables["initiatives"])
            return
        with output.open("w", encoding="utf-8", newline="") as stream:
            write_initiatives_csv(stream, tables["initiatives"])
    else:
        if output is None and sys.stdout.isatty():
            raise click.UsageError("--format xlsx needs --output FILE on a terminal (a workbook is not text)")
        target = output or io.BytesIO()
        write_workbook(target, tables, sheet_columns(store.framework), allowed_values(store.framework), region)
        if isinstance(target, io.BytesIO):
            sys.stdout.buffer.write(target.getvalue())
            sys.stdout.buffer.flush()
            return
    message(f"wrote {len(tables['initiatives'])} initiatives to {output}")


@click.command()
@pass_settings
def seal(settings: Settings) -> None:
    """Record a seal: the hash-chain digest of the whole log. Keep the printed digest elsewhere.

    Example: kompass seal
    """
    from kompass.infrastructure.seal import seal as record_seal

    store = settings.store()
    store.access().require_writer("seal the log")
    result = record_seal(store.engine, store.app.recorder, settings.user)
    if result is None:
        message("the log is empty: nothing to seal")
        return
    click.echo(f"sealed position {result.position}")
    click.echo(f"digest {result.digest[:12]} (full: {result.digest})")


@click.command()
@click.option("--digest", default=None, metavar="HEX", help="A digest you kept (12+ hex characters): it must be in the log's chain.")
@pass_settings
def verify(settings: Settings, digest: str | None) -> None:
    """Recompute the hash chain and check every seal and the projections; exit 5 if anything was altered.

    Example: kompass verify --digest 3f2a9c0d51e7
    """
    from kompass.application.queries import coverage_report
    from kompass.application.views import coverage_json
    from kompass.infrastructure.seal import verify as check

    if digest is not None and (len(digest) < 12 or any(c not in "0123456789abcdefABCDEF" for c in digest)):
        raise click.BadParameter("give at least 12 hexadecimal characters", param_hint="--digest")
    from kompass.domain.errors import StoreDamaged

    store = settings.store()
    try:
        verdict = check(store.engine, store.app.recorder, digest)
        if not verdict.ok:
            where = f" at position {verdict.position}" if verdict.position is not None else ""
            click.echo(f"Error: verification failed{where}: {verdict.problem}", err=True)
            raise SystemExit(VERIFY_FAILED_EXIT)
        today = store.today()
        far = today.replace(year=today.year + 100)
        present = coverage_json(coverage_report(store.fresh_read_model(), store.facts, store.framework, today))
        replayed = coverage_json(coverage_report(store.read_model, store.facts, store.framework, today, as_of=far))
    except StoreDamaged as damaged:
        where = f" at position {damaged.position}" if damaged.position is not None else ""
        click.echo(f"Error: verification failed{where}: a stored event cannot be read", err=True)
        raise SystemExit(VERIFY_FAILED_EXIT) from None
    present["as_of"] = replayed["as_of"]
    if present != replayed:
        click.echo("Error: verification failed: the coverage projection differs from a replay of the log", err=True)
        raise SystemExit(VERIFY_FAILED_EXIT)
    click.echo(f"verified: {verdict.head} events, digest {verdict.digest[:12]} (full: {verdict.digest}); projections match a replay")


@click.command()
@click.option("--until", "until", required=True, metavar="POSITION|TIMESTAMP", help="Last log position (or recording time) to keep.")
@click.option("--into", "target", required=True, metavar="URL", help="An empty store to rebuild (e.g. sqlite:///audit-2021.db).")
@pass_settings
def replay(settings: Settings, until: str, target: str) -> None:
    """Rebuild a separate store holding only the log up to a point, to query with every other command.

    Example: kompass replay --until 2022-01-31T23:59:59+00:00 --into sqlite:///as-known-2022-01.db
    """
    from kompass.cli.context import parse_timestamp
    from kompass.domain.errors import InvalidValue
    from kompass.infrastructure.bootstrap import Store
    from kompass.infrastructure.command_log import parse_command
    from kompass.infrastructure.command_log_writer import command_lines

    source = settings.store()
    if until.isdigit():
        facts = source.facts.facts(upto=int(until))
    else:
        moment = parse_timestamp(until)
        facts = (f for f in source.facts.facts() if moment is None or f.recorded_at <= moment)
    destination = Store(target, settings.user, create=True)  # a restore into a new store
    try:
        if not destination.is_empty():
            raise InvalidValue(f"{target} is not empty: replay needs an empty store")
        lines = (parse_command(text, n, restore=True) for n, text in enumerate(command_lines(facts), start=1))
        summary = destination.kompass.import_commands(((c.line, c.command, c.recorded_at) for c in lines), destination.access())
    finally:
        destination.close()
    message(f"replayed {summary.events} events into {target}")
