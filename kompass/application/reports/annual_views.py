"""What a region's annual report shows, as one document every format renders, in the report's language."""

from __future__ import annotations

from typing import Any

from kompass.application.catalogue.initiative import spaced_unit
from kompass.application.reports.annual import AnnualReport
from kompass.application.reports.document import Bullets, Document, Figure, FocusChart, Heading, NetworkPicture, Para, Provenance, Table
from kompass.application.reports.event_views import event_summary
from kompass.application.reports.language import Language
from kompass.application.reports.national_views import area_names
from kompass.application.reports.wording import limited, listed, new_document
from kompass.domain.status import STATUSES
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
    _initiatives(doc, report, names, lang)
    _results_and_funding(doc, report, lang)
    _network(doc, report, lang)
    _changes(doc, report, names, lang)
    return doc


def network_summary(network: dict[str, Any], lang: Language) -> str:
    keys = network["key_actors"]
    text = lang.n_("%(n)s actor", "%(n)s actors", network["actors"]) + ", " + lang.n_("%(n)s tie", "%(n)s ties", network["ties"])
    text += " " + lang._("(density %(density)s)", density=lang.number(network["density"], 2)) + "; "
    if keys:
        text += lang.n_("%(n)s key actor whose departure would split the network",
                        "%(n)s key actors whose departure would split the network", len(keys))
        text += ": " + listed(lang, [lang._("%(name)s (cuts off %(n)s)", name=k["name"], n=len(k["cut_off_actors"])) for k in keys], 5)
    else:
        text += lang._("no single actor whose departure would split the network")
    return text + "."


def _summary(doc: Document, r: AnnualReport, names: dict[str, str], lang: Language) -> None:
    entries, year = r.initiatives, r.year
    counting = sum(1 for e in entries if e["status"] in ("active", "completed"))
    a = r.assessment
    lines = [
        lang.n_("%(n)s initiative in the year's portfolio, %(counting)s of them counting (active or completed) at the year's end.",
                "%(n)s initiatives in the year's portfolio, %(counting)s of them counting (active or completed) at the year's end.",
                len(entries), counting=counting),
        lang._("Funding of these initiatives: %(total)s in all, %(year_total)s for %(year)s.", total=lang.sek(r.funding_total_sek),
               year_total=lang.sek(r.funding_for_year_sek), year=year),
        (
            lang._("Self-assessment %(year)s: score %(score)s, traffic light %(light)s (%(movement)s since the previous assessed year).",
                   year=year, score=a["score"], light=lang.term("light", a["light"]), movement=lang.term("movement", r.movement))
            if a
            else lang._("No self-assessment for %(year)s has been recorded.", year=year)
        ),
        lang._("Gaps at the year's end: %(gaps)s.", gaps=", ".join(f"{names[g['area']]} ({lang.term('gap', g['kind'])})" for g in r.gaps)
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
            rows.append((str(a["year"]), str(a["score"]), lang.term("light", a["light"]), lang.date(a["effective"])))
            marks.append(("", "", a["light"], ""))
    doc.add(Heading(2, lang._("Self-assessment and traffic light"), "assessment"))
    if rows:
        doc.add(Table((lang._("Year"), lang._("Score (1–10)"), lang._("Light"), lang._("Effective")), tuple(rows), (1,), tuple(marks),
                      name=lang._("Self-assessment")))
    change = r.score_change or 0
    since = before["year"] if before else ""
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
            names[c["area"]],
            lang.term("focus", c["focus"]),
            str(c["initiatives"]),
            lang.number(c["weighted"], 2),
            lang.number(c["national_median_weighted"], 2),
            str(c["pipeline"]),
            lang.sek(c["budget_sek"]),
            str(c["actors"]),
            lang.term("gap", c["gap"]) if c["gap"] else "",
            lang.term("verdict", c["verdict"]),
        )
        for c in r.coverage
    )
    marks = tuple(("", "", "", "", "", "", "", "", c["gap"] or "", c["verdict"] or "") for c in r.coverage)
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


