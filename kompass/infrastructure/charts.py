"""Pictures for reports and exports, drawn with matplotlib (Agg, no display, no network).

Every picture is deterministic: the same data gives the same bytes. SVG ids come from a
fixed salt (one per picture, so several SVGs can sit inline in one HTML page), no creation
date or software version is written into the files, text stays text in SVG (small,
searchable), and layouts use fixed seeds. Import this module only where a picture is drawn:
matplotlib is slow to import.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

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
    "font.size": 9,
    "axes.titlesize": 11,
    "figure.dpi": 100,
}


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


def coverage_heatmap(coverage: Mapping[str, Any], area_names: Mapping[str, str], fmt: str = "svg", title: str | None = None) -> bytes:
    """Regions × areas from `coverage --format json`: colour = weighted coverage, number = counting
    initiatives, a coloured frame and mark for each gap (· absent, p pipeline only, t thin)."""
    regions = coverage["regions"]
    areas = list(regions[0]["areas"]) if regions else list(area_names)
    values = [[r["areas"][a]["weighted"] for a in areas] for r in regions]
    top = max([v for row in values for v in row] + [1.0])
    fig = _figure(1.6 + 1.25 * len(areas), 2.4 + 0.32 * len(regions))
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
                ax.text(j, i, text, ha="center", va="center", fontsize=8, color="white" if dark else "#222222")
                if gap:
                    ax.add_patch(Rectangle((j - 0.46, i - 0.44), 0.92, 0.88, fill=False, edgecolor=GAP_COLOURS[gap], linewidth=1.4))
        ax.set_xticks(range(len(areas)), [area_names.get(a, a) for a in areas], rotation=30, ha="right")
        ax.set_yticks(range(len(regions)), [f"{r['region']} {r['name']}" for r in regions])
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
        fig.colorbar(image, ax=ax, shrink=0.6, label="weighted coverage")
        ax.set_title(title or f"Coverage as of {coverage.get('as_of', '')}")
        handles = [Patch(facecolor="white", edgecolor=GAP_COLOURS[k], label=f"{GAP_MARKS[k]} {k.replace('_', ' ')}") for k in GAP_MARKS]
        fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False, title="number = counting initiatives; gaps:")
    return render(fig, fmt, "heatmap")


def ranking_bars(area_weights: Sequence[tuple[str, float]], fmt: str = "svg", title: str = "") -> bytes:
    """Horizontal bars, first item at the top (the national area ranking)."""
    fig = _figure(6.4, 0.6 + 0.42 * len(area_weights))
    ax = fig.add_subplot()
    with matplotlib.rc_context(STYLE):
        labels = [label for label, _ in area_weights][::-1]
        values = [value for _, value in area_weights][::-1]
        ax.barh(range(len(values)), values, color="#2a7fb8")
        ax.set_yticks(range(len(labels)), labels)
        for i, v in enumerate(values):
            ax.text(v, i, f" {v:.2f}", va="center", fontsize=8)
        ax.set_xlabel("national weighted coverage")
        ax.set_xlim(0, max([*values, 1.0]) * 1.15)
        ax.set_title(title)
        ax.spines[["top", "right"]].set_visible(False)
    return render(fig, fmt, "ranking")


def movement_chart(movements: Sequence[Mapping[str, Any]], year: int, fmt: str = "svg") -> bytes:
    """Each region's score the year before (hollow) and this year (filled, in its traffic-light colour)."""
    fig = _figure(6.4, 1.2 + 0.3 * len(movements))
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
        ax.set_xlabel("self-assessed score (1–10)")
        ax.set_title(f"○ previous assessed year   ● {year}, in its traffic-light colour", fontsize=9)
        ax.spines[["top", "right"]].set_visible(False)
    return render(fig, fmt, "movement")


