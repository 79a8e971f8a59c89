"""A report as a document of typed blocks, the one model every format renders (Markdown, HTML,
Word, PDF, Excel), so a figure cannot differ between them.

The document knows nothing of its rendering: a figure holds a typed chart and its data,
and each renderer draws it (HTML: an inline SVG; Word: a PNG) or shows its fallback table
(Markdown). Every text in it is already in the report's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kompass.application.coverage_grid import CoverageGrid
    from kompass.application.reports.annual import CoverageRow
    from kompass.application.reports.assessments import RegionMovement
    from kompass.application.reports.network_models import Edge, PictureNode


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str = ""


@dataclass(frozen=True)
class Para:
    text: str
    note: bool = False
    """A muted explanatory paragraph."""


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[int, ...] = ()
    """Columns aligned to the right."""
    marks: tuple[tuple[str, ...], ...] = ()
    """Optional per-cell CSS class names (same shape as rows, "" for none): gap kinds, traffic lights."""
    nowrap: tuple[int, ...] = ()
    """Columns kept on one line (dates, user ids)."""
    name: str = ""
    """A short name (the Excel sheet's), in the report's language."""
    limit: int | None = None
    """Rows shown in a document to read (Markdown, HTML, Word, PDF); the Excel workbook shows them all."""
    left_out: str = ""
    """Said under the table when `limit` leaves rows out: how many and where the full list is.
    `wording.limited` sets both, so no table is cut silently."""

    def __post_init__(self) -> None:
        if self.limit is not None and len(self.rows) > self.limit and not self.left_out:
            raise ValueError(f"table {self.name!r} cut to {self.limit} of {len(self.rows)} rows without saying so")

    @property
    def shown(self) -> tuple[tuple[str, ...], ...]:
        return self.rows if self.limit is None else self.rows[: self.limit]

    @property
    def hidden(self) -> int:
        return len(self.rows) - len(self.shown)


@dataclass(frozen=True)
class CoverageHeatmap:
    """Regions × areas: colour = weighted coverage, number = counting initiatives, gaps marked."""

    coverage: CoverageGrid
    """Every region, every area."""
    area_names: Mapping[str, str]
    title: str
    lang: str


@dataclass(frozen=True)
class RankingBars:
    """Areas by national weighted coverage, the first at the top."""

    area_weights: Sequence[tuple[str, float]]
    title: str
    lang: str


@dataclass(frozen=True)
class MovementChart:
    """Each region's score the year before and this year, in its traffic-light colour."""

    movements: Sequence[RegionMovement]
    year: int
    title: str
    lang: str


@dataclass(frozen=True)
class FocusChart:
    """A region's weighted coverage per area against the national median, with its declared focus."""

    rows: Sequence[CoverageRow]
    area_names: Mapping[str, str]
    title: str
    lang: str


@dataclass(frozen=True)
class NetworkPicture:
    """The actor network; nodes carry `named` where only key actors are to be named."""

    nodes: Sequence[PictureNode]
    edges: Sequence[Edge]
    title: str
    lang: str


Chart = CoverageHeatmap | RankingBars | MovementChart | FocusChart | NetworkPicture
"""What a figure draws (`kompass.infrastructure.charts.draw`); every title names the region or
"all regions" and the year."""


@dataclass(frozen=True)
class Figure:
    chart: Chart
    caption: str
    fallback: Table | None = None
    """What a renderer without pictures shows instead."""


Block = Heading | Para | Bullets | Table | Figure


@dataclass(frozen=True)
class Provenance:
    position: int
    checkpoint: str
    """The signed checkpoint (signed-note text) of a log holding this position: `kompass verify --against` checks it."""
    command: str
    """The command that regenerates exactly this report."""
    known_at: str | None = None
    """The recording time the report was limited to (`--known-at`), if any."""


@dataclass(frozen=True)
class Labels:
    """The fixed texts every renderer writes around the blocks, in the report's language."""

    contents: str
    stamp: str
    provenance: str
    provenance_lines: tuple[str, ...]
    page: str
    """"Page", before the page number in Word and PDF footers."""
    figure: str
    """"Figure", for a picture's number in Word."""


@dataclass
class Document:
    title: str
    subtitle: str
    provenance: Provenance
    lang: str
    labels: Labels
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def contents(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading) and b.level == 2 and b.anchor]

    def tables(self) -> list[Table]:
        """Every table, figures' fallbacks included (the Excel workbook's sheets)."""
        found: list[Table] = []
        for b in self.blocks:
            if isinstance(b, Table):
                found.append(b)
            elif isinstance(b, Figure) and b.fallback is not None:
                found.append(b.fallback)
        return found
