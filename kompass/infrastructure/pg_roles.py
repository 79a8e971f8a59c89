"""The rules PostgreSQL itself enforces, whatever client connects (docs/postgres-roles.md).

Why in the database: kompass's own checks run in the client, so a patched client or plain psql under a
coordinator's login could otherwise write anything the login's table privileges allow. Here an owner
role that nobody logs in as owns every table and trigger; five group roles get only the privileges
their kompass role needs; a trigger checks each event a non-admin stores against the grants recorded in
the log itself. Installed by `kompass init` (run as a superuser), idempotently, so running `init`
again over an existing store brings an older layout up to this one.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from kompass.domain.errors import InvalidValue, PermissionDenied, StorageUnavailable
from kompass.infrastructure.settings import StoreLocation

PREFIX_ENV = "KOMPASS_ROLE_PREFIX"
"""Names the roles `<prefix>owner`, `<prefix>admin`…; role names are shared by every database of a
server, so two stores (or concurrent tests) that must not share roles take different prefixes."""
DEFAULT_PREFIX = "kompass_"
KINDS = ("admin", "coordinator", "auditor", "analyst", "projector")
REFUSED = "KP401"
"""SQLSTATE of every refusal raised by the rules: kompass shows it as a permission refusal (exit 4)."""
BAD_REQUEST = "KP400"
RACES = {"XX000", "23505", "40001", "40P01", "42710"}
"""`tuple concurrently updated`, duplicate role name, serialisation failure, deadlock, role exists:
two stores set up at the same moment on one server touch the same roles; trying again settles it."""


@dataclass(frozen=True)
class RoleNames:
    """The owner role and the five group roles of one prefix."""

    prefix: str = DEFAULT_PREFIX

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", self.prefix):
            raise InvalidValue(f"{PREFIX_ENV} must be lower-case letters, digits and _ (at most 41), not {self.prefix!r}")

    @property
    def owner(self) -> str:
        return f"{self.prefix}owner"

    def group(self, kind: str) -> str:
        if kind not in KINDS:
            raise InvalidValue(f"there is no kompass role {kind}")
        return f"{self.prefix}{kind}"

    @property
    def groups(self) -> list[str]:
        return [self.group(kind) for kind in KINDS]


def role_names() -> RoleNames:
    return RoleNames(os.environ.get(PREFIX_ENV, "").strip() or DEFAULT_PREFIX)


def install(location: StoreLocation, events_table: str, snapshots_table: str, names: RoleNames | None = None) -> None:
    """Create the roles, hand every kompass table to the owner role and set the privileges, triggers and
    row policies. Run as a superuser; a role that may not do all of it gets one line and exit 4."""
    names = names or role_names()
    with _connection(location) as conn:
        if not _may_create_roles(conn):
            if _installed(conn):
                return  # opened again by an ordinary login (`init` on an existing store): nothing to set up
            raise PermissionDenied(f"{SETUP_DENIED} (or a login with CREATEROLE that owns the database)")
        _retrying(lambda: _create_roles(conn, names))
        _retrying(lambda: _hand_over(conn, names, events_table, snapshots_table))


def grant_membership(location: StoreLocation, login: str, kind: str) -> None:
    """Make the database login `login` a member of the group role of `kind`. The trigger already does this for
    every stored role event (`user grant`); this is for a login whose grant is not, or not yet, in the log.
    The database checks that the connected login is an admin, not kompass."""
    _set_membership(location, login, kind, True)


def revoke_membership(location: StoreLocation, login: str, kind: str) -> None:
    """The converse of `grant_membership` (the trigger does it for every stored `user revoke`)."""
    _set_membership(location, login, kind, False)


def _set_membership(location: StoreLocation, login: str, kind: str, member: bool) -> None:
    import psycopg

    with _connection(location) as conn:
        try:
            _retrying(lambda: conn.execute("SELECT kompass_set_membership(%s, %s, %s)", (login, kind, member)), GRANT_DENIED)
        except psycopg.errors.UndefinedFunction:
            raise StorageUnavailable(
                "this store's database roles are not set up; run `kompass init` on it as a PostgreSQL superuser first"
            ) from None


class EventsLock:
    """The EXCLUSIVE lock on the events table that every append takes first (event positions in commit order).

    Where the rules are set up, writers hold no UPDATE privilege on the events, which PostgreSQL's
    `LOCK TABLE … IN EXCLUSIVE MODE` asks for; the owner's `kompass_lock_events()` takes it for them.
    A store without the rules is locked as the library locks it."""

    def __init__(self, recorder: Any) -> None:
        self.recorder = recorder
        self.through_function: bool | None = None

    def __call__(self, cursor: Any) -> None:
        if self.through_function is None:
            cursor.execute("SELECT to_regprocedure('kompass_lock_events()') IS NOT NULL AS found")
            self.through_function = bool(cursor.fetchone()["found"])
        if not self.through_function:
            self.recorder._lock_table(cursor)
            return
        cursor.execute(f"SET LOCAL lock_timeout = '{int(self.recorder.datastore.lock_timeout)}s'")
        cursor.execute("SELECT kompass_lock_events()")


def refusal(error: BaseException) -> PermissionDenied | None:
    """The rules' refusal behind a storage error, as kompass's own (exit 4, the database's one line); None
    for any other error. The library wraps the driver's error, so look at its cause too."""
    for candidate in (error, error.__cause__, error.__context__):
        if getattr(candidate, "sqlstate", None) == REFUSED:
            diag = getattr(candidate, "diag", None)
            text = getattr(diag, "message_primary", None) or str(candidate)
            return PermissionDenied(text.strip().splitlines()[0])
    return None


def _create_roles(conn: Any, names: RoleNames) -> None:
    from psycopg.sql import SQL, Identifier, Literal

    with conn.transaction():
        for role in (names.owner, *names.groups):
            conn.execute(SQL(
                "DO $d$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {name}) THEN "
                "CREATE ROLE {role} NOLOGIN; END IF; END $d$"
            ).format(name=Literal(role), role=Identifier(role)))
        superuser = _is_superuser(conn)
        hardened = SQL(" NOSUPERUSER NOCREATEROLE NOCREATEDB NOBYPASSRLS" if superuser else "")  # a superuser's to change
        for role in (names.owner, *names.groups):
            if _loose(conn, role, owner=role == names.owner):  # only then: stores set up at once on one server
                conn.execute(SQL("ALTER ROLE {} NOLOGIN{}{}").format(  # would otherwise all rewrite the same rows
                    Identifier(role), SQL(" NOINHERIT" if role == names.owner else ""), hardened))
        for group in names.groups:
            if not _is_member(conn, names.owner, group, admin=True):
                conn.execute(SQL("GRANT {} TO {} WITH ADMIN OPTION").format(Identifier(group), Identifier(names.owner)))
        if not superuser and not _is_member(conn, "", names.owner, admin=False):
            conn.execute(SQL("GRANT {} TO CURRENT_USER").format(Identifier(names.owner)))


def _hand_over(conn: Any, names: RoleNames, events_table: str, snapshots_table: str) -> None:
    from psycopg.sql import SQL, Identifier

    owner = Identifier(names.owner)
    with conn.transaction():
        conn.execute(SQL("ALTER SCHEMA public OWNER TO {}").format(owner))  # the owner inherits nothing (NOINHERIT)
        conn.execute(SQL("ALTER DATABASE {} OWNER TO {}").format(Identifier(_database(conn)), owner))
        for (table,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND (tablename LIKE 'kompass\\_%' OR tablename LIKE 'rm\\_%')"
        ).fetchall():
            conn.execute(SQL("ALTER TABLE {} OWNER TO {}").format(Identifier(table), owner))
        for (signature,) in conn.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'kompass\\_%'"
        ).fetchall():
            conn.execute(SQL("ALTER FUNCTION {} OWNER TO {}").format(SQL(signature), owner))
        conn.execute(SQL("SET LOCAL ROLE {}").format(owner))
        conn.execute(_rules_sql(conn, names, events_table, snapshots_table))
        conn.execute("RESET ROLE")
        _grant_database(conn, names)


