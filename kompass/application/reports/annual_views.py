"""What a region's annual report shows, as one document every format renders, in the report's language."""

from __future__ import annotations

from typing import Any

from kompass.application.reports.annual import AnnualReport
from kompass.application.reports.document import Bullets, Document, Figure, FocusChart, Heading, Para, Provenance, Table
from kompass.application.reports.event_views import event_summary
from kompass.application.reports.initiative_views import initiatives_section
from kompass.application.reports.language import Language
from kompass.application.reports.national_views import area_names
from kompass.application.reports.network_views import network_summary, region_network_section
from kompass.application.reports.wording import limited, new_document
from kompass.domain.vocabulary import RESULT_TYPES


def annual_document(report: AnnualReport, provenance: Provenance, lang: Language) -> Document:
    year, region = report.year, report.region
    doc = new_document(
        lang,
        lang._("Annual report %(year)s: Region %(name)s (%(region)s)", year=year, name=report.name, region=region),
        lang._("The region's portfolio as of %(date)s (effective dates), framework %(framework)s; self-assessments as recorded up "
               "to log position %(position)s.", date=lang.date(report.as_of), framework=report.framework,
               position=provenance.position),
        provenance,
    )
    names = area_names(report.area_names, lang)
    _summary(doc, report, names, lang)
    _assessment(doc, report, lang)
    _focus(doc, report, names, lang)
    initiatives_section(doc, report, names, lang)
    _results_and_funding(doc, report, lang)
    region_network_section(doc, report, lang)
    _changes(doc, report, names, lang)
    return doc


def _summary(doc: Document, r: AnnualReport, names: dict[str, str], lang: Language) -> None:
    entries, year = r.initiatives, r.year
    counting = sum(1 for e in entries if e.status in ("active", "completed"))
    a = r.assessment
    lines = [
        lang.n_("%(n)s initiative in the year's portfolio, %(counting)s of them counting (active or completed) at the year's end.",
                "%(n)s initiatives in the year's portfolio, %(counting)s of them counting (active or completed) at the year's end.",
                len(entries), counting=counting),
        lang._("Funding of these initiatives: %(total)s in all, %(year_total)s for %(year)s.", total=lang.sek(r.tallies.funding_total_sek),
               year_total=lang.sek(r.tallies.funding_for_year_sek), year=year),
        (
            lang._("Self-assessment %(year)s: score %(score)s, traffic light %(light)s (%(movement)s since the previous assessed year).",
                   year=year, score=a.score, light=lang.term("light", a.light), movement=lang.term("movement", r.movement))
            if a
            else lang._("No self-assessment for %(year)s has been recorded.", year=year)
        ),
        lang._("Gaps at the year's end: %(gaps)s.", gaps=", ".join(f"{names[g.area]} ({lang.term('gap', g.kind)})" for g in r.gaps)
               or lang._("none")),
    ]
    if r.declared_unbacked:
        unbacked = ", ".join(names[x] for x in r.declared_unbacked)
        lines.append(lang._("Declared focus without a counting initiative: %(areas)s.", areas=unbacked))
    if r.network:
        lines.append(network_summary(r.network, lang))
    doc.add(Heading(2, lang._("Summary"), "summary"), Bullets(tuple(lines)))


def _assessment(doc: Document, r: AnnualReport, lang: Language) -> None:
    now, before = r.assessment, r.previous_assessment
    rows, marks = [], []
    for a in (before, now):
        if a:
            rows.append((str(a.year), str(a.score), lang.term("light", a.light), lang.date(a.effective)))
            marks.append(("", "", a.light, ""))
    doc.add(Heading(2, lang._("Self-assessment and traffic light"), "assessment"))
    if rows:
        doc.add(Table((lang._("Year"), lang._("Score (1–10)"), lang._("Light"), lang._("Effective")), tuple(rows), (1,), tuple(marks),
                      name=lang._("Self-assessment")))
    change = r.score_change or 0
    since = before.year if before else ""
    text = {
        "improved": lang._("Improved by %(n)s since %(year)s.", n=change, year=since),
        "declined": lang._("Declined by %(n)s since %(year)s.", n=-change, year=since),
        "unchanged": lang._("Unchanged since %(year)s.", year=since),
        "not_comparable": lang._("Not comparable: the self-assessment of this year or of an earlier year is missing."),
    }[r.movement]
    doc.add(Para(lang._("Movement: %(text)s", text=text)))
    if r.coordinator:
        doc.add(Para(lang._("Coordinator (user id): %(user)s.", user=r.coordinator), note=True))


