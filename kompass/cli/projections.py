"""`kompass projections status|rebuild|run|compact`: the read models kept from the log."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from kompass.cli.context import Settings, pass_settings
from kompass.cli.output import emit_rows, format_option, message

F = TypeVar("F", bound=Callable[..., Any])
BATCH = 100_000
"""Events per transaction by default (kompass.infrastructure.projections.projector.BATCH; not imported from
there, so that `kompass --help` need not import SQLAlchemy)."""


@click.group()
def projections() -> None:
    """The read models (projections) and their place in the log.

    Example: kompass projections status
    """


@projections.command("status")
@format_option()
@pass_settings
def status(settings: Settings, fmt: str) -> None:
    """Each projection's position against the head of the log.

    Example: kompass projections status --format json
    """
    rows = [
        {"projection": s.name, "position": s.position, "head": s.head, "behind": s.behind}
        for s in settings.store().projections().status()
    ]
    emit_rows(fmt, rows, ("projection", "position", "head", "behind"))


def batch_option() -> Callable[[F], F]:
    return click.option(
        "--batch",
        type=click.IntRange(min=1),
        default=BATCH,
        show_default=True,
        help="Events applied per transaction: larger is faster; smaller holds the store's write lock for shorter spells.",
    )


@projections.command("rebuild")
@batch_option()
@pass_settings
def rebuild(settings: Settings, batch: int) -> None:
    """Replay the whole log into fresh tables, then swap them in at once (a progress bar on a terminal).

    Queries meanwhile answer from the tables in use and say so; a rebuild that is stopped or
    killed leaves those tables as they were. One rebuild runs at a time. For admins and the projector.

    Example: kompass projections rebuild
    """
    projections = settings.store().projections()
    if sys.stderr.isatty():
        with _ProgressBar() as advance:
            applied = projections.rebuild(batch, advance)
    else:
        applied = projections.rebuild(batch)
    message(f"rebuilt from {applied} events")


@projections.command("compact")
@pass_settings
def compact(settings: Settings) -> None:
    """Give back the room that the tables a rebuild replaced still take in a SQLite store.

    A rebuild keeps the tables it replaced until the next rebuild reuses their room, so the store
    file holds the read tables about twice over. This drops them and rewrites the file without
    them (VACUUM). Queries go on; writers wait while the file is rewritten, up to their lock
    timeout (SQLITE_LOCK_TIMEOUT, 30 s), so compact at a quiet hour. Not while a rebuild runs.
    On PostgreSQL there is nothing to give back. For admins and the projector.

    Example: kompass projections compact
    """
    done = settings.store().projections().compact()
    if done is None:
        message("nothing to give back: this store keeps no replaced tables")
    else:
        message(f"gave back {_megabytes(done.freed)}: the store now takes {_megabytes(done.after)}")


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


class _ProgressBar:
    """A progress bar on standard error, drawn from the first report of the replay (which says how long the log is)."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.done = 0

    def __enter__(self) -> _ProgressBar:
        return self

    def __call__(self, position: int, head: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=head, label="replaying", file=sys.stderr).__enter__()
        self.bar.update(position - self.done)
        self.done = position

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


@projections.command("run")
@click.option("--follow", is_flag=True, help="Keep running and apply new events as they are recorded.")
@click.option("--poll", default=1.0, show_default=True, help="Seconds between looks at the log when following.")
@batch_option()
@pass_settings
def run(settings: Settings, follow: bool, poll: float, batch: int) -> None:
    """Bring the projections up to the head of the log (a worker, with --follow).

    Several workers may run against one PostgreSQL store; each event is applied once.

    Example: kompass projections run --follow
    """
    projections = settings.store().projections()
    if not follow:
        message(f"applied {projections.catch_up(batch)} events")
        return
    _stop_on_interrupt_or_terminate()
    try:
        message("following the log; stop with Ctrl-C")
        projections.follow(poll, batch)
    except KeyboardInterrupt:
        message("stopped")


def _stop_on_interrupt_or_terminate() -> None:
    """A worker stops cleanly (its open batch rolled back, exit 0) on Ctrl-C and on SIGTERM, the signal
    service managers send. SIGINT is listened to even when inherited as ignored, as it is by a job a
    non-interactive shell starts in the background (`kompass projections run --follow &` in a script)."""
    import signal

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, interrupt)
