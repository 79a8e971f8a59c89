"""The actor network as a picture: nodes coloured by kind, sized by betweenness, key actors ringed, and
names placed so that no two overlap. Import only where a picture is drawn (matplotlib is slow to import)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text

from kompass.application.reports.network_models import Edge, PictureNode
from kompass.infrastructure.chart_style import KIND_COLOURS, MIN_POINTS, STYLE, new_figure, render, words_of

__all__ = ["agg_renderer", "name_box", "network_figure", "network_picture", "place_labels"]


def network_picture(
    nodes: Sequence[PictureNode],
    edges: Sequence[Edge],
    fmt: str = "svg",
    title: str = "",
    labels: int = 12,
    lang: str = "en",
) -> bytes:
    """The actor network: nodes coloured by kind, sized by betweenness, key actors (articulation points)
    ringed in black. Nodes carrying `named` are named when it is true (the national picture names only its
    key actors); otherwise every actor is named in a network of up to 30, else the `labels` most central and
    the articulation points. Names are placed so that no two overlap (`place_labels`).

    `edges`: (actor, actor, weight).
    """
    fig, _placed = network_figure(nodes, edges, title, labels, lang)
    return render(fig, fmt, "network")


def network_figure(
    nodes: Sequence[PictureNode], edges: Sequence[Edge], title: str = "", labels: int = 12, lang: str = "en"
) -> tuple[Figure, list[Any]]:
    """The network picture as a figure, with the name labels placed on it (for tests of their placement)."""
    import networkx as nx

    w = words_of(lang)
    graph = nx.Graph()
    for n in sorted(nodes, key=lambda n: n.actor):
        graph.add_node(n.actor)
    for a, b, weight in sorted((min(a, b), max(a, b), weight) for a, b, weight in edges):
        graph.add_edge(a, b, weight=weight)
    positions = nx.spring_layout(graph, seed=42, k=1.6 / max(1, graph.number_of_nodes()) ** 0.5) if graph.number_of_nodes() else {}
    by_key = {n.actor: n for n in nodes}
    fig = new_figure(6.6, 6.6)
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
            s=[30 + 2000 * float(by_key[k].betweenness) for k in order],  # area in pt²: `sizes` below
            c=[KIND_COLOURS.get(by_key[k].kind, "#c7c7c7") for k in order],
            edgecolors=["#000000" if by_key[k].key else "#ffffff" for k in order],
            linewidths=[1.8 if by_key[k].key else 0.5 for k in order],
            zorder=2,
        )
        if any(by_key[k].named is not None for k in order):
            named = [k for k in order if by_key[k].named]
        else:
            central = sorted(order, key=lambda k: (-float(by_key[k].betweenness), k))[: len(order) if len(order) <= 30 else labels]
            named = sorted(set(central) | {k for k in order if by_key[k].key})
        named.sort(key=lambda k: (-float(by_key[k].betweenness), k))
        ax.set_axis_off()
        ax.set_title(title or w._("Actor network (size: betweenness)"))
        if positions:
            xs = [p[0] for p in positions.values()]
            ys = [p[1] for p in positions.values()]
            pad = 0.08 * max(max(xs) - min(xs), max(ys) - min(ys), 0.5)
            ax.set_xlim(min(xs) - pad, max(xs) + pad)
            ax.set_ylim(min(ys) - pad, max(ys) + pad)
        kinds = sorted({by_key[k].kind for k in order}, key=lambda kind: list(KIND_COLOURS).index(kind) if kind in KIND_COLOURS else 99)
        handles = [Patch(facecolor=KIND_COLOURS.get(kind, "#c7c7c7"), label=w.term("kind", kind)) for kind in kinds]
        handles.append(Patch(facecolor="white", edgecolor="#000000", linewidth=1.8, label=w._("key actor (articulation point)")))
        fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False, fontsize=MIN_POINTS)
        if not order:
            ax.text(0.5, 0.5, w._("no actors"), ha="center", va="center", transform=ax.transAxes)
        sizes = {k: 30 + 2000 * float(by_key[k].betweenness) for k in order}
        placed = place_labels(
            fig, ax, [(positions[k], textwrap.fill(by_key[k].label, 26), by_key[k].key) for k in named],
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
