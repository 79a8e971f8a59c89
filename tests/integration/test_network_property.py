"""Property: however commands and catch-ups interleave, the network projection's stored
memberships and edge table equal the network computed from scratch from the final state
(kompass.application.state.fold of all facts), for the whole country and for each region
and area; and a rebuild of the network projection alone gives the same.

Commands are random — joins, leaves, status changes with cancel and reopen, tags, merges —
so many are refused (a status move not allowed, a merge of an actor into itself…); refused
ones are skipped. The projector's batch size is drawn small too, so batch boundaries fall
everywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kompass.application import commands as c
from kompass.application import network as n
from kompass.application.state import fold
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.projections.network import writer as network_projection
from tests.integration.helpers import use_projector
from tests.integration.property_runs import CATCH_UP, examples, pg_copy, play, sqlite_copy

pytestmark = pytest.mark.slow

REFS = ("r0", "r1", "r2", "r3")
KEYS = ("k0", "k1", "k2", "k3")
LEADS = ("01", "12", "14")
AREAS = ("competence", "security", "innovation")
SCOPES = [(None, None), *((r, None) for r in ("01", "12", "14", "25")), *((None, a) for a in AREAS), ("14", "security")]

refs = st.sampled_from(REFS)
keys = st.sampled_from(KEYS)
region_keys = st.sampled_from([f"region-{code}" for code in ("01", "12", "14", "25")])
actors = keys | region_keys
areas = st.sampled_from(AREAS)

step = st.one_of(
    st.builds(
        c.ProposeInitiative,
        ref=refs,
        region=st.sampled_from(LEADS),
        title=st.just("Insats"),
        areas=st.lists(areas, min_size=1, max_size=2, unique=True).map(tuple),
        type=st.just("project"),
    ),
    st.builds(c.ChangeStatus, ref=refs, status=st.sampled_from(("planned", "active", "paused", "completed", "cancelled"))),
    st.builds(c.ChangeStatus, ref=refs, status=st.just("cancelled")),
    st.builds(c.ReopenInitiative, ref=refs, reason=st.just("again")),
    st.builds(c.TagArea, ref=refs, area=areas),
    st.builds(c.UntagArea, ref=refs, area=areas),
    st.builds(c.JoinInitiative, ref=refs, actor=actors, role=st.sampled_from(("partner", "funder"))),
    st.builds(c.JoinInitiative, ref=refs, actor=keys),
    st.builds(c.JoinInitiative, ref=refs, actor=keys),
    st.builds(c.LeaveInitiative, ref=refs, actor=actors),
    st.builds(c.LeaveInitiative, ref=refs, actor=keys),
    st.builds(
        c.RegisterActor,
        key=keys,
        name=st.just("Aktör"),
        kind=st.sampled_from(("university", "library", "region")),
        region=st.none() | st.sampled_from(("12", "25")),
    ),
    st.builds(lambda pair: c.MergeActor(key=pair[0], into=pair[1]), st.permutations(KEYS).map(lambda p: p[:2])),
    st.builds(c.FundInitiative, ref=refs, source=st.just("erdf"), amount_sek=st.integers(0, 1000), year=st.just(2022)),
    st.just(CATCH_UP),
    st.just(CATCH_UP),
)
prelude = st.just(
    [c.RegisterActor(key=key, name="Aktör", kind="company", region="14") for key in KEYS[:3]]
    + [c.ProposeInitiative(ref=ref, region=LEADS[i], title="Insats", areas=(AREAS[i],), type="project") for i, ref in enumerate(REFS[:3])]
)
steps = st.builds(lambda first, rest: first + rest, prelude, st.lists(step, min_size=15, max_size=50))
batches = st.sampled_from((1, 2, 3, 7, 1000))


def agree(store: Store) -> None:
    state = fold(store.facts.facts())
    read_model = store.fresh_read_model()
    for region, area in SCOPES:
        mine = read_model.network_data(region, area, memberships=True)
        reference = n.data_from_state(state, region, area)
        assert (mine.nodes, mine.edges) == (reference.nodes, reference.edges), (region, area)
        assert mine.memberships is not None and reference.memberships is not None
        assert {m.initiative: m.members for m in mine.memberships} == {m.initiative: m.members for m in reference.memberships}


def check(url: str, plan: list[Any], batch: int) -> None:
    store = Store(url, "admin")
    try:
        use_projector(store, [network_projection], batch=batch)
        play(store, plan, lambda: agree(store))
        agree(store)
        store.projector.rebuild(only="network")
        use_projector(store, [network_projection])
        agree(store)
    finally:
        store.close()


@examples(40)
@given(plan=steps, batch=batches)
def test_edge_table_equals_the_network_from_scratch(sqlite_template: Path, plan: list[Any], batch: int) -> None:
    with sqlite_copy(sqlite_template) as url:
        check(url, plan, batch)


@pytest.mark.postgres
@examples(5)
@given(plan=steps, batch=batches)
def test_edge_table_equals_the_network_from_scratch_on_postgres(pg_template: str, plan: list[Any], batch: int) -> None:
    with pg_copy(pg_template) as url:
        check(url, plan, batch)
