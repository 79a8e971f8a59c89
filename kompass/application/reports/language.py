"""The language a report is written in: its sentences, the names of the vocabulary, and how numbers,
amounts and dates are written. The application only asks; the infrastructure answers from
translation catalogues and Babel's locale data (`kompass.infrastructure.language`).

Messages are English in the code (the catalogue's keys) and use named placeholders, so a
translation may put them in another order: `lang._("%(n)s of 21 regions", n=20)`.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

LANGUAGES = ("sv", "en")
"""Swedish first: the programme works and reports in Swedish."""

TERM_KINDS = (
    "area", "type", "role", "orientation", "source", "result", "light", "focus", "status", "gap", "movement", "kind", "verdict",
    "participant",
)
"""The vocabularies whose values are named per language (`Language.term`)."""


class Language(Protocol):
    code: str
    """`sv` or `en`."""

    def _(self, message: str, **values: Any) -> str:
        """The message translated, then filled in with `values` (%(name)s placeholders)."""
        ...

    def n_(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """The singular or plural form for `n` (its own placeholder is %(n)s, written as a number)."""
        ...

    def term(self, kind: str, key: str | None) -> str:
        """A vocabulary value's name, e.g. term("area", "security") → "digital trygghet"; "—" for None."""
        ...

    def number(self, value: float, decimals: int = 0) -> str: ...

    def sek(self, amount: int) -> str:
        """Whole kronor: "1 234 567 kr" (sv), "SEK 1,234,567" (en)."""
        ...

    def date(self, value: str | date) -> str:
        """A date written out: "31 januari 2022" (sv), "31 January 2022" (en)."""
        ...
