"""What the national report lists besides its tables: initiatives spanning regions, the pairs of regions
they join, and the regions with the most gaps."""

from __future__ import annotations

from dataclasses import dataclass

from kompass.application.coverage import CoverageReport
from kompass.application.coverage_grid import AreaGap
from kompass.application.records import initiative_facts
from kompass.application.state import PortfolioState
from kompass.domain.framework import Framework
from kompass.domain.vocabulary import REGIONS

__all__ = ["Collaboration", "RegionGaps", "RegionPair", "collaborations", "largest_gaps", "region_pairs"]


@dataclass(frozen=True)
class Collaboration:
    """An initiative whose regions (lead region and regions taking part) are more than one."""

    ref: str
    title: str
    lead: str
    regions: list[str]
    areas: list[str]
    status: str


@dataclass(frozen=True)
class RegionGaps:
    region: str
    name: str
    gaps: list[AreaGap]


@dataclass(frozen=True)
class RegionPair:
    regions: tuple[str, str]
    initiatives: int


def collaborations(state: PortfolioState, framework: Framework) -> list[Collaboration]:
    """Initiatives that span more than one region (not cancelled), by ref."""
    out = []
    for record in sorted(state.initiatives.values(), key=lambda r: r.ref):
        regions = initiative_facts(record, state.actor).regions
        if len(regions) > 1 and record.status != "cancelled":
            out.append(Collaboration(record.ref, record.title, record.region, sorted(regions), list(framework.view(record.areas)),
                                     record.status))
    return out


def largest_gaps(report: CoverageReport, limit: int = 5) -> list[RegionGaps]:
    """The regions with the most gap cells (absent, pipeline only or thin), most first, then by code."""
    per_region = [RegionGaps(r, REGIONS[r], [AreaGap(a, k) for rr, a, k in report.gap_list() if rr == r]) for r in REGIONS]
    ranked = sorted((g for g in per_region if g.gaps), key=lambda g: (-len(g.gaps), g.region))
    return ranked[:limit]


def region_pairs(collaborations: list[Collaboration]) -> list[RegionPair]:
    """How many multi-region initiatives each pair of regions shares, most first, then by codes."""
    counts: dict[tuple[str, str], int] = {}
    for c in collaborations:
        regions = c.regions
        for i, a in enumerate(regions):
            for b in regions[i + 1 :]:
                counts[(a, b)] = counts.get((a, b), 0) + 1
    return [RegionPair((a, b), n) for (a, b), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
