"""`DemoService` called from Python, without click, on the in-memory store: the example's lines are restored with
their recording times, the region's workbook is written from the store's rows, and the demo's two answers come
back. The read side and the workbook writer are fakes that subclass the ports."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kompass.application import commands as c
from kompass.application import ports
from kompass.application.audit_service import AuditService
from kompass.application.demo_service import DemoService
from kompass.application.network_service import NetworkService
from kompass.application.portfolio_queries import PortfolioQueries
from kompass.application.service import Kompass
from tests.unit.helpers import FRAMEWORK
from tests.unit.test_audit_service import FakeAuditor, MemoryFacts
from tests.unit.test_handlers import ADMIN, TODAY, app, kompass, stored_events
from tests.unit.test_network_service import EmptyLog, MemoryCache, TableNetwork
from tests.unit.test_portfolio_queries import Tables

__all__ = ["app", "kompass"]  # the fixtures, shared with the handlers' tests

RECORDED = datetime(2021, 3, 1, 9, 30, tzinfo=UTC)
LINES = [
    (1, c.RegisterActor(key="iis", name="IIS", kind="civil_society", effective=RECORDED.date()), RECORDED, "demo-maker"),
    (2, c.JoinInitiative(ref="14-open", actor="iis", effective=RECORDED.date()), RECORDED, "demo-maker"),
]


class Workbooks(ports.WorkbookWriter):
    def __init__(self) -> None:
        self.written: list[tuple[Path, dict[str, tuple[str, ...]], str | None]] = []

    def __call__(
        self, path: Path, tables: dict[str, list[dict[str, Any]]], columns: dict[str, tuple[str, ...]],
        allowed: dict[str, tuple[str, ...]], region: str | None,
    ) -> None:
        self.written.append((path, columns, region))


def test_the_demo_restores_its_lines_writes_the_workbook_and_answers(kompass: Kompass, tmp_path: Path) -> None:
    tables, workbooks = Tables(), Workbooks()
    before = len(stored_events(kompass.app))
    demo = DemoService(
        kompass,
        lambda: ADMIN,
        lambda: LINES,
        AuditService(MemoryFacts(kompass), FakeAuditor(), lambda: tables, FRAMEWORK),
        PortfolioQueries(lambda: tables, EmptyLog(), lambda: None, FRAMEWORK, lambda: TODAY, lambda _key: FRAMEWORK),
        NetworkService(TableNetwork, EmptyLog(), lambda: None, MemoryCache(), FRAMEWORK),
        workbooks,
    )
    loaded = demo.load(tmp_path / "portfolj-14.xlsx", top=1)
    assert (loaded.restored.commands, loaded.restored.events) == (2, 2)
    restored = stored_events(kompass.app)[before:]
    assert [type(e).__name__ for e in restored] == ["ActorRegistered", "ActorJoined"]
    assert {e.timestamp for e in restored} == {RECORDED}, "each line keeps its recording time"
    assert [(path.name, region) for path, _columns, region in workbooks.written] == [("portfolj-14.xlsx", "14")]
    assert "initiatives" in workbooks.written[0][1]
    assert loaded.coverage.as_of == TODAY
    assert loaded.key_actors.risks.key_actors[0].actor == "b"
    assert (loaded.key_actors.actors, loaded.key_actors.ties) == (3, 2)
