"""Present-time coverage kept by contributions: what a batch adds to and takes from the cells.

An initiative's contribution (`kompass.domain.coverage.contribution`, the one rule for what an
initiative counts) is added to every (region, area) cell it reaches and to the national figure of its
areas, in whole numbers times `SCALE`. A batch sums the changes of all its initiatives here and writes
each changed cell once.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, bindparam, func, select, update

from kompass.domain.coverage import InitiativeFacts, contribution
from kompass.infrastructure.projections.batch import add_counts
from kompass.infrastructure.projections.layout import SCALE
from kompass.infrastructure.projections.portfolio.schema import coverage, coverage_actors, national


class CellChanges:
    """The sums of one batch's contributions, per cell, per national area and per (cell, actor)."""

    def __init__(self, areas: frozenset[str]) -> None:
        self.areas = areas
        self.cells: defaultdict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        self.cell_actors: defaultdict[tuple[str, str, str], int] = defaultdict(int)
        self.national: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])

    def contribute(self, facts: InitiativeFacts | None, sign: int) -> None:
        """Add (sign +1) or take away (-1) what an initiative contributes."""
        c = None if facts is None else contribution(facts, self.areas)
        if c is None:
            return
        initiatives, pipeline, (weighted, budget) = sign * c.initiatives, sign * c.pipeline, c.scaled(SCALE)
        weighted, budget = sign * weighted, sign * budget
        for area in c.areas:
            national_area = self.national[area]
            national_area[0] += initiatives
            national_area[1] += weighted
            for region in c.regions:
                cell = self.cells[(region, area)]
                cell[0] += initiatives
                cell[1] += weighted
                cell[2] += pipeline
                cell[3] += budget
                for actor in c.cell_actors:
                    self.cell_actors[(region, area, actor)] += sign

    def write(self, conn: Connection) -> None:
        """Add the sums to the stored cells: one executemany per table."""
        c = coverage.c
        cells = [
            {"r": region, "a": area, "n": n, "w": w, "p": p, "b": b}
            for (region, area), (n, w, p, b) in self.cells.items()
            if n or w or p or b
        ]
        if cells:
            conn.execute(
                update(coverage)
                .where(c.region == bindparam("r"), c.area == bindparam("a"))
                .values(
                    initiatives=c.initiatives + bindparam("n"),
                    weighted60=c.weighted60 + bindparam("w"),
                    pipeline=c.pipeline + bindparam("p"),
                    budget60=c.budget60 + bindparam("b"),
                ),
                cells,
            )
        n_ = national.c
        areas = [{"a": area, "n": n, "w": w} for area, (n, w) in self.national.items() if n or w]
        if areas:
            conn.execute(
                update(national)
                .where(n_.area == bindparam("a"))
                .values(initiatives=n_.initiatives + bindparam("n"), weighted60=n_.weighted60 + bindparam("w")),
                areas,
            )
        self._write_cell_actors(conn)

    def _write_cell_actors(self, conn: Connection) -> None:
        """Move the per-actor counts, then set each touched cell's distinct actors to its rows' count."""
        deltas = {key: d for key, d in self.cell_actors.items() if d}
        if not deltas:
            return
        add_counts(conn, coverage_actors, ("region", "area", "actor"), "n", deltas)
        ca, cov = coverage_actors.c, coverage.c
        touched = sorted({(region, area) for region, area, _ in deltas})
        # counted by the UPDATE itself, after the counts moved: no read of what this batch wrote (`held_writes`)
        counted = select(func.count()).where(ca.region == cov.region, ca.area == cov.area).scalar_subquery()
        conn.execute(
            update(coverage).where(cov.region == bindparam("r"), cov.area == bindparam("a")).values(actors=counted),
            [{"r": r, "a": a} for r, a in touched],
        )
