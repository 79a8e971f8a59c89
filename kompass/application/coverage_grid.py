"""Coverage as the regions × areas grid people read: each cell's figures as they are shown (weighted
coverage as a float, budget rounded to whole kronor), the national row, and what changed between two
grids. `coverage --format json` is this grid written out (`views.coverage_json`), and the national
report's heatmap, ranking and framework view read the same typed grid.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from kompass.application.coverage import CoverageReport
from kompass.application.json_shape import json_key
from kompass.domain.coverage import round_half_up
from kompass.domain.vocabulary import REGIONS

__all__ = ["AreaGap", "CellChange", "CoverageGrid", "GridCell", "GridRegion", "NationalCell", "coverage_grid", "grid_changes"]


@dataclass(frozen=True)
class GridCell:
    """One region's coverage of one area (docs/definitions.md#coverage)."""

    initiatives: int
    weighted: float
    pipeline: int
    budget_sek: int
    actors: int
    gap: str | None


@dataclass(frozen=True)
class AreaGap:
    """A gap in one area (docs/definitions.md#gaps): absent, pipeline_only or thin."""

    area: str
    kind: str


@dataclass(frozen=True)
class GridRegion:
    region: str
    name: str
    areas: dict[str, GridCell]


@dataclass(frozen=True)
class NationalCell:
    initiatives: int
    weighted: float
    regions_with_gap: int


@dataclass(frozen=True)
class CoverageGrid:
    framework: str
    as_of: str
    regions: list[GridRegion]
    national: dict[str, NationalCell]


@dataclass(frozen=True)
class CellChange:
    """One figure of one cell that differs between two grids."""

    region: str
    area: str
    field: str
    before: int | float | str | None = dataclasses.field(metadata=json_key("from"))
    after: int | float | str | None = dataclasses.field(metadata=json_key("to"))


def coverage_grid(report: CoverageReport, region: str | None = None, area: str | None = None) -> CoverageGrid:
    """The grid of `report`, for one region or area if given."""
    areas = [a for a in report.areas if area is None or a == area]
    regions = [r for r in REGIONS if region is None or r == region]

    def cell(r: str, a: str) -> GridCell:
        numbers = report.cells[(r, a)]
        return GridCell(numbers.initiatives, float(numbers.weighted), numbers.pipeline, round_half_up(numbers.budget), numbers.actors,
                        report.gaps[(r, a)])

    return CoverageGrid(
        framework=report.framework.key,
        as_of=report.as_of.isoformat(),
        regions=[GridRegion(r, REGIONS[r], {a: cell(r, a) for a in areas}) for r in regions],
        national={
            a: NationalCell(report.national[a].initiatives, float(report.national[a].weighted), report.regions_with_gap[a])
            for a in areas
        },
    )


def grid_changes(before: CoverageGrid, after: CoverageGrid) -> list[CellChange]:
    """Every (region, area) figure that differs between two grids of the same regions and areas, gaps included."""
    changes = []
    for r_old, r_new in zip(before.regions, after.regions, strict=True):
        for area, new in r_new.areas.items():
            old = r_old.areas[area]
            for name in GridCell.__dataclass_fields__:
                if getattr(old, name) != getattr(new, name):
                    changes.append(CellChange(r_new.region, area, name, getattr(old, name), getattr(new, name)))
    return changes
