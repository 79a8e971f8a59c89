"""Stored events straight to facts, without building the library's event objects first.

Reading the log is what projections, history and temporal queries spend their time on, and
the library's route (transcoder, then an event object, then a fact) costs several times the
read itself. Every event kompass stores is a JSON object whose only custom-typed values are
its `timestamp` and `effective` envelope, so those two are decoded here and the rest is the
fact's data as it stands. Whatever this cannot vouch for goes the library's way, so that the
result is always the same as `Mapper.to_domain_event`: states with other custom-typed values,
compressed or enciphered states, and events whose class has moved on to a newer version
(their upcasters run there).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

import orjson
from eventsourcing.persistence import Mapper
from eventsourcing.utils import resolve_topic

from kompass.application.bitemporal import remember_stored_time
from kompass.application.facts import ENVELOPE, Fact, fact_from_event
from kompass.domain.errors import StoreDamaged

CUSTOM_TYPE = b'"_type_"'
"""How the library's JSON transcoder marks a custom-typed value; inside a JSON string the quotes
would be escaped, so every occurrence in a state is a marker."""
ENVELOPE_TYPES = 2
"""The markers of `timestamp` and `effective`."""


class FactDecoder:
    """Decodes notifications (or stored events with a position) into facts."""

    def __init__(self, mapper: Mapper[Any]) -> None:
        self.mapper = mapper
        self.plain = mapper.compressor is None and mapper.cipher is None
        self._topics: dict[str, tuple[str, str] | None] = {}
        self._required: dict[str, frozenset[str]] = {}

    def __call__(self, notification: Any) -> Fact:
        """The fact a notification records; StoreDamaged (naming its position) when it cannot be one."""
        try:
            fact = self._decode(notification)
        except StoreDamaged:
            raise
        except Exception as error:  # noqa: BLE001 — whatever a damaged row makes the decoders raise
            raise StoreDamaged(getattr(notification, "id", None), _reason(error)) from None
        self._check(fact)
        return fact

    def _check(self, fact: Fact) -> None:
        """The fields its event class records are there, with the envelope's types: a damaged row that still
        decodes must not reach a projection or a report, where it would fail far from its cause."""
        required = self._required.get(fact.type)
        if (
            not isinstance(fact.recorded_at, datetime)
            or not isinstance(fact.effective, date)
            or not isinstance(fact.by, str)
            or not isinstance(fact.data, dict)
            or (required is not None and not required <= fact.data.keys())
        ):
            raise StoreDamaged(fact.position, f"an event {fact.type} without the fields it records")

    def _decode(self, notification: Any) -> Fact:
        names = self._names(notification.topic) if self.plain else None
        state = notification.state
        recorded_by = getattr(notification, "recorded_by", None)
        if names is None or state.count(CUSTOM_TYPE) != ENVELOPE_TYPES:
            return fact_from_event(self.mapper.to_domain_event(notification), notification.id, recorded_by)
        data = orjson.loads(state)
        if "class_version" in data:
            return fact_from_event(self.mapper.to_domain_event(notification), notification.id, recorded_by)
        recorded_at = data.pop("timestamp")["_data_"]
        effective = data.pop("effective")["_data_"]
        by = data.pop("by")
        data.pop("originator_topic", None)
        moment = datetime.fromisoformat(recorded_at)
        remember_stored_time(moment, recorded_at)  # a rebuild wants every fact's key: read off the text here
        return Fact(
            notification.id,
            moment,
            date.fromisoformat(effective),
            by,
            names[0],
            notification.originator_id,
            notification.originator_version,
            names[1],
            data,
            recorded_by,
        )

    def _names(self, topic: str) -> tuple[str, str] | None:
        """(aggregate, event name) for a topic whose class is at version 1, else None (the library decodes it)."""
        if topic not in self._topics:
            cls = resolve_topic(topic)
            aggregate, _, name = cls.__qualname__.partition(".")
            if dataclasses.is_dataclass(cls):
                self._required[name] = frozenset(f.name for f in dataclasses.fields(cls)) - ENVELOPE
            current = getattr(cls, "class_version", 1) == 1
            self._topics[topic] = (aggregate.lower(), name) if current else None
        return self._topics[topic]


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split())[:160] or type(error).__name__
    return f"{type(error).__name__}: {text}"
