"""Users and their roles, as use cases: a grant that answers with the roles it leaves, and the list of
who held which role on a date. `kompass user add|grant|list` call one method each.

A grant is a command like any other (`handlers.grant_role` holds its rules); the list is for admins.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from kompass.application.commands import GrantRole
from kompass.application.permissions import Access, Grants
from kompass.application.ports import RoleRegister
from kompass.application.service import Kompass
from kompass.domain.text import normal

__all__ = ["UserService"]


class UserService:
    def __init__(self, kompass: Kompass, access: Callable[[], Access], register: RoleRegister) -> None:
        self.kompass = kompass
        self.access = access
        """The acting user's grants."""
        self.register = register

    def grant(self, command: GrantRole) -> Grants:
        """Record the grant (a `user.grant` event); every role the user holds after it."""
        self.kompass.execute(command, self.access())
        return self.register.grants_of(normal(command.user))

    def roles(self, as_of: date | None = None) -> list[Grants]:
        """Every user with a role on `as_of` (effective dates; None: now). Admins only."""
        self.access().require_admin("list users")
        return self.register.all(as_of)
