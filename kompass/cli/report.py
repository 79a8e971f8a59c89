"""`kompass report annual|national|changes`: yearly reports in Swedish or English, as Markdown, HTML,
JSON, Word, PDF or Excel."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kompass.cli.context import Settings, parse_timestamp, pass_settings
from kompass.cli.files import check_output, force_option, write_file
from kompass.cli.output import message

FORMATS = ("md", "html", "json", "docx", "pdf", "xlsx")


def _report_options(f: Any) -> Any:
    f = click.option(
        "--position", type=click.IntRange(min=1), default=None, metavar="N",
        help="Make the report from the log up to this position (default: its head). The report names the position "
             "it was made from, so anyone can regenerate exactly the same file.",
    )(f)
    f = click.option("--framework", default=None, metavar="KEY|FILE",
                     help="View under another framework (e.g. se-2025); the report says how the crosswalk splits weights.")(f)
    f = click.option("--lang", type=click.Choice(("sv", "en")), default="sv", show_default=True,
                     help="The report's language: Swedish (sv) or English (en).")(f)
    f = force_option(f)
    f = click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="Write the report to this file (default: standard output); an existing file only with --force.")(f)
    f = click.option("--format", "fmt", type=click.Choice(FORMATS), default="md", show_default=True,
                     help="md to read, html for a self-contained page (phone and print), json for programs, docx for Word, "
                          "pdf to print or send, xlsx for the tables in full.")(f)
    return click.option("--year", type=int, required=True, metavar="YYYY", help="The reported year.")(f)


@click.group()
def report() -> None:
    """Yearly reports: one region's annual report, the national report, and what was corrected after a deadline.

    Replayed from the event log as of 31 December of the year (effective dates), in Swedish unless
    --lang en, and stamped with the log position and the signed checkpoint of the log they were made from: the same
    position gives the same figures (md, html and json byte-identical).

    Example: kompass report national --year 2021 --format docx --output nationell-2021.docx
    """


def _make(settings: Settings, fmt: str, output: Path | None, force: bool, **request: Any) -> None:
    from kompass.application.reports.service import ReportRequest
    from kompass.infrastructure.report_formats import BINARY, render

    check_output(settings, output, force)
    made = settings.store().reports().make(ReportRequest(**request))
    data = render(made, fmt)
    p = made.provenance
    message(f"report made from log position {p.position}, stamped with its signed checkpoint")
    if output is not None:
        write_file(settings, output, data, force)
        message(f"wrote {output}")
    elif fmt in BINARY and sys.stdout.isatty():
        raise click.UsageError(f"a {fmt} file is not for a terminal: give --output FILE")
    else:
        click.echo(data, nl=False)


def _command(kind: str, args: list[str], fmt: str, lang: str, framework: str | None, extra: list[str] | None = None) -> str:
    parts = ["kompass report", kind, *args, *(extra or []), "--format", fmt, "--lang", lang]
    if framework:
        parts += ["--framework", framework]
    return " ".join(parts)


@report.command()
@click.option("--region", required=True, metavar="CC", help="The region's county code, e.g. 14.")
@click.option("--known-at", "known_at", metavar="TIMESTAMP", default=None,
              help="The report as it could have been written then: only what had been recorded by this time "
                   "(e.g. 2022-01-31T23:59:59+01:00, or a date for its end, UTC).")
@_report_options
@pass_settings
def annual(settings: Settings, region: str, known_at: str | None, year: int, fmt: str, output: Path | None, force: bool, lang: str,
           framework: str | None, position: int | None) -> None:
    """A region's annual report: initiatives per area and type (status, partners, funding, results),
    the self-assessment and its movement, declared focus against coverage, gaps, the actor
    network and its key-actor risks, and what changed during the year.

    Example: kompass report annual --region 14 --year 2021 --format docx -o vgr-2021.docx
    """
    extra = ["--known-at", known_at] if known_at else []
    _make(settings, fmt, output, force, kind="annual", year=year, lang=lang, region=region, framework=framework, position=position,
          known_at=parse_timestamp(known_at),
          command=_command("annual", ["--region", region, "--year", str(year)], fmt, lang, framework, extra))


@report.command()
@click.option("--known-at", "known_at", metavar="TIMESTAMP", default=None,
              help="The report as it could have been written then: only what had been recorded by this time.")
@_report_options
@pass_settings
def national(settings: Settings, known_at: str | None, year: int, fmt: str, output: Path | None, force: bool, lang: str,
             framework: str | None, position: int | None) -> None:
    """The national report: movement and traffic lights of the 21 regions, the area ranking, the
    coverage heatmap, the evaluation's own tables (activity types, orientation, the coordinator's
    roles, results, funding, declared focus; year by year when earlier years are in the log), the
    regions with the largest gaps and cross-region collaboration.

    `--format json` prints exactly the national figures of docs/definitions.md, which other programs
    read: year, regions_assessed, improved, unchanged, declined, not_comparable, lights, area_ranking,
    types, orientation, roles, results, funding, focus.

    Example: kompass report national --year 2021 --format json
    """
    extra = ["--known-at", known_at] if known_at else []
    _make(settings, fmt, output, force, kind="national", year=year, lang=lang, framework=framework, position=position,
          known_at=parse_timestamp(known_at), command=_command("national", ["--year", str(year)], fmt, lang, framework, extra))


@report.command()
@click.option("--region", required=True, metavar="CC", help="The region's county code, e.g. 14.")
@click.option("--since", required=True, metavar="TIMESTAMP",
              help="The deadline: changes recorded after it are listed (e.g. 2022-01-31 for the end of that day, UTC).")
@_report_options
@pass_settings
def changes(settings: Settings, region: str, since: str, year: int, fmt: str, output: Path | None, force: bool, lang: str,
            framework: str | None, position: int | None) -> None:
    """What was corrected after a deadline: every change recorded after --since that alters the region's
    figures for the year (its initiatives as of 31 December, its self-assessment for the year), with who
    recorded it and why, and each annual-report figure as reported by the deadline and as corrected.

    Example: kompass report changes --region 14 --year 2021 --since 2022-01-31
    """
    moment = parse_timestamp(since, "--since")
    _make(settings, fmt, output, force, kind="changes", year=year, lang=lang, region=region, framework=framework, position=position,
          since=moment, command=_command("changes", ["--region", region, "--year", str(year), "--since", since], fmt, lang, framework))
