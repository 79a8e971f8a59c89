"""The actor (aktör): an organisation that takes part in initiatives.

Actors are renamed and merged, never deleted: a merged actor keeps its history and
points at the actor it became, so later references resolve to the survivor.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from kompass.domain.errors import InvalidValue, RuleViolation
from kompass.domain.recording import KompassAggregate, actor_id
from kompass.domain.text import require_actor_key
from kompass.domain.vocabulary import ACTOR_KINDS, region_actor_key, require_existing_on, require_one_of, require_region, require_text

__all__ = ["Actor", "require_actor_key"]


class Actor(KompassAggregate):
    @staticmethod
    def create_id(key: str) -> UUID:
        return actor_id(key)

    @classmethod
    def register(
        cls,
        *,
        key: str,
        name: str,
        kind: str,
        region: str | None = None,
        by: str,
        effective: date,
    ) -> Actor:
        require_actor_key(key)
        require_text(name, "name")
        require_one_of(kind, ACTOR_KINDS, "actor kind")
        if region is not None:
            require_region(region)
        if kind == "region" and (region is None or key != region_actor_key(region)):
            raise InvalidValue("region actors are registered by kompass itself as region-CC")
        return cls(key=key, name=name, kind=kind, region=region, by=by, effective=effective)

    @event("ActorRegistered")
    def __init__(self, *, key: str, name: str, kind: str, region: str | None, by: str, effective: date) -> None:
        self.key = key
        self.name = name
        self.kind = kind
        self.region = region
        self.merged_into: str | None = None
        self.former_names: list[str] = []
        self.registered_on = effective

    def require_existing_on(self, effective: date) -> None:
        """Every change to an actor, and every participation of it, holds from its registration on."""
        require_existing_on(effective, getattr(self, "registered_on", None), f"actor {self.key}")

    def rename(self, name: str, *, by: str, effective: date) -> None:
        require_text(name, "name")
        self.check_not_merged()
        if name == self.name:
            raise RuleViolation(f"{self.key} is already called {name!r}")
        self._renamed(name=name, by=by, effective=effective)

    @event("ActorRenamed")
    def _renamed(self, name: str, by: str, effective: date) -> None:
        self.former_names.append(self.name)
        self.name = name

    def merge_into(self, survivor: Actor, *, by: str, effective: date) -> None:
        """Record that this organisation became `survivor` (which must be a live actor)."""
        self.check_not_merged()
        survivor.check_not_merged()
        if survivor.key == self.key:
            raise RuleViolation(f"{self.key} cannot be merged into itself")
        if self.kind == "region" or survivor.kind == "region":
            raise RuleViolation("regions cannot be merged")
        self._merged(into=survivor.key, by=by, effective=effective)

    @event("ActorMerged")
    def _merged(self, into: str, by: str, effective: date) -> None:
        self.merged_into = into

    def check_not_merged(self) -> None:
        if self.merged_into is not None:
            raise RuleViolation(f"{self.key} was merged into {self.merged_into}: use {self.merged_into}")
