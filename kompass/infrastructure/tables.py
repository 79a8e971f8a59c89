"""The read-side tables (SQLAlchemy Core), kept in the same database as the events.

Projections own the `rm_*` tables and record their position in `rm_tracking` in the same
transaction as their rows. `kompass_users` is the user register (roles), which is not
event-sourced: it is configuration of who may do what.

Column sizes come from the limits the domain checks values against (`kompass.domain.text`), so a
value kompass accepts always fits: a key column one character narrower than the rule once let a
stored event break every query on PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Integer, LargeBinary, MetaData, String, Table, Text

from kompass.domain.text import KEY_LENGTH, REGION_LENGTH, WORD_LENGTH

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
    Column("ref", String(KEY_LENGTH), nullable=False, unique=True),
    Column("region", String(REGION_LENGTH), nullable=False, index=True),
    Column("status", String(16), nullable=False, index=True),
    Column("type", String(WORD_LENGTH), nullable=False),
    Column("state", JSON, nullable=False),
)

participants = Table(
    "rm_participants",
    metadata,
    Column("initiative_id", String(36), primary_key=True),
    Column("actor", String(KEY_LENGTH), primary_key=True, index=True),
)

actors = Table(
    "rm_actors",
    metadata,
    Column("key", String(KEY_LENGTH), primary_key=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("kind", String(WORD_LENGTH), nullable=False),
    Column("region", String(REGION_LENGTH)),
    Column("merged_into", String(KEY_LENGTH), index=True),
    Column("former_names", JSON, nullable=False),
)

assessments = Table(
    "rm_assessments",
    metadata,
    Column("region", String(REGION_LENGTH), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("score", Integer, nullable=False),
    Column("light", String(8), nullable=False),
    Column("focus", JSON, nullable=False),
    Column("effective", String(10), nullable=False),
)

coverage = Table(
    "rm_coverage",
    metadata,
    Column("region", String(REGION_LENGTH), primary_key=True),
    Column("area", String(WORD_LENGTH), primary_key=True),
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
    Column("region", String(REGION_LENGTH), primary_key=True),
    Column("area", String(WORD_LENGTH), primary_key=True),
    Column("actor", String(KEY_LENGTH), primary_key=True),
    Column("n", Integer, nullable=False),
)

national = Table(
    "rm_national",
    metadata,
    Column("area", String(WORD_LENGTH), primary_key=True),
    Column("initiatives", Integer, nullable=False, default=0),
    Column("weighted60", BigInteger, nullable=False, default=0),
)

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

# --- the network projection (kompass.infrastructure.network_projection) ------------------------

net_actors = Table(
    "rm_net_actors",
    metadata,
    Column("key", String(KEY_LENGTH), primary_key=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("kind", String(WORD_LENGTH), nullable=False),
    Column("region", String(REGION_LENGTH)),
    Column("merged_into", String(KEY_LENGTH), index=True),
)
"""The network projection's own copy of the actors (it is rebuilt independently of the others)."""

net_initiatives = Table(
    "rm_net_initiatives",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("ref", String(KEY_LENGTH), nullable=False, index=True),
    Column("state", JSON, nullable=False),
)
"""What the network needs of each initiative: lead region, status, participants (as recorded), areas."""

net_members = Table(
    "rm_net_members",
    metadata,
    Column("initiative_id", String(36), primary_key=True),
    Column("actor", String(KEY_LENGTH), primary_key=True, index=True),
)
"""Actors in the network through each initiative that is not cancelled: merges resolved, lead region included."""

net_regions = Table(
    "rm_net_regions",
    metadata,
    Column("initiative_id", String(36), primary_key=True),
    Column("region", String(REGION_LENGTH), primary_key=True, index=True),
)
"""The regions of each initiative in the network (lead region and participating regions)."""

net_areas = Table(
    "rm_net_areas",
    metadata,
    Column("initiative_id", String(36), primary_key=True),
    Column("area", String(WORD_LENGTH), primary_key=True, index=True),
)

