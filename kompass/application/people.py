"""The person register's use cases, each asked of the acting user's permissions first.

Names, e-mail addresses and phone numbers are personal data: a coordinator records only their
own, admins anyone's; only admins and the person read them; only admins erase them
(application/permissions.py). The check comes before the register is touched, so a refused
request neither reads nor writes it.
"""

from __future__ import annotations

from typing import Any

from kompass.application.permissions import Access
from kompass.application.ports import PersonStore
from kompass.domain.text import require_user_id


class People:
    def __init__(self, register: PersonStore, access: Access) -> None:
        self.register = register
        self.access = access

    def record(self, person_id: str, name: str, email: str | None, phone: str | None) -> None:
        require_user_id(person_id, "person id")
        self.access.require_person_writer(person_id, f"record the details of {person_id}")
        self.register.put(person_id, name, email, phone)

    def show(self, person_id: str) -> dict[str, Any]:
        require_user_id(person_id, "person id")
        self.access.require_person_reader(person_id, f"read the details of {person_id}")
        return self.register.get(person_id)

    def forget(self, person_id: str) -> None:
        require_user_id(person_id, "person id")
        self.access.require_admin("erase people")
        self.register.forget(person_id)