def _grant_database(conn: Any, names: RoleNames) -> None:
    """CONNECT for the kompass roles only (no TEMPORARY: kompass needs no temporary tables, and one could shadow a
    table for a function without a fixed search_path); CREATE (a rebuild's scratch schema) for admins and the projector."""
    from psycopg.sql import SQL, Identifier

    database = Identifier(_database(conn))
    groups = SQL(", ").join(Identifier(g) for g in names.groups)
    conn.execute(SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(database))
    conn.execute(SQL("GRANT CONNECT ON DATABASE {} TO {}").format(database, groups))
    conn.execute(SQL("GRANT CREATE ON DATABASE {} TO {}, {}").format(
        database, Identifier(names.group("admin")), Identifier(names.group("projector"))))
    # Who may create a schema could name it after another login, which `"$user", public` searches first.
    conn.execute(SQL("ALTER DATABASE {} SET search_path = public").format(database))


def _rules_sql(conn: Any, names: RoleNames, events_table: str, snapshots_table: str) -> Any:
    from psycopg.sql import SQL, Identifier

    sequence = conn.execute("SELECT pg_get_serial_sequence(%s, 'notification_id')", (events_table,)).fetchone()[0]
    text = (files("kompass.infrastructure.data") / "pg_roles.sql").read_text(encoding="utf-8")
    tokens = {"OWNER": names.owner, **{kind.upper(): names.group(kind) for kind in KINDS}}
    for token, role in tokens.items():
        text = text.replace(f"@{token}_LIT@", role)  # checked names: no quote can occur in them
        text = text.replace(f"@{token}@", Identifier(role).as_string(conn))
    text = text.replace("@EVENTS_LIT@", events_table.replace("'", "''"))
    text = text.replace("@EVENTS@", Identifier(events_table).as_string(conn))
    text = text.replace("@SNAPSHOTS@", Identifier(snapshots_table).as_string(conn))
    text = text.replace("@EVENTS_SEQ@", sequence)
    return SQL(text)  # assembled from the packaged file and quoted names only


