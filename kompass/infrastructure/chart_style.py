"""What every picture shares: matplotlib set up without a display, the colours, the text style and sizes,
and writing a figure as SVG or PNG bytes that are the same for the same figure.

Every picture is deterministic: the same data gives the same bytes. SVG ids come from a
fixed salt (one per picture, so several SVGs can sit inline in one HTML page), no creation
date or software version is written into the files, text stays text in SVG (small,
searchable), and layouts use fixed seeds. Import this module only where a picture is drawn:
matplotlib is slow to import.
"""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

FORMATS = ("svg", "png")
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


def words_of(lang: str) -> Any:
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


def new_figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(STYLE):
        return Figure(figsize=(width, height), layout="constrained")


def decimals(axis: Any, words: Any) -> None:
    """Tick numbers written the language's way ("2,5" in Swedish)."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _position: words.number(value, 1)))
