"""A unit of work: the aggregates one request reads and changes, saved together or not at all."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from kompass.application.ports import AggregateSource, UserDirectory
from kompass.domain.actor import Actor
from kompass.domain.errors import AlreadyExists, NotFound
from kompass.domain.framework import Framework
from kompass.domain.identity import signing_key_id, user_aggregate_id
from kompass.domain.initiative import Initiative
from kompass.domain.merges import survivor
from kompass.domain.portfolio import Portfolio
from kompass.domain.recording import KompassAggregate, actor_id, initiative_id, portfolio_id
from kompass.domain.text import require_user_id
from kompass.domain.user import User
from kompass.domain.vocabulary import require_region


class Session:
    """Loads aggregates once per request and remembers which ones changed."""

    def __init__(
        self,
        source: AggregateSource,
        framework: Framework,
        today: date,
        admins: Callable[[], frozenset[str]] = frozenset,
        users: UserDirectory | None = None,
    ) -> None:
        self.source = source
        self.committed_admins = admins
        """The admins as the store holds them before this session (for the rule that one always remains)."""
        self.users = users
        """Who holds a role now, as stored; None (a session of a test or a tool) knows nobody."""
        self.framework = framework
        self.today = today
        self._loaded: dict[UUID, KompassAggregate | None] = {}
        self.restoring = False
        """True while a restore replays recorded events: commands then name exact keys."""
        self._touched: dict[UUID, KompassAggregate] = {}
        """Aggregates handed out since events were last collected: only they can have changed."""

    def _get(self, aggregate_id: UUID) -> KompassAggregate | None:
        if aggregate_id not in self._loaded:
            try:
                self._loaded[aggregate_id] = self.source.get(aggregate_id)
            except AggregateNotFoundError:
                self._loaded[aggregate_id] = None
        found = self._loaded[aggregate_id]
        if found is not None:
            self._touched[aggregate_id] = found
        return found

    def preload(self, aggregate_ids: Iterable[UUID], read: Callable[[Collection[UUID]], dict[UUID, Any]]) -> None:
        """Load, with one read, the aggregates among `aggregate_ids` that are not held yet.

        An import names the aggregates its next commands need, so its source is asked once per
        window of commands and not once per command. The aggregates are then held exactly as
        `_get` would have loaded them; an id it missed is still loaded by `_get` when needed.
        """
        missing = {i for i in aggregate_ids if i not in self._loaded}
        if missing:
            self._loaded.update(read(missing))

    def add(self, aggregate: KompassAggregate) -> None:
        self._loaded[aggregate.id] = aggregate
        self._touched[aggregate.id] = aggregate

    def initiative(self, ref: str) -> Initiative:
        found = self._get(initiative_id(ref))
        if not isinstance(found, Initiative):
            raise NotFound(f"no initiative with ref {ref!r}")
        return found

    def check_new_initiative(self, ref: str) -> None:
        if self._get(initiative_id(ref)) is not None:
            raise AlreadyExists(f"an initiative with ref {ref!r} already exists")

    def require_registered_user(self, user: str) -> None:
        """A user id the log may name: a slug that holds a role now (the log keeps no names of people). Roles are
        the log's user events, so this session's own grants (earlier lines of an import) count too."""
        require_user_id(user)
        held = self.user(user)
        if held is not None and held.roles:
            return
        if held is None and self.users is not None and self.users.grants_of(user).roles:
            return
        raise NotFound(f"{user} is not a registered user: an admin grants them a role first (kompass user grant)")

    def actor(self, key: str) -> Actor:
        found = self._get(actor_id(key))
        if not isinstance(found, Actor):
            raise NotFound(f"no actor with key {key!r}: register it first")
        return found

    def live_actor(self, key: str) -> Actor:
        """The actor a key refers to now: references to a merged actor resolve to the survivor."""
        return survivor(self.actor(key), self.actor)

    def check_new_actor(self, key: str) -> None:
        if self._get(actor_id(key)) is not None:
            raise AlreadyExists(f"an actor with key {key!r} already exists")

    def portfolio(self, region: str) -> Portfolio:
        require_region(region)
        found = self._get(portfolio_id(region))
        if not isinstance(found, Portfolio):
            raise NotFound(f"region {region} has no portfolio yet: run `kompass init`")
        return found

    def has_signing_key(self, user: str, public_key: str) -> bool:
        return self._get(signing_key_id(user, public_key)) is not None

    def has_portfolio(self, region: str) -> bool:
        return self._get(portfolio_id(region)) is not None

    def user(self, user: str) -> User | None:
        found = self._get(user_aggregate_id(user))
        return found if isinstance(found, User) else None

    def admins(self) -> frozenset[str]:
        """The admins once this session's changes are stored: the store's, updated by the users held here."""
        admins = set(self.committed_admins())
        for aggregate in self:
            if isinstance(aggregate, User):
                (admins.add if "admin" in aggregate.roles else admins.discard)(aggregate.user)
        return frozenset(admins)

    def changed(self) -> list[KompassAggregate]:
        return [a for a in self._touched.values() if a.pending_events]

    def collect_events(self) -> list[Any]:
        """Pending events of every changed aggregate, ready to be stored (and cleared here)."""
        events = [e for a in self.changed() for e in a.collect_events()]
        self._touched.clear()
        return events

    def forget_if_over(self, limit: int) -> None:
        """Drop aggregates without pending events once more than `limit` are held.

        Only safe when the source reads what has been appended so far (an import's own
        transaction), so a forgotten aggregate comes back as it was left.
        """
        if len(self._loaded) > limit:
            self._loaded = {k: a for k, a in self._loaded.items() if a is not None and a.pending_events}
            self._touched = {k: a for k, a in self._touched.items() if k in self._loaded}

    def __iter__(self) -> Iterator[KompassAggregate]:
        return iter(a for a in self._loaded.values() if a is not None)
