"""The tree's leaves are the export's lines, byte for byte, although a write makes them another way.

A write hashes each event's line from the event object the aggregate triggered (nothing is read
back); the export writes the line from the stored row, decoded. If the two ever differed, every
`verify` of such a store would fail. Both are compared here for every kind of event, and over
random command sequences (hypothesis), with the lines a write hashed captured as it hashed them,
and the stored leaf hashes checked against the export. The line writer itself is compared with
`json.dumps` of the record it stands for.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from kompass.application import commands as c
from kompass.application.catalogue import AGGREGATES, CATALOGUE
from kompass.application.facts import Fact
from kompass.application.history import keyed
from kompass.infrastructure import tables as t
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.command_log_writer import event_line
from kompass.infrastructure.tlog_write import LeafLines
from tests.conftest import init_store
from tests.integration.helpers import ok
from tests.integration.test_audit_roundtrip import SELF, apply, commands

EVERY_KIND = [
    c.RegisterActor(key="digg", name="Myndigheten för \"digital\" förvaltning", kind="agency"),
    c.RegisterActor(key="gbg", name="Göteborgs stad", kind="municipality", region="14"),
    c.RenameActor(key="digg", name="Digg\tÅ"),
    c.ProposeInitiative(ref="14-data", region="14", title="Öppna data ✓", areas=("competence", "security"), type="project",
                        roles=("strategist",), description="a\nb \\ c", effective=date(2021, 3, 1)),
    c.TagArea(ref="14-data", area="innovation"),
    c.UntagArea(ref="14-data", area="innovation"),
    c.ChangeStatus(ref="14-data", status="active", reason="beslut"),
    c.JoinInitiative(ref="14-data", actor="gbg", role="funder"),
    c.JoinInitiative(ref="14-data", actor="digg"),
    c.LeaveInitiative(ref="14-data", actor="digg"),
    c.FundInitiative(ref="14-data", source="erdf", amount_sek=1_250_000, year=2021),
    c.UnfundInitiative(ref="14-data", source="erdf", amount_sek=1_250_000, year=2021, reason="fel år"),
    c.RecordResult(ref="14-data", type="capability", text="12 kommuner"),
    c.WithdrawResult(ref="14-data", type="capability", text="12 kommuner", reason="dubbel"),
    c.RetitleInitiative(ref="14-data", title="Öppna data 2", description=None),
    c.DefineIndicator(ref="14-data", name="share", target=100, unit="%"),
    c.MeasureIndicator(ref="14-data", name="share", value=64.5),
    c.RetargetIndicator(ref="14-data", name="share", target=0.1, unit=None, reason="r"),
    c.RetypeInitiative(ref="14-data", type="training", reason="r"),
    c.ReorientInitiative(ref="14-data", orientation="internal"),
    c.ChangeRoles(ref="14-data", roles=("lobbyist", "strategist")),
    c.ScheduleInitiative(ref="14-data", start=date(2021, 3, 1), end=None),
    c.MoveLeadRegion(ref="14-data", region="12", reason="flyttad"),
    c.ChangeStatus(ref="14-data", status="completed"),
    c.ReopenInitiative(ref="14-data", reason="mer att göra"),
    c.AssessPortfolio(region="14", year=2021, score=7, light="green", focus={"competence": "high", "security": "low"}),
    c.AssignCoordinator(region="14", user="coord-14"),
    c.MergeActor(key="gbg", into="digg"),
    c.PublishKey(user=SELF, public_key="11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="),
    c.GrantRole(user="revisor", role="auditor"),
    c.RevokeRole(user="revisor", role="auditor"),
]


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every line a write hashes into the tree, in order, captured as the write makes it."""
    lines: list[str] = []
    making = LeafLines.__call__

    def capture(self: LeafLines, cursor: Any, events: Sequence[Any], recorded_by: Sequence[str | None]) -> list[str]:
        made = making(self, cursor, events, recorded_by)
        lines.extend(made)
        return made

    monkeypatch.setattr(LeafLines, "__call__", capture)
    yield lines


def exported_lines(url: str) -> list[str]:
    text = ok(url, "export").stdout_bytes.decode("utf-8")
    return [line for line in text.split("\n") if line and not line.startswith("#")]


def stored_leaves(url: str) -> list[bytes]:
    store = Store(url, "admin")
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(select(t.log_nodes.c.hash).where(t.log_nodes.c.level == 0).order_by(t.log_nodes.c.idx))
            joined = b"".join(bytes(r[0]) for r in rows)  # each row a run of consecutive leaf hashes
            return [joined[i : i + 32] for i in range(0, len(joined), 32)]
    finally:
        store.close()


def reference_record(fact: Fact, key: str) -> dict[str, Any]:
    """The export record as the export first wrote it: a dict, to be encoded by `json.dumps`."""
    export = CATALOGUE[fact.type].export
    assert export is not None
    record: dict[str, Any] = {"op": export.op, AGGREGATES[fact.aggregate].key_field: key}
    for name in export.fields:
        value = fact.data.get(name)
        if name == "region" and value is None and fact.aggregate == "actor":
            continue
        record[name] = value
    record["by"] = fact.by
    record["effective"] = fact.effective.isoformat()
    record["recorded_at"] = fact.recorded_at.isoformat()
    record["recorded_by"] = fact.recorded_by
    return record


def assert_leaves_are_the_export(url: str, hashed: list[str]) -> list[str]:
    exported = exported_lines(url)
    assert hashed == exported
    assert stored_leaves(url) == [hashlib.sha256(b"\x00" + line.encode()).digest() for line in exported]
    store = Store(url, "admin")
    try:
        for fact, key, _region in keyed(store.facts.facts()):
            assert event_line(fact, key) == json.dumps(reference_record(fact, key), ensure_ascii=False)
    finally:
        store.close()
    return exported


def test_every_kind_of_event_is_hashed_as_its_export_line(hashed: list[str], db_url: str) -> None:
    assert apply(db_url, EVERY_KIND) == len(EVERY_KIND), "every command of the sequence is accepted"
    exported = assert_leaves_are_the_export(db_url, hashed)
    kinds = {e.op for e in (entry.export for entry in CATALOGUE.values()) if e is not None}
    assert {json.loads(line)["op"] for line in exported} == kinds, "the sequence covers every kind of event"


@settings(max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(commands, min_size=1, max_size=40))
def test_random_logs_are_hashed_as_their_export_lines(hashed: list[str], sequence: list[c.Command]) -> None:
    hashed.clear()
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'leaves.db'}"
        apply(init_store(url), sequence)
        assert_leaves_are_the_export(url, hashed)