def _database(conn: Any) -> str:
    return str(conn.execute("SELECT current_database()").fetchone()[0])


def _loose(conn: Any, role: str, *, owner: bool) -> bool:
    """Can the role log in or do more than a kompass role should (the owner: or inherit)?"""
    row = conn.execute(
        "SELECT rolcanlogin OR rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls OR (rolinherit AND %s) "
        "FROM pg_roles WHERE rolname = %s", (owner, role)
    ).fetchone()
    return bool(row[0])


def _may_create_roles(conn: Any) -> bool:
    return bool(conn.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user").fetchone()[0])


def _installed(conn: Any) -> bool:
    return bool(conn.execute("SELECT to_regprocedure('kompass_guard_events()') IS NOT NULL").fetchone()[0])


def _is_superuser(conn: Any) -> bool:
    return bool(conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0])


def _is_member(conn: Any, member: str, role: str, *, admin: bool) -> bool:
    query = (
        "SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member "
        "WHERE r.rolname = %s AND u.rolname = COALESCE(NULLIF(%s, ''), current_user) AND (m.admin_option OR NOT %s))"
    )
    return bool(conn.execute(query, (role, member, admin)).fetchone()[0])


SETUP_DENIED = "setting up the store's database roles needs a PostgreSQL superuser"
GRANT_DENIED = "only an admin may grant or revoke roles"


def _retrying(step: Callable[[], object], denied: str = SETUP_DENIED, attempts: int = 5) -> None:
    import psycopg

    for attempt in range(attempts):
        try:
            step()
            return
        except psycopg.Error as error:
            if error.sqlstate == REFUSED:
                raise PermissionDenied(str(error.diag.message_primary or error).splitlines()[0]) from None
            if error.sqlstate == BAD_REQUEST:
                raise InvalidValue(str(error.diag.message_primary or error).splitlines()[0]) from None
            if error.sqlstate == "42501":
                raise PermissionDenied(f"{denied}: {str(error).splitlines()[0]}") from None
            if error.sqlstate not in RACES or attempt == attempts - 1:
                raise StorageUnavailable(f"cannot set up the store's database roles: {str(error).splitlines()[0]}") from None
            time.sleep(0.05 * (attempt + 1))


@contextmanager
def _connection(location: StoreLocation) -> Iterator[Any]:
    import psycopg

    try:
        conn = psycopg.connect(
            host=location.host, port=location.port, dbname=location.dbname, user=location.user,
            password=location.password or None, connect_timeout=5, autocommit=True,
        )
    except psycopg.Error as error:
        raise StorageUnavailable(f"cannot reach the store at {location.shown_url}: {str(error).splitlines()[0]}") from None
    try:
        yield conn
    finally:
        conn.close()
