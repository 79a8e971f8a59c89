"""The coverage series' tables (kompass.application.coverage_series), kept by the bitemporal
projection: each cell's coverage along both time axes, and what is needed to keep it."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Integer, String, Table, Text

from kompass.domain.text import KEY_LENGTH, REGION_LENGTH, WORD_LENGTH
from kompass.infrastructure.metadata import metadata
from kompass.infrastructure.projections import layout as L

bt_actor_ids = Table(
    L.BT_ACTOR_IDS,
    metadata,
    Column("key", String(KEY_LENGTH), primary_key=True),
    Column("aggregate_id", String(36), nullable=False),
)
"""Which actor aggregate holds each actor key: whose facts to fold with the initiatives naming it."""

bt_steps = Table(
    L.BT_STEPS,
    metadata,
    Column("initiative_id", String(36), primary_key=True),
    Column("steps", JSON, nullable=False),
)
"""Each initiative's contribution along both axes, to take away when it changes: {"c": contributions,
"e": steps, "r": steps}, a step [point, index into "c" or null] (`coverage_series.steps_to_json`; rows
without "c", written by an earlier kompass, give each step's contribution in full)."""

bt_depends = Table(
    L.BT_DEPENDS,
    metadata,
    Column("actor", String(KEY_LENGTH), primary_key=True),
    Column("initiative_id", String(36), primary_key=True, index=True),
)
"""The actors (named, or merged into) whose merges change what an initiative counts. Read by actor (the key) to
find what a merge changes, and rewritten by initiative (the index: without it each batch's rewrite read the whole
table, 54 ms per 400 initiatives at 1,000,000 events)."""

bt_series = Table(
    L.BT_SERIES,
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

bt_actor_counts = Table(
    L.BT_ACTOR_COUNTS,
    metadata,
    Column("axis", String(1), primary_key=True),
    Column("region", String(REGION_LENGTH), primary_key=True),
    Column("area", String(WORD_LENGTH), primary_key=True),
    Column("actor", String(KEY_LENGTH), primary_key=True),
    Column("last_point", String(32), primary_key=True),
    Column("count_before", Integer, nullable=False),
    Column("counts", Text, nullable=False),
)
"""How many counting initiatives of a cell an actor takes part in along an axis, in chunks of its history:
`counts` is JSON text of [point, n] pairs, n from that point on until the next pair; `count_before` the count
before the chunk's first point; `last_point` the chunk's last point, or `OPEN_CHUNK` for the last chunk. The
cell's distinct actors change where a count reaches or leaves 0.

A batch changes an actor's counts from its earliest change on, so it reads and rewrites only the chunks whose
`last_point` is at or after that change: in log order, the open chunk alone. When the history was one row, each
batch of a rebuild read back, merged and wrote again every touched actor's whole history, a longer one each
batch (33.6 s of a 1,000,000-event rebuild's series process, 28.0 s in chunks). One row per chunk, not per
count: a rebuild writing a row per count wrote three times the rows, which cost more than working the counts
out."""

OPEN_CHUNK = "9999-99-99"
"""`last_point` of an actor's last chunk in a cell, the one a batch in log order extends: after every day and
recording time, in byte order and in a PostgreSQL locale's order alike (which may skip punctuation)."""

TABLES = (bt_actor_ids, bt_steps, bt_depends, bt_series, bt_actor_counts)
