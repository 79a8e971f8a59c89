"""What the national report shows, as one document every format renders: the key figures, coverage
and the area ranking, movement and traffic lights, the evaluation's own tables, gaps and
cross-region collaboration, in the report's language."""

from __future__ import annotations

from collections.abc import Mapping

from kompass.application.coverage_grid import CoverageGrid
from kompass.application.reports.document import (
    Bullets,
    CoverageHeatmap,
    Document,
    Figure,
    Heading,
    MovementChart,
    NetworkPicture,
    Para,
    Provenance,
    RankingBars,
    Table,
)
from kompass.application.reports.evaluation_views import evaluation_tables, framework_view
from kompass.application.reports.language import Language
from kompass.application.reports.national import NationalReport
from kompass.application.reports.network_models import NationalNetwork
from kompass.application.reports.wording import limited, new_document, region_label
from kompass.domain.vocabulary import LIGHTS

GAP_MARKS = {"absent": "·", "pipeline_only": "p", "thin": "t"}
"""How a gap is marked beside a cell's count, in the national table and in the coverage picture alike."""
SHOWN_ROWS = 15


def area_names(framework_names: Mapping[str, str], lang: Language) -> dict[str, str]:
    """Areas named in the report's language where the catalogue knows them, else as the framework names them."""
    named = {}
    for key, name in framework_names.items():
        term = lang.term("area", key)
        named[key] = term if term != key.replace("_", " ") else name
    return named


def heatmap_fallback(coverage: CoverageGrid, names: dict[str, str], lang: Language) -> Table:
    areas = list(coverage.national)
    rows = []
    for r in coverage.regions:
        cells = []
        for a in areas:
            cell = r.areas[a]
            cells.append(f"{cell.initiatives}{' ' + GAP_MARKS[cell.gap] if cell.gap else ''}")
        rows.append((region_label(r.region), *cells))
    marks = tuple(("", *(r.areas[a].gap or "" for a in areas)) for r in coverage.regions)
    return Table((lang._("Region"), *(names[a] for a in areas)), tuple(rows), tuple(range(1, len(areas) + 1)), marks,
                 name=lang._("Coverage"))


def national_document(report: NationalReport, provenance: Provenance, lang: Language) -> Document:
    year = report.year
    names = area_names(report.area_names, lang)
    doc = new_document(
        lang,
        lang._("National report %(year)s", year=year),
        lang._("All 21 regions. Coverage as of %(date)s (effective dates), framework %(framework)s; self-assessments for %(year)s "
               "as recorded up to log position %(position)s.", date=lang.date(report.as_of), framework=report.framework,
               year=year, position=provenance.position),
        provenance,
    )
    lights = report.lights
    doc.add(
        Heading(2, lang._("Key figures"), "key-figures"),
        Bullets(
            (
                lang._("Regions with a self-assessment for %(year)s: %(n)s of 21.", year=year, n=report.regions_assessed),
                lang._("Movement since each region's previous assessed year: %(improved)s improved, %(unchanged)s unchanged, "
                       "%(declined)s declined, %(not_comparable)s not comparable.",
                       **report.figures.movements),
                lang._("Traffic lights for %(year)s: %(green)s green, %(yellow)s yellow, %(red)s red.", year=year, **lights),
                lang._("Strongest area: %(strongest)s; weakest: %(weakest)s.", strongest=names[report.area_ranking[0]],
                       weakest=names[report.weakest_area]),
            )
        ),
    )
    _coverage(doc, report, names, lang)
    framework_view(doc, report, names, lang)
    _movement(doc, report, lang)
    evaluation_tables(doc, report, names, lang)
    _gaps(doc, report, names, lang)
    _collaboration(doc, report, names, lang)
    return doc


def _movement(doc: Document, report: NationalReport, lang: Language) -> None:
    year = report.year
    rows, marks = [], []
    for m in report.movements:
        now, before = m.assessment, m.previous
        change = m.score_change
        rows.append(
            (
                region_label(m.region),
                f"{before.score} ({before.year})" if before else "—",
                str(now.score) if now else "—",
                ("—" if change is None else f"{change:+d}" if change else "0"),
                lang.term("light", now.light) if now else "—",
                lang.term("movement", m.movement),
            )
        )
        marks.append(("", "", "", "", now.light if now else "", m.movement))
    doc.add(
        Heading(2, lang._("Movement and traffic lights"), "movement"),
        Para(lang._("Each region's self-assessed score (1–10) for %(year)s against its latest earlier assessed year; a region "
                    "without either is not comparable. The traffic light says whether the year's work was carried out as planned.",
                    year=year), note=True),
        Figure(MovementChart(report.movements, year, lang._("All regions: self-assessed scores, %(year)s", year=year), lang.code),
               lang._("Self-assessed scores, previous year and %(year)s", year=year)),
        Table((lang._("Region"), lang._("Previous"), str(year), lang._("Change"), lang._("Light"), lang._("Movement")), tuple(rows),
              (1, 2, 3), tuple(marks), name=lang._("Movement")),
    )
    by_light = {
        light: [region_label(m.region) for m in report.movements if m.assessment and m.assessment.light == light]
        for light in LIGHTS
    }
    missing = [region_label(m.region) for m in report.movements if not m.assessment]
    light_rows = tuple((lang.term("light", light), str(report.lights[light]), ", ".join(by_light[light]) or "—") for light in LIGHTS)
    doc.add(
        Table((lang._("Light"), lang._("Regions"), lang._("Which")), light_rows, (1,), tuple((light, "", "") for light in LIGHTS),
              name=lang._("Traffic lights")),
        Para(lang._("No self-assessment for %(year)s: %(regions)s.", year=year, regions=", ".join(missing) or lang._("none")), note=True),
    )


