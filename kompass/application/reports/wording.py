"""What both reports write alike: the document's frame, region labels, lists and tables that are cut."""

from __future__ import annotations

from collections.abc import Sequence

from kompass.application.proofs import flat_note
from kompass.application.reports.document import Document, Labels, Provenance, Table
from kompass.application.reports.language import Language
from kompass.domain.vocabulary import REGIONS


def new_document(lang: Language, title: str, subtitle: str, provenance: Provenance) -> Document:
    p = provenance
    stamp = lang._("Made from the event log up to position %(position)s.", position=p.position)
    if p.known_at:
        stamp += " " + lang._("Only what had been recorded by %(known_at)s.", known_at=p.known_at)
    labels = Labels(
        contents=lang._("Contents"),
        stamp=stamp,
        provenance=lang._("Provenance"),
        provenance_lines=(
            lang._("Log position: %(position)s", position=p.position),
            lang._("Regenerate exactly this report: %(command)s", command=p.command),
            lang._("Signed checkpoint of the log it was made from: %(checkpoint)s", checkpoint=flat_note(p.checkpoint)),
            lang._("Check that the store's log still holds it: %(command)s", command="kompass verify --against THIS-FILE"),
        ),
        page=lang._("Page"),
        figure=lang._("Figure"),
    )
    return Document(title, subtitle, provenance, lang.code, labels)


def region_label(code: str) -> str:
    return f"{code} {REGIONS[code]}"


def listed(lang: Language, items: Sequence[str], limit: int = 8) -> str:
    """Items joined by commas, at most `limit` of them, saying how many more there are."""
    shown = ", ".join(items[:limit])
    if len(items) > limit:
        shown += " " + lang.n_("and %(n)s more", "and %(n)s more", len(items) - limit)
    return shown


def limited(lang: Language, table: Table, limit: int) -> Table:
    """The table shown with at most `limit` rows, saying how many were left out and that the Excel workbook has them all."""
    left = len(table.rows) - limit
    if left <= 0:
        return table
    note = lang.n_(
        "%(n)s more row is left out here (%(total)s in all); the full list is in the Excel workbook (--format xlsx).",
        "%(n)s more rows are left out here (%(total)s in all); the full list is in the Excel workbook (--format xlsx).",
        left,
        total=lang.number(len(table.rows)),
    )
    return Table(table.headers, table.rows, table.numeric, table.marks, table.nowrap, table.name, limit, note)