def _focus(doc: Document, r: AnnualReport, names: dict[str, str], lang: Language) -> None:
    rows = tuple(
        (
            names[c.area],
            lang.term("focus", c.focus),
            str(c.initiatives),
            lang.number(c.weighted, 2),
            lang.number(c.national_median_weighted, 2),
            str(c.pipeline),
            lang.sek(c.budget_sek),
            str(c.actors),
            lang.term("gap", c.gap) if c.gap else "",
            lang.term("verdict", c.verdict),
        )
        for c in r.coverage
    )
    marks = tuple(("", "", "", "", "", "", "", "", c.gap or "", c.verdict or "") for c in r.coverage)
    declared = (lang._("Focus as declared in the %(year)s self-assessment", year=r.year) if r.assessment
                else lang._("No self-assessment for %(year)s, so no declared focus", year=r.year))
    doc.add(
        Heading(2, lang._("Declared focus against coverage"), "focus"),
        Para(declared + lang._("; coverage of the region as of %(date)s, with the national median of weighted coverage for comparison. "
                               "Gaps: absent (nothing), pipeline only (only proposed or planned work), thin (under half the national "
                               "median).", date=lang.date(r.as_of)), note=True),
        Figure(
            FocusChart(r.coverage, names, lang._("Region %(name)s (%(region)s): weighted coverage per area, %(year)s", name=r.name,
                                                    region=r.region, year=r.year), lang.code),
            lang._("Weighted coverage per area against the national median"),
        ),
        Table(
            (lang._("Area"), lang._("Focus"), lang._("Initiatives"), lang._("Weighted"), lang._("National median"), lang._("Pipeline"),
             lang._("Budget"), lang._("Actors"), lang._("Gap"), lang._("Focus vs coverage")),
            rows, (2, 3, 4, 5, 6, 7), marks, name=lang._("Focus and coverage"),
        ),
        Para(lang._("Focus vs coverage: backed (medium or high focus, with counting initiatives), not backed (medium or high focus, "
                    "none counting), beyond focus (counting initiatives where none or low focus was declared)."), note=True),
        Para(lang._("Weakest area nationally at the year's end: %(area)s.", area=names[r.weakest_area_nationally]), note=True),
    )


def _results_and_funding(doc: Document, r: AnnualReport, lang: Language) -> None:
    doc.add(Heading(2, lang._("Results recorded in %(year)s", year=r.year), "results"))
    counts = r.tallies
    for t in RESULT_TYPES:
        items = tuple(f"{x.ref} ({lang.date(x.effective)}): {x.text}" for x in counts.results[t])
        doc.add(Heading(3, lang.term("result", t)), Bullets(items) if items else Para(lang._("None recorded."), note=True))
    rows = tuple((lang.term("source", s), lang.sek(v)) for s, v in counts.funding_by_source_sek.items() if v)
    doc.add(Heading(2, lang._("Funding"), "funding"))
    if rows:
        doc.add(Table((lang._("Source"), lang._("Amount (all years)")), (*rows, (lang._("All"), lang.sek(counts.funding_total_sek))), (1,),
                      name=lang._("Funding")))
    else:
        doc.add(Para(lang._("No funding lines recorded.")))


def _changes(doc: Document, r: AnnualReport, names: dict[str, str], lang: Language) -> None:
    changes = r.changes
    doc.add(
        Heading(2, lang._("What changed during %(year)s", year=r.year), "changes"),
        Bullets((lang._("New initiatives: %(refs)s.", refs=", ".join(changes.started) or lang._("none")),
                 lang._("Completed: %(refs)s.", refs=", ".join(changes.completed) or lang._("none")))),
    )
    fields = ("initiatives", "weighted", "pipeline", "budget_sek", "actors", "gap")
    moved: dict[str, dict[str, str]] = {}
    for c in changes.coverage:
        moved.setdefault(c.area, {})[c.field] = f"{_plain(c.before, lang)} → {_plain(c.after, lang)}"
    rows = tuple((names.get(a, a), *(moved[a].get(f, "") for f in fields)) for a in names if a in moved)
    if rows:
        doc.add(Para(lang._("Coverage of the region that changed, end of the previous year → end of this year:"), note=True))
        doc.add(Table((lang._("Area"), lang._("Initiatives"), lang._("Weighted"), lang._("Pipeline"), lang._("Budget (SEK)"),
                       lang._("Actors"), lang._("Gap")), rows, (1, 2, 3, 4, 5), name=lang._("Coverage changes")))
    events = tuple((e.effective, e.key, event_summary(lang, e), e.by) for e in changes.events)
    doc.add(Para(lang.n_("%(n)s recorded change effective during the year, by date:",
                         "%(n)s recorded changes effective during the year, by date:", len(events)), note=True))
    if events:
        table = Table((lang._("Date"), lang._("Initiative / portfolio"), lang._("Change"), lang._("By")), events, nowrap=(0, 3),
                      name=lang._("Changes"))
        doc.add(limited(lang, table, 200))


def _plain(value: Any, lang: Language) -> str:
    if value is None:
        return "—"
    return lang.number(value, 2) if isinstance(value, float) else str(value)
