"""Report languages: every message of the reports has a Swedish translation, vocabulary names, and
numbers, amounts and dates written the Swedish way (Babel's locale data)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from kompass.application.reports.document import Table
from kompass.domain.errors import InvalidValue
from kompass.domain.vocabulary import COORDINATOR_ROLES, FUNDING_SOURCES, INITIATIVE_TYPES, RESULT_TYPES
from kompass.infrastructure.language import catalogue_path, language

ROOT = Path(__file__).resolve().parents[2] / "kompass"
SOURCES = [*sorted((ROOT / "application" / "reports").glob("*.py")), ROOT / "infrastructure" / "charts.py"]


def messages() -> list[str | tuple[str, ...]]:
    found: list[str | tuple[str, ...]] = []
    for source in SOURCES:
        for _line, message, _comments, _context in extract_from_file("python", str(source), keywords={"_": None, "n_": (1, 2)}):
            if message not in found:
                found.append(message)
    return found


def test_every_report_message_has_a_swedish_translation() -> None:
    with catalogue_path("sv").open("rb") as po:
        catalogue = read_po(po, locale="sv_SE")
    found = messages()
    assert len(found) > 150
    untranslated = []
    for message in found:
        entry = catalogue.get(message[0] if isinstance(message, tuple) else message)
        strings = entry.string if entry is not None else None
        if not strings or (isinstance(strings, tuple) and not all(strings)):
            untranslated.append(message)
    assert not untranslated


def test_swedish_numbers_amounts_dates_and_plurals() -> None:
    sv = language("sv")
    assert sv.sek(1234567) == "1\u00a0234\u00a0567\u00a0kr"
    assert sv.date(date(2022, 1, 31)) == "31 januari 2022"
    assert sv.number(0.5, 2) == "0,50"
    assert sv.n_("%(n)s actor", "%(n)s actors", 1) == "1 aktör"
    assert sv.n_("%(n)s actor", "%(n)s actors", 2) == "2 aktörer"
    assert sv.n_("%(n)s tie", "%(n)s ties", 1) == "1 koppling"
    en = language("en")
    assert en.n_("%(n)s tie", "%(n)s ties", 1) == "1 tie" and en.n_("%(n)s tie", "%(n)s ties", 2) == "2 ties"
    assert en.sek(1234567) == "SEK\u00a01,234,567"
    assert en.date("2022-01-31") == "31 January 2022"


def test_the_programme_s_own_names() -> None:
    sv = language("sv")
    assert [sv.term("area", a) for a in ("competence", "security", "innovation", "leadership", "infrastructure")] == [
        "digital kompetens", "digital trygghet", "digital innovation", "digital ledning", "digital infrastruktur"]
    assert sv.term("role", "spokesperson") == "språkröret" and sv.term("type", "seminar") == "seminarium"
    for kind, keys in (("type", INITIATIVE_TYPES), ("role", COORDINATOR_ROLES), ("source", FUNDING_SOURCES), ("result", RESULT_TYPES)):
        for key in keys:
            assert sv.term(kind, key) != key.replace("_", " ") or key in ("region",), (kind, key)
    assert language("en").term("area", "security") == "digital security"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(InvalidValue, match="sv or en"):
        language("de")


def test_a_table_cannot_be_cut_without_saying_so() -> None:
    rows = tuple((str(i),) for i in range(20))
    with pytest.raises(ValueError, match="without saying so"):
        Table(("n",), rows, limit=15)
    cut = Table(("n",), rows, limit=15, left_out="5 more rows")
    assert len(cut.shown) == 15 and cut.hidden == 5
