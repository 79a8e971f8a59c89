"""Pictures for reports and exports, drawn with matplotlib (Agg, no display, no network).

Every picture is deterministic: the same data gives the same bytes. SVG ids come from a
fixed salt (one per picture, so several SVGs can sit inline in one HTML page), no creation
date or software version is written into the files, text stays text in SVG (small,
searchable), and layouts use fixed seeds. Import this module only where a picture is drawn:
matplotlib is slow to import.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text

from kompass.application.reports.document import Chart, CoverageHeatmap, FocusChart, MovementChart, RankingBars

FORMATS = ("svg", "png")
GAP_MARKS = {"absent": "·", "pipeline_only": "p", "thin": "t"}
GAP_COLOURS = {"absent": "#c0392b", "pipeline_only": "#e67e22", "thin": "#8e44ad"}
LIGHT_COLOURS = {"green": "#2e8b57", "yellow": "#e1b12c", "red": "#c0392b"}
KIND_COLOURS = {
    "region": "#1f77b4",
    "municipality": "#ff7f0e",
    "county_board": "#8c564b",
    "agency": "#d62728",
    "university": "#9467bd",
    "research_institute": "#c5b0d5",
    "company": "#2ca02c",
    "industry_body": "#98df8a",
    "cluster": "#bcbd22",
    "library": "#17becf",
    "folk_high_school": "#9edae5",
    "civil_society": "#e377c2",
    "network": "#f7b6d2",
    "edih": "#7f7f7f",
    "eu_body": "#aec7e8",
    "other": "#c7c7c7",
}
STYLE = {
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "legend.fontsize": 9.5,
    "figure.dpi": 100,
}
MIN_POINTS = 9.5
"""The smallest text in a picture, in points at its drawn size. Report pictures are at most 6.8 inches wide,
and a page's text width (16.5 cm, 6.5 in) shrinks them by at most 7 %, so their text stays ≥ 9 pt in print."""


def _words(lang: str) -> Any:
    """The language's messages for the pictures' own texts (axis labels, legends)."""
    from kompass.infrastructure.language import language

    return language(lang)


def render(fig: Figure, fmt: str, salt: str) -> bytes:
    """The figure as SVG or PNG bytes, the same for the same figure."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown picture format {fmt!r}")
    buffer = io.BytesIO()
    with matplotlib.rc_context({**STYLE, "svg.hashsalt": f"kompass-{salt}"}):
        if fmt == "svg":
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
        else:
            fig.savefig(buffer, format="png", dpi=150, metadata={"Software": None}, bbox_inches="tight")
    return buffer.getvalue()


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(STYLE):
        return Figure(figsize=(width, height), layout="constrained")


def _decimals(axis: Any, words: Any) -> None:
    """Tick numbers written the language's way ("2,5" in Swedish)."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _position: words.number(value, 1)))


def coverage_heatmap(
    coverage: Mapping[str, Any], area_names: Mapping[str, str], fmt: str = "svg", title: str | None = None, lang: str = "en"
) -> bytes:
    """Regions × areas from `coverage --format json`: colour = weighted coverage, number = counting
    initiatives, a coloured frame and mark for each gap (· absent, p pipeline only, t thin)."""
    regions = coverage["regions"]
    areas = list(regions[0]["areas"]) if regions else list(area_names)
    values = [[r["areas"][a]["weighted"] for a in areas] for r in regions]
    top = max([v for row in values for v in row] + [1.0])
    w = _words(lang)
    fig = _figure(min(6.2, 2.4 + 0.8 * len(areas)), 2.6 + 0.3 * len(regions))
    ax = fig.add_subplot()
    with matplotlib.rc_context(STYLE):
        xs = [j - 0.5 for j in range(len(areas) + 1)]
        ys = [i - 0.5 for i in range(len(regions) + 1)]
        image = ax.pcolormesh(xs, ys, values or [[0.0] * len(areas)], cmap="YlGnBu", vmin=0, vmax=top, edgecolors="white", linewidth=1.5)
        ax.set_xlim(xs[0], xs[-1])
        ax.set_ylim(ys[-1], ys[0])
        for i, r in enumerate(regions):
            for j, a in enumerate(areas):
                cell = r["areas"][a]
                gap = cell["gap"]
                text = str(cell["initiatives"]) + (f" {GAP_MARKS[gap]}" if gap else "")
                dark = values[i][j] > top * 0.55
                ax.text(j, i, text, ha="center", va="center", fontsize=MIN_POINTS, color="white" if dark else "#222222")
                if gap:
                    ax.add_patch(Rectangle((j - 0.46, i - 0.44), 0.92, 0.88, fill=False, edgecolor=GAP_COLOURS[gap], linewidth=1.4))
        ax.set_xticks(range(len(areas)), [area_names.get(a, a) for a in areas], rotation=30, ha="right")
        ax.set_yticks(range(len(regions)), [f"{r['region']} {r['name']}" for r in regions])
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
        bar = fig.colorbar(image, ax=ax, shrink=0.6, label=w._("weighted coverage"))
        _decimals(bar.ax.yaxis, w)
        ax.set_title(title or w._("Coverage as of %(date)s", date=coverage.get("as_of", "")))
        handles = [Patch(facecolor="white", edgecolor=GAP_COLOURS[k], label=f"{GAP_MARKS[k]} {w.term('gap', k)}") for k in GAP_MARKS]
        fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False,
                   title=w._("number = counting initiatives; gaps:"), title_fontsize=MIN_POINTS)
    return render(fig, fmt, "heatmap")


