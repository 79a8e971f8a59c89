"""What a region's annual report shows, as a document Markdown and HTML render alike."""

from __future__ import annotations

from typing import Any

from kompass.application.report_document import Bullets, Document, Figure, Heading, Para, Provenance, Table, num, sek, words
from kompass.application.report_views import region_label
from kompass.domain.status import STATUSES
from kompass.domain.vocabulary import RESULT_TYPES

RESULT_NAMES = {
    "capability": "Increased competence and capability (ökad kompetens och förmåga)",
    "coordination": "Increased coordination and collaboration (ökad samordning och samverkan)",
    "direct": "Direct results (direkta resultat)",
}
VERDICTS = {"backed": "backed", "unbacked": "not backed", "beyond_focus": "beyond focus", "quiet": "—"}


def annual_document(report: dict[str, Any], provenance: Provenance) -> Document:
    year, region = report["year"], report["region"]
    doc = Document(
        f"Annual report {year}: Region {report['name']} ({region})",
        f"The region's portfolio as of {report['as_of']} (effective dates), framework {report['framework']}; "
        f"self-assessments as recorded up to log position {provenance.position}.",
        provenance,
    )
    _summary(doc, report)
    _assessment(doc, report)
    _focus(doc, report)
    _initiatives(doc, report)
    _results_and_funding(doc, report)
    _network(doc, report)
    _changes(doc, report)
    return doc


def _summary(doc: Document, r: dict[str, Any]) -> None:
    names, entries = r["area_names"], r["initiatives"]
    counting = sum(1 for e in entries if e["status"] in ("active", "completed"))
    a = r["assessment"]
    lines = [
        f"{len(entries)} initiatives in the year's portfolio, {counting} of them counting (active or completed) at the year's end.",
        f"Funding of these initiatives: {sek(r['funding_total_sek'])} in all, {sek(r['funding_for_year_sek'])} for {r['year']}.",
        (
            f"Self-assessment {r['year']}: score {a['score']}, traffic light {a['light']} "
            f"({words(r['movement'])} since the previous assessed year)."
            if a
            else f"No self-assessment for {r['year']} has been recorded."
        ),
        "Gaps at the year's end: " + (", ".join(f"{names[g['area']]} ({words(g['kind'])})" for g in r["gaps"]) or "none") + ".",
    ]
    if r["declared_unbacked"]:
        lines.append("Declared focus without a counting initiative: " + ", ".join(names[x] for x in r["declared_unbacked"]) + ".")
    network = r["network"]
    if network:
        lines.append(network["summary"])
    doc.add(Heading(2, "Summary", "summary"), Bullets(tuple(lines)))


def _assessment(doc: Document, r: dict[str, Any]) -> None:
    now, before = r["assessment"], r["previous_assessment"]
    rows, marks = [], []
    for a in (before, now):
        if a:
            rows.append((str(a["year"]), str(a["score"]), a["light"], a["effective"]))
            marks.append(("", "", a["light"], ""))
    doc.add(Heading(2, "Self-assessment and traffic light", "assessment"))
    if rows:
        doc.add(Table(("Year", "Score (1–10)", "Light", "Effective"), tuple(rows), (1,), tuple(marks)))
    change = r["score_change"]
    text = {
        "improved": f"Improved by {change} since {before['year'] if before else ''}.",
        "declined": f"Declined by {-(change or 0)} since {before['year'] if before else ''}.",
        "unchanged": f"Unchanged since {before['year'] if before else ''}.",
        "not_comparable": "Not comparable: the self-assessment of this year or of an earlier year is missing.",
    }[r["movement"]]
    doc.add(Para(f"Movement: {text}"))
    if r["coordinator"]:
        doc.add(Para(f"Coordinator (user id): {r['coordinator']}.", note=True))


