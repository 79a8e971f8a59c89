"""Report languages from gettext catalogues and Babel's locale data.

The catalogues are shipped as `.po` text files in `kompass/infrastructure/locale/LANG/LC_MESSAGES/kompass.po`
and compiled in memory when a report first asks for a language (Babel's `read_po`, then
`write_mo` into a buffer): there is no build step, so a fresh `pip install -e .` or a plain
checkout works, and a translator edits one text file. Compiling both catalogues takes a few
milliseconds. `docs/translations.md` says how to add a message or a language.
"""

from __future__ import annotations

import io
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations

from kompass.application.ports import Language
from kompass.application.reports.language import LANGUAGES
from kompass.domain.errors import InvalidValue

LOCALES = {"sv": "sv_SE", "en": "en_GB"}
DOMAIN = "kompass"


def catalogue_path(code: str) -> Any:
    return resources.files("kompass.infrastructure.locale").joinpath(code, "LC_MESSAGES", f"{DOMAIN}.po")


@cache
def _translations(code: str) -> Translations:
    with catalogue_path(code).open("rb") as po:
        catalogue = read_po(po, locale=LOCALES[code], domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


class BabelLanguage(Language):
    """The `Language` port, answered from a catalogue and Babel."""

    def __init__(self, code: str) -> None:
        if code not in LANGUAGES:
            raise InvalidValue(f"unknown report language {code!r}: use {' or '.join(LANGUAGES)}")
        self.code = code
        self.locale = LOCALES[code]
        self._t = _translations(code)

    def _(self, message: str, **values: Any) -> str:
        text = self._t.gettext(message)
        return text % values if values else text

    def n_(self, singular: str, plural: str, n: int, **values: Any) -> str:
        return self._t.ngettext(singular, plural, n) % {"n": self.number(n), **values}

    def term(self, kind: str, key: str | None) -> str:
        if key is None:
            return "—"
        translated = str(self._t.pgettext(kind, key))
        return key.replace("_", " ") if translated == key else translated

    def number(self, value: float, decimals: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return str(format_decimal(value, format=pattern, locale=self.locale))

    def sek(self, amount: int) -> str:
        pattern = "#,##0\xa0¤" if self.code == "sv" else "¤\xa0#,##0"
        return str(format_currency(amount, "SEK", format=pattern, locale=self.locale, currency_digits=False))

    def date(self, value: str | date) -> str:
        day = date.fromisoformat(value) if isinstance(value, str) else value
        return str(format_date(day, format="d MMMM y", locale=self.locale))


def language(code: str) -> BabelLanguage:
    return BabelLanguage(code)
