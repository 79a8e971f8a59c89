"""Property: the bitemporal rows answer every `--as-of` / `--known-at` question exactly as a replay
of the log does (kompass.application.bitemporal; the replay, `state.fold`, is the reference).

Random commands with random (often back-dated) effective dates run against a store whose
bitemporal projection is caught up at random points in random batch sizes; then, for 40 dates and
recording times per example (around the facts' own dates and times, where answers change, and
anywhere), the state read from the rows equals the replayed one: every initiative record, actor,
assessment and coordinator. Where only one of the two is given (`gaps --as-of`, `coverage
--known-at`), the coverage report read from the coverage series (kompass.application.coverage_series)
equals the one tallied from the replayed state. 25 examples on SQLite (1,000 questions), a few on
PostgreSQL.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kompass.application import commands as c
from kompass.application.coverage import report_from_state
from kompass.application.state import PortfolioState, fold
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.projections.bitemporal import writer as bitemporal_projection
from tests.integration.helpers import use_projector
from tests.integration.property_runs import examples, pg_copy, play, sqlite_copy
from tests.integration.test_projections_property import LEADS, batches, effective, keys, refs, step, steps

corrections = st.one_of(
    st.builds(c.MoveLeadRegion, ref=refs, region=st.sampled_from(LEADS), effective=effective),
    st.builds(c.RetypeInitiative, ref=refs, type=st.sampled_from(("project", "training", "analysis")), effective=effective),
    st.builds(
        c.UnfundInitiative,
        ref=refs,
        source=st.just("erdf"),
        amount_sek=st.integers(0, 10**6),
        year=st.integers(2020, 2025),
        effective=effective,
    ),
    st.builds(c.RenameActor, key=keys, name=st.just("Ny aktör"), effective=effective),
)
"""Corrections (kompass.application.catalogue) flow into the rows like every other event."""
plans = st.builds(lambda first, more: first + more, steps, st.lists(step | corrections, max_size=20))

QUESTIONS = 40
TODAY = date(2026, 1, 1)


def seen(state: PortfolioState) -> tuple[Any, ...]:
    return state.initiatives, state.actors, state.assessments, state.coordinators


def questions(data: st.DataObject, facts: list[Any]) -> list[tuple[date | None, datetime | None]]:
    days = sorted({f.effective for f in facts})
    moments = sorted({f.recorded_at for f in facts})
    near_day = st.sampled_from(days).flatmap(lambda d: st.sampled_from((d - timedelta(days=1), d, d + timedelta(days=1))))
    near_moment = st.sampled_from(moments).flatmap(
        lambda m: st.sampled_from((m - timedelta(microseconds=1), m, m + timedelta(microseconds=1)))
    )
    any_day = st.dates(min_value=date(2019, 1, 1), max_value=date(2030, 1, 1))
    as_of = st.none() | near_day | any_day
    known_at = st.none() | near_moment
    return [data.draw(st.tuples(as_of, known_at)) for _ in range(QUESTIONS)]


@contextlib.contextmanager
def played(url: str, plan: list[Any], batch: int) -> Iterator[Store]:
    """The store at `url` once the plan has run, its bitemporal rows caught up in batches of `batch` at the plan's
    catch-ups and at its end; closed afterwards."""
    store = Store(url, "admin")
    try:
        use_projector(store, [bitemporal_projection], batch=batch)
        play(store, plan, store.projector.catch_up)
        store.projector.catch_up()
        yield store
    finally:
        store.close()


def check(url: str, plan: list[Any], batch: int, data: st.DataObject) -> None:
    with played(url, plan, batch) as store:
        facts = list(store.facts.facts())
        for as_of, known_at in questions(data, facts):
            replayed = fold(facts, as_of, known_at)
            indexed = store.read_model.past_state(as_of, known_at)
            assert seen(indexed) == seen(replayed), f"as of {as_of}, known at {known_at}"
            if (as_of is None) != (known_at is None):
                series = store.read_model.past_coverage(store.framework, TODAY, as_of, known_at)
                assert series is not None
                tallied = report_from_state(replayed, store.framework, as_of or TODAY)
                assert series == tallied, f"coverage as of {as_of}, known at {known_at}"


@examples(25)
@given(plan=plans, batch=batches, data=st.data())
def test_rows_and_replay_agree_on_sqlite(sqlite_template: Path, plan: list[Any], batch: int, data: st.DataObject) -> None:
    with sqlite_copy(sqlite_template) as url:
        check(url, plan, batch, data)


@pytest.mark.postgres
@examples(3)
@given(plan=plans, batch=batches, data=st.data())
def test_rows_and_replay_agree_on_postgres(pg_template: str, plan: list[Any], batch: int, data: st.DataObject) -> None:
    with pg_copy(pg_template) as url:
        check(url, plan, batch, data)
