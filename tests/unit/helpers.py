"""Shared helpers for the unit tests: the base framework, a proposed initiative, and a
check that a refused command leaves an aggregate exactly as it was."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from kompass.domain.initiative import Initiative
from kompass.infrastructure.frameworks import load_framework

FRAMEWORK = load_framework(None)
AREAS = FRAMEWORK.area_keys
DAY = date(2024, 3, 1)
WHO: dict[str, Any] = {"by": "coord-14", "effective": DAY}


def propose(**overrides: Any) -> Initiative:
    fields: dict[str, Any] = {
        "ref": "14-2021-opendata",
        "region": "14",
        "title": "Open data together",
        "areas": ["innovation", "infrastructure"],
        "type": "collaboration",
        "framework": FRAMEWORK,
        "orientation": "external",
        "roles": ["collaboration_leader"],
        "description": "Municipalities publish open data",
        **WHO,
    }
    fields.update(overrides)
    return Initiative.propose(**fields)


def initiative_state(initiative: Initiative) -> dict[str, Any]:
    """The public state of an initiative, as plain (deep-copied) values."""
    return copy.deepcopy(
        {
            "ref": initiative.ref,
            "region": initiative.region,
            "title": initiative.title,
            "description": initiative.description,
            "type": initiative.type,
            "orientation": initiative.orientation,
            "roles": initiative.roles,
            "areas": initiative.areas,
            "status": initiative.status,
            "status_before": initiative.status_before,
            "paused_from": initiative.paused_from,
            "participants": initiative.participants,
            "funding": initiative.funding,
            "results": initiative.results,
            "indicators": initiative.indicators,
            "version": initiative.version,
        }
    )


def public_state(aggregate: Any) -> dict[str, Any]:
    """Every public attribute of an aggregate (deep-copied)."""
    return copy.deepcopy({k: v for k, v in vars(aggregate).items() if not k.startswith("_")} | {"version": aggregate.version})


def assert_refused(
    aggregate: Any, error: type[BaseException], command: Callable[..., Any], *args: Any, match: str | None = None, **kwargs: Any
) -> pytest.ExceptionInfo[Any]:
    """`command` raises `error`, records no event and changes nothing."""
    pending = len(aggregate.pending_events)
    before = public_state(aggregate)
    with pytest.raises(error, match=match) as info:
        command(*args, **kwargs)
    assert len(aggregate.pending_events) == pending, "a refused command recorded an event"
    assert public_state(aggregate) == before, "a refused command changed the aggregate"
    return info


def last_event(aggregate: Any) -> Any:
    return aggregate.pending_events[-1]


def event_name(event: Any) -> str:
    return type(event).__qualname__.rpartition(".")[2]
