"""The portfolio projection's tables: initiatives, actors, assessments and present-time coverage.

Column sizes come from the limits the domain checks values against (`kompass.domain.text`), so a
value kompass accepts always fits: a key column one character narrower than the rule once let a
stored event break every query on PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Integer, String, Table

from kompass.domain.text import KEY_LENGTH, REGION_LENGTH, WORD_LENGTH
from kompass.infrastructure.metadata import metadata
from kompass.infrastructure.projections import layout as L
from kompass.infrastructure.projections.shapes import actor_columns, initiative_pairs, queries_only

initiatives = Table(
    L.INITIATIVES,
    metadata,
    Column("id", String(36), primary_key=True),
    Column("ref", String(KEY_LENGTH), nullable=False, unique=True),
    Column("region", String(REGION_LENGTH), nullable=False, index=True, info=queries_only()),
    Column("status", String(16), nullable=False, index=True, info=queries_only()),
    Column("type", String(WORD_LENGTH), nullable=False),
    Column("state", JSON, nullable=False),
)

participants = initiative_pairs(L.PARTICIPANTS, "actor", KEY_LENGTH, looked_up=True)

actors = Table(
    L.ACTORS,
    metadata,
    *actor_columns(merges_looked_up=True),
    Column("former_names", JSON, nullable=False),
)

assessments = Table(
    L.ASSESSMENTS,
    metadata,
    Column("region", String(REGION_LENGTH), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("score", Integer, nullable=False),
    Column("light", String(8), nullable=False),
    Column("focus", JSON, nullable=False),
    Column("effective", String(10), nullable=False),
)

coverage = Table(
    L.COVERAGE,
    metadata,
    Column("region", String(REGION_LENGTH), primary_key=True),
    Column("area", String(WORD_LENGTH), primary_key=True),
    Column("initiatives", Integer, nullable=False, default=0),
    Column("weighted60", BigInteger, nullable=False, default=0),
    Column("pipeline", Integer, nullable=False, default=0),
    Column("budget60", BigInteger, nullable=False, default=0),
    Column("actors", Integer, nullable=False, default=0),
)
"""Weights and budgets are stored times 60 (`layout.SCALE`): exact, since an initiative has at most five areas."""

coverage_actors = Table(
    L.COVERAGE_ACTORS,
    metadata,
    Column("region", String(REGION_LENGTH), primary_key=True),
    Column("area", String(WORD_LENGTH), primary_key=True),
    Column("actor", String(KEY_LENGTH), primary_key=True),
    Column("n", Integer, nullable=False),
)
"""How many counting initiatives of a cell each actor takes part in: a cell's distinct actors are its rows."""

national = Table(
    L.NATIONAL_COVERAGE,
    metadata,
    Column("area", String(WORD_LENGTH), primary_key=True),
    Column("initiatives", Integer, nullable=False, default=0),
    Column("weighted60", BigInteger, nullable=False, default=0),
)

TABLES = (initiatives, participants, actors, assessments, coverage, coverage_actors, national)
"""The tables this projection owns (a rebuild fills fresh copies of them and swaps them in)."""
