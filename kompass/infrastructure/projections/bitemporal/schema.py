"""The bitemporal projection's tables: each aggregate's facts, and its versions over effective dates
and recording times (kompass.application.bitemporal)."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Integer, String, Table, Text

from kompass.infrastructure.metadata import metadata
from kompass.infrastructure.projections import layout as L
from kompass.infrastructure.projections.shapes import queries_only

bt_facts = Table(
    L.BT_FACTS,
    metadata,
    Column("aggregate_id", String(36), primary_key=True),
    Column("position", BigInteger, primary_key=True),
    Column("recorded_at", String(32), nullable=False),
    Column("effective", String(10), nullable=False),
    Column("by", String(100), nullable=False),
    Column("aggregate", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("type", String(64), nullable=False),
    Column("data", JSON, nullable=False),
)
"""Each aggregate's facts, so that its versions can be worked out again when a new one comes."""

bt_versions = Table(
    L.BT_VERSIONS,
    metadata,
    Column("aggregate_id", String(36), primary_key=True),
    Column("eff_from", String(10), primary_key=True),
    Column("rec_from", String(32), primary_key=True),
    Column("eff_to", String(10), index=True, info=queries_only()),
    Column("rec_to", String(32), index=True, info=queries_only()),
    Column("payload", Text, nullable=False),
)
"""What each aggregate was over [eff_from, eff_to) × [rec_from, rec_to) (None: open), as JSON text
written once by orjson; see kompass.application.bitemporal."""

TABLES = (bt_facts, bt_versions)
"""The versions' own tables; the projection owns the coverage series' tables too (`writer.TABLES`)."""
