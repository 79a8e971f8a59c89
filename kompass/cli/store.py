"""`kompass init`."""

from __future__ import annotations

import click

from kompass.cli.context import Settings, pass_settings
from kompass.cli.output import message


@click.command()
@pass_settings
def init(settings: Settings) -> None:
    """Create the store and register the 21 regions and the se-2017 framework.

    Any command does this on first use; `init` just does it explicitly. The first user
    of a new store becomes its admin.

    Example: kompass --db sqlite:///kompass.db --as admin init
    """
    store = settings.store()
    roles = ", ".join(sorted(store.access().grants.roles)) or "a reader"
    message(f"store ready at {store.location.url} ({store.facts.head()} events); {settings.user} is {roles}")
    message(f"checkpoints are signed with the key in {store.log.key_file()}; keep a copy of it and of `kompass checkpoint --key`")
