"""`kompass portfolio assess|coordinator|show`: a region's yearly self-assessment."""

from __future__ import annotations

import click

from kompass.cli.context import Settings, effective_option, pass_settings
from kompass.cli.output import emit_json, emit_rows, format_option, message
from kompass.cli.run import execute, when


@click.group()
def portfolio() -> None:
    """A region's portfolio: yearly self-assessment and coordinator.

    Example: kompass portfolio show --region 14
    """


def _focus(values: tuple[str, ...]) -> dict[str, str]:
    focus = {}
    for item in values:
        area, sep, level = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r}: write AREA=LEVEL, e.g. security=high", param_hint="--focus")
        focus[area] = level
    return focus


@portfolio.command("assess")
@click.option("--region", required=True, metavar="CC")
@click.option("--year", required=True, type=int)
@click.option("--score", required=True, type=int, help="1–10, the evaluation's ten-step scale.")
@click.option("--light", required=True, type=click.Choice(["green", "yellow", "red"]), help="Carried out as planned?")
@click.option("--focus", multiple=True, metavar="AREA=LEVEL", help="Declared focus (none/low/medium/high); repeat.")
@click.option("--clear-focus", is_flag=True, help="Declare no focus (without --focus a repeat keeps the focus declared before).")
@effective_option
@pass_settings
def assess(
    settings: Settings, region: str, year: int, score: int, light: str, focus: tuple[str, ...], clear_focus: bool, effective: str | None
) -> None:
    """Record the yearly self-assessment (a repeat for the same year replaces it).

    A repeat without --focus keeps the focus declared for that year; --clear-focus
    removes it. The message says which it did.

    Example: kompass portfolio assess --region 14 --year 2021 --score 8 --light green --focus leadership=high
    """
    from kompass.application.commands import AssessPortfolio

    if clear_focus and focus:
        raise click.UsageError("give --focus or --clear-focus, not both")
    declared = {} if clear_focus else _focus(focus) if focus else None
    command = AssessPortfolio(region=region, year=year, score=score, light=light, focus=declared, effective=when(effective))
    recorded = execute(settings, command)
    focus_now = recorded[-1].focus if recorded else {}
    shown = ", ".join(f"{area}={level}" for area, level in focus_now.items())
    if clear_focus:
        said = "focus cleared"
    elif declared is None:
        said = f"focus kept from the earlier assessment: {shown}" if shown else "no focus declared"
    else:
        said = f"focus: {shown}"
    message(f"assessed region {region} for {year}: score {score}, {light}; {said}")


@portfolio.command("coordinator")
@click.option("--region", required=True, metavar="CC")
@click.option("--user", required=True, help="User id of the coordinator (no names: see `kompass person`).")
@effective_option
@pass_settings
def coordinator(settings: Settings, region: str, user: str, effective: str | None) -> None:
    """Assign the region's coordinator.

    Example: kompass portfolio coordinator --region 14 --user coord-14
    """
    from kompass.application.commands import AssignCoordinator

    execute(settings, AssignCoordinator(region=region, user=user, effective=when(effective)))
    message(f"{user} coordinates region {region}")


@portfolio.command("show")
@click.option("--region", required=True, metavar="CC")
@format_option()
@pass_settings
def show(settings: Settings, region: str, fmt: str) -> None:
    """Show a region's self-assessments, year by year.

    Example: kompass portfolio show --region 14 --format json
    """
    found = settings.store().queries().assessments(region)
    if fmt == "json":
        emit_json({"region": found.region, "name": found.name, "assessments": found.rows})
    else:
        emit_rows(fmt, found.rows, ("year", "score", "light", "focus", "effective"))
