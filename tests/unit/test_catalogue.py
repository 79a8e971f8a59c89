"""The event catalogue: every event the domain can record has ONE entry, and every table a reader
dispatches on is read from it, so adding an event without saying how it is read fails here."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from eventsourcing.domain import Aggregate

from kompass.application.catalogue import AGGREGATES, CATALOGUE, NETWORK, PROJECTIONS, concerning
from kompass.application.commands import OPS
from kompass.application.facts import Fact
from kompass.application.history import describe
from kompass.domain.actor import Actor
from kompass.domain.initiative import Initiative
from kompass.domain.portfolio import Portfolio
from kompass.domain.recording import KompassAggregate
from kompass.domain.signing_key import SigningKey
from kompass.domain.user import User
from kompass.infrastructure.projections.network import writer as network_projection
from kompass.infrastructure.projections.portfolio import writer as portfolio_projection

AGGREGATE_CLASSES = (Initiative, Actor, Portfolio, User, SigningKey)


def domain_events() -> dict[str, str]:
    """Every event class the domain's aggregates record, by name, with its aggregate's name."""
    found: dict[str, str] = {}
    for aggregate in AGGREGATE_CLASSES:
        for name, value in vars(aggregate).items():
            if isinstance(value, type) and issubclass(value, Aggregate.Event) and value.__qualname__ == f"{aggregate.__name__}.{name}":
                if value in (KompassAggregate.Event, KompassAggregate.Created) or name in ("Event", "Created"):
                    continue
                found[name] = aggregate.__name__.lower()
    return found


def test_the_domain_records_the_events_this_test_knows_of() -> None:
    """A guard on the guard: the enumeration finds events at all (a new aggregate must be added above)."""
    events = domain_events()
    assert {"InitiativeProposed", "StatusChanged", "ActorMerged", "SelfAssessed"} <= set(events)
    assert set(AGGREGATES) == {a.__name__.lower() for a in AGGREGATE_CLASSES}


def test_every_domain_event_has_an_entry_and_every_entry_is_a_domain_event() -> None:
    assert set(CATALOGUE) == set(domain_events())


@pytest.mark.parametrize("name", sorted(domain_events()))
def test_every_entry_fills_every_table(name: str) -> None:
    entry = CATALOGUE[name]
    assert entry.type == name
    assert entry.aggregate.name == domain_events()[name]
    assert callable(entry.fold)
    assert callable(entry.summary)
    assert entry.concerns <= PROJECTIONS
    assert entry.export is not None, "every stored event has an export line (a leaf of the log's tree)"
    if not entry.export.reference_only:
        assert entry.export.op in OPS, "the export writes an op the import reads"
        command_fields = {f.name for f in dataclasses.fields(OPS[entry.export.op])}
        assert set(entry.export.fields) | {entry.aggregate.key_field} <= command_fields


@pytest.mark.parametrize("name", sorted(domain_events()))
def test_history_says_every_event_in_words(name: str) -> None:
    data = {"ref": "r", "region": "14", "title": "t", "areas": ["security"], "area": "security", "status": "active",
            "reason": "", "actor": "digg", "role": "partner", "source": "erdf", "amount_sek": 1, "year": 2021,
            "type": "direct", "text": "x", "description": "", "name": "n", "target": 1, "unit": "%", "value": 1,
            "key": "digg", "kind": "agency", "into": "dataportal", "score": 5, "light": "green", "focus": {}, "user": "u",
            "orientation": "internal", "roles": ["strategist"], "start": "2021-03-01", "end": None}
    fact = Fact(1, datetime.now(tz=UTC), date(2021, 1, 1), "u", domain_events()[name], uuid4(), 1, name, data)
    assert describe(fact, "key") != name


def test_every_exported_op_is_written_by_exactly_one_event() -> None:
    ops = [e.export.op for e in CATALOGUE.values() if e.export is not None and not e.export.reference_only]
    assert len([op for op in ops if op != "user.grant"]) == len(set(ops)) - 1  # a user's first grant and later ones
    assert [e.type for e in CATALOGUE.values() if e.export is not None and e.export.op == "user.grant"] == ["Registered", "RoleGranted"]
    assert set(ops) == set(OPS), "every op an import reads comes back out of an export"


def test_the_projections_dispatch_on_the_catalogue() -> None:
    assert concerning(NETWORK) == network_projection.NETWORK_EVENTS
    assert "FundingAdded" not in network_projection.NETWORK_EVENTS
    assert "FundingAdded" in portfolio_projection.RECOUNTED
    assert "ResultRecorded" in portfolio_projection.KEPT - portfolio_projection.RECOUNTED
