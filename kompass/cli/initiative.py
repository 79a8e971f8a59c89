"""`kompass initiative …`: the coordinator's commands for one initiative (its lookups: `initiative_lookups.py`,
its corrections: `corrections.py`)."""

from __future__ import annotations

import click

from kompass.cli.context import Settings, effective_option, pass_settings
from kompass.cli.options import area_option, funding_line_options, result_options
from kompass.cli.output import message
from kompass.cli.run import execute, when


@click.group()
def initiative() -> None:
    """Initiatives (insatser): propose, tag, move through their life, fund, look up.

    Example: kompass initiative list --region 14 --status active
    """


@initiative.command("add")
@click.option("--ref", required=True, help="Stable key you choose, e.g. 14-2021-opendata.")
@click.option("--region", required=True, metavar="CC", help="Lead region's county code, e.g. 14.")
@click.option("--title", required=True)
@click.option("--area", "areas", multiple=True, required=True, help="Strategy area; repeat for several.")
@click.option(
    "--type", "type_", required=True, help="collaboration, training, seminar, analysis, project, strategy, application_support, advocacy."
)
@click.option("--orientation", type=click.Choice(["internal", "external"]), default="external", show_default=True)
@click.option("--role", "roles", multiple=True, help="Coordinator role exercised; repeat for several.")
@click.option("--description", default="")
@effective_option
@pass_settings
def add(
    settings: Settings,
    ref: str,
    region: str,
    title: str,
    areas: tuple[str, ...],
    type_: str,
    orientation: str,
    roles: tuple[str, ...],
    description: str,
    effective: str | None,
) -> None:
    """Propose a new initiative (it starts as proposed).

    Example: kompass initiative add --ref 14-2021-opendata --region 14 --title "Öppna data" --area innovation --type collaboration
    """
    from kompass.application.commands import ProposeInitiative

    execute(
        settings,
        ProposeInitiative(
            ref=ref,
            region=region,
            title=title,
            areas=areas,
            type=type_,
            orientation=orientation,
            roles=roles,
            description=description,
            effective=when(effective),
        ),
    )
    message(f"proposed {ref}")


@initiative.command("tag")
@click.argument("ref")
@area_option
@effective_option
@pass_settings
def tag(settings: Settings, ref: str, area: str, effective: str | None) -> None:
    """Tag an initiative with one more strategy area.

    Example: kompass initiative tag 14-2021-opendata --area security
    """
    from kompass.application.commands import TagArea

    execute(settings, TagArea(ref=ref, area=area, effective=when(effective)))
    message(f"tagged {ref} {area}")


@initiative.command("untag")
@click.argument("ref")
@area_option
@effective_option
@pass_settings
def untag(settings: Settings, ref: str, area: str, effective: str | None) -> None:
    """Remove a strategy area (never the last one).

    Example: kompass initiative untag 14-2021-opendata --area security
    """
    from kompass.application.commands import UntagArea

    execute(settings, UntagArea(ref=ref, area=area, effective=when(effective)))
    message(f"untagged {ref} {area}")


@initiative.command("status")
@click.argument("ref")
@click.argument("status")
@click.option("--reason", default="", help="Why: kept in the history for auditors.")
@effective_option
@pass_settings
def status(settings: Settings, ref: str, status: str, reason: str, effective: str | None) -> None:
    """Move an initiative to STATUS: planned, active, completed, paused or cancelled.

    Example: kompass initiative status 14-2021-opendata active --reason "financing confirmed"
    """
    from kompass.application.commands import ChangeStatus

    execute(settings, ChangeStatus(ref=ref, status=status, reason=reason, effective=when(effective)))
    message(f"{ref} is now {status}")


@initiative.command("reopen")
@click.argument("ref")
@click.option("--reason", required=True, help="Why a completed or cancelled initiative is reopened.")
@effective_option
@pass_settings
def reopen(settings: Settings, ref: str, reason: str, effective: str | None) -> None:
    """Reopen a completed or cancelled initiative (back to its status before).

    Example: kompass initiative reopen 12-cyber --reason "a second webinar was added"
    """
    from kompass.application.commands import ReopenInitiative

    execute(settings, ReopenInitiative(ref=ref, reason=reason, effective=when(effective)))
    message(f"reopened {ref}")


