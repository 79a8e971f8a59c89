"""`kompass actor add|rename|merge|show|list`."""

from __future__ import annotations

import click

from kompass.cli.context import Settings, effective_option, pass_settings
from kompass.cli.output import emit_csv, emit_json, emit_rows, format_option, message, visible
from kompass.cli.run import execute, when

ACTOR_COLUMNS = ("key", "name", "kind", "region", "merged_into")


@click.group()
def actor() -> None:
    """Organisations that take part in initiatives: register, rename, merge, look up.

    Example: kompass actor list --kind library
    """


@actor.command("add")
@click.option("--key", required=True, help="Stable lowercase slug, e.g. digg or kommun-1480.")
@click.option("--name", required=True, help="The organisation's name.")
@click.option("--kind", required=True, help="region, municipality, agency, university, library, … (see docs/command-log.md).")
@click.option("--region", default=None, metavar="CC", help="Home region's county code, if it has one.")
@effective_option
@pass_settings
def add(settings: Settings, key: str, name: str, kind: str, region: str | None, effective: str | None) -> None:
    """Register an actor.

    Example: kompass actor add --key digg --name "Myndigheten för digital förvaltning" --kind agency
    """
    from kompass.application.commands import RegisterActor

    execute(settings, RegisterActor(key=key, name=name, kind=kind, region=region, effective=when(effective)))
    message(f"registered {key}")


@actor.command("rename")
@click.argument("key")
@click.option("--name", required=True, help="The new name; the old one stays in the history.")
@effective_option
@pass_settings
def rename(settings: Settings, key: str, name: str, effective: str | None) -> None:
    """Rename an actor.

    Example: kompass actor rename mdh --name "Mälardalens universitet"
    """
    from kompass.application.commands import RenameActor

    execute(settings, RenameActor(key=key, name=name, effective=when(effective)))
    message(f"renamed {key}")


@actor.command("merge")
@click.argument("key")
@click.option("--into", required=True, help="The actor KEY became (it keeps its own roles).")
@effective_option
@pass_settings
def merge(settings: Settings, key: str, into: str, effective: str | None) -> None:
    """Merge one actor into another (organisations merge; history keeps both).

    Example: kompass actor merge iis --into internetstiftelsen
    """
    from kompass.application.commands import MergeActor

    execute(settings, MergeActor(key=key, into=into, effective=when(effective)))
    message(f"merged {key} into {into}")


@actor.command("show")
@click.argument("key")
@format_option()
@pass_settings
def show(settings: Settings, key: str, fmt: str) -> None:
    """Show one actor.

    Example: kompass actor show digg --format json
    """
    data = settings.store().queries().actor(key)
    if fmt == "json":
        emit_json(data)
    elif fmt == "csv":
        emit_csv([data], list(data))
    else:
        for field, value in data.items():
            click.echo(visible(f"{field:13} {value if value not in (None, []) else '-'}"))


@actor.command("list")
@click.option("--kind", default=None, help="Only actors of this kind.")
@click.option("--region", default=None, metavar="CC", help="Only actors of this region.")
@click.option("--merged/--no-merged", default=False, help="Include actors merged into others.")
@format_option()
@pass_settings
def list_(settings: Settings, kind: str | None, region: str | None, merged: bool, fmt: str) -> None:
    """List actors.

    Example: kompass actor list --kind library --format csv
    """
    from kompass.application.portfolio_queries import ActorFilter

    rows = settings.store().queries().actors(ActorFilter(kind, region, merged))
    emit_rows(fmt, rows, ACTOR_COLUMNS)
