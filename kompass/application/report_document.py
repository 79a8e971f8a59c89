"""A report as a document of plain blocks, so Markdown and HTML show the same content.

The document knows nothing of its rendering: a figure names a chart and carries its data,
and each renderer draws it (HTML: an inline SVG) or shows its fallback table (Markdown).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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


@dataclass(frozen=True)
class Figure:
    chart: str
    """A drawing function of kompass.infrastructure.charts."""
    args: dict[str, Any]
    caption: str
    fallback: Table | None = None
    """What a renderer without pictures shows instead."""


Block = Heading | Para | Bullets | Table | Figure


@dataclass(frozen=True)
class Provenance:
    position: int
    checkpoint: str
    """The signed checkpoint (signed-note text) of a log that holds this position: `verify --against` checks it."""
    command: str
    """The command that regenerates exactly this report."""


@dataclass
class Document:
    title: str
    subtitle: str
    provenance: Provenance
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def contents(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading) and b.level == 2 and b.anchor]


def sek(amount: int) -> str:
    return f"{amount:,}".replace(",", " ") + " SEK"


def num(value: float) -> str:
    return f"{value:.2f}"


def words(key: str | None) -> str:
    return "—" if key is None else key.replace("_", " ")