def _initiatives(doc: Document, r: AnnualReport, names: dict[str, str], lang: Language) -> None:
    entries = r.initiatives
    types = [t for t in next(iter(r.by_area_and_type.values()), {}) if any(row[t] for row in r.by_area_and_type.values())]
    doc.add(
        Heading(2, lang._("Initiatives by area and type"), "initiatives"),
        Para(lang._("The year's portfolio: initiatives of the region (led by it or with it taking part) that exist at the year's end "
                    "and were not already completed or cancelled when the year began (or changed during it). An initiative counts "
                    "under each of its areas."), note=True),
    )
    if types:
        rows = tuple((names[a], *(str(row[t] or "") for t in types), str(sum(row.values()))) for a, row in r.by_area_and_type.items())
        doc.add(Table((lang._("Area"), *(lang.term("type", t) for t in types), lang._("All")), rows, tuple(range(1, len(types) + 2)),
                      name=lang._("Area and type")))
    statuses = tuple((lang.term("status", s), str(r.by_status[s])) for s in STATUSES if r.by_status[s])
    if statuses:
        doc.add(Table((lang._("Status at the year's end"), lang._("Initiatives")), statuses, (1,), name=lang._("Status")))
    new = lang._("new")
    rows2 = tuple(
        (
            e["ref"],
            e["title"],
            ", ".join(names[a] for a in e["areas"]),
            lang.term("type", e["type"]),
            f"{lang.term('status', e['status_at_start']) if e['status_at_start'] else new} → {lang.term('status', e['status'])}",
            ", ".join(f"{p['name']} ({lang.term('participant', p['role'])})" for p in e["participants"] if p["role"] != "lead") or "—",
            lang.sek(e["budget_sek"]),
        )
        for e in entries
    )
    if rows2:
        doc.add(Table((lang._("Initiative"), lang._("Title"), lang._("Areas"), lang._("Type"), lang._("Status in the year"),
                       lang._("Partners"), lang._("Funding")), rows2, (6,), name=lang._("Initiatives")))
    else:
        doc.add(Para(lang._("No initiatives in the year's portfolio.")))
    for e in entries:
        doc.add(Heading(3, f"{e['ref']}: {e['title']}"), Bullets(tuple(_details(e, names, lang))))


def _details(e: dict[str, Any], names: dict[str, str], lang: Language) -> list[str]:
    start = lang.term("status", e["status_at_start"]) if e["status_at_start"] else lang._("new")
    lines = [
        lang._("Lead region %(lead)s; regions %(regions)s; %(orientation)s; roles %(roles)s.", lead=e["lead"],
               regions=", ".join(e["regions"]), orientation=lang.term("orientation", e["orientation"]),
               roles=", ".join(lang.term("role", x) for x in e["roles"]) or "—"),
        lang._("Areas: %(areas)s. Type: %(type)s. Status: %(start)s at the start, %(end)s at the end of the year.",
               areas=", ".join(names[a] for a in e["areas"]), type=lang.term("type", e["type"]), start=start,
               end=lang.term("status", e["status"])),
        lang._("Participants: %(who)s.", who="; ".join(
            f"{p['name']} ({lang.term('participant', p['role'])}, {lang.term('kind', p['kind'])})" for p in e["participants"])),
    ]
    if e["funding"]:
        lines.append(lang._("Funding: %(lines)s.", lines="; ".join(
            f"{lang.sek(int(f['amount_sek']))} {lang.term('source', f['source'])} {f['year']}" for f in e["funding"])))
    for t in RESULT_TYPES:
        for result in e["results"][t]:
            lines.append(lang._("Result (%(type)s, %(date)s): %(text)s", type=lang.term("result", t), date=lang.date(result["effective"]),
                                text=result["text"]))
    for ind in e["indicators"]:
        unit = spaced_unit(ind["unit"])
        latest = (lang._("%(value)s%(unit)s on %(date)s", value=ind["latest"][1], unit=unit, date=lang.date(ind["latest"][0]))
                  if ind["latest"] else lang._("not measured"))
        lines.append(lang._("Indicator %(name)s: target %(target)s%(unit)s, latest %(latest)s.", name=ind["name"], target=ind["target"],
                            unit=unit, latest=latest))
    return lines


def _results_and_funding(doc: Document, r: AnnualReport, lang: Language) -> None:
    doc.add(Heading(2, lang._("Results recorded in %(year)s", year=r.year), "results"))
    for t in RESULT_TYPES:
        items = tuple(f"{x['ref']} ({lang.date(x['effective'])}): {x['text']}" for x in r.results[t])
        doc.add(Heading(3, lang.term("result", t)), Bullets(items) if items else Para(lang._("None recorded."), note=True))
    rows = tuple((lang.term("source", s), lang.sek(v)) for s, v in r.funding_by_source_sek.items() if v)
    doc.add(Heading(2, lang._("Funding"), "funding"))
    if rows:
        doc.add(Table((lang._("Source"), lang._("Amount (all years)")), (*rows, (lang._("All"), lang.sek(r.funding_total_sek))), (1,),
                      name=lang._("Funding")))
    else:
        doc.add(Para(lang._("No funding lines recorded.")))


