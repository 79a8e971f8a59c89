"""The network projection on SQLite and PostgreSQL: the materialised memberships and edge
table against the network computed from scratch from the replayed log, the worked
example's metrics, batches that split anywhere, exactly-once catch-up and rebuilds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kompass.application import network as n
from kompass.application.state import fold
from kompass.infrastructure import tables as t
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.command_log import read_command_log
from kompass.infrastructure.projections.network import writer as network_projection
from tests.conftest import FIXTURES

SCOPES = [(None, None), ("14", None), ("12", None), ("08", None), ("09", None), ("01", None), (None, "innovation"),
          (None, "competence"), ("14", "innovation"), ("08", "security")]


def import_file(store: Store, path: Path) -> None:
    commands = ((c.line, c.command, c.recorded_at) for c in read_command_log(path))
    store.kompass.import_commands(commands, store.access())


@pytest.fixture
def store(db_url: str, small_log: Path) -> Iterator[Store]:
    opened = Store(db_url, "admin")
    try:
        import_file(opened, small_log)
        yield opened
    finally:
        opened.close()


def from_scratch(store: Store, region: str | None = None, area: str | None = None) -> n.NetworkData:
    return n.data_from_state(fold(store.facts.facts()), region, area)


def stored(store: Store, region: str | None = None, area: str | None = None) -> n.NetworkData:
    return store.fresh_read_model().network_data(region, area, memberships=True)


def tables(store: Store) -> dict[str, Any]:
    """Every row the network projection holds (ids are the aggregates' own, so stable)."""
    found = {}
    with store.engine.connect() as conn:
        for table in network_projection.TABLES:
            rows = conn.execute(select(table)).mappings().all()
            found[table.name] = sorted(json.dumps(dict(r), sort_keys=True, default=str) for r in rows)
    return found


def assert_same_network(store: Store) -> None:
    for region, area in SCOPES:
        mine, reference = stored(store, region, area), from_scratch(store, region, area)
        assert (mine.nodes, mine.edges) == (reference.nodes, reference.edges), (region, area)
        assert mine.memberships is not None and reference.memberships is not None
        assert [(m.initiative, m.members) for m in mine.memberships] == [(m.initiative, m.members) for m in reference.memberships]


def test_the_worked_example_s_edge_table(store: Store) -> None:
    data = stored(store)
    assert data.nodes == ["bibl-kalmar", "digg", "gbg", "internetstiftelsen", "region-08", "region-09", "region-12", "region-14", "rise"]
    clique = ["digg", "internetstiftelsen", "region-12", "region-14", "rise"]
    expected = sorted(
        [(a, b, 1) for i, a in enumerate(clique) for b in clique[i + 1:]]
        + [("gbg", "region-14", 1), ("bibl-kalmar", "region-08", 1), ("region-08", "region-09", 1)]
    )
    assert data.edges == expected, "12-5g is cancelled: no digg–region-12 tie from it; iis is merged into internetstiftelsen"
    assert_same_network(store)


def test_the_worked_example_s_metrics_equal_the_fixture(store: Store) -> None:
    expected = json.loads((FIXTURES / "network.expected.json").read_text("utf-8"))
    actual = n.metrics_json(n.compute_metrics(n.build_graph(stored(store))))
    assert [x["actor"] for x in actual["nodes"]] == [x["actor"] for x in expected["nodes"]]
    for mine, theirs in zip(actual["nodes"], expected["nodes"], strict=True):
        assert (mine["kind"], mine["degree"], mine["weighted_degree"]) == (theirs["kind"], theirs["degree"], theirs["weighted_degree"])
        assert mine["betweenness"] == pytest.approx(theirs["betweenness"], abs=1e-9)
        assert isinstance(mine["community"], int)
    assert actual["density"] == pytest.approx(expected["density"], abs=1e-9)
    assert actual["articulation_points"] == expected["articulation_points"]
    assert actual["bridges"] == expected["bridges"]
    assert actual["sampled"] is expected["sampled"] is False


def test_rebuilding_the_network_alone_gives_the_same_rows(store: Store) -> None:
    store.projector.catch_up()
    before = tables(store)
    assert before["rm_net_edges"], "the example has ties"
    store.projector.rebuild(only="network")
    assert tables(store) == before
    positions = {s.name: s.position for s in store.projector.status()}
    assert positions["network"] == positions["portfolio"] == store.facts.head()


def test_catching_up_again_applies_nothing_twice(store: Store) -> None:
    store.projector.catch_up()
    before = tables(store)
    assert store.projector.catch_up() == 0
    with store.engine.begin() as conn:  # a worker that lost its place would re-apply: the tracking row forbids it
        position = conn.execute(select(t.tracking.c.position).where(t.tracking.c.projection == "network")).scalar_one()
    assert position == store.facts.head()
    assert tables(store) == before


@pytest.mark.parametrize("batch", [1, 2, 5])
def test_batches_split_anywhere_give_the_same_network(db_url: str, small_log: Path, batch: int) -> None:
    store = Store(db_url, "admin")
    try:
        import_file(store, small_log)
        store.projector.rebuild(only="network", batch=batch)
        incremental = tables(store)
        assert_same_network(store)
        store.projector.rebuild(only="network")
        assert tables(store) == incremental
    finally:
        store.close()


def test_changes_after_the_import_keep_the_table_current(store: Store) -> None:
    from kompass.application import commands as c

    store.projector.catch_up()
    access = store.access()
    for command in (
        c.ChangeStatus(ref="14-dataverkstad", status="cancelled", reason="stopped"),  # the clique leaves the network
        c.JoinInitiative(ref="12-cyber", actor="rise"),
        c.RegisterActor(key="ltu", name="Luleå tekniska universitet", kind="university", region="25"),
        c.JoinInitiative(ref="08-oppen-data", actor="ltu"),
        c.MergeActor(key="bibl-kalmar", into="ltu"),  # ltu now takes part in 08-digital-coach and 08-oppen-data
    ):
        store.kompass.execute(command, access)
    assert_same_network(store)
    data = stored(store)
    assert "digg" not in data.nodes and "bibl-kalmar" not in data.nodes
    assert ("ltu", "region-08", 2) in data.edges and ("region-12", "rise", 1) in data.edges
    store.kompass.execute(c.ReopenInitiative(ref="14-dataverkstad", reason="funded again"), access)
    assert_same_network(store)
    assert ("region-12", "rise", 2) in stored(store).edges
