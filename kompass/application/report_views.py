"""What the national report shows: the JSON of docs/definitions.md, and the document Markdown and HTML render."""

from __future__ import annotations

from typing import Any

from kompass.application.report_document import Bullets, Document, Figure, Heading, Para, Provenance, Table, num, words
from kompass.application.reports import MOVEMENTS
from kompass.domain.vocabulary import LIGHTS, REGIONS

NATIONAL_KEYS = ("year", "regions_assessed", "improved", "unchanged", "declined", "not_comparable", "lights", "area_ranking")
GAP_MARKS = {"absent": "·", "pipeline_only": "p", "thin": "t"}


def national_json(report: dict[str, Any]) -> dict[str, Any]:
    """Exactly the shape of docs/definitions.md (other programs read it)."""
    return {k: report[k] for k in NATIONAL_KEYS}


def stamped_json(report: dict[str, Any], provenance: Provenance) -> dict[str, Any]:
    """A report of our own shape, with the log position and digest it was made from."""
    return {**report, "log": {"position": provenance.position, "digest": provenance.digest}}


def region_label(code: str) -> str:
    return f"{code} {REGIONS[code]}"


def heatmap_fallback(coverage: dict[str, Any], area_names: dict[str, str]) -> Table:
    areas = list(coverage["national"])
    rows = []
    for r in coverage["regions"]:
        cells = []
        for a in areas:
            cell = r["areas"][a]
            cells.append(f"{cell['initiatives']}{' ' + GAP_MARKS[cell['gap']] if cell['gap'] else ''}")
        rows.append((region_label(r["region"]), *cells))
    marks = tuple(("", *(r["areas"][a]["gap"] or "" for a in areas)) for r in coverage["regions"])
    return Table(("Region", *(area_names[a] for a in areas)), tuple(rows), tuple(range(1, len(areas) + 1)), marks)


def national_document(report: dict[str, Any], provenance: Provenance) -> Document:
    year, names = report["year"], report["area_names"]
    doc = Document(
        f"National report {year}",
        f"All 21 regions. Coverage as of {report['as_of']} (effective dates), framework {report['framework']}; "
        f"self-assessments for {year} as recorded up to log position {provenance.position}.",
        provenance,
    )
    moved = {k: report[k] for k in MOVEMENTS}
    lights = report["lights"]
    doc.add(
        Heading(2, "Key figures", "key-figures"),
        Bullets(
            (
                f"Regions with a self-assessment for {year}: {report['regions_assessed']} of 21.",
                f"Movement since each region's previous assessed year: {moved['improved']} improved, {moved['unchanged']} unchanged, "
                f"{moved['declined']} declined, {moved['not_comparable']} not comparable.",
                f"Traffic lights for {year}: {lights['green']} green, {lights['yellow']} yellow, {lights['red']} red.",
                f"Strongest area: {names[report['area_ranking'][0]]}; weakest: {names[report['weakest_area']]}.",
            )
        ),
    )
    _coverage(doc, report)
    _movement(doc, report)
    _gaps(doc, report)
    _collaboration(doc, report)
    return doc


def _movement(doc: Document, report: dict[str, Any]) -> None:
    year = report["year"]
    rows, marks = [], []
    for m in report["movements"]:
        now, before = m["assessment"], m["previous"]
        rows.append(
            (
                region_label(m["region"]),
                f"{before['score']} ({before['year']})" if before else "—",
                str(now["score"]) if now else "—",
                (f"{m['score_change']:+d}" if m["score_change"] else "0") if m["score_change"] is not None else "—",
                now["light"] if now else "—",
                words(m["movement"]),
            )
        )
        marks.append(("", "", "", "", now["light"] if now else "", m["movement"]))
    doc.add(
        Heading(2, "Movement and traffic lights", "movement"),
        Para(
            f"Each region's self-assessed score (1–10) for {year} against its latest earlier assessed year; "
            "a region without either is not comparable. The traffic light says whether the year's work was carried out as planned.",
            note=True,
        ),
        Figure("movement_chart", {"movements": report["movements"], "year": year}, f"Self-assessed scores, previous year and {year}"),
        Table(("Region", "Previous", str(year), "Change", "Light", "Movement"), tuple(rows), (1, 2, 3), tuple(marks)),
    )
    by_light = {
        light: [region_label(m["region"]) for m in report["movements"] if m["assessment"] and m["assessment"]["light"] == light]
        for light in LIGHTS
    }
    missing = [region_label(m["region"]) for m in report["movements"] if not m["assessment"]]
    light_rows = tuple((light, str(report["lights"][light]), ", ".join(by_light[light]) or "—") for light in LIGHTS)
    doc.add(
        Table(("Light", "Regions", "Which"), light_rows, (1,), tuple((light, "", "") for light in LIGHTS)),
        Para(f"No self-assessment for {year}: {', '.join(missing) or 'none'}.", note=True),
    )


