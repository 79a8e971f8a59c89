"""The network sections of the reports as typed data, importable without networkx (`network` computes them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kompass.application.json_shape import OMITTED_WHEN_NONE

if TYPE_CHECKING:
    from kompass.application.network.risks import CrossRegionTie, KeyActor

__all__ = ["CentralActor", "Edge", "NationalNetwork", "PictureData", "PictureNode", "RegionNetwork"]

Edge = tuple[str, str, int]
"""Two actors and the weight of their tie (the initiatives they share)."""


@dataclass(frozen=True, kw_only=True)
class PictureNode:
    """An actor in a network picture; `named` only where just the key actors are to be named."""

    actor: str
    label: str
    kind: str
    betweenness: float
    key: bool
    """An articulation point: drawn with a black ring."""
    named: bool | None = field(default=None, metadata=OMITTED_WHEN_NONE)


@dataclass(frozen=True)
class PictureData:
    """What `charts.network_picture` draws."""

    nodes: list[PictureNode]
    edges: list[Edge]


@dataclass(frozen=True)
class CentralActor:
    actor: str
    name: str
    kind: str
    degree: int
    weighted_degree: int
    betweenness: float


@dataclass(frozen=True)
class RegionNetwork:
    """A region's actor network (initiatives whose regions include it), as its annual report shows it."""

    summary: str
    actors: int
    ties: int
    density: float
    sampled: bool
    key_actors: list[KeyActor]
    bridges: list[tuple[str, str]]
    central: list[CentralActor]
    missing_kinds: list[str]
    tied_regions: list[str]
    nodes: list[PictureNode]
    edges: list[Edge]


@dataclass(frozen=True)
class NationalNetwork:
    """The national network: its size, its ties across regions, and the picture with its key actors named."""

    summary: str
    actors: int
    ties: int
    cross_region_ties: list[CrossRegionTie]
    regions_without_cross_region_ties: list[str]
    articulation_points: list[str]
    nodes: list[PictureNode]
    edges: list[Edge]
