"""Real PostgreSQL login roles for the tests of the database's own rules (kompass.infrastructure.pg_roles).

Role names are shared by the whole server and other test runs use it at the same time, so every store
here takes a prefix of its own (KOMPASS_ROLE_PREFIX) and every login carries it; all are dropped after.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from kompass.domain.identity import KOMPASS_NAMESPACE
from kompass.infrastructure import pg_roles
from kompass.infrastructure.settings import locate
from tests.conftest import PG_ADMIN_URL, PG_UNAVAILABLE, drop_pg_database, init_store, new_pg_database

HOST, PORT = "127.0.0.1", "5432"
USER_TOPIC = "kompass.domain.user:User"


@dataclass
class PgStore:
    """A store set up by `init` under a prefix of its own, and the login roles made for it."""

    url: str
    prefix: str
    logins: list[str] = field(default_factory=list)

    @property
    def database(self) -> str:
        return self.url.rsplit("/", 1)[1]

    def group(self, kind: str) -> str:
        return f"{self.prefix}{kind}"

    def named(self, name: str) -> str:
        """The login role made for `name`."""
        return f"{self.prefix}u_{name}"

    def login(self, name: str, *kinds: str) -> str:
        """Create a login role `<prefix>u_<name>` and make it a member of these kompass roles."""
        role = self.named(name)
        with superuser(self.url) as conn:
            conn.execute(f'CREATE ROLE "{role}" LOGIN')
        self.logins.append(role)
        for kind in kinds:
            pg_roles.grant_membership(locate(self.url), role, kind)
        return role

    def url_as(self, login: str) -> str:
        return self.url.replace("postgres@", f"{login}@", 1)


@contextmanager
def with_prefix(prefix: str) -> Iterator[None]:
    before = os.environ.get(pg_roles.PREFIX_ENV)
    os.environ[pg_roles.PREFIX_ENV] = prefix
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(pg_roles.PREFIX_ENV, None)
        else:
            os.environ[pg_roles.PREFIX_ENV] = before


def new_store() -> PgStore:
    prefix = f"kt{uuid.uuid4().hex[:8]}_"
    url = new_pg_database(initialised=False)
    with with_prefix(prefix):
        init_store(url)
    return PgStore(url, prefix)


@contextmanager
def made_store() -> Iterator[PgStore]:
    """A new store with roles of its own (`new_store`), dropped with them afterwards; the test is skipped, with
    the reason, when no PostgreSQL server answers."""
    if PG_UNAVAILABLE:
        pytest.skip(PG_UNAVAILABLE)
    made = new_store()
    try:
        yield made
    finally:
        drop_store(made)


def drop_store(store: PgStore) -> None:
    """The database first (it holds the grants), then every role of the prefix."""
    drop_pg_database(store.url)
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        for role in [*store.logins, *(store.group(k) for k in pg_roles.KINDS), store.group("owner")]:
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


@contextmanager
def superuser(url: str) -> Iterator[Any]:
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "", 1), autocommit=True) as conn:
        yield conn


def connect_as(store: PgStore, login: str) -> Any:
    import psycopg

    return psycopg.connect(host=HOST, port=int(PORT), dbname=store.database, user=login, autocommit=True, connect_timeout=5)


def psql(store: PgStore, login: str, statement: str) -> subprocess.CompletedProcess[str]:
    """Plain psql, as an attacker at a terminal would use it."""
    command = ["psql", "-h", HOST, "-p", PORT, "-U", login, "-d", store.database, "-X", "-v", "ON_ERROR_STOP=1", "-Atc", statement]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env={**os.environ, "PGCONNECT_TIMEOUT": "5"}, check=False)


def user_id(user: str) -> uuid.UUID:
    return uuid.uuid5(KOMPASS_NAMESPACE, f"user:{user}")


def role_event_sql(user: str, version: int, kind: str, role: str, regions: list[str]) -> str:
    """An INSERT of a role event as the contract between the log and the database describes it."""
    state = json.dumps({"user": user, "role": role, "regions": regions, "by": "admin"}).replace("'", "''")
    return (
        "INSERT INTO kompass_events (originator_id, originator_version, topic, state) VALUES "
        f"('{user_id(user)}', {version}, '{USER_TOPIC}.{kind}', convert_to('{state}', 'UTF8'))"
    )


def event_sql(aggregate: uuid.UUID, version: int, topic: str, state: dict[str, Any]) -> str:
    text = json.dumps(state).replace("'", "''")
    return (
        "INSERT INTO kompass_events (originator_id, originator_version, topic, state) VALUES "
        f"('{aggregate}', {version}, '{topic}', convert_to('{text}', 'UTF8'))"
    )


def count_events(store: PgStore) -> int:
    with superuser(store.url) as conn:
        row = conn.execute("SELECT count(*) FROM kompass_events").fetchone()
    assert row is not None
    return int(row[0])
