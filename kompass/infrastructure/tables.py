"""Every table of the store's database, in one module: the registers defined here, the read model's
imported from the projection packages that own them (`kompass.infrastructure.projections`).

The registers are not event-sourced: `kompass_users` (roles) is configuration of who may do what,
`kompass_persons` is mutable and erasable, and the `kompass_log*` / `kompass_keys` tables hold the
signed log over the events. An audit or a test that names any table, or walks `metadata.tables`
(every `rm_*` table included), imports this module.

Column sizes come from the limits the domain checks values against (`kompass.domain.text`).
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Integer, LargeBinary, String, Table, Text

from kompass.domain.text import KEY_LENGTH
from kompass.infrastructure.metadata import metadata
from kompass.infrastructure.projections.bitemporal.schema import bt_facts, bt_versions
from kompass.infrastructure.projections.coverage_series.schema import bt_actor_counts, bt_actor_ids, bt_depends, bt_series, bt_steps
from kompass.infrastructure.projections.network.schema import (
    DERIVED_CACHES,
    net_actors,
    net_areas,
    net_edges,
    net_initiatives,
    net_members,
    net_regions,
    network_cache,
)
from kompass.infrastructure.projections.portfolio.schema import (
    actors,
    assessments,
    coverage,
    coverage_actors,
    initiatives,
    national,
    participants,
)
from kompass.infrastructure.projections.tracking import tracking

__all__ = [
    "DERIVED_CACHES", "actors", "assessments", "bt_actor_counts", "bt_actor_ids", "bt_depends", "bt_facts", "bt_series",
    "bt_steps", "bt_versions", "checkpoints", "coverage", "coverage_actors", "initiatives", "log_nodes", "log_state",
    "metadata", "national", "net_actors", "net_areas", "net_edges", "net_initiatives", "net_members", "net_regions",
    "network_cache", "participants", "persons", "signing_keys", "tracking", "users",
]

users = Table(
    "kompass_users",
    metadata,
    Column("user_id", String(KEY_LENGTH), primary_key=True),
    Column("roles", JSON, nullable=False),
    Column("regions", JSON, nullable=False),
)

log_state = Table(
    "kompass_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("store_id", String(36), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("frontier", LargeBinary, nullable=False),
)
"""One row: the store's id (its log's origin) and the Merkle tree's compact range at its last checkpoint."""

log_nodes = Table(
    "kompass_log_nodes",
    metadata,
    Column("level", Integer, primary_key=True),
    Column("idx", BigInteger, primary_key=True),
    Column("hash", LargeBinary, nullable=False),
    sqlite_with_rowid=False,
)
"""Every complete node of the tree (level 0: the leaf hashes), so any proof is a few lookups. A row holds a run
of consecutive nodes at one level: those one write completed there, from `idx` on, their 32-byte hashes joined
(a write stores a few rows, not two per event; rows of one node each, as older kompass wrote them, are runs too)."""

checkpoints = Table(
    "kompass_checkpoints",
    metadata,
    Column("size", BigInteger, primary_key=True),
    Column("position", BigInteger, nullable=False),
    Column("note", Text, nullable=False),
)
"""The signed checkpoint after every write transaction; `position` is the log position of its last event."""

signing_keys = Table(
    "kompass_keys",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("public_key", LargeBinary, nullable=False),
)
"""Public halves of the keys that sign this store's checkpoints."""

persons = Table(
    "kompass_persons",
    metadata,
    Column("person_id", String(KEY_LENGTH), primary_key=True),
    Column("name", Text, nullable=False),
    Column("email", Text),
    Column("phone", Text),
)
"""The person register (docs/usage.md): mutable and erasable; events name people by id only."""
