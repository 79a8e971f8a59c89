"""The projections' positions in the log (`rm_tracking`): one row per projection, written in the same
transaction as the rows a batch changes, so that a worker killed half-way leaves both as they were."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, String, Table

from kompass.infrastructure.metadata import metadata
from kompass.infrastructure.projections import layout as L

tracking = Table(
    L.TRACKING,
    metadata,
    Column("projection", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False, default=0),
)