@initiative.command("join")
@click.argument("ref")
@click.option("--actor", required=True, help="Key of a registered actor.")
@click.option("--role", default="partner", show_default=True, help="lead, partner, funder, target or expert.")
@effective_option
@pass_settings
def join(settings: Settings, ref: str, actor: str, role: str, effective: str | None) -> None:
    """Add an actor to an initiative.

    Example: kompass initiative join 14-2021-opendata --actor digg --role expert
    """
    from kompass.application.commands import JoinInitiative

    execute(settings, JoinInitiative(ref=ref, actor=actor, role=role, effective=when(effective)))
    message(f"{actor} joined {ref}")


@initiative.command("leave")
@click.argument("ref")
@click.option("--actor", required=True)
@effective_option
@pass_settings
def leave(settings: Settings, ref: str, actor: str, effective: str | None) -> None:
    """Record that an actor no longer takes part.

    Example: kompass initiative leave 14-2021-opendata --actor digg
    """
    from kompass.application.commands import LeaveInitiative

    execute(settings, LeaveInitiative(ref=ref, actor=actor, effective=when(effective)))
    message(f"{actor} left {ref}")


@initiative.command("fund")
@click.argument("ref")
@funding_line_options("coordinator_grant, erdf, regional, municipal, vinnova, digital_europe, other.", "Whole kronor, ≥ 0.")
@effective_option
@pass_settings
def fund(settings: Settings, ref: str, source: str, amount_sek: int, year: int, effective: str | None) -> None:
    """Add a funding line.

    Example: kompass initiative fund 14-2021-opendata --source erdf --amount-sek 1500000 --year 2022
    """
    from kompass.application.commands import FundInitiative

    execute(settings, FundInitiative(ref=ref, source=source, amount_sek=amount_sek, year=year, effective=when(effective)))
    message(f"funded {ref}")


@initiative.command("result")
@click.argument("ref")
@result_options()
@effective_option
@pass_settings
def result(settings: Settings, ref: str, type_: str, text: str, effective: str | None) -> None:
    """Record a result.

    Example: kompass initiative result 14-2021-opendata --type capability --text "12 kommuner utbildade"
    """
    from kompass.application.commands import RecordResult

    execute(settings, RecordResult(ref=ref, type=type_, text=text, effective=when(effective)))
    message(f"result recorded for {ref}")


@initiative.command("retitle")
@click.argument("ref")
@click.option("--title", required=True)
@click.option("--description", default=None, help="New description (default: keep).")
@effective_option
@pass_settings
def retitle(settings: Settings, ref: str, title: str, description: str | None, effective: str | None) -> None:
    """Change the title (and description).

    Example: kompass initiative retitle 14-2021-opendata --title "Öppna data i Västra Götaland"
    """
    from kompass.application.commands import RetitleInitiative

    execute(settings, RetitleInitiative(ref=ref, title=title, description=description, effective=when(effective)))
    message(f"retitled {ref}")


@initiative.command("indicator")
@click.argument("ref")
@click.option("--name", required=True, help="Slug, e.g. open-data-municipalities.")
@click.option("--target", required=True, type=float)
@click.option("--unit", default="", help="e.g. %")
@effective_option
@pass_settings
def indicator(settings: Settings, ref: str, name: str, target: float, unit: str, effective: str | None) -> None:
    """Define an indicator with a target.

    Example: kompass initiative indicator 14-2021-opendata --name open-data-municipalities --target 100 --unit %
    """
    from kompass.application.commands import DefineIndicator

    execute(settings, DefineIndicator(ref=ref, name=name, target=target, unit=unit, effective=when(effective)))
    message(f"indicator {name} defined for {ref}")


@initiative.command("measure")
@click.argument("ref")
@click.option("--name", required=True)
@click.option("--value", required=True, type=float)
@effective_option
@pass_settings
def measure(settings: Settings, ref: str, name: str, value: float, effective: str | None) -> None:
    """Record a measured value of an indicator (dated by --effective).

    Example: kompass initiative measure 14-2021-opendata --name open-data-municipalities --value 64
    """
    from kompass.application.commands import MeasureIndicator

    execute(settings, MeasureIndicator(ref=ref, name=name, value=value, effective=when(effective)))
    message(f"measured {name} of {ref}")
