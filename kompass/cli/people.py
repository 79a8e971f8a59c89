"""`kompass user …` (roles) and `kompass person …` (the erasable register of people)."""

from __future__ import annotations

import click

from kompass.application.permissions import ROLES
from kompass.cli.context import Settings, effective_option, parse_date, pass_settings
from kompass.cli.output import emit_csv, emit_json, emit_rows, format_option, message, visible
from kompass.cli.run import execute
from kompass.domain.text import normal


@click.group()
def user() -> None:
    """Users and their roles: admin, coordinator (for regions), auditor, analyst, projector. Admin only.

    Roles are events of the log (user.grant, user.revoke): history, export and --as-of cover them.

    Example: kompass user add coord-14 --role coordinator --region 14
    """


ROLE_CHOICE = click.Choice(ROLES)


@user.command("add")
@click.argument("user_id")
@click.option("--role", required=True, type=ROLE_CHOICE)
@click.option("--region", "regions", multiple=True, metavar="CC", help="Regions a coordinator coordinates; repeat.")
@effective_option
@pass_settings
def add(settings: Settings, user_id: str, role: str, regions: tuple[str, ...], effective: str | None) -> None:
    """Add a user with a role (or grant one more role): a `user.grant` event in the log.

    Example: kompass user add coord-14 --role coordinator --region 14
    """
    from kompass.application.commands import GrantRole

    command = GrantRole(user=user_id, role=role, regions=tuple(regions), effective=parse_date(effective, "--effective"))
    grants = settings.store().roles().grant(command)
    message(f"{grants.user}: {', '.join(sorted(grants.roles))} {' '.join(sorted(grants.regions))}".rstrip())


@user.command("grant")
@click.argument("user_id")
@click.option("--role", required=True, type=ROLE_CHOICE)
@click.option("--region", "regions", multiple=True, metavar="CC")
@effective_option
@click.pass_context
def grant(ctx: click.Context, user_id: str, role: str, regions: tuple[str, ...], effective: str | None) -> None:
    """Grant a role (a coordinator role adds regions).

    Example: kompass user grant coord-14 --role coordinator --region 13
    """
    ctx.invoke(add, user_id=user_id, role=role, regions=regions, effective=effective)


@user.command("revoke")
@click.argument("user_id")
@click.option("--role", required=True, type=ROLE_CHOICE)
@click.option("--region", "regions", multiple=True, metavar="CC", help="Only these regions of a coordinator; repeat.")
@effective_option
@pass_settings
def revoke(settings: Settings, user_id: str, role: str, regions: tuple[str, ...], effective: str | None) -> None:
    """Take a role away (a `user.revoke` event); the last admin cannot be revoked.

    Example: kompass user revoke coord-14 --role coordinator
    """
    from kompass.application.commands import RevokeRole

    execute(settings, RevokeRole(user=user_id, role=role, regions=tuple(regions), effective=parse_date(effective, "--effective")))
    message(f"revoked {role} from {normal(user_id)}")


@user.command("list")
@format_option()
@click.option("--as-of", metavar="DATE", default=None, help="Who held which role on this date (effective dates).")
@pass_settings
def list_(settings: Settings, fmt: str, as_of: str | None) -> None:
    """List users and their roles, now or on a date (from the log's grant and revoke events).

    Example: kompass user list --as-of 2021-06-30 --format json
    """
    held = settings.store().roles().roles(parse_date(as_of))
    rows = [{"user": g.user, "roles": sorted(g.roles), "regions": sorted(g.regions)} for g in held]
    emit_rows(fmt, rows, ("user", "roles", "regions"))


@click.group()
def person() -> None:
    """People's names and contact details, kept outside the immutable log and erasable (GDPR).

    Example: kompass person show coord-14
    """


@person.command("add")
@click.argument("person_id")
@click.option("--name", required=True)
@click.option("--email", default=None)
@click.option("--phone", default=None)
@pass_settings
def person_add(settings: Settings, person_id: str, name: str, email: str | None, phone: str | None) -> None:
    """Record (or update) a person's contact details under their user id, encrypted under their own key.

    Admins record anyone's details; a coordinator records their own.

    Example: kompass person add coord-14 --name "Anna Andersson" --email anna@example.se
    """
    settings.store().people().record(person_id, name, email, phone)
    message(f"recorded {person_id}")


@person.command("show")
@click.argument("person_id")
@format_option()
@pass_settings
def person_show(settings: Settings, person_id: str, fmt: str) -> None:
    """Show a person's contact details (admins, and the person themselves).

    Example: kompass person show coord-14
    """
    data = settings.store().people().show(person_id)
    if fmt == "json":
        emit_json(data)
    elif fmt == "csv":
        emit_csv([data], list(data))
    else:
        for k, v in data.items():
            click.echo(visible(f"{k:8} {v or '-'}"))


@person.command("forget")
@click.argument("person_id")
@pass_settings
def forget(settings: Settings, person_id: str) -> None:
    """Erase a person's details: their key is destroyed, so no copy of the database can show them again.

    The log names people by id only and still verifies. Admin only.

    Example: kompass person forget coord-14
    """
    settings.store().people().forget(person_id)
    message(f"erased {person_id}")
