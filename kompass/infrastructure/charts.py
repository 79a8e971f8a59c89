"""Pictures for reports and exports, drawn with matplotlib (Agg, no display, no network): the national
heatmap, area ranking and movement chart, a region's focus chart, and (`network_chart`) the actor network.

Every picture is deterministic: the same data gives the same bytes (`chart_style.render`). Import this
module only where a picture is drawn: matplotlib is slow to import.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import matplotlib
from matplotlib.patches import Patch, Rectangle

from kompass.application.coverage_grid import CoverageGrid
from kompass.application.reports.annual import CoverageRow
from kompass.application.reports.assessments import RegionMovement
from kompass.application.reports.document import Chart, CoverageHeatmap, FocusChart, MovementChart, RankingBars
from kompass.application.reports.national_views import GAP_MARKS
from kompass.infrastructure.chart_style import (
    FORMATS,
    GAP_COLOURS,
    LIGHT_COLOURS,
    MIN_POINTS,
    STYLE,
    decimals,
    new_figure,
    render,
    words_of,
)
from kompass.infrastructure.network_chart import agg_renderer, name_box, network_figure, network_picture, place_labels

__all__ = [
    "FORMATS", "agg_renderer", "coverage_heatmap", "draw_chart", "focus_chart", "movement_chart", "name_box", "network_figure",
    "network_picture", "place_labels", "ranking_bars", "render",
]


def coverage_heatmap(
    coverage: CoverageGrid, area_names: Mapping[str, str], fmt: str = "svg", title: str | None = None, lang: str = "en"
) -> bytes:
    """Regions × areas (what `coverage --format json` writes): colour = weighted coverage, number = counting
    initiatives, a coloured frame and mark for each gap (· absent, p pipeline only, t thin)."""
    regions = coverage.regions
    areas = list(regions[0].areas) if regions else list(area_names)
    values = [[r.areas[a].weighted for a in areas] for r in regions]
    top = max([v for row in values for v in row] + [1.0])
    w = words_of(lang)
    fig = new_figure(min(6.2, 2.4 + 0.8 * len(areas)), 2.6 + 0.3 * len(regions))
    ax = fig.add_subplot()
    with matplotlib.rc_context(STYLE):
        xs = [j - 0.5 for j in range(len(areas) + 1)]
        ys = [i - 0.5 for i in range(len(regions) + 1)]
        image = ax.pcolormesh(xs, ys, values or [[0.0] * len(areas)], cmap="YlGnBu", vmin=0, vmax=top, edgecolors="white", linewidth=1.5)
        ax.set_xlim(xs[0], xs[-1])
        ax.set_ylim(ys[-1], ys[0])
        for i, r in enumerate(regions):
            for j, a in enumerate(areas):
                cell = r.areas[a]
                gap = cell.gap
                text = str(cell.initiatives) + (f" {GAP_MARKS[gap]}" if gap else "")
                dark = values[i][j] > top * 0.55
                ax.text(j, i, text, ha="center", va="center", fontsize=MIN_POINTS, color="white" if dark else "#222222")
                if gap:
                    ax.add_patch(Rectangle((j - 0.46, i - 0.44), 0.92, 0.88, fill=False, edgecolor=GAP_COLOURS[gap], linewidth=1.4))
        ax.set_xticks(range(len(areas)), [area_names.get(a, a) for a in areas], rotation=30, ha="right")
        ax.set_yticks(range(len(regions)), [f"{r.region} {r.name}" for r in regions])
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
        bar = fig.colorbar(image, ax=ax, shrink=0.6, label=w._("weighted coverage"))
        decimals(bar.ax.yaxis, w)
        ax.set_title(title or w._("Coverage as of %(date)s", date=coverage.as_of))
        handles = [Patch(facecolor="white", edgecolor=GAP_COLOURS[k], label=f"{GAP_MARKS[k]} {w.term('gap', k)}") for k in GAP_MARKS]
        fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False,
                   title=w._("number = counting initiatives; gaps:"), title_fontsize=MIN_POINTS)
    return render(fig, fmt, "heatmap")


def ranking_bars(area_weights: Sequence[tuple[str, float]], fmt: str = "svg", title: str = "", lang: str = "en") -> bytes:
    """Horizontal bars, first item at the top (the national area ranking)."""
    w = words_of(lang)
    fig = new_figure(6.4, 1.0 + 0.42 * len(area_weights))
    ax = fig.add_subplot()
    with matplotlib.rc_context(STYLE):
        labels = [label for label, _ in area_weights][::-1]
        values = [value for _, value in area_weights][::-1]
        ax.barh(range(len(values)), values, color="#2a7fb8")
        ax.set_yticks(range(len(labels)), labels)
        for i, v in enumerate(values):
            ax.text(v, i, " " + w.number(v, 2), va="center", fontsize=MIN_POINTS)
        ax.set_xlabel(w._("national weighted coverage"))
        decimals(ax.xaxis, w)
        ax.set_xlim(0, max([*values, 1.0]) * 1.15)
        ax.set_title(title)
        ax.spines[["top", "right"]].set_visible(False)
    return render(fig, fmt, "ranking")


def movement_chart(movements: Sequence[RegionMovement], year: int, fmt: str = "svg", title: str = "", lang: str = "en") -> bytes:
    """Each region's score the year before (hollow) and this year (filled, in its traffic-light colour)."""
    w = words_of(lang)
    fig = new_figure(6.4, 1.6 + 0.3 * len(movements))
    ax = fig.add_subplot()
    with matplotlib.rc_context(STYLE):
        for i, m in enumerate(movements):
            now, before = m.assessment, m.previous
            if now and before:
                ax.plot([before.score, now.score], [i, i], color="#999999", linewidth=1.2)
            if before:
                ax.plot([before.score], [i], marker="o", markerfacecolor="white", markeredgecolor="#555555", linestyle="none")
            if now:
                ax.plot([now.score], [i], marker="o", color=LIGHT_COLOURS.get(now.light, "#555555"), linestyle="none")
        ax.set_yticks(range(len(movements)), [f"{m.region} {m.name}" for m in movements])
        ax.invert_yaxis()
        ax.set_xlim(0.5, 10.5)
        ax.set_xticks(range(1, 11))
        ax.grid(axis="x", color="#eeeeee")
        ax.set_xlabel(w._("self-assessed score (1–10)") + "    " + w._("○ previous assessed year   ● %(year)s, in its traffic-light colour",
                                                                        year=year))
        ax.set_title(title or w._("All regions: self-assessed scores, %(year)s", year=year))
        ax.spines[["top", "right"]].set_visible(False)
    return render(fig, fmt, "movement")


