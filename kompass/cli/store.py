"""`kompass init`."""

from __future__ import annotations

import click

from kompass.cli.context import Settings, pass_settings
from kompass.cli.output import message


@click.command()
@click.option("--admin", "admin", metavar="USER", default=None,
              help="The new store's first admin (default: you, as the system knows you).")
@pass_settings
def init(settings: Settings, admin: str | None) -> None:
    """Create the store, register the 21 regions and the se-2017 framework, and name its first admin.

    Only init, demo and import --restore create a store; every other command refuses
    (exit 7) where none exists, so a mistyped --db never becomes an empty store. The first
    admin is --admin USER, or you: your OS account on SQLite, your database login on
    PostgreSQL. Their grant is the store's first `user.grant` event. On an existing store
    init changes nothing and says so (of many started at once, one creates the store).

    Example: kompass --db sqlite:///kompass.db init --admin alice
    """
    opened = settings.store(create=True, admin=admin).opened()
    roles = ", ".join(sorted(opened.roles)) or "a reader"
    done = "created a store" if opened.created else "a store exists already (nothing changed)"
    message(f"{done} at {opened.url} ({opened.events} events); {opened.user} is {roles}")