def ranking_bars(area_weights: Sequence[tuple[str, float]], fmt: str = "svg", title: str = "", lang: str = "en") -> bytes:
    """Horizontal bars, first item at the top (the national area ranking)."""
    w = _words(lang)
    fig = _figure(6.4, 1.0 + 0.42 * len(area_weights))
    ax = fig.add_subplot()
    with matplotlib.rc_context(STYLE):
        labels = [label for label, _ in area_weights][::-1]
        values = [value for _, value in area_weights][::-1]
        ax.barh(range(len(values)), values, color="#2a7fb8")
        ax.set_yticks(range(len(labels)), labels)
        for i, v in enumerate(values):
            ax.text(v, i, " " + w.number(v, 2), va="center", fontsize=MIN_POINTS)
        ax.set_xlabel(w._("national weighted coverage"))
        _decimals(ax.xaxis, w)
        ax.set_xlim(0, max([*values, 1.0]) * 1.15)
        ax.set_title(title)
        ax.spines[["top", "right"]].set_visible(False)
    return render(fig, fmt, "ranking")


def movement_chart(movements: Sequence[Mapping[str, Any]], year: int, fmt: str = "svg", title: str = "", lang: str = "en") -> bytes:
    """Each region's score the year before (hollow) and this year (filled, in its traffic-light colour)."""
    w = _words(lang)
    fig = _figure(6.4, 1.6 + 0.3 * len(movements))
    ax = fig.add_subplot()
    with matplotlib.rc_context(STYLE):
        for i, m in enumerate(movements):
            now, before = m["assessment"], m["previous"]
            if now and before:
                ax.plot([before["score"], now["score"]], [i, i], color="#999999", linewidth=1.2)
            if before:
                ax.plot([before["score"]], [i], marker="o", markerfacecolor="white", markeredgecolor="#555555", linestyle="none")
            if now:
                ax.plot([now["score"]], [i], marker="o", color=LIGHT_COLOURS.get(now["light"], "#555555"), linestyle="none")
        ax.set_yticks(range(len(movements)), [f"{m['region']} {m['name']}" for m in movements])
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
    rows: Sequence[Mapping[str, Any]], area_names: Mapping[str, str], fmt: str = "svg", title: str = "", lang: str = "en"
) -> bytes:
    """A region's weighted coverage per area (bars) against the national median (ticks), with its declared focus."""
    w = _words(lang)
    fig = _figure(6.4, 3.6)
    ax = fig.add_subplot()
    with matplotlib.rc_context(STYLE):
        xs = range(len(rows))
        colours = [GAP_COLOURS[r["gap"]] if r["gap"] else "#2a7fb8" for r in rows]
        ax.bar(xs, [r["weighted"] for r in rows], color=colours, width=0.6, label=w._("region (red/orange/purple: a gap)"))
        medians = [r["national_median_weighted"] for r in rows]
        ax.scatter(list(xs), medians, marker="_", s=600, color="#222222", label=w._("national median"))
        for x, r in zip(xs, rows, strict=True):
            if r["gap"]:
                ax.text(x, r["weighted"], w.term("gap", r["gap"]), ha="center", va="bottom", fontsize=MIN_POINTS,
                        color=GAP_COLOURS[r["gap"]])
        labels = [f"{textwrap.fill(area_names.get(r['area'], r['area']), 14)}\n{w._('focus')}: {w.term('focus', r['focus'])}"
                  for r in rows]
        ax.set_xticks(list(xs), labels, fontsize=MIN_POINTS)
        ax.set_ylabel(w._("weighted coverage"))
        _decimals(ax.yaxis, w)
        ax.set_title(title)
        ax.legend(frameon=False, fontsize=MIN_POINTS, loc="upper right")
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_ylim(0, max([r["weighted"] for r in rows] + [r["national_median_weighted"] for r in rows] + [1.0]) * 1.25)
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
    return network_picture(chart.nodes, [tuple(e) for e in chart.edges], fmt, chart.title, lang=chart.lang)


