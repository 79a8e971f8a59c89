"""`kompass initiative retype|reorient|roles|unfund|withdraw-result|retarget|schedule|lead-region`.

Corrections: each records a new event that says what holds from now on; the history keeps
what was recorded before, and the reason given here.
"""

from __future__ import annotations

import click

from kompass.cli.context import Settings, parse_date, pass_settings
from kompass.cli.options import correction_options, funding_line_options, result_options
from kompass.cli.output import message
from kompass.cli.run import execute, when


def register(group: click.Group) -> None:
    for command in (retype, reorient, roles, unfund, withdraw_result, retarget, schedule, lead_region):
        group.add_command(command)


@click.command("retype")
@click.argument("ref")
@click.argument("type_", metavar="TYPE")
@correction_options
@pass_settings
def retype(settings: Settings, ref: str, type_: str, reason: str, effective: str | None) -> None:
    """Correct the type of an initiative (collaboration, training, seminar, analysis, project, strategy,
    application_support, advocacy).

    Example: kompass initiative retype 14-2021-opendata project --reason "it got a project budget"
    """
    from kompass.application.commands import RetypeInitiative

    execute(settings, RetypeInitiative(ref=ref, type=type_, reason=reason, effective=when(effective)))
    message(f"{ref} is now of type {type_}")


@click.command("reorient")
@click.argument("ref")
@click.argument("orientation", type=click.Choice(["internal", "external"]))
@correction_options
@pass_settings
def reorient(settings: Settings, ref: str, orientation: str, reason: str, effective: str | None) -> None:
    """Correct whether an initiative works inside the region's organisation (internal) or outside it (external).

    Example: kompass initiative reorient 14-2021-opendata internal
    """
    from kompass.application.commands import ReorientInitiative

    execute(settings, ReorientInitiative(ref=ref, orientation=orientation, reason=reason, effective=when(effective)))
    message(f"{ref} is now {orientation}")


@click.command("roles")
@click.argument("ref")
@click.option("--role", "roles_", multiple=True, help="Coordinator role exercised; repeat for several; none clears them.")
@correction_options
@pass_settings
def roles(settings: Settings, ref: str, roles_: tuple[str, ...], reason: str, effective: str | None) -> None:
    """Replace the set of coordinator roles an initiative exercises (spokesperson, strategist,
    change_leader, lobbyist, collaboration_leader).

    Example: kompass initiative roles 14-2021-opendata --role strategist --role lobbyist
    """
    from kompass.application.commands import ChangeRoles

    execute(settings, ChangeRoles(ref=ref, roles=roles_, reason=reason, effective=when(effective)))
    message(f"roles of {ref}: {', '.join(roles_) or 'none'}")


@click.command("unfund")
@click.argument("ref")
@funding_line_options("The source of the line to remove.", "Its amount, exactly as recorded.")
@correction_options
@pass_settings
def unfund(settings: Settings, ref: str, source: str, amount_sek: int, year: int, reason: str, effective: str | None) -> None:
    """Remove one funding line equal to the one given (a mistyped amount: remove it, then fund again).

    Example: kompass initiative unfund 14-2021-opendata --source erdf --amount-sek 15000000 --year 2022 --reason "typo"
    """
    from kompass.application.commands import UnfundInitiative

    command = UnfundInitiative(ref=ref, source=source, amount_sek=amount_sek, year=year, reason=reason, effective=when(effective))
    execute(settings, command)
    message(f"funding line removed from {ref}")


@click.command("withdraw-result")
@click.argument("ref")
@result_options("The result's text, exactly as recorded.")
@correction_options
@pass_settings
def withdraw_result(settings: Settings, ref: str, type_: str, text: str, reason: str, effective: str | None) -> None:
    """Withdraw one result equal to the one given.

    Example: kompass initiative withdraw-result 14-2021-opendata --type direct --text "Portal launched" --reason "not yet"
    """
    from kompass.application.commands import WithdrawResult

    execute(settings, WithdrawResult(ref=ref, type=type_, text=text, reason=reason, effective=when(effective)))
    message(f"result withdrawn from {ref}")


@click.command("retarget")
@click.argument("ref")
@click.option("--name", required=True, help="The indicator's name.")
@click.option("--target", required=True, type=float)
@click.option("--unit", default=None, help="New unit (default: keep).")
@correction_options
@pass_settings
def retarget(settings: Settings, ref: str, name: str, target: float, unit: str | None, reason: str, effective: str | None) -> None:
    """Change an indicator's target (and unit).

    Example: kompass initiative retarget 14-2021-opendata --name open-data-municipalities --target 90
    """
    from kompass.application.commands import RetargetIndicator

    execute(settings, RetargetIndicator(ref=ref, name=name, target=target, unit=unit, reason=reason, effective=when(effective)))
    message(f"indicator {name} of {ref} retargeted")


@click.command("schedule")
@click.argument("ref")
@click.option("--start", default=None, metavar="DATE", help="Planned start (YYYY-MM-DD); left out: none.")
@click.option("--end", default=None, metavar="DATE", help="Planned end (YYYY-MM-DD); left out: none.")
@correction_options
@pass_settings
def schedule(settings: Settings, ref: str, start: str | None, end: str | None, reason: str, effective: str | None) -> None:
    """Set the planned start and end dates (both at once: a date left out is cleared).

    Example: kompass initiative schedule 14-2021-opendata --start 2021-03-01 --end 2022-06-30
    """
    from kompass.application.commands import ScheduleInitiative

    command = ScheduleInitiative(
        ref=ref, start=parse_date(start, "--start"), end=parse_date(end, "--end"), reason=reason, effective=when(effective)
    )
    execute(settings, command)
    message(f"{ref} planned {start or '…'} – {end or '…'}")


@click.command("lead-region")
@click.argument("ref")
@click.argument("region", metavar="CC")
@correction_options
@pass_settings
def lead_region(settings: Settings, ref: str, region: str, reason: str, effective: str | None) -> None:
    """Move an initiative to another lead region (admins only).

    Example: kompass initiative lead-region 14-2021-opendata 13 --reason "Halland took over the lead"
    """
    from kompass.application.commands import MoveLeadRegion

    execute(settings, MoveLeadRegion(ref=ref, region=region, reason=reason, effective=when(effective)))
    message(f"region {region} now leads {ref}")
