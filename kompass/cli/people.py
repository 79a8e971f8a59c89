"""`kompass user …` (roles) and `kompass person …` (the erasable register of people)."""

from __future__ import annotations

import click

from kompass.application.permissions import ROLES
from kompass.cli.context import Settings, pass_settings
from kompass.cli.output import emit_csv, emit_json, emit_rows, format_option, message, visible


@click.group()
def user() -> None:
    """Users and their roles: admin, coordinator (for regions), auditor, analyst, projector. Admin only.

    Example: kompass user add coord-14 --role coordinator --region 14
    """


@user.command("add")
@click.argument("user_id")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--region", "regions", multiple=True, metavar="CC", help="Regions a coordinator coordinates; repeat.")
@pass_settings
def add(settings: Settings, user_id: str, role: str, regions: tuple[str, ...]) -> None:
    """Add a user with a role (or grant one more role).

    Example: kompass user add coord-14 --role coordinator --region 14
    """
    store = settings.store()
    store.access().require_admin("manage users")
    grants = store.users.grant(user_id, role, regions)
    message(f"{user_id}: {', '.join(sorted(grants.roles))} {' '.join(sorted(grants.regions))}".rstrip())


@user.command("grant")
@click.argument("user_id")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--region", "regions", multiple=True, metavar="CC")
@click.pass_context
def grant(ctx: click.Context, user_id: str, role: str, regions: tuple[str, ...]) -> None:
    """Grant a role (a coordinator role adds regions).

    Example: kompass user grant coord-14 --role coordinator --region 13
    """
    ctx.invoke(add, user_id=user_id, role=role, regions=regions)


@user.command("revoke")
@click.argument("user_id")
@click.option("--role", required=True, type=click.Choice(ROLES))
@pass_settings
def revoke(settings: Settings, user_id: str, role: str) -> None:
    """Take a role away.

    Example: kompass user revoke coord-14 --role coordinator
    """
    from kompass.domain.errors import RuleViolation

    store = settings.store()
    store.access().require_admin("manage users")
    if role == "admin" and [g.user for g in store.users.all() if g.is_admin] == [user_id]:
        raise RuleViolation(f"{user_id} is the last admin: grant admin to someone else first")
    store.users.revoke(user_id, role)
    message(f"revoked {role} from {user_id}")


@user.command("list")
@format_option()
@pass_settings
def list_(settings: Settings, fmt: str) -> None:
    """List users and their roles.

    Example: kompass user list --format json
    """
    store = settings.store()
    store.access().require_admin("list users")
    rows = [{"user": g.user, "roles": sorted(g.roles), "regions": sorted(g.regions)} for g in store.users.all()]
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
