"""The read-side tables (SQLAlchemy Core), kept in the same database as the events.

Projections own the `rm_*` tables and record their position in `rm_tracking` in the same
transaction as their rows. `kompass_users` is the user register (roles), which is not
event-sourced: it is configuration of who may do what.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Integer, MetaData, String, Table, Text

metadata = MetaData()

tracking = Table(
    "rm_tracking",
    metadata,
    Column("projection", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False, default=0),
)

initiatives = Table(
    "rm_initiatives",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("ref", String(100), nullable=False, unique=True),
    Column("region", String(2), nullable=False, index=True),
    Column("status", String(16), nullable=False, index=True),
    Column("type", String(32), nullable=False),
    Column("state", JSON, nullable=False),
)

participants = Table(
    "rm_participants",
    metadata,
    Column("initiative_id", String(36), primary_key=True),
    Column("actor", String(100), primary_key=True, index=True),
)

actors = Table(
    "rm_actors",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("region", String(2)),
    Column("merged_into", String(100), index=True),
    Column("former_names", JSON, nullable=False),
)

assessments = Table(
    "rm_assessments",
    metadata,
    Column("region", String(2), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("score", Integer, nullable=False),
    Column("light", String(8), nullable=False),
    Column("focus", JSON, nullable=False),
    Column("effective", String(10), nullable=False),
)

coverage = Table(
    "rm_coverage",
    metadata,
    Column("region", String(2), primary_key=True),
    Column("area", String(32), primary_key=True),
    Column("initiatives", Integer, nullable=False, default=0),
    Column("weighted60", BigInteger, nullable=False, default=0),
    Column("pipeline", Integer, nullable=False, default=0),
    Column("budget60", BigInteger, nullable=False, default=0),
    Column("actors", Integer, nullable=False, default=0),
)
"""Weights and budgets are stored times 60: exact, since an initiative has at most five areas."""

coverage_actors = Table(
    "rm_coverage_actors",
    metadata,
    Column("region", String(2), primary_key=True),
    Column("area", String(32), primary_key=True),
    Column("actor", String(100), primary_key=True),
    Column("n", Integer, nullable=False),
)

national = Table(
    "rm_national",
    metadata,
    Column("area", String(32), primary_key=True),
    Column("initiatives", Integer, nullable=False, default=0),
    Column("weighted60", BigInteger, nullable=False, default=0),
)

users = Table(
    "kompass_users",
    metadata,
    Column("user_id", String(100), primary_key=True),
    Column("roles", JSON, nullable=False),
    Column("regions", JSON, nullable=False),
)

seals = Table(
    "kompass_seals",
    metadata,
    Column("position", BigInteger, primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("sealed_at", String(40), nullable=False),
    Column("by", String(100), nullable=False),
)
"""A seal: the hash chain's digest at a log position, as the auditor was given it."""

chain = Table(
    "kompass_chain",
    metadata,
    Column("position", BigInteger, primary_key=True),
    Column("digest", String(64), nullable=False),
)
"""The chain digest after every sealed event, so `verify` can name the first changed position."""

persons = Table(
    "kompass_persons",
    metadata,
    Column("person_id", String(100), primary_key=True),
    Column("name", Text, nullable=False),
    Column("email", Text),
    Column("phone", Text),
)
"""The person register (DESIGN §6): mutable and erasable; events name people by id only."""