def focus_chart(rows: Sequence[Mapping[str, Any]], area_names: Mapping[str, str], fmt: str = "svg", title: str = "") -> bytes:
    """A region's weighted coverage per area (bars) against the national median (ticks), with its declared focus."""
    fig = _figure(6.4, 3.2)
    ax = fig.add_subplot()
    with matplotlib.rc_context(STYLE):
        xs = range(len(rows))
        colours = [GAP_COLOURS[r["gap"]] if r["gap"] else "#2a7fb8" for r in rows]
        ax.bar(xs, [r["weighted"] for r in rows], color=colours, width=0.6, label="region (red/orange/purple: a gap)")
        ax.scatter(list(xs), [r["national_median_weighted"] for r in rows], marker="_", s=600, color="#222222", label="national median")
        for x, r in zip(xs, rows, strict=True):
            if r["gap"]:
                ax.text(x, r["weighted"], r["gap"].replace("_", " "), ha="center", va="bottom", fontsize=7.5, color=GAP_COLOURS[r["gap"]])
        labels = [f"{area_names.get(r['area'], r['area'])}\nfocus: {r['focus'] or '—'}" for r in rows]
        ax.set_xticks(list(xs), labels, fontsize=7.5)
        ax.set_ylabel("weighted coverage")
        ax.set_title(title)
        ax.legend(frameon=False, fontsize=7.5, loc="upper right")
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_ylim(0, max([r["weighted"] for r in rows] + [r["national_median_weighted"] for r in rows] + [1.0]) * 1.25)
    return render(fig, fmt, "focus")


def network_picture(
    nodes: Sequence[Mapping[str, Any]], edges: Sequence[tuple[str, str, int]], fmt: str = "svg", title: str = "", labels: int = 12
) -> bytes:
    """The actor network: nodes coloured by kind, sized by betweenness, key actors (articulation points)
    ringed in black and named; every actor is named in a network of up to 30, else the `labels` most central.

    `nodes`: {"actor", "kind", "betweenness", "key": bool, "label"?}; `edges`: (actor, actor, weight).
    """
    import networkx as nx

    graph = nx.Graph()
    for n in sorted(nodes, key=lambda n: n["actor"]):
        graph.add_node(n["actor"])
    for a, b, w in sorted((min(a, b), max(a, b), w) for a, b, w in edges):
        graph.add_edge(a, b, weight=w)
    positions = nx.spring_layout(graph, seed=42, k=1.6 / max(1, graph.number_of_nodes()) ** 0.5) if graph.number_of_nodes() else {}
    by_key = {n["actor"]: n for n in nodes}
    fig = _figure(7.5, 6.5)
    ax = fig.add_subplot()
    with matplotlib.rc_context(STYLE):
        for a, b, data in sorted(graph.edges(data=True)):
            (x1, y1), (x2, y2) = positions[a], positions[b]
            ax.plot([x1, x2], [y1, y2], color="#bbbbbb", linewidth=0.5 + 0.6 * min(data["weight"], 5), zorder=1)
        order = sorted(graph.nodes)
        ax.scatter(
            [positions[k][0] for k in order],
            [positions[k][1] for k in order],
            s=[40 + 2400 * float(by_key[k]["betweenness"]) for k in order],
            c=[KIND_COLOURS.get(by_key[k]["kind"], "#c7c7c7") for k in order],
            edgecolors=["#000000" if by_key[k].get("key") else "#ffffff" for k in order],
            linewidths=[2.0 if by_key[k].get("key") else 0.6 for k in order],
            zorder=2,
        )
        central = sorted(order, key=lambda k: (-float(by_key[k]["betweenness"]), k))[: len(order) if len(order) <= 30 else labels]
        for k in sorted(set(central) | {k for k in order if by_key[k].get("key")}):
            x, y = positions[k]
            ax.annotate(str(by_key[k].get("label", k)), (x, y), xytext=(4, 4), textcoords="offset points", fontsize=7,
                        fontweight="bold" if by_key[k].get("key") else "normal", zorder=3)
        kinds = sorted({by_key[k]["kind"] for k in order}, key=lambda kind: list(KIND_COLOURS).index(kind) if kind in KIND_COLOURS else 99)
        handles = [Patch(facecolor=KIND_COLOURS.get(kind, "#c7c7c7"), label=kind.replace("_", " ")) for kind in kinds]
        handles.append(Patch(facecolor="white", edgecolor="#000000", linewidth=2.0, label="key actor (articulation point)"))
        fig.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False, fontsize=7)
        ax.set_title(title or "Actor network (size: betweenness)")
        ax.set_axis_off()
        if not order:
            ax.text(0.5, 0.5, "no actors", ha="center", va="center", transform=ax.transAxes)
    return render(fig, fmt, "network")