def network_picture(
    nodes: Sequence[Mapping[str, Any]],
    edges: Sequence[tuple[str, str, int]],
    fmt: str = "svg",
    title: str = "",
    labels: int = 12,
    lang: str = "en",
) -> bytes:
    """The actor network: nodes coloured by kind, sized by betweenness, key actors (articulation points)
    ringed in black. Nodes carrying `named` are named when it is true (the national picture names only its
    key actors); otherwise every actor is named in a network of up to 30, else the `labels` most central and
    the articulation points. Names are placed so that no two overlap (`place_labels`).

    `nodes`: {"actor", "kind", "betweenness", "key": bool, "label"?, "named"?}; `edges`: (actor, actor, weight).
    """
    fig, _placed = network_figure(nodes, edges, title, labels, lang)
    return render(fig, fmt, "network")


def network_figure(
    nodes: Sequence[Mapping[str, Any]], edges: Sequence[tuple[str, str, int]], title: str = "", labels: int = 12, lang: str = "en"
) -> tuple[Figure, list[Any]]:
    """The network picture as a figure, with the name labels placed on it (for tests of their placement)."""
    import networkx as nx

    w = _words(lang)
    graph = nx.Graph()
    for n in sorted(nodes, key=lambda n: n["actor"]):
        graph.add_node(n["actor"])
    for a, b, weight in sorted((min(a, b), max(a, b), weight) for a, b, weight in edges):
        graph.add_edge(a, b, weight=weight)
    positions = nx.spring_layout(graph, seed=42, k=1.6 / max(1, graph.number_of_nodes()) ** 0.5) if graph.number_of_nodes() else {}
    by_key = {n["actor"]: n for n in nodes}
    fig = _figure(6.6, 6.6)
    ax = fig.add_subplot()
    placed: list[Any] = []
    with matplotlib.rc_context(STYLE):
        for a, b, data in sorted(graph.edges(data=True)):
            (x1, y1), (x2, y2) = positions[a], positions[b]
            ax.plot([x1, x2], [y1, y2], color="#cccccc", linewidth=0.4 + 0.5 * min(data["weight"], 5), zorder=1)
        order = sorted(graph.nodes)
        ax.scatter(
            [positions[k][0] for k in order],
            [positions[k][1] for k in order],
            s=[30 + 2000 * float(by_key[k]["betweenness"]) for k in order],  # area in pt²: `sizes` below
            c=[KIND_COLOURS.get(by_key[k]["kind"], "#c7c7c7") for k in order],
            edgecolors=["#000000" if by_key[k].get("key") else "#ffffff" for k in order],
            linewidths=[1.8 if by_key[k].get("key") else 0.5 for k in order],
            zorder=2,
        )
        if any("named" in by_key[k] for k in order):
            named = [k for k in order if by_key[k].get("named")]
        else:
            central = sorted(order, key=lambda k: (-float(by_key[k]["betweenness"]), k))[: len(order) if len(order) <= 30 else labels]
            named = sorted(set(central) | {k for k in order if by_key[k].get("key")})
        named.sort(key=lambda k: (-float(by_key[k]["betweenness"]), k))
        ax.set_axis_off()
        ax.set_title(title or w._("Actor network (size: betweenness)"))
        if positions:
            xs = [p[0] for p in positions.values()]
            ys = [p[1] for p in positions.values()]
            pad = 0.08 * max(max(xs) - min(xs), max(ys) - min(ys), 0.5)
            ax.set_xlim(min(xs) - pad, max(xs) + pad)
            ax.set_ylim(min(ys) - pad, max(ys) + pad)
        kinds = sorted({by_key[k]["kind"] for k in order}, key=lambda kind: list(KIND_COLOURS).index(kind) if kind in KIND_COLOURS else 99)
        handles = [Patch(facecolor=KIND_COLOURS.get(kind, "#c7c7c7"), label=w.term("kind", kind)) for kind in kinds]
        handles.append(Patch(facecolor="white", edgecolor="#000000", linewidth=1.8, label=w._("key actor (articulation point)")))
        fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False, fontsize=MIN_POINTS)
        if not order:
            ax.text(0.5, 0.5, w._("no actors"), ha="center", va="center", transform=ax.transAxes)
        sizes = {k: 30 + 2000 * float(by_key[k]["betweenness"]) for k in order}
        placed = place_labels(
            fig, ax, [(positions[k], textwrap.fill(str(by_key[k].get("label", k)), 26), bool(by_key[k].get("key"))) for k in named],
            [(positions[k], (sizes[k] ** 0.5) / 2) for k in named],
        )
    return fig, placed


