"""Cells a spreadsheet program would run: how kompass writes text so that it stays text."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection")."""


def safe_cell(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading `'`, as OWASP recommends; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def quoted_cell(value: str) -> str:
    """`safe_cell` for a file kompass reads back: a text that starts with `'` gets one more, so that
    `unquoted_cell` gives every text back exactly."""
    return "'" + value if value.startswith((*FORMULA_STARTS, "'")) else value


def unquoted_cell(value: str) -> str:
    return value[1:] if value.startswith("'") else value