def focus_chart(
    rows: Sequence[CoverageRow], area_names: Mapping[str, str], fmt: str = "svg", title: str = "", lang: str = "en"
) -> bytes:
    """A region's weighted coverage per area (bars) against the national median (ticks), with its declared focus."""
    w = words_of(lang)
    fig = new_figure(6.4, 3.6)
    ax = fig.add_subplot()
    with matplotlib.rc_context(STYLE):
        xs = range(len(rows))
        colours = [GAP_COLOURS[r.gap] if r.gap else "#2a7fb8" for r in rows]
        ax.bar(xs, [r.weighted for r in rows], color=colours, width=0.6, label=w._("region (red/orange/purple: a gap)"))
        medians = [r.national_median_weighted for r in rows]
        ax.scatter(list(xs), medians, marker="_", s=600, color="#222222", label=w._("national median"))
        for x, r in zip(xs, rows, strict=True):
            if r.gap:
                ax.text(x, r.weighted, w.term("gap", r.gap), ha="center", va="bottom", fontsize=MIN_POINTS, color=GAP_COLOURS[r.gap])
        labels = [f"{textwrap.fill(area_names.get(r.area, r.area), 14)}\n{w._('focus')}: {w.term('focus', r.focus)}" for r in rows]
        ax.set_xticks(list(xs), labels, fontsize=MIN_POINTS)
        ax.set_ylabel(w._("weighted coverage"))
        decimals(ax.yaxis, w)
        ax.set_title(title)
        ax.legend(frameon=False, fontsize=MIN_POINTS, loc="upper right")
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_ylim(0, max([r.weighted for r in rows] + [r.national_median_weighted for r in rows] + [1.0]) * 1.25)
    return render(fig, fmt, "focus")


def draw_chart(chart: Chart, fmt: str = "svg") -> bytes:
    """A report's figure as SVG or PNG bytes."""
    if isinstance(chart, CoverageHeatmap):
        return coverage_heatmap(chart.coverage, chart.area_names, fmt, chart.title, chart.lang)
    if isinstance(chart, RankingBars):
        return ranking_bars(chart.area_weights, fmt, chart.title, chart.lang)
    if isinstance(chart, MovementChart):
        return movement_chart(chart.movements, chart.year, fmt, chart.title, chart.lang)
    if isinstance(chart, FocusChart):
        return focus_chart(chart.rows, chart.area_names, fmt, chart.title, chart.lang)
    return network_picture(chart.nodes, chart.edges, fmt, chart.title, lang=chart.lang)
