"""`kompass check`: the data-quality list to work through before the annual report."""

from __future__ import annotations

import click

from kompass.cli.context import Settings, pass_settings
from kompass.cli.output import emit_json, emit_rows, format_option, message

FINDINGS_EXIT = 6


@click.command()
@click.option("--region", default=None, metavar="CC", help="Only this region's findings.")
@click.option("--year", default=None, type=int, help="The reporting year (default: the current year).")
@format_option()
@pass_settings
def check(settings: Settings, region: str | None, year: int | None, fmt: str) -> None:
    """List what is missing before the annual report: active initiatives without partners, completed
    ones without results, funding without a line for the year, declared focus without initiatives,
    indicators never measured, self-assessments missing for the year. Exits 6 when anything is found.

    Example: kompass check --region 14 --year 2021
    """
    from kompass.application.quality import COLUMNS

    checked = settings.store().queries().check(year, region)
    findings = [f.to_json() for f in checked.findings]
    if fmt == "json":
        emit_json({"year": checked.year, "region": checked.region, "findings": findings})
    else:
        emit_rows(fmt, findings, COLUMNS)
    if findings:
        message(f"{len(findings)} finding(s) for {checked.year}")
        raise SystemExit(FINDINGS_EXIT)
