"""The user register: who has which role (docs/definitions.md, who may change what). Not event-sourced: it is access
configuration, and the log names people only by user id."""

from __future__ import annotations

from sqlalchemy import Engine, delete, select

from kompass.application.permissions import ROLES, Grants
from kompass.domain.errors import InvalidValue, NotFound
from kompass.domain.text import require_user_id
from kompass.domain.vocabulary import require_region
from kompass.infrastructure import tables as t
from kompass.infrastructure.database import upsert


class UserRegister:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def grants_of(self, user: str) -> Grants:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.users).where(t.users.c.user_id == user)).mappings().first()
        if row is None:
            return Grants(user=user)
        return Grants(user=user, roles=frozenset(row["roles"]), regions=frozenset(row["regions"]))

    def is_empty(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(t.users.c.user_id).limit(1)).first() is None

    def all(self) -> list[Grants]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.users).order_by(t.users.c.user_id)).mappings().all()
        return [Grants(r["user_id"], frozenset(r["roles"]), frozenset(r["regions"])) for r in rows]

    def grant(self, user: str, role: str, regions: tuple[str, ...] = ()) -> Grants:
        require_user_id(user)
        if role not in ROLES:
            raise InvalidValue(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
        for region in regions:
            require_region(region)
        if role == "coordinator" and not regions:
            raise InvalidValue("a coordinator needs at least one --region")
        current = self.grants_of(user)
        grants = Grants(user, current.roles | {role}, current.regions | set(regions))
        self._store(grants)
        return grants

    def revoke(self, user: str, role: str) -> Grants:
        current = self.grants_of(user)
        if role not in current.roles:
            raise NotFound(f"{user} does not have the role {role}")
        regions = current.regions if role != "coordinator" else frozenset()
        grants = Grants(user, current.roles - {role}, regions)
        self._store(grants)
        return grants

    def _store(self, grants: Grants) -> None:
        with self.engine.begin() as conn:
            if not grants.roles:
                conn.execute(delete(t.users).where(t.users.c.user_id == grants.user))
                return
            row = {"user_id": grants.user, "roles": sorted(grants.roles), "regions": sorted(grants.regions)}
            conn.execute(upsert(conn.dialect.name, t.users, ["user_id"]), [row])
