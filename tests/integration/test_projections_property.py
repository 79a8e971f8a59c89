"""Property: however commands and catch-ups interleave, the incrementally kept projection,
the projection rebuilt from scratch, the replayed log and an independent batch
computation over the aggregates' final states agree on every coverage figure (docs/definitions.md).

Commands are random, so many are refused (a status move not allowed, an unknown ref…);
refused ones are skipped, as a coordinator would see them refused. The projector's batch
size is drawn small too, so batch boundaries fall everywhere.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kompass.application import commands as c
from kompass.domain.status import STATUSES
from kompass.domain.vocabulary import FOCUS_LEVELS, REGIONS
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.projections.portfolio import writer as portfolio_projection
from tests.integration.helpers import use_projector
from tests.integration.property_runs import CATCH_UP, examples, pg_copy, play, sqlite_copy
from tests.integration.test_projections_reference import (
    AREAS,
    projected_cell_actors,
    projected_numbers,
    reference_cell_actors,
    reference_numbers,
    replayed_numbers,
)

REFS = ("r0", "r1", "r2", "r3")
KEYS = ("k0", "k1", "k2", "k3")
LEADS = ("01", "12", "14", "25")
"""Few lead regions, so initiatives share regions; region actors of all 21 may join."""

refs = st.sampled_from(REFS)
keys = st.sampled_from(KEYS[:3])
"""Joins, leaves and merges name the three actors the prelude registers; k3 may come later."""
region_keys = st.sampled_from([f"region-{code}" for code in REGIONS])
actors = keys | region_keys
areas = st.sampled_from(AREAS)
effective = st.none() | st.dates(min_value=date(2020, 1, 1), max_value=date.today())

step = st.one_of(
    st.builds(
        c.ProposeInitiative,
        ref=refs,
        region=st.sampled_from(LEADS),
        title=st.just("Insats"),
        areas=st.lists(areas, min_size=1, max_size=3, unique=True).map(tuple),
        type=st.sampled_from(("project", "training", "analysis")),
        effective=effective,
    ),
    st.builds(c.ChangeStatus, ref=refs, status=st.sampled_from(STATUSES), effective=effective),
    st.builds(c.ChangeStatus, ref=refs, status=st.sampled_from(("active", "completed")), effective=effective),
    st.builds(c.ReopenInitiative, ref=refs, reason=st.just("again"), effective=effective),
    st.builds(c.TagArea, ref=refs, area=areas, effective=effective),
    st.builds(c.UntagArea, ref=refs, area=areas, effective=effective),
    st.builds(c.JoinInitiative, ref=refs, actor=actors, role=st.sampled_from(("partner", "funder", "lead")), effective=effective),
    st.builds(c.JoinInitiative, ref=refs, actor=region_keys, effective=effective),
    st.builds(c.JoinInitiative, ref=refs, actor=keys, effective=effective),
    st.builds(c.JoinInitiative, ref=refs, actor=keys, effective=effective),
    st.builds(c.LeaveInitiative, ref=refs, actor=actors, effective=effective),
    st.builds(c.LeaveInitiative, ref=refs, actor=keys, effective=effective),
    st.builds(c.LeaveInitiative, ref=refs, actor=keys, effective=effective),
    st.builds(
        c.FundInitiative,
        ref=refs,
        source=st.just("erdf"),
        amount_sek=st.integers(0, 10**9),
        year=st.integers(2020, 2025),
        effective=effective,
    ),
    st.builds(
        c.RegisterActor,
        key=st.sampled_from(KEYS),
        name=st.just("Aktör"),
        kind=st.sampled_from(("university", "company", "library")),
        region=st.none() | st.sampled_from(LEADS),
        effective=effective,
    ),
    st.builds(c.MergeActor, key=keys, into=keys, effective=effective),
    st.builds(lambda pair, when: c.MergeActor(key=pair[0], into=pair[1], effective=when), st.permutations(KEYS[:3]), effective),
    st.builds(
        c.AssessPortfolio,
        region=st.sampled_from(LEADS),
        year=st.integers(2020, 2023),
        score=st.integers(1, 10),
        light=st.just("yellow"),
        focus=st.dictionaries(areas, st.sampled_from(FOCUS_LEVELS), max_size=3),
        effective=effective,
    ),
    st.just(CATCH_UP),
    st.just(CATCH_UP),
)


def propose(ref: str) -> st.SearchStrategy[c.ProposeInitiative]:
    return st.builds(
        c.ProposeInitiative,
        ref=st.just(ref),
        region=st.sampled_from(LEADS),
        title=st.just("Insats"),
        areas=st.lists(areas, min_size=1, max_size=3, unique=True).map(tuple),
        type=st.just("project"),
        effective=effective,
    )


prelude = st.tuples(
    *[st.just(c.RegisterActor(key=key, name="Aktör", kind="university")) for key in KEYS[:3]],
    *[propose(ref) for ref in REFS[:3]],
).map(list)
"""Most commands name an actor or initiative that exists: register three actors, propose three."""
steps = st.builds(lambda first, rest: first + rest, prelude, st.lists(step, min_size=15, max_size=45))
batches = st.sampled_from((2, 3, 7, 1000))
pages = st.sampled_from((1, 2, 5000))
"""Facts read at a time inside one transaction: several pages make one transaction's working set span reads."""


def check(url: str, plan: list[Any], batch: int, page: int) -> None:
    store = Store(url, "admin")
    try:
        use_projector(store, [portfolio_projection], batch=batch, page=page)  # coverage only: the network has its own tests

        def caught_up() -> None:
            store.projector.catch_up()
            # Caught up at this point: the tables agree with the aggregates now.
            assert projected_numbers(store).differences(reference_numbers(store, REFS, KEYS)) == []

        play(store, plan, caught_up)
        store.projector.catch_up()
        use_projector(store, [portfolio_projection])
        assert all(s.behind == 0 for s in store.projector.status())
        reference = reference_numbers(store, REFS, KEYS)
        assert projected_numbers(store).differences(reference) == [], "incremental projection"
        assert projected_cell_actors(store) == reference_cell_actors(store, REFS, KEYS)
        assert replayed_numbers(store).differences(reference) == [], "replayed log"
        store.projector.rebuild()
        assert projected_numbers(store).differences(reference) == [], "rebuilt projection"
        assert projected_cell_actors(store) == reference_cell_actors(store, REFS, KEYS)
    finally:
        store.close()


# Every example starts from a copy of one initialised store (the 21 regions, caught up),
# which keeps the examples cheap: the fixtures `sqlite_template` and `pg_template` (tests/integration/conftest.py).


@examples(25)
@given(plan=steps, batch=batches, page=pages)
def test_incremental_rebuilt_and_reference_agree_on_sqlite(sqlite_template: Path, plan: list[Any], batch: int, page: int) -> None:
    with sqlite_copy(sqlite_template) as url:
        check(url, plan, batch, page)


@pytest.mark.postgres
@examples(4)
@given(plan=steps, batch=batches, page=pages)
def test_incremental_rebuilt_and_reference_agree_on_postgres(pg_template: str, plan: list[Any], batch: int, page: int) -> None:
    with pg_copy(pg_template) as url:
        check(url, plan, batch, page)