def _focus(doc: Document, r: dict[str, Any]) -> None:
    names = r["area_names"]
    rows = tuple(
        (
            names[c["area"]],
            c["focus"] or "—",
            str(c["initiatives"]),
            num(c["weighted"]),
            num(c["national_median_weighted"]),
            str(c["pipeline"]),
            sek(c["budget_sek"]),
            str(c["actors"]),
            words(c["gap"]) if c["gap"] else "",
            VERDICTS[c["verdict"]] if c["verdict"] else "—",
        )
        for c in r["coverage"]
    )
    marks = tuple(("", "", "", "", "", "", "", "", c["gap"] or "", c["verdict"] or "") for c in r["coverage"])
    doc.add(
        Heading(2, "Declared focus against coverage", "focus"),
        Para(
            (f"Focus as declared in the {r['year']} self-assessment" if r["assessment"] else f"No self-assessment for {r['year']}, so no "
             "declared focus")
            + f"; coverage of the region as of {r['as_of']}, with the national "
            "median of weighted coverage for comparison. Gaps: absent (nothing), pipeline only (only proposed or planned work), "
            "thin (under half the national median).",
            note=True,
        ),
        Figure(
            "focus_chart",
            {"rows": r["coverage"], "area_names": names, "title": f"Region {r['name']}: weighted coverage per area"},
            "Weighted coverage per area against the national median",
        ),
        Table(
            ("Area", "Focus", "Initiatives", "Weighted", "National median", "Pipeline", "Budget", "Actors", "Gap", "Focus vs coverage"),
            rows,
            (2, 3, 4, 5, 6, 7),
            marks,
        ),
        Para(
            "Focus vs coverage: backed (medium or high focus, with counting initiatives), not backed (medium or high focus, "
            "none counting), beyond focus (counting initiatives where none or low focus was declared).",
            note=True,
        ),
        Para(f"Weakest area nationally at the year's end: {names[r['weakest_area_nationally']]}.", note=True),
    )


def _initiatives(doc: Document, r: dict[str, Any]) -> None:
    names, entries = r["area_names"], r["initiatives"]
    types = [t for t in next(iter(r["by_area_and_type"].values()), {}) if any(row[t] for row in r["by_area_and_type"].values())]
    doc.add(
        Heading(2, "Initiatives by area and type", "initiatives"),
        Para(
            "The year's portfolio: initiatives of the region (led by it or with it taking part) that exist at the year's end and "
            "were not already completed or cancelled when the year began (or changed during it). An initiative counts under each "
            "of its areas.",
            note=True,
        ),
    )
    if types:
        rows = tuple((names[a], *(str(row[t] or "") for t in types), str(sum(row.values()))) for a, row in r["by_area_and_type"].items())
        doc.add(Table(("Area", *(words(t) for t in types), "All"), rows, tuple(range(1, len(types) + 2))))
    statuses = tuple((s, str(r["by_status"][s])) for s in STATUSES if r["by_status"][s])
    if statuses:
        doc.add(Table(("Status at the year's end", "Initiatives"), statuses, (1,)))
    rows2 = tuple(
        (
            e["ref"],
            e["title"],
            ", ".join(names[a] for a in e["areas"]),
            words(e["type"]),
            f"{e['status_at_start'] or 'new'} → {e['status']}",
            ", ".join(f"{p['name']} ({p['role']})" for p in e["participants"] if p["role"] != "lead") or "—",
            sek(e["budget_sek"]),
        )
        for e in entries
    )
    if rows2:
        doc.add(Table(("Initiative", "Title", "Areas", "Type", "Status in the year", "Partners", "Funding"), rows2, (6,)))
    else:
        doc.add(Para("No initiatives in the year's portfolio."))
    for e in entries:
        doc.add(Heading(3, f"{e['ref']}: {e['title']}"), Bullets(tuple(_details(e, names))))


def _details(e: dict[str, Any], names: dict[str, str]) -> list[str]:
    lines = [
        f"Lead region {e['lead']}; regions {', '.join(e['regions'])}; {e['orientation']}; "
        f"roles {', '.join(words(x) for x in e['roles']) or '—'}.",
        f"Areas: {', '.join(names[a] for a in e['areas'])}. Type: {words(e['type'])}. "
        f"Status: {e['status_at_start'] or 'new'} at the start, {e['status']} at the end of the year.",
        "Participants: " + "; ".join(f"{p['name']} ({p['role']}, {words(p['kind'])})" for p in e["participants"]) + ".",
    ]
    if e["funding"]:
        lines.append("Funding: " + "; ".join(f"{sek(int(f['amount_sek']))} {words(f['source'])} {f['year']}" for f in e["funding"]) + ".")
    for t in RESULT_TYPES:
        for result in e["results"][t]:
            lines.append(f"Result ({t}, {result['effective']}): {result['text']}")
    for ind in e["indicators"]:
        unit = ind["unit"] if ind["unit"] in ("%", "") else f" {ind['unit']}"
        latest = f"{ind['latest'][1]}{unit} on {ind['latest'][0]}" if ind["latest"] else "not measured"
        lines.append(f"Indicator {ind['name']}: target {ind['target']}{unit}, latest {latest}.")
    return lines


