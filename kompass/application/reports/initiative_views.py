"""The annual report's initiatives: the year's portfolio counted, listed, and each initiative in detail."""

from __future__ import annotations

from kompass.application.catalogue.initiative import spaced_unit
from kompass.application.reports.annual import AnnualReport
from kompass.application.reports.annual_initiatives import InitiativeEntry
from kompass.application.reports.document import Bullets, Document, Heading, Para, Table
from kompass.application.reports.language import Language
from kompass.domain.status import STATUSES
from kompass.domain.vocabulary import RESULT_TYPES

__all__ = ["initiatives_section"]


def initiatives_section(doc: Document, r: AnnualReport, names: dict[str, str], lang: Language) -> None:
    """The year's initiatives: counted by area and type and by status, listed, then each in detail."""
    entries, by_area = r.initiatives, r.tallies.by_area_and_type
    types = [t for t in next(iter(by_area.values()), {}) if any(row[t] for row in by_area.values())]
    doc.add(
        Heading(2, lang._("Initiatives by area and type"), "initiatives"),
        Para(lang._("The year's portfolio: initiatives of the region (led by it or with it taking part) that exist at the year's end "
                    "and were not already completed or cancelled when the year began (or changed during it). An initiative counts "
                    "under each of its areas."), note=True),
    )
    if types:
        rows = tuple((names[a], *(str(row[t] or "") for t in types), str(sum(row.values()))) for a, row in by_area.items())
        doc.add(Table((lang._("Area"), *(lang.term("type", t) for t in types), lang._("All")), rows, tuple(range(1, len(types) + 2)),
                      name=lang._("Area and type")))
    statuses = tuple((lang.term("status", s), str(r.tallies.by_status[s])) for s in STATUSES if r.tallies.by_status[s])
    if statuses:
        doc.add(Table((lang._("Status at the year's end"), lang._("Initiatives")), statuses, (1,), name=lang._("Status")))
    new = lang._("new")
    rows2 = tuple(
        (
            e.ref,
            e.title,
            ", ".join(names[a] for a in e.areas),
            lang.term("type", e.type),
            f"{lang.term('status', e.status_at_start) if e.status_at_start else new} → {lang.term('status', e.status)}",
            ", ".join(f"{p.name} ({lang.term('participant', p.role)})" for p in e.participants if p.role != "lead") or "—",
            lang.sek(e.budget_sek),
        )
        for e in entries
    )
    if rows2:
        doc.add(Table((lang._("Initiative"), lang._("Title"), lang._("Areas"), lang._("Type"), lang._("Status in the year"),
                       lang._("Partners"), lang._("Funding")), rows2, (6,), name=lang._("Initiatives")))
    else:
        doc.add(Para(lang._("No initiatives in the year's portfolio.")))
    for e in entries:
        doc.add(Heading(3, f"{e.ref}: {e.title}"), Bullets(tuple(_details(e, names, lang))))


def _details(e: InitiativeEntry, names: dict[str, str], lang: Language) -> list[str]:
    start = lang.term("status", e.status_at_start) if e.status_at_start else lang._("new")
    lines = [
        lang._("Lead region %(lead)s; regions %(regions)s; %(orientation)s; roles %(roles)s.", lead=e.lead,
               regions=", ".join(e.regions), orientation=lang.term("orientation", e.orientation),
               roles=", ".join(lang.term("role", x) for x in e.roles) or "—"),
        lang._("Areas: %(areas)s. Type: %(type)s. Status: %(start)s at the start, %(end)s at the end of the year.",
               areas=", ".join(names[a] for a in e.areas), type=lang.term("type", e.type), start=start,
               end=lang.term("status", e.status)),
        lang._("Participants: %(who)s.", who="; ".join(
            f"{p.name} ({lang.term('participant', p.role)}, {lang.term('kind', p.kind)})" for p in e.participants)),
    ]
    if e.funding:
        lines.append(lang._("Funding: %(lines)s.", lines="; ".join(
            f"{lang.sek(int(f.amount_sek))} {lang.term('source', f.source)} {f.year}" for f in e.funding)))
    for t in RESULT_TYPES:
        for result in e.results[t]:
            lines.append(lang._("Result (%(type)s, %(date)s): %(text)s", type=lang.term("result", t), date=lang.date(result.effective),
                                text=result.text))
    for ind in e.indicators:
        unit = spaced_unit(ind.unit)
        latest = (lang._("%(value)s%(unit)s on %(date)s", value=ind.latest[1], unit=unit, date=lang.date(ind.latest[0]))
                  if ind.latest else lang._("not measured"))
        lines.append(lang._("Indicator %(name)s: target %(target)s%(unit)s, latest %(latest)s.", name=ind.name, target=ind.target,
                            unit=unit, latest=latest))
    return lines
