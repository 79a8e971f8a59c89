"""`kompass demo`: the main job on the embedded default."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from kompass.cli.context import Settings, pass_settings
from kompass.cli.output import message


@click.command()
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to create the demo store (default: a new temporary directory).")
@pass_settings
def demo(settings: Settings, directory: Path | None) -> None:
    """Load the shipped example portfolio (real examples from the 2021 evaluation) into a
    fresh SQLite store and print the national coverage gaps and the top network risks.

    Example: kompass demo --dir ./demo-store
    """
    from importlib import resources

    from kompass.application.queries import coverage_report
    from kompass.cli.grid import print_grid
    from kompass.cli.network import print_top_risks
    from kompass.infrastructure.bootstrap import Store
    from kompass.infrastructure.command_log import read_command_log

    place = directory or Path(tempfile.mkdtemp(prefix="kompass-demo-"))
    place.mkdir(parents=True, exist_ok=True)
    db = place / "kompass.db"
    if db.exists():
        raise click.UsageError(f"{db} exists already: give an empty --dir")
    store = Store(f"sqlite:///{db}", settings.user, create=True)
    try:
        with resources.as_file(resources.files("kompass.infrastructure.data").joinpath("demo.jsonl")) as demo_file:
            commands = ((c.line, c.command, c.recorded_at) for c in read_command_log(demo_file))
            summary = store.kompass.import_commands(commands, store.access())
        report = coverage_report(store.fresh_read_model(), store.facts, store.framework, store.today())
        message(f"demo store: {db} ({summary.commands} commands, {summary.events} events)")
        message(f"query it: kompass --db sqlite:///{db} gaps")
        print_grid(report)
        print_top_risks(store)
    finally:
        store.close()
