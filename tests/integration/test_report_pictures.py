"""Pictures that can be read: the national network names only its key actors, no two names overlap
(matplotlib's own bounding boxes), every picture names its region and year, and no text is under
9 pt when the picture is printed at the page's text width."""

from __future__ import annotations

import os
import re
from itertools import combinations
from pathlib import Path

import pytest

from kompass.application.reports.document import Figure, NetworkPicture
from kompass.application.reports.network_models import PictureNode
from kompass.application.reports.service import ReportRequest
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.charts import agg_renderer, name_box, network_figure
from kompass.infrastructure.report_html import draw
from tests.conftest import restore_store

DEMO = Path(__file__).resolve().parents[2] / "kompass" / "infrastructure" / "data" / "demo.jsonl"
TEXT_WIDTH_PT = 16.5 / 2.54 * 72
"""A4 with 2.25 cm margins: the widest a picture is printed (Word and PDF)."""


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Figure]]:
    url = restore_store(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'kompass.db'}", DEMO)
    store = Store(url, "admin")
    try:
        made = {
            "national": store.reports().make(ReportRequest("national", 2021)),
            "annual": store.reports().make(ReportRequest("annual", 2021, region="14")),
        }
    finally:
        store.close()
    return {name: [b for b in report.document.blocks if isinstance(b, Figure)] for name, report in made.items()}


def test_the_national_network_names_only_key_actors_and_no_two_names_overlap(figures: dict[str, list[Figure]]) -> None:
    network = next(f.chart for f in figures["national"] if isinstance(f.chart, NetworkPicture))
    nodes = network.nodes
    named = [n for n in nodes if n.named]
    assert 0 < len(named) < len(nodes) / 5, "a few key actors are named, not everyone"
    assert all(n.key or n.betweenness > 0 for n in named)
    fig, placed = network_figure(nodes, network.edges, title="t", lang="sv")
    assert len(placed) >= min(len(named), 6)
    renderer = agg_renderer(fig)
    boxes = [name_box(label, renderer) for label in placed]
    for a, b in combinations(boxes, 2):
        assert not a.overlaps(b), "two key-actor names overlap"
    assert {" ".join(label.get_text().split()) for label in placed} <= {n.label for n in named}
    keep = os.environ.get("KOMPASS_SCREENSHOTS")
    if keep:  # docs/screenshots: the national network as the reports draw it
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / "national-2021-network.png").write_bytes(draw(next(f for f in figures["national"] if f.chart is network), "png"))


def test_labels_never_overlap_even_when_every_point_sits_in_one_place() -> None:
    """An attack on the placement: thirty long names at nearly the same point."""
    nodes = [PictureNode(actor=f"a{i:02d}", label=f"Ett mycket långt aktörsnamn nummer {i}", kind="agency", betweenness=0.5,
                         key=True, named=True) for i in range(30)]
    edges = [("a00", f"a{i:02d}", 1) for i in range(1, 30)]
    fig, placed = network_figure(nodes, edges)
    renderer = agg_renderer(fig)
    boxes = [name_box(label, renderer) for label in placed]
    assert len(boxes) >= 5
    assert not any(a.overlaps(b) for a, b in combinations(boxes, 2))


def test_every_picture_names_its_region_and_year_and_prints_its_text_at_9_pt_or_more(figures: dict[str, list[Figure]]) -> None:
    for name, found in figures.items():
        assert len(found) >= (4 if name == "national" else 2)
        for figure in found:
            svg = draw(figure).decode("utf-8")
            titles = " ".join(re.findall(r"<text\b[^>]*>([^<]*)", svg))
            place = "Alla regioner" if name == "national" else "Region Västra Götaland (14)"
            assert place in titles and "2021" in titles, (type(figure.chart).__name__, titles[:200])
            width = float(re.search(r'<svg[^>]*\swidth="([0-9.]+)pt"', svg).group(1))  # type: ignore[union-attr]
            scale = min(1.0, TEXT_WIDTH_PT / width)
            sizes = [float(s) for s in re.findall(r"font-size:\s*([0-9.]+)px", svg)]
            assert sizes, type(figure.chart).__name__
            assert min(sizes) * scale >= 9.0, (type(figure.chart).__name__, min(sizes), scale)