def _coverage(doc: Document, report: NationalReport, names: dict[str, str], lang: Language) -> None:
    coverage = report.coverage
    doc.add(
        Heading(2, lang._("Coverage: regions × areas"), "coverage"),
        Para(lang._("Counting initiatives (active or completed) per region and area; the colour is the weighted coverage (an "
                    "initiative tagged with n areas counts 1/n in each). Gaps: · absent, p pipeline only, t thin (under half the "
                    "national median)."), note=True),
        Figure(
            CoverageHeatmap(coverage, names, lang._("All regions: coverage as of %(date)s", date=lang.date(report.as_of)), lang.code),
            lang._("Coverage heatmap: 21 regions × %(n)s areas", n=len(names)),
            heatmap_fallback(coverage, names, lang),
        ),
        Heading(2, lang._("Area ranking"), "ranking"),
    )
    ranking = report.area_ranking
    national = coverage.national
    doc.add(
        Figure(
            RankingBars([(names[a], national[a].weighted) for a in ranking],
                        lang._("All regions: areas by weighted coverage, %(year)s", year=report.year), lang.code),
            lang._("Areas by national weighted coverage"),
        ),
        Table(
            (lang._("Rank"), lang._("Area"), lang._("Weighted"), lang._("Initiatives"), lang._("Regions with a gap")),
            tuple(
                (str(i), names[a], lang.number(national[a].weighted, 2), str(national[a].initiatives),
                 str(national[a].regions_with_gap))
                for i, a in enumerate(ranking, 1)
            ),
            (0, 2, 3, 4),
            name=lang._("Area ranking"),
        ),
    )


def _gaps(doc: Document, report: NationalReport, names: dict[str, str], lang: Language) -> None:
    rows = tuple(
        (region_label(g.region), str(len(g.gaps)), ", ".join(f"{names[x.area]} ({lang.term('gap', x.kind)})" for x in g.gaps))
        for g in report.largest_gaps
    )
    unbacked = [f"{region_label(d.region)}: {names[d.area]}" for d in report.declared_unbacked]
    table = Table((lang._("Region"), lang._("Gaps"), lang._("Areas")), rows, (1,), name=lang._("Gaps"))
    doc.add(
        Heading(2, lang._("Regions with the largest gaps"), "gaps"),
        limited(lang, table, 5) if rows else Para(lang._("No region has a gap.")),
        Para(lang._("Declared focus (medium or high, in the %(year)s self-assessment) without a counting initiative:",
                    year=report.year), note=True),
        Bullets(tuple(unbacked)) if unbacked else Para(lang._("none.")),
    )


def national_network_summary(network: NationalNetwork, lang: Language) -> str:
    cross = network.cross_region_ties
    alone = ", ".join(region_label(r) for r in network.regions_without_cross_region_ties) or lang._("none")
    return (
        lang.n_("%(n)s actor", "%(n)s actors", network.actors) + ", " + lang.n_("%(n)s tie", "%(n)s ties", network.ties) + "; "
        + lang.n_("%(n)s tie joins actors of two different regions", "%(n)s ties join actors of two different regions",
                  sum(t.ties for t in cross))
        + ", " + lang.n_("between %(n)s pair of regions", "between %(n)s pairs of regions", len(cross)) + "; "
        + lang._("regions whose actors have no tie to another region's actors: %(regions)s.", regions=alone)
    )


def _collaboration(doc: Document, report: NationalReport, names: dict[str, str], lang: Language) -> None:
    rows = tuple(
        (c.ref, c.title, c.lead, ", ".join(c.regions), ", ".join(names[a] for a in c.areas), lang.term("status", c.status))
        for c in report.collaborations
    )
    pairs = tuple(
        (f"{region_label(p.regions[0])} – {region_label(p.regions[1])}", str(p.initiatives)) for p in report.region_pairs
    )
    doc.add(
        Heading(2, lang._("Cross-region collaboration"), "collaboration"),
        Para(lang._("Initiatives whose regions (the lead region and every region taking part) are more than one, not cancelled, "
                    "as of %(date)s.", date=lang.date(report.as_of)), note=True),
        Table((lang._("Initiative"), lang._("Title"), lang._("Lead"), lang._("Regions"), lang._("Areas"), lang._("Status")), rows,
              name=lang._("Collaboration")) if rows else Para(lang._("None.")),
    )
    if pairs:
        doc.add(limited(lang, Table((lang._("Regions"), lang._("Shared initiatives")), pairs, (1,), name=lang._("Region pairs")),
                        SHOWN_ROWS))
    network = report.network
    if network:
        doc.add(Para(lang._("Actor network as of %(date)s: %(summary)s", date=lang.date(report.as_of),
                            summary=national_network_summary(network, lang))))
        if network.nodes:
            doc.add(Figure(
                NetworkPicture(network.nodes, network.edges, lang._("All regions: actor network %(year)s", year=report.year),
                               lang.code),
                lang._("The national actor network: colour = kind of actor, size = betweenness; only key actors are named"),
            ))
        ties = tuple(
            (f"{region_label(t.regions[0])} – {region_label(t.regions[1])}", str(t.ties), str(t.weight))
            for t in sorted(network.cross_region_ties, key=lambda t: (-t.weight, t.regions))
        )
        if ties:
            table = Table((lang._("Regions"), lang._("Ties between their actors"), lang._("Weight (shared initiatives)")), ties, (1, 2),
                          name=lang._("Cross-region ties"))
            doc.add(limited(lang, table, SHOWN_ROWS))
