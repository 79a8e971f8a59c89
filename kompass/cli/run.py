"""Helpers the command modules share: carry out one command, and parse its date."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from kompass.cli.context import Settings, parse_date

if TYPE_CHECKING:
    from kompass.application.commands import Command


def execute(settings: Settings, command: Command) -> list[Any]:
    """Carry out one command; the events it recorded."""
    return settings.store().execute(command)


def when(effective: str | None) -> date | None:
    """The `--effective` option as a date (None: today)."""
    return parse_date(effective, "--effective")
