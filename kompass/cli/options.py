"""Options that several commands share, so that a command and its correction take a funding line, a
result or an indicator with the same names and types (as sqlite-utils shares `output_options`).
Each decorator takes the help texts that differ between the commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from kompass.cli.context import effective_option

F = TypeVar("F", bound=Callable[..., Any])


def reason_option(f: F) -> F:
    return click.option("--reason", default="", help="Why the correction is made: kept in the history for auditors.")(f)


def correction_options(f: F) -> F:
    """`--reason` and `--effective`: every correction takes both."""
    return reason_option(effective_option(f))


def area_option(f: F) -> F:
    return click.option("--area", required=True)(f)


def funding_line_options(source_help: str, amount_help: str) -> Callable[[F], F]:
    """`--source`, `--amount-sek` and `--year`: one funding line."""

    def decorate(f: F) -> F:
        f = click.option("--year", required=True, type=int)(f)
        f = click.option("--amount-sek", required=True, type=int, help=amount_help)(f)
        return click.option("--source", required=True, help=source_help)(f)

    return decorate


def result_options(text_help: str | None = None) -> Callable[[F], F]:
    """`--type` and `--text`: one result."""

    def decorate(f: F) -> F:
        f = click.option("--text", required=True, help=text_help)(f)
        return click.option("--type", "type_", required=True, help="capability, coordination or direct.")(f)

    return decorate
