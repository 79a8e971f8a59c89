"""Turning refusals into one line on stderr and an exit code (docs/definitions.md#exit-codes); never a traceback."""

from __future__ import annotations

from typing import Any, NoReturn

import click

STORAGE_EXIT = 7


def fail(text: str, code: int) -> NoReturn:
    """One line on stderr, with any control or format character the message quotes (a right-to-left
    override in a refused value, say) shown as an escape rather than obeyed by the terminal."""
    from kompass.cli.output import visible

    click.echo(f"Error: {visible(text)}", err=True)
    raise SystemExit(code)


def report(error: BaseException) -> NoReturn:
    """Map an exception raised below the CLI to its exit code."""
    from kompass.domain.errors import KompassError

    if isinstance(error, BrokenPipeError):
        _quiet_stdout()
        raise SystemExit(0)
    if isinstance(error, KompassError):
        fail(_one_line(str(error)), error.exit_code)
    if _is_storage_error(error):
        # SQLAlchemy wraps the driver's error and appends the statement and its parameters (which may
        # hold personal data): say only what the database said
        cause = getattr(error, "orig", None) or error
        text = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
        fail(f"the store could not be used: {_one_line(text)}", STORAGE_EXIT)
    raise error


def _quiet_stdout() -> None:
    """The reader of our output left (`| head`): stop writing, without a complaint."""
    import os
    import sys

    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _is_storage_error(error: BaseException) -> bool:
    module = type(error).__module__
    return module.startswith(("eventsourcing.persistence", "sqlite3", "psycopg", "sqlalchemy.exc")) or isinstance(
        error, (PermissionError, OSError)
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def require_text_arguments(args: list[str], what: str = "an argument") -> None:
    """Refuse, as one line with exit 1, an argument that is not text: bytes that were not UTF-8 reach Python
    as lone surrogates, which nothing downstream can encode, print or store."""
    for arg in args:
        if isinstance(arg, str) and not arg.isascii():
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                try:
                    shown = arg.encode("utf-8", "surrogateescape")
                except UnicodeEncodeError:
                    shown = arg.encode("utf-8", "backslashreplace")
                fail(f"{what} is not valid UTF-8 text: {shown!r} (check the encoding of your terminal or script)", 1)


class KompassGroup(click.Group):
    """A click group whose commands report refusals as one line, with the contract's exit codes."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if ctx.parent is None:
            require_text_arguments(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as error:  # noqa: BLE001 — every user-facing failure passes through here
            report(error)
