"""The auditor's view of corrections after a deadline, as a document every format renders."""

from __future__ import annotations

import json
from typing import Any

from kompass.application.reports.changes import LateChanges
from kompass.application.reports.document import Document, Heading, Para, Provenance, Table
from kompass.application.reports.event_views import event_summary
from kompass.application.reports.language import Language
from kompass.application.reports.wording import new_document


def changes_document(report: LateChanges, provenance: Provenance, lang: Language) -> Document:
    since = report.since
    doc = new_document(
        lang,
        lang._("Corrections after %(since)s: Region %(name)s (%(region)s), %(year)s", since=since, name=report.name,
               region=report.region, year=report.year),
        lang._("Every change recorded after %(since)s that alters the region's figures for %(year)s: its initiatives as of "
               "%(date)s and its self-assessment for the year.", since=since, year=report.year,
               date=lang.date(f"{report.year}-12-31")),
        provenance,
    )
    events = report.events
    doc.add(
        Heading(2, lang._("Recorded changes"), "events"),
        Para(lang.n_("%(n)s change recorded after the deadline.", "%(n)s changes recorded after the deadline.", len(events))),
    )
    if events:
        doc.add(Table(
            (lang._("Recorded"), lang._("Effective"), lang._("By"), lang._("Initiative / portfolio"), lang._("Change"), lang._("Why")),
            tuple((e.recorded_at or "", e.effective, e.by, e.key, event_summary(lang, e), e.reason or "—") for e in events),
            nowrap=(0, 1, 2), name=lang._("Changes"),
        ))
    figures = report.figures
    doc.add(Heading(2, lang._("Figures as reported and as corrected"), "figures"))
    if figures:
        doc.add(Table(
            (lang._("Figure"), lang._("As reported by the deadline"), lang._("As corrected")),
            tuple((f.figure, _shown(f.before), _shown(f.after)) for f in figures),
            name=lang._("Figures"),
        ))
    else:
        doc.add(Para(lang._("No figure of the annual report changed.")))
    return doc


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
