"""The projections' bulk row writes (`database.insert_rows`, `insert_many`) keep every value exactly, on
SQLite (executemany) and on PostgreSQL (COPY FROM STDIN, whose text format escapes tabs, newlines, backslashes
and the `\\N` that means NULL: a value written wrongly there would come back changed or shift the columns)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import JSON, BigInteger, Column, Engine, MetaData, String, Table, Text, create_engine, delete, select
from sqlalchemy.exc import IntegrityError

from kompass.infrastructure.database import insert_many, insert_rows, json_codec

metadata = MetaData()
rows_table = Table(
    "t_row_writes",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("number", BigInteger, nullable=False),
    Column("note", Text, nullable=True),
    Column("data", JSON, nullable=False),
)

AWKWARD = ["", "\\N", "\\", "a\tb", "line\nbreak", "carriage\rreturn", "back\\slash\\n", "quote\"s", "å ä ö ÅÄÖ", "emoji 🧭", "\x01\x7f"]
"""Texts that COPY's text format must escape, or that mean something to it (`\\N` is NULL unescaped)."""
texts = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=30)
"""What the store accepts as text: any Unicode but NUL and lone surrogates (`domain.text`)."""
numbers = st.integers(min_value=-(2**63), max_value=2**63 - 1)
values = st.recursive(
    st.none() | st.booleans() | numbers | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
"""The values inside a JSON column, which always holds an object (a fact's data, a record, steps)."""


@pytest.fixture
def engine(no_store_url: str) -> Iterator[Engine]:
    made = create_engine(no_store_url, **json_codec())
    metadata.create_all(made)
    try:
        yield made
    finally:
        made.dispose()


def _stored(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return sorted(tuple(row) for row in conn.execute(select(rows_table)))  # in Python's order: collations differ


def test_awkward_texts_come_back_unchanged(engine: Engine) -> None:
    rows: list[tuple[str, int, str | None, str]] = [
        (f"k{n:02d}", n, text, orjson.dumps({"text": text, "list": [text, None]}).decode()) for n, text in enumerate(AWKWARD)
    ]
    rows.append(("none", -1, None, "{}"))
    with engine.begin() as conn:
        insert_rows(conn, rows_table, rows)
    expected = [(key, number, note, orjson.loads(data)) for key, number, note, data in rows]
    assert _stored(engine) == sorted(expected)


def test_rows_as_dicts_take_the_same_way(engine: Engine) -> None:
    with engine.begin() as conn:
        insert_many(conn, rows_table, [{"key": "a", "number": 1, "note": "\\N", "data": {"x": "\t"}}])
    assert _stored(engine) == [("a", 1, "\\N", {"x": "\t"})]


def test_a_failed_write_leaves_nothing(engine: Engine) -> None:
    """Two rows with the same key: the write fails as any statement's would (SQLAlchemy's IntegrityError, which
    callers catch), the transaction with it, and no row stays behind."""
    with pytest.raises(IntegrityError), engine.begin() as conn:
        insert_rows(conn, rows_table, [("same", 1, None, "{}"), ("same", 2, None, "{}")])
    assert _stored(engine) == []


rows = st.tuples(texts, numbers, st.none() | texts, st.dictionaries(texts, values, max_size=4))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(rows, max_size=8, unique_by=lambda row: row[0]))
def test_any_accepted_value_comes_back_unchanged(engine: Engine, drawn: list[tuple[str, int, str | None, Any]]) -> None:
    with engine.begin() as conn:
        conn.execute(delete(rows_table))
        insert_rows(conn, rows_table, [(key, number, note, orjson.dumps(data).decode()) for key, number, note, data in drawn])
    assert _stored(engine) == sorted(drawn)
