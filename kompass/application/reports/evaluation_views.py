"""The evaluation's own national tables in the document (activity types, orientation, the coordinators'
roles, results by type, funding by source, declared focus), a column per year when earlier
years are in the log, and how a crosswalked framework's view was made."""

from __future__ import annotations

from collections.abc import Mapping

from kompass.application.reports.document import Document, Heading, Para, Table
from kompass.application.reports.evaluation import FOCUS_ORDER
from kompass.application.reports.language import Language
from kompass.application.reports.national import NationalReport
from kompass.domain.vocabulary import LIGHTS


def _by_year(lang: Language, kind: str, first: str, per_year: Mapping[int, Mapping[str, int]], name: str, money: bool = False) -> Table:
    years = list(per_year)
    keys = list(per_year[years[-1]])
    show = lang.sek if money else lang.number
    rows = tuple((lang.term(kind, k), *(show(per_year[y].get(k, 0)) for y in years)) for k in keys)
    total = (lang._("All"), *(show(sum(per_year[y].values())) for y in years))
    return Table((first, *(str(y) for y in years)), (*rows, total), tuple(range(1, len(years) + 1)), name=name)


def evaluation_tables(doc: Document, report: NationalReport, names: dict[str, str], lang: Language) -> None:
    year = report.year
    trend = report.trend
    years = [f.year for f in trend]
    tables = {f.year: f.tables for f in trend}
    doc.add(
        Heading(2, lang._("The evaluation's tables"), "evaluation"),
        Para(lang._("Counted as in the national evaluation, each initiative once however many regions it has: types, orientation, "
                    "roles and funding over the initiatives that count (active or completed) at the end of each year; funding "
                    "of that year's funding lines; results recorded with an effective date in the year; declared focus over the "
                    "year's self-assessments."), note=True),
    )
    if len(years) > 1:
        rows = tuple(
            (str(f.year), str(f.regions_assessed), str(f.movements["improved"]), *(str(f.lights[light]) for light in LIGHTS),
             str(f.counting))
            for f in trend
        )
        doc.add(
            Heading(3, lang._("Year by year")),
            Table((lang._("Year"), lang._("Regions assessed"), lang._("Improved"), *(lang.term("light", x) for x in LIGHTS),
                   lang._("Counting initiatives")), rows, (1, 2, 3, 4, 5, 6), name=lang._("Year by year")),
        )
    doc.add(
        Heading(3, lang._("Types of activity")),
        _by_year(lang, "type", lang._("Type"), {y: tables[y].types for y in years}, lang._("Types")),
        Heading(3, lang._("Internal and external orientation")),
        _by_year(lang, "orientation", lang._("Orientation"), {y: tables[y].orientation for y in years}, lang._("Orientation")),
        Heading(3, lang._("The coordinator's five roles")),
        Para(lang._("Counting initiatives exercising each role (an initiative may exercise several)."), note=True),
        _by_year(lang, "role", lang._("Role"), {y: tables[y].roles for y in years}, lang._("Roles")),
        Heading(3, lang._("Results by type")),
        _by_year(lang, "result", lang._("Result"), {y: tables[y].results for y in years}, lang._("Results")),
        Heading(3, lang._("Funding by source")),
        _by_year(lang, "source", lang._("Source"), {y: tables[y].funding for y in years}, lang._("Funding"), money=True),
    )
    focus = tables[year].focus
    rows = tuple((names[a], *(str(focus[a][level]) for level in FOCUS_ORDER)) for a in focus)
    doc.add(
        Heading(3, lang._("Declared focus per area, %(year)s", year=year)),
        Para(lang.n_("Over the %(n)s region with a self-assessment for %(year)s; an area not declared counts as none.",
                     "Over the %(n)s regions with a self-assessment for %(year)s; an area not declared counts as none.",
                     report.regions_assessed, year=year), note=True),
        Table((lang._("Area"), *(lang.term("focus", level) for level in FOCUS_ORDER)), rows, (1, 2, 3, 4), name=lang._("Focus")),
    )


def framework_view(doc: Document, report: NationalReport, names: dict[str, str], lang: Language) -> None:
    """Under a crosswalked framework: how each base area's weight was split, and the areas ranked two ways."""
    crosswalk = report.crosswalk
    if not crosswalk:
        return
    national = report.coverage.national
    rows = tuple(
        (lang.term("area", base), ", ".join(names[t] for t in targets), lang._("split %(n)s ways", n=len(targets)) if len(targets) > 1
         else lang._("whole"))
        for base, targets in crosswalk.areas.items()
    )
    by_gap = sorted(national, key=lambda a: (national[a].regions_with_gap, list(national).index(a)))
    doc.add(
        Heading(2, lang._("Reading the %(framework)s view", framework=report.framework), "framework"),
        Para(lang._("Every initiative is recorded under the areas of %(base)s; this view counts it under the areas each of them maps "
                    "to. An initiative's weight (1 divided by its number of areas) is divided again where one area maps to several, "
                    "so an area that receives only a share of a base area ranks lower by weighted coverage than by the number of "
                    "regions with a gap in it. Both rankings are shown; in both, the first is the strongest.",
                    base=crosswalk.base), note=True),
        Table((lang._("Base area"), lang._("Counts under"), lang._("Weight")), rows, name=lang._("Crosswalk")),
        Table(
            (lang._("Area"), lang._("Rank by weighted coverage"), lang._("Weighted"), lang._("Rank by regions with a gap"),
             lang._("Regions with a gap")),
            tuple((names[a], str(report.area_ranking.index(a) + 1), lang.number(national[a].weighted, 2),
                   str(by_gap.index(a) + 1), str(national[a].regions_with_gap)) for a in report.area_ranking),
            (1, 2, 3, 4),
            name=lang._("Two rankings"),
        ),
    )
