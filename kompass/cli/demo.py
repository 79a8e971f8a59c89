"""`kompass demo`: the main job on the embedded default."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import click

from kompass.cli.context import Settings, pass_settings
from kompass.cli.output import message

WORKBOOK = "portfolj-14.xlsx"


def program() -> str:
    """How to call kompass again: `kompass` when that is on PATH, else the path it was called by
    (`.venv/bin/kompass` after `make demo`)."""
    called = sys.argv[0] if sys.argv and sys.argv[0].endswith("kompass") else "kompass"
    on_path = shutil.which("kompass")
    if on_path and Path(on_path).resolve() == Path(called).resolve():
        return "kompass"
    return called if Path(called).exists() else "kompass (in .venv/bin: source .venv/bin/activate first)"


@click.command()
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to create the demo store (default: a new temporary directory).")
@pass_settings
def demo(settings: Settings, directory: Path | None) -> None:
    """Load the shipped example portfolio (real examples from the 2021 evaluation, recorded over
    2021–2022, corrections included) into a fresh SQLite store, write region 14's workbook beside
    it, and print the national coverage gaps and the top network risks.

    Example: kompass demo --dir ./demo-store
    """
    from kompass.cli.grid import print_grid
    from kompass.cli.network import print_key_actors
    from kompass.infrastructure.bootstrap import Store

    place = directory or Path(tempfile.mkdtemp(prefix="kompass-demo-"))
    place.mkdir(parents=True, exist_ok=True)
    db = place / "kompass.db"
    if db.exists():
        raise click.UsageError(f"{db} exists already: give an empty --dir")
    # made like any store (you are its first admin), then the restore path: each line keeps its
    # recording time, so the past can be asked about; you are recorded as the one who stored it
    store = Store(f"sqlite:///{db}", settings.as_user, create=True)
    try:
        loaded = store.demo().load(place / WORKBOOK)
    finally:
        store.close()
    summary = loaded.restored
    message(f"demo store: {db} ({summary.commands} commands, {summary.events} events, recorded 2021–2022)")
    message(f"region 14's workbook: {loaded.workbook} (edit it, then: import it with --dry-run first)")
    message(f"query it: {program()} --db sqlite:///{db} gaps")
    print_grid(loaded.coverage)
    print_key_actors(loaded.key_actors)
