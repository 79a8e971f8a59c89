"""The user register: who has which role (docs/definitions.md, who may change what), read from the log.

Roles are events of `user` aggregates (grants and revocations), so there is no table to keep in
step: a permission check reads the acting user's aggregate, which holds every committed grant,
and `user list` folds the user events (found by topic, without reading the rest of the log).
"""

from __future__ import annotations

from datetime import date, datetime

from eventsourcing.application import AggregateNotFoundError

from kompass.application.app import PortfolioApplication
from kompass.application.permissions import Grants
from kompass.application.ports import RoleRegister
from kompass.application.users import USER_TOPICS, grants_as_of
from kompass.domain.identity import user_aggregate_id
from kompass.domain.user import User
from kompass.infrastructure.event_reads import NotificationFacts


class UserRegister(RoleRegister):
    def __init__(self, app: PortfolioApplication, facts: NotificationFacts) -> None:
        self.app = app
        self.facts = facts

    def grants_of(self, user: str) -> Grants:
        try:
            found: object = self.app.repository.get(user_aggregate_id(user))
        except AggregateNotFoundError:
            return Grants(user=user)
        if not isinstance(found, User):
            return Grants(user=user)
        return Grants(user=user, roles=frozenset(found.roles), regions=found.regions)

    def all(self, as_of: date | None = None, known_at: datetime | None = None) -> list[Grants]:
        return grants_as_of(self.facts.facts(topic_prefix=USER_TOPICS), as_of, known_at)

    def admins(self) -> frozenset[str]:
        return frozenset(g.user for g in self.all() if g.is_admin)

    def is_empty(self) -> bool:
        return not self.all()
