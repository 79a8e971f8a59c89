"""The 21 regions × areas grid a person reads at a glance."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from kompass.cli.output import use_colour

if TYPE_CHECKING:
    from kompass.application.coverage import CoverageReport

MARKS = {"absent": "·", "pipeline_only": "p", "thin": "t"}
COLOURS = {"absent": "red", "pipeline_only": "yellow", "thin": "magenta"}


def print_grid(report: CoverageReport, region: str | None = None, area: str | None = None) -> None:
    """Counting initiatives per cell; a gap is marked: · absent, p pipeline only, t thin."""
    from kompass.domain.vocabulary import REGIONS

    areas = [a for a in report.areas if area is None or a == area]
    width = max(8, *(len(a) for a in areas)) + 1
    colour = use_colour()
    click.echo(f"coverage as of {report.as_of.isoformat()} ({report.framework.key}): initiatives per region and area")
    click.echo(f"{'':24}" + "".join(a[:width - 1].rjust(width) for a in areas))
    for code, name in REGIONS.items():
        if region is not None and code != region:
            continue
        cells = []
        for a in areas:
            cell, gap = report.cells[(code, a)], report.gaps[(code, a)]
            text = (f"{cell.initiatives}" if gap is None else f"{cell.initiatives if cell.initiatives else ''}{MARKS[gap]}").rjust(width)
            cells.append(click.style(text, fg=COLOURS[gap]) if colour and gap else text)
        click.echo(f"{code} {name[:20]:21}" + "".join(cells))
    click.echo(f"{'national':24}" + "".join(str(report.national[a].initiatives).rjust(width) for a in areas))
    click.echo(f"{'regions with a gap':24}" + "".join(str(report.regions_with_gap[a]).rjust(width) for a in areas))
    click.echo("gaps: · absent   p pipeline only   t thin (under half the national median)")
    if report.declared_unbacked:
        pairs = ", ".join(f"{r} {a}" for r, a in report.declared_unbacked if region in (None, r))
        click.echo(f"declared focus without initiatives: {pairs}")