net_edges = Table(
    "rm_net_edges",
    metadata,
    Column("a", String(KEY_LENGTH), primary_key=True),
    Column("b", String(KEY_LENGTH), primary_key=True, index=True),
    Column("weight", Integer, nullable=False),
)
"""The whole country's ties: a < b (Python string order), weight = initiatives shared."""

network_cache = Table(
    "kompass_network_cache",
    metadata,
    Column("position", BigInteger, primary_key=True),
    Column("scope", String(200), primary_key=True),
    Column("payload", JSON, nullable=False),
)
"""A derived cache, not a read model: network metrics already computed, keyed by the network
projection's position and the question's parameters, so a repeated question costs nothing. Nothing
is derived from it; entries of older positions are dropped as new ones come, and every rebuild
swap empties it (the new tables may answer differently at the same position)."""

DERIVED_CACHES = (network_cache,)
"""Tables a rebuild empties and a check against a replay leaves out: they only remember answers."""

# --- the bitemporal projection (kompass.infrastructure.bitemporal_projection) -----------------

bt_facts = Table(
    "rm_bt_facts",
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
    "rm_bt_versions",
    metadata,
    Column("aggregate_id", String(36), primary_key=True),
    Column("eff_from", String(10), primary_key=True),
    Column("rec_from", String(32), primary_key=True),
    Column("eff_to", String(10), index=True),
    Column("rec_to", String(32), index=True),
    Column("payload", Text, nullable=False),
)
"""What each aggregate was over [eff_from, eff_to) × [rec_from, rec_to) (None: open), as JSON text
written once by orjson; see kompass.application.bitemporal."""

# --- coverage series, kept by the bitemporal projection (kompass.application.coverage_series) ---

bt_actor_ids = Table(
    "rm_bt_actor_ids",
    metadata,
    Column("key", String(KEY_LENGTH), primary_key=True),
    Column("aggregate_id", String(36), nullable=False),
)
"""Which actor aggregate holds each actor key: whose facts to fold with the initiatives naming it."""

bt_steps = Table(
    "rm_bt_steps",
    metadata,
    Column("initiative_id", String(36), primary_key=True),
    Column("steps", JSON, nullable=False),
)
"""Each initiative's contribution along both axes ({"e": steps, "r": steps}), to take away when it changes."""

bt_depends = Table(
    "rm_bt_depends",
    metadata,
    Column("actor", String(KEY_LENGTH), primary_key=True),
    Column("initiative_id", String(36), primary_key=True),
)
"""The actors (named, or merged into) whose merges change what an initiative counts."""

bt_series = Table(
    "rm_bt_series",
    metadata,
    Column("axis", String(1), primary_key=True),
    Column("region", String(REGION_LENGTH), primary_key=True),
    Column("area", String(WORD_LENGTH), primary_key=True),
    Column("point", String(32), primary_key=True),
    Column("initiatives", Integer, nullable=False),
    Column("weighted60", BigInteger, nullable=False),
    Column("pipeline", Integer, nullable=False),
    Column("budget60", BigInteger, nullable=False),
    Column("actors", Integer, nullable=False),
)
"""A cell's coverage from `point` on along an axis ("e": effective day, "r": recording time) until
the cell's next row: the question at a point reads the last row at or before it (region "" holds
the national figures of an area)."""

bt_series_actors = Table(
    "rm_bt_series_actors",
    metadata,
    Column("axis", String(1), primary_key=True),
    Column("region", String(REGION_LENGTH), primary_key=True),
    Column("area", String(WORD_LENGTH), primary_key=True),
    Column("actor", String(KEY_LENGTH), primary_key=True),
    Column("point", String(32), primary_key=True),
    Column("n", Integer, nullable=False),
)
"""How many counting initiatives of a cell an actor takes part in from `point` on: the cell's
distinct actors change where one of these reaches or leaves 0."""
