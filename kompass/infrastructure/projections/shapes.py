"""Table shapes more than one projection keeps, each projection a table of its own (a projection is
rebuilt on its own, so it never reads another's rows): made here once so that the copies cannot drift."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Index, String, Table, Text

from kompass.domain.text import KEY_LENGTH, REGION_LENGTH, WORD_LENGTH
from kompass.infrastructure.metadata import metadata

QUERIES_ONLY = "queries_only"
"""The key of a column's `info` (`queries_only()`) that marks its index as serving queries only: no projection's
batch looks rows up by it. A rebuild fills its fresh tables without such indexes and makes them once, over the
whole table, at the swap (`blue_green`): kept up row by row during the fill, they were a twentieth of a rebuild.
An index left unmarked is kept up during the fill too, which is only slower; marking one the batches read by
would make every batch after the first scan the table."""


def queries_only() -> dict[str, bool]:
    """The `info` of a column whose index serves queries only (a dict of its own: SQLAlchemy keeps the one given)."""
    return {QUERIES_ONLY: True}


def for_queries_only(index: Index) -> bool:
    """Does `index` serve queries only (every column of it marked by `queries_only()`)?"""
    return all(column.info.get(QUERIES_ONLY, False) for column in index.columns)


def initiative_pairs(name: str, column: str, width: int, *, looked_up: bool) -> Table:
    """(initiative, value) pairs, both the key, the value indexed: who takes part in an initiative, its regions, its areas.
    `looked_up`: the projection's batches look pairs up by their value (else the index is for queries only)."""
    return Table(
        name,
        metadata,
        Column("initiative_id", String(36), primary_key=True),
        Column(column, String(width), primary_key=True, index=True, info={} if looked_up else queries_only()),
    )


def actor_columns(*, merges_looked_up: bool) -> list[Column[Any]]:
    """The columns of an actor row: its key, id, name, kind, region and the actor it was merged into.
    `merges_looked_up`: the projection's batches look actors up by whom they were merged into."""
    return [
        Column("key", String(KEY_LENGTH), primary_key=True),
        Column("id", String(36), nullable=False, unique=True),
        Column("name", Text, nullable=False),
        Column("kind", String(WORD_LENGTH), nullable=False),
        Column("region", String(REGION_LENGTH)),
        Column("merged_into", String(KEY_LENGTH), index=True, info={} if merges_looked_up else queries_only()),
    ]
