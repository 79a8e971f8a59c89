"""Reads of the coverage series: each cell's numbers at a point of one time axis, one row per cell."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from kompass.infrastructure.projections.batch import marker
from kompass.infrastructure.projections.coverage_series.schema import bt_series
from kompass.infrastructure.projections.layout import CELL_NUMBERS


def cells_at(conn: Connection, axis: str, point: str, cells: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[int]]:
    """Each cell's numbers at `point` on `axis`: the last row at or before it (zeros before the first).
    One prepared statement run per cell, each a descent of the primary key."""
    quote = conn.dialect.identifier_preparer.quote
    mark = marker(conn)
    names = ", ".join(quote(n) for n in CELL_NUMBERS)
    sql = (
        f"SELECT {names} FROM {quote(bt_series.name)} WHERE {quote('axis')} = {mark} AND {quote('region')} = {mark} "
        f"AND {quote('area')} = {mark} AND {quote('point')} <= {mark} ORDER BY {quote('point')} DESC LIMIT 1"
    )
    found = {}
    cursor = conn.connection.cursor()  # the driver's own: 110 small reads, without a result object each
    try:
        for region, area in cells:
            cursor.execute(sql, (axis, region, area, point))
            row = cursor.fetchone()
            found[(region, area)] = list(row) if row is not None else [0] * 5
    finally:
        cursor.close()
    return found
