"""Every port lives in application/ports.py, and the adapters and the test fakes implement the ports by
subclassing them, so that mypy and Python refuse an implementation that lacks a member."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from kompass.application import ports
from kompass.infrastructure.auditor import StoreAuditor
from kompass.infrastructure.event_appends import AppendTransaction, AtomicAppender
from kompass.infrastructure.event_reads import NotificationFacts
from kompass.infrastructure.language import BabelLanguage
from kompass.infrastructure.projections.network.cache import NetworkCache
from kompass.infrastructure.projections.network.writer import NetworkBatch
from kompass.infrastructure.projections.portfolio.writer import PortfolioBatch
from kompass.infrastructure.projections.read_model import ReadModel
from tests.unit.test_audit_service import FakeAuditor
from tests.unit.test_handlers import MemoryAppender, MemoryTransaction
from tests.unit.test_network_service import EmptyLog, MemoryCache, TableNetwork

KOMPASS = Path(__file__).resolve().parents[2] / "kompass"
NOT_PORTS = {"domain/merges.py": {"Mergeable"}, "application/records.py": {"PortfolioBook"}}
"""Protocols that describe plain data the rules accept, not something the outside world provides."""


def test_every_port_is_declared_in_the_ports_module() -> None:
    elsewhere = {}
    for path in KOMPASS.rglob("*.py"):
        name = path.relative_to(KOMPASS).as_posix()
        if name == "application/ports.py":
            continue
        found = set(re.findall(r"^class (\w+)\(.*Protocol.*\):", path.read_text(encoding="utf-8"), re.MULTILINE))
        if found - NOT_PORTS.get(name, set()):
            elsewhere[name] = found
    assert elsewhere == {}


def test_adapters_and_fakes_implement_the_ports() -> None:
    implementations = {
        ports.AppendTransaction: (AppendTransaction, MemoryTransaction),
        ports.AtomicAppender: (AtomicAppender, MemoryAppender),
        ports.FactLog: (NotificationFacts, EmptyLog),
        ports.ReadModelPort: (ReadModel, TableNetwork),
        ports.MetricsCache: (NetworkCache, MemoryCache),
        ports.ProjectionBatch: (PortfolioBatch, NetworkBatch),
        ports.Language: (BabelLanguage,),
        ports.Auditor: (StoreAuditor, FakeAuditor),
    }
    for port, classes in implementations.items():
        for cls in classes:
            assert port in cls.__mro__, (cls, port)
            assert not inspect.isabstract(cls), cls
            for member in (m for m in vars(port) if not m.startswith("_") or m == "__call__"):
                if inspect.isfunction(vars(port)[member]):
                    assert getattr(cls, member) is not vars(port)[member], f"{cls.__name__} does not implement {member}"


def test_every_port_is_used() -> None:
    sources = "\n".join(p.read_text(encoding="utf-8") for p in KOMPASS.rglob("*.py") if p.name != "ports.py")
    for name in ports.__all__:
        assert re.search(rf"\b{name}\b", sources), f"{name} is declared but nothing uses it"


def test_every_command_has_a_handler_named_as_its_verb() -> None:
    from kompass.application import handlers
    from kompass.application.commands import OPS

    for command in OPS.values():
        handler = handlers._handle.dispatch(command)
        assert handler.__name__ == re.sub(r"(?<!^)(?=[A-Z])", "_", command.__name__).lower(), command