def _network(doc: Document, r: AnnualReport, lang: Language) -> None:
    network = r.network
    doc.add(Heading(2, lang._("Actor network and key-actor risks"), "network"))
    if not network:
        doc.add(Para(lang._("The actor network is not available in this build."), note=True))
        return
    names = {n["actor"]: n["label"] for n in network["nodes"]}
    doc.add(
        Para(lang._("Actors taking part in initiatives whose regions include %(region)s, as of %(date)s: %(summary)s", region=r.region,
                    date=lang.date(r.as_of), summary=network_summary(network, lang))),
        Figure(
            NetworkPicture(
                network["nodes"], network["edges"],
                lang._("Region %(name)s (%(region)s): actor network %(year)s", name=r.name, region=r.region, year=r.year),
                lang.code,
            ),
            lang._("The region's actor network: colour = kind of actor, size = betweenness, black ring = key actor"),
        ),
        Heading(3, lang._("Key actors (articulation points)")),
    )
    if network["key_actors"]:
        rows = tuple(
            (k["name"], lang.term("kind", k["kind"]), str(len(k["cut_off_actors"])),
             listed(lang, [names.get(a, a) for a in k["cut_off_actors"]]), listed(lang, k["cut_off_initiatives"]) or "—")
            for k in network["key_actors"]
        )
        doc.add(
            Para(lang._("If one of these actors left, the network would fall apart: the actors listed would lose touch with the rest."),
                 note=True),
            Table((lang._("Actor"), lang._("Kind"), lang._("Cut off"), lang._("Actors cut off"), lang._("Initiatives cut off")), rows, (2,),
                  name=lang._("Key actors")),
        )
    else:
        doc.add(Para(lang._("No single actor's departure would split the network.")))
    central = tuple(
        (c["name"], lang.term("kind", c["kind"]), str(c["degree"]), str(c["weighted_degree"]), lang.number(c["betweenness"], 3))
        for c in network["central"]
    )
    if central:
        doc.add(Heading(3, lang._("Most central actors")),
                Table((lang._("Actor"), lang._("Kind"), lang._("Ties"), lang._("Weighted ties"), lang._("Betweenness")), central, (2, 3, 4),
                      name=lang._("Central actors")))
    bridges = [f"{names.get(a, a)} – {names.get(b, b)}" for a, b in network["bridges"]]
    doc.add(
        Heading(3, lang._("Ties and kinds")),
        Bullets(
            (
                lang._("Bridges (ties whose loss splits the network): %(n)s", n=len(bridges))
                + (f": {listed(lang, bridges)}." if bridges else "."),
                lang._("Regions the region's own actor is tied to: %(regions)s.",
                       regions=", ".join(network["tied_regions"]) or lang._("none")),
                lang._("Kinds of actor the region's own actor has no tie to: %(kinds)s.",
                       kinds=", ".join(lang.term("kind", k) for k in network["missing_kinds"]) or lang._("none")),
            )
        ),
    )


def _changes(doc: Document, r: AnnualReport, names: dict[str, str], lang: Language) -> None:
    changes = r.changes
    doc.add(
        Heading(2, lang._("What changed during %(year)s", year=r.year), "changes"),
        Bullets((lang._("New initiatives: %(refs)s.", refs=", ".join(changes["started"]) or lang._("none")),
                 lang._("Completed: %(refs)s.", refs=", ".join(changes["completed"]) or lang._("none")))),
    )
    fields = ("initiatives", "weighted", "pipeline", "budget_sek", "actors", "gap")
    moved: dict[str, dict[str, str]] = {}
    for c in changes["coverage"]:
        moved.setdefault(c["area"], {})[c["field"]] = f"{_plain(c['from'], lang)} → {_plain(c['to'], lang)}"
    rows = tuple((names.get(a, a), *(moved[a].get(f, "") for f in fields)) for a in names if a in moved)
    if rows:
        doc.add(Para(lang._("Coverage of the region that changed, end of the previous year → end of this year:"), note=True))
        doc.add(Table((lang._("Area"), lang._("Initiatives"), lang._("Weighted"), lang._("Pipeline"), lang._("Budget (SEK)"),
                       lang._("Actors"), lang._("Gap")), rows, (1, 2, 3, 4, 5), name=lang._("Coverage changes")))
    events = tuple((e["effective"], e["key"], event_summary(lang, e), e["by"]) for e in changes["events"])
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