def _coverage(doc: Document, report: dict[str, Any]) -> None:
    names, coverage = report["area_names"], report["coverage"]
    doc.add(
        Heading(2, "Coverage: regions × areas", "coverage"),
        Para(
            "Counting initiatives (active or completed) per region and area; the colour is the weighted coverage (an initiative "
            "tagged with n areas counts 1/n in each). Gaps: · absent, p pipeline only, t thin (under half the national median).",
            note=True,
        ),
        Figure(
            "coverage_heatmap",
            {"coverage": coverage, "area_names": names, "title": f"Coverage as of {report['as_of']}"},
            "Coverage heatmap: 21 regions × 5 areas",
            heatmap_fallback(coverage, names),
        ),
        Heading(2, "Area ranking", "ranking"),
    )
    ranking = report["area_ranking"]
    national = coverage["national"]
    doc.add(
        Figure(
            "ranking_bars",
            {"area_weights": [(names[a], national[a]["weighted"]) for a in ranking], "title": ""},
            "Areas by national weighted coverage",
        ),
        Table(
            ("Rank", "Area", "Weighted", "Initiatives", "Regions with a gap"),
            tuple(
                (str(i), names[a], num(national[a]["weighted"]), str(national[a]["initiatives"]), str(national[a]["regions_with_gap"]))
                for i, a in enumerate(ranking, 1)
            ),
            (0, 2, 3, 4),
        ),
    )


def _gaps(doc: Document, report: dict[str, Any]) -> None:
    names = report["area_names"]
    rows = tuple(
        (region_label(g["region"]), str(len(g["gaps"])), ", ".join(f"{names[x['area']]} ({words(x['kind'])})" for x in g["gaps"]))
        for g in report["largest_gaps"]
    )
    unbacked = [f"{region_label(d['region'])}: {names[d['area']]}" for d in report["declared_unbacked"]]
    doc.add(
        Heading(2, "Regions with the largest gaps", "gaps"),
        Table(("Region", "Gaps", "Areas"), rows, (1,)) if rows else Para("No region has a gap."),
        Para(f"Declared focus (medium or high, in the {report['year']} self-assessment) without a counting initiative:", note=True),
        Bullets(tuple(unbacked)) if unbacked else Para("none."),
    )


def _collaboration(doc: Document, report: dict[str, Any]) -> None:
    names = report["area_names"]
    rows = tuple(
        (c["ref"], c["title"], c["lead"], ", ".join(c["regions"]), ", ".join(names[a] for a in c["areas"]), c["status"])
        for c in report["collaborations"]
    )
    pairs = tuple(
        (f"{region_label(p['regions'][0])} – {region_label(p['regions'][1])}", str(p["initiatives"])) for p in report["region_pairs"]
    )
    doc.add(
        Heading(2, "Cross-region collaboration", "collaboration"),
        Para(
            "Initiatives whose regions (the lead region and every region taking part) are more than one, not cancelled, "
            f"as of {report['as_of']}.",
            note=True,
        ),
        Table(("Initiative", "Title", "Lead", "Regions", "Areas", "Status"), rows) if rows else Para("None."),
    )
    if pairs:
        doc.add(Table(("Regions", "Shared initiatives"), pairs[:15], (1,)))
    network = report.get("network")
    if network:
        doc.add(Para(f"Actor network as of {report['as_of']}: {network['summary']}"))
        ties = tuple(
            (f"{region_label(t['regions'][0])} – {region_label(t['regions'][1])}", str(t["ties"]), str(t["weight"]))
            for t in sorted(network["cross_region_ties"], key=lambda t: (-t["weight"], t["regions"]))[:15]
        )
        if ties:
            doc.add(Table(("Regions", "Ties between their actors", "Weight (shared initiatives)"), ties, (1, 2)))