def _results_and_funding(doc: Document, r: dict[str, Any]) -> None:
    doc.add(Heading(2, f"Results recorded in {r['year']}", "results"))
    for t in RESULT_TYPES:
        items = tuple(f"{x['ref']} ({x['effective']}): {x['text']}" for x in r["results"][t])
        doc.add(Heading(3, RESULT_NAMES[t]), Bullets(items) if items else Para("None recorded.", note=True))
    rows = tuple((words(s), sek(v)) for s, v in r["funding_by_source_sek"].items() if v)
    doc.add(Heading(2, "Funding", "funding"))
    if rows:
        doc.add(Table(("Source", "Amount (all years)"), (*rows, ("all", sek(r["funding_total_sek"]))), (1,)))
    else:
        doc.add(Para("No funding lines recorded."))


def _network(doc: Document, r: dict[str, Any]) -> None:
    network = r["network"]
    doc.add(Heading(2, "Actor network and key-actor risks", "network"))
    if not network:
        doc.add(Para("The actor network is not available in this build.", note=True))
        return
    names = {n["actor"]: n["label"] for n in network["nodes"]}
    doc.add(
        Para(f"Actors taking part in initiatives whose regions include {r['region']}, as of {r['as_of']}: {network['summary']}"),
        Figure(
            "network_picture",
            {"nodes": network["nodes"], "edges": network["edges"], "title": f"Region {r['name']}: actor network {r['year']}"},
            "The region's actor network: colour = kind of actor, size = betweenness, black ring = key actor",
        ),
        Heading(3, "Key actors (articulation points)"),
    )
    if network["key_actors"]:
        rows = tuple(
            (
                k["name"],
                words(k["kind"]),
                str(len(k["cut_off_actors"])),
                _listed([names.get(a, a) for a in k["cut_off_actors"]]),
                _listed(k["cut_off_initiatives"]) or "—",
            )
            for k in network["key_actors"]
        )
        doc.add(
            Para("If one of these actors left, the network would fall apart: the actors listed would lose touch with the rest.", note=True),
            Table(("Actor", "Kind", "Cut off", "Actors cut off", "Initiatives cut off"), rows, (2,)),
        )
    else:
        doc.add(Para("No single actor's departure would split the network."))
    central = tuple(
        (c["name"], words(c["kind"]), str(c["degree"]), str(c["weighted_degree"]), f"{c['betweenness']:.3f}") for c in network["central"]
    )
    if central:
        doc.add(Heading(3, "Most central actors"), Table(("Actor", "Kind", "Ties", "Weighted ties", "Betweenness"), central, (2, 3, 4)))
    bridges = tuple(f"{names.get(a, a)} – {names.get(b, b)}" for a, b in network["bridges"])
    doc.add(
        Heading(3, "Ties and kinds"),
        Bullets(
            (
                f"Bridges (ties whose loss splits the network): {len(bridges)}" + (f": {_listed(list(bridges))}." if bridges else "."),
                f"Regions the region's own actor is tied to: {', '.join(network['tied_regions']) or 'none'}.",
                f"Kinds of actor the region's own actor has no tie to: {', '.join(words(k) for k in network['missing_kinds']) or 'none'}.",
            )
        ),
    )


def _listed(items: list[str], limit: int = 8) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _changes(doc: Document, r: dict[str, Any]) -> None:
    names, changes = r["area_names"], r["changes"]
    doc.add(
        Heading(2, f"What changed during {r['year']}", "changes"),
        Bullets(
            (
                f"New initiatives: {', '.join(changes['started']) or 'none'}.",
                f"Completed: {', '.join(changes['completed']) or 'none'}.",
            )
        ),
    )
    fields = ("initiatives", "weighted", "pipeline", "budget_sek", "actors", "gap")
    moved: dict[str, dict[str, str]] = {}
    for c in changes["coverage"]:
        moved.setdefault(c["area"], {})[c["field"]] = f"{_plain(c['from'])} → {_plain(c['to'])}"
    rows = tuple((names.get(a, a), *(moved[a].get(f, "") for f in fields)) for a in names if a in moved)
    if rows:
        doc.add(Para("Coverage of the region that changed, end of the previous year → end of this year:", note=True))
        doc.add(Table(("Area", "Initiatives", "Weighted", "Pipeline", "Budget (SEK)", "Actors", "Gap"), rows, (1, 2, 3, 4, 5)))
    events = tuple((e["effective"], e["key"], e["summary"], e["by"]) for e in changes["events"])
    doc.add(Para(f"{len(events)} recorded changes effective during the year, by date:", note=True))
    if events:
        doc.add(Table(("Date", "Initiative / portfolio", "Change", "By"), events, nowrap=(0, 3)))


def _plain(value: Any) -> str:
    if value is None:
        return "—"
    return num(value) if isinstance(value, float) else str(value)


__all__ = ["annual_document", "region_label"]
