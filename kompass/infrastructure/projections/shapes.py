"""Table shapes more than one projection keeps, each projection a table of its own (a projection is
rebuilt on its own, so it never reads another's rows): made here once so that the copies cannot drift."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, String, Table, Text

from kompass.domain.text import KEY_LENGTH, REGION_LENGTH, WORD_LENGTH
from kompass.infrastructure.metadata import metadata


def initiative_pairs(name: str, column: str, width: int) -> Table:
    """(initiative, value) pairs, both the key, the value indexed: who takes part in an initiative, its regions, its areas."""
    return Table(
        name,
        metadata,
        Column("initiative_id", String(36), primary_key=True),
        Column(column, String(width), primary_key=True, index=True),
    )


def actor_columns() -> list[Column[Any]]:
    """The columns of an actor row: its key, id, name, kind, region and the actor it was merged into."""
    return [
        Column("key", String(KEY_LENGTH), primary_key=True),
        Column("id", String(36), nullable=False, unique=True),
        Column("name", Text, nullable=False),
        Column("kind", String(WORD_LENGTH), nullable=False),
        Column("region", String(REGION_LENGTH)),
        Column("merged_into", String(KEY_LENGTH), index=True),
    ]
