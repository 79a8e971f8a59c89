"""The fast decoding of stored events into facts gives exactly what the library's own route gives.

Projections, history, export and temporal queries read the log through `FactDecoder`; it decodes
the JSON itself and leaves to the library only what it cannot vouch for. Each test compares it
with `Mapper.to_domain_event` followed by `fact_from_event` on real stored events.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from kompass.application.facts import fact_from_event
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.fact_decoder import FactDecoder
from tests.conftest import restore_store
from tests.integration.helpers import ok

DEMO = Path(__file__).resolve().parents[2] / "kompass" / "infrastructure" / "data" / "demo.jsonl"


def stored(db_url: str) -> tuple[Store, list[Any]]:
    store = Store(db_url, "admin")
    return store, list(store.app.recorder.select_notifications(start=None, limit=10**6))


def library_fact(store: Store, notification: Any) -> Any:
    return fact_from_event(store.app.mapper.to_domain_event(notification), notification.id)


def test_every_event_of_the_demo_decodes_as_the_library_decodes_it(no_store_url: str) -> None:
    db_url = restore_store(no_store_url, DEMO)
    store, notifications = stored(db_url)
    try:
        decode = FactDecoder(store.app.mapper)
        types = set()
        for notification in notifications:
            fact = decode(notification)
            assert fact == library_fact(store, notification), notification.id
            types.add(fact.type)
        # The demo exercises every kind of event the projections read.
        assert {"ActorMerged", "ActorRenamed", "InitiativeReopened", "IndicatorMeasured", "SelfAssessed"} <= types
    finally:
        store.close()


def test_a_state_with_other_custom_types_or_a_class_version_goes_the_librarys_way(sqlite_url: str) -> None:
    """A custom-typed value in the data, or a `class_version` (an upcaster may have to run), is
    decoded by the library; the result is still the library's."""
    ok(sqlite_url, "actor", "add", "--key", "digg", "--name", "DIGG", "--kind", "agency")
    store, notifications = stored(sqlite_url)
    try:
        registered = next(n for n in notifications if b'"digg"' in n.state)
        a_uuid = b'"ref":{"_type_":"uuid_hex","_data_":"' + b"0" * 32 + b'"}'
        with_uuid = registered.state.replace(b'"kind":"agency"', b'"kind":"agency",' + a_uuid)
        with_version = registered.state.replace(b'{"timestamp"', b'{"class_version":1,"timestamp"')
        decode = FactDecoder(store.app.mapper)
        for state in (with_uuid, with_version):
            assert state != registered.state
            variant = replace(registered, state=state)
            assert decode(variant) == library_fact(store, variant)
        assert "ref" in decode(replace(registered, state=with_uuid)).data
    finally:
        store.close()
