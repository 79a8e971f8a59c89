"""The report languages and the vocabularies they name; the `Language` port itself is in `application/ports.py`."""

from __future__ import annotations

from kompass.application.ports import Language

__all__ = ["LANGUAGES", "TERM_KINDS", "Language"]

LANGUAGES = ("sv", "en")
"""Swedish first: the programme works and reports in Swedish."""

TERM_KINDS = (
    "area", "type", "role", "orientation", "source", "result", "light", "focus", "status", "gap", "movement", "kind", "verdict",
    "participant",
)
"""The vocabularies whose values are named per language (`Language.term`)."""
