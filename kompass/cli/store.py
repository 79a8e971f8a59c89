"""`kompass init`."""

from __future__ import annotations

import click

from kompass.cli.context import Settings, pass_settings
from kompass.cli.output import message


@click.command()
@pass_settings
def init(settings: Settings) -> None:
    """Create the store and register the 21 regions and the se-2017 framework.

    Only init, demo and import --restore create a store; every other command refuses
    (exit 7) where none exists, so a mistyped --db never becomes an empty store. The
    user who creates a store becomes its admin. On an existing store init changes
    nothing and says so.

    Example: kompass --db sqlite:///kompass.db --as admin init
    """
    store = settings.store(create=True)
    roles = ", ".join(sorted(store.access().grants.roles)) or "a reader"
    done = "created a store" if store.created else "a store exists already"
    message(f"{done} at {store.location.shown_url} ({store.facts.head()} events); {settings.user} is {roles}")