OFFSETS = ((6, 6), (6, -14), (-6, 6), (-6, -14), (0, 12), (0, -18), (14, -4), (-14, -4), (10, 16), (-10, 16), (10, -24), (-10, -24))
"""Where a name is tried around its point (points, right/left above/below first), then further out."""


def agg_renderer(fig: Figure) -> Any:
    """A renderer that measures text as the saved picture will draw it (a bare Figure has no canvas of its own)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    return FigureCanvasAgg(fig).get_renderer()  # type: ignore[no-untyped-call]


def name_box(label: Any, renderer: Any) -> Any:
    """Where an annotation's text is drawn, without its leader line (matplotlib's own extent includes the line)."""
    label.update_positions(renderer)
    return Text.get_window_extent(label, renderer)


def place_labels(
    fig: Figure, ax: Any, items: Sequence[tuple[Any, str, bool]], points: Sequence[tuple[Any, float]] = ()
) -> list[Any]:
    """Name points without two names overlapping: each name, most important first, goes to the first place
    around its point (then further out, with a leader line) whose box overlaps no name already placed and
    its own point (`points`: position and radius in points, one per item), and stays inside the picture. A name with no
    free place is left out rather than drawn over another."""
    from matplotlib.transforms import Bbox

    renderer = agg_renderer(fig)
    fig.draw_without_rendering()
    frame = ax.get_window_extent(renderer)
    pixels = fig.dpi / 72
    blocked = []
    for (x, y), radius in points:
        cx, cy = ax.transData.transform((x, y))
        r = radius * pixels
        blocked.append(Bbox.from_extents(cx - r, cy - r, cx + r, cy + r))
    taken: list[Any] = []
    placed = []
    for i, ((x, y), text, key) in enumerate(items):
        own = blocked[i : i + 1]
        for scale in (1, 2, 3, 4.5, 6, 8, 10):
            done = False
            for dx, dy in OFFSETS:
                label = ax.annotate(
                    text, (x, y), xytext=(dx * scale, dy * scale), textcoords="offset points", fontsize=MIN_POINTS,
                    fontweight="bold" if key else "normal", zorder=4, ha="left" if dx >= 0 else "right",
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
                    arrowprops={"arrowstyle": "-", "color": "#777777", "linewidth": 0.6} if scale > 1 else None,
                )
                box = name_box(label, renderer).expanded(1.04, 1.08)
                inside = box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0 and box.y1 <= frame.y1
                if inside and not any(box.overlaps(other) for other in (*taken, *own)):
                    taken.append(box)
                    placed.append(label)
                    done = True
                    break
                label.remove()
            if done:
                break
    return placed
