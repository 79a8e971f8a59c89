"""`UserService` called from Python, without click, on the in-memory store: a grant answers with every role
the user holds after it, and only admins list users. The role register is a fake that subclasses the port and
reads the users' aggregates, as the store's register does (infrastructure/users.py)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kompass.application import commands as c
from kompass.application import ports
from kompass.application.permissions import Grants
from kompass.application.service import Kompass
from kompass.application.user_service import UserService
from kompass.domain.errors import PermissionDenied
from kompass.domain.identity import user_aggregate_id
from kompass.domain.user import User
from tests.unit.test_handlers import ADMIN, ANALYST, app, kompass

__all__ = ["app", "kompass"]  # the fixtures, shared with the handlers' tests


class Roles(ports.RoleRegister):
    def __init__(self, kompass: Kompass) -> None:
        self.kompass = kompass
        self.listed: list[date | None] = []

    def grants_of(self, user: str) -> Grants:
        found: User = self.kompass.app.repository.get(user_aggregate_id(user))
        return Grants(user, frozenset(found.roles), found.regions)

    def all(self, as_of: date | None = None, known_at: datetime | None = None) -> list[Grants]:
        self.listed.append(as_of)
        return [Grants("admin", frozenset({"admin"}))]


def test_a_grant_answers_with_every_role_the_user_holds_after_it(kompass: Kompass) -> None:
    users = UserService(kompass, lambda: ADMIN, Roles(kompass))
    users.grant(c.GrantRole(user="coord-14", role="coordinator", regions=("14",)))
    held = users.grant(c.GrantRole(user="coord-14", role="coordinator", regions=("13",)))
    assert (held.user, held.roles, held.regions) == ("coord-14", frozenset({"coordinator"}), frozenset({"13", "14"}))


def test_only_admins_list_users_and_a_refusal_reads_nothing(kompass: Kompass) -> None:
    roles = Roles(kompass)
    with pytest.raises(PermissionDenied):
        UserService(kompass, lambda: ANALYST, roles).roles()
    assert roles.listed == []
    assert [g.user for g in UserService(kompass, lambda: ADMIN, roles).roles(date(2021, 6, 30))] == ["admin"]
    assert roles.listed == [date(2021, 6, 30)]
