"""`kompass initiative show|list`: one initiative, now or as it was, and the initiatives that pass filters."""

from __future__ import annotations

from typing import Any

import click

from kompass.cli.context import Settings, pass_settings, time_options, when_asked
from kompass.cli.output import emit_csv, emit_json, emit_rows, format_option, visible


def register(group: click.Group) -> None:
    for command in (show, list_):
        group.add_command(command)


@click.command("show")
@click.argument("ref")
@time_options
@format_option("table", "json", "csv")
@pass_settings
def show(settings: Settings, ref: str, as_of: str | None, known_at: str | None, fmt: str) -> None:
    """Show one initiative, now or as it was.

    Example: kompass initiative show 14-2021-opendata --as-of 2021-06-30 --format json
    """
    from kompass.application.initiative_query import SHOW_CSV_COLUMNS, flat_row

    data = settings.store().queries().initiative(ref, when_asked(as_of, known_at))
    if fmt == "json":
        emit_json(data)
    elif fmt == "csv":
        emit_csv([flat_row(data)], SHOW_CSV_COLUMNS)
    else:
        _show_table(data)


def _show_table(data: dict[str, Any]) -> None:
    for field in SHOW_FIELDS:
        value = data[field]
        click.echo(visible(f"{field:12} {', '.join(value) if isinstance(value, list) else '' if value is None else value}"))
    if data["description"]:
        click.echo(visible(f"{'description':12} {data['description']}"))
    for p in data["participants"]:
        click.echo(visible(f"{'participant':12} {p['actor']} ({p['role']})"))
    for line in data["funding"]:
        click.echo(visible(f"{'funding':12} {line['amount_sek']} SEK {line['source']} {line['year']}"))
    for r in data["results"]:
        click.echo(visible(f"{'result':12} [{r['type']}] {r['text']}"))
    for i in data["indicators"]:
        latest = i["measurements"][-1][1] if i["measurements"] else "-"
        click.echo(visible(f"{'indicator':12} {i['name']}: {latest} of {i['target']}{i['unit']}"))


SHOW_FIELDS = (
    "ref", "title", "region", "regions", "status", "type", "orientation", "areas", "roles", "budget_sek",
    "proposed_on", "updated_on", "planned_start", "planned_end",
)


@click.command("list")
@click.option("--region", default=None, metavar="CC", help="Initiatives the region leads or takes part in.")
@click.option("--area", default=None)
@click.option("--status", default=None)
@click.option("--type", "type_", default=None)
@click.option("--orientation", default=None, help="internal or external.")
@click.option("--role", default=None, help="A coordinator role the initiative exercises.")
@click.option("--actor", default=None, help="An actor taking part (key).")
@click.option("--year", default=None, type=int, help="Initiatives of that year's portfolio (as the annual report counts them).")
@time_options
@format_option()
@pass_settings
def list_(
    settings: Settings,
    region: str | None,
    area: str | None,
    status: str | None,
    type_: str | None,
    orientation: str | None,
    role: str | None,
    actor: str | None,
    year: int | None,
    as_of: str | None,
    known_at: str | None,
    fmt: str,
) -> None:
    """List initiatives, filtered by region, area, status, type, orientation, role, actor and year.

    Example: kompass initiative list --region 14 --status active --format json
    """
    from kompass.application.initiative_query import CSV_COLUMNS, TABLE_COLUMNS, InitiativeFilter, flat_row

    wanted = InitiativeFilter(
        region=region, area=area, status=status, type=type_, orientation=orientation, role=role, actor=actor, year=year
    )
    rows = settings.store().queries().initiatives(wanted, when_asked(as_of, known_at))
    if fmt == "csv":
        emit_csv([flat_row(r) for r in rows], CSV_COLUMNS)
    else:
        emit_rows(fmt, rows, TABLE_COLUMNS)
