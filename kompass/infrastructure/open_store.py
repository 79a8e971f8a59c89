"""An opened kompass store: where it is, who uses it, and the adapters over its log and tables.

What the application's services are made of; `bootstrap.Store` adds the services themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError as SqlOperationalError

from kompass.application.identity import Identity, require_may_act
from kompass.application.permissions import Access
from kompass.application.service import Kompass
from kompass.domain.errors import StorageUnavailable
from kompass.domain.framework import Framework
from kompass.domain.text import normal, require_user_id
from kompass.domain.vocabulary import REGIONS
from kompass.infrastructure.database import make_engine
from kompass.infrastructure.durability import durability_warnings
from kompass.infrastructure.event_appends import AtomicAppender
from kompass.infrastructure.event_reads import NotificationFacts
from kompass.infrastructure.eventstore import events_table, open_application
from kompass.infrastructure.frameworks import load_framework
from kompass.infrastructure.output_files import StoreFiles
from kompass.infrastructure.person_keys import PersonKeys, person_keys_dir
from kompass.infrastructure.persons import PersonRegister
from kompass.infrastructure.projections.network.cache import NetworkCache
from kompass.infrastructure.projections.projector import Projector
from kompass.infrastructure.projections.read_model import ReadModel
from kompass.infrastructure.rebuild_lock import REBUILDING
from kompass.infrastructure.settings import StoreLocation, locate
from kompass.infrastructure.signing import key_path, user_key_path
from kompass.infrastructure.store_presence import creation_lock, require_creatable, require_store
from kompass.infrastructure.tlog import TransparencyLog
from kompass.infrastructure.users import UserRegister
from kompass.infrastructure.whoami import os_account

__all__ = ["OpenStore"]


class OpenStore:
    """An opened kompass store, and who is using it.

    Who is established here, never taken from the caller: on SQLite the operating-system account,
    on PostgreSQL the server's `session_user` (`identity.real`). `as_user` (`--as`, KOMPASS_USER)
    names whom to act as; only an admin may name someone else (application/identity.py), and that
    is checked as the store opens, before any read or write.

    Only `create=True` (init, demo, a restore) makes a new store, whose first admin is `admin`
    (default: the real identity), named by a `user.grant` event recorded by the real identity in
    the store's first transaction; with `restore` it has no admin until the restore names them
    (`Kompass.restore`). Without `create` a store that does not exist is refused (exit 7)
    and nothing is created or granted.
    """

    def __init__(
        self,
        url: str | None,
        as_user: str | None = None,
        today: Callable[[], date] = date.today,
        *,
        create: bool = False,
        admin: str | None = None,
        restore: bool = False,
    ) -> None:
        self.location: StoreLocation = locate(url)
        self.today = today
        self.framework: Framework = load_framework(None)
        self.created = False
        if admin is not None:
            require_user_id(admin, "the user id of a store's first admin")  # before anything is made
        if as_user:
            require_user_id(normal(as_user), "--as")
        if not create:
            require_store(self.location)
            self._open()
        else:
            require_creatable(self.location)
            with creation_lock(self.location):
                self._open()
                self.log.ensure_identity()
                self.created = self.kompass.initialise(None if restore else admin or self.real, by=self.real)
                if self.location.backend == "postgres":
                    self._install_database_rules()
        self.identity = Identity(self.real, normal(as_user) if as_user else self.real)
        if self.identity.on_behalf and not (restore and self.created):  # a store just made for a restore is its maker's
            require_may_act(self.identity, self.users.grants_of(self.real))
        if not create:
            self._seal_person_register()

    @property
    def user(self) -> str:
        """Whom this store acts as (the real identity unless an admin named another)."""
        return self.identity.acting

    def _open(self) -> None:
        self.app = open_application(self.location)
        try:
            self.engine: Engine = make_engine(self.location)
            self.projector.ensure_tables()
            self.real = self._established_identity()
        except SqlOperationalError as error:
            raise StorageUnavailable(f"cannot open the read tables at {self.location.shown_url}: {error.orig}") from None
        self.warnings = durability_warnings(self.app.recorder, self.location.backend)
        if self.projector.rebuild_under_way():
            self.warnings.append(REBUILDING)
        self.log = TransparencyLog(self.engine, self.app.mapper, events_table(self.app), self.location.backend, self.real)
        appender = AtomicAppender(self.app, self.location.backend, self.log, self.real)
        self.kompass = Kompass(self.app, appender, self.framework, self.today, self.users.admins, users=self.users)

    def _established_identity(self) -> str:
        """The OS account on SQLite; on PostgreSQL the login the server authenticated (kompass ids are role names)."""
        if self.location.backend == "sqlite":
            return os_account()
        with self.engine.connect() as conn:
            return normal(str(conn.execute(text("SELECT session_user")).scalar()))

    def _seal_person_register(self) -> None:
        """A register an older kompass kept in clear text is encrypted the first time an admin opens the store
        (docs/usage.md, "People"). Only an admin's opening looks: on PostgreSQL others may not read the register,
        and a login the database keeps from it (whatever kompass user it acts as) leaves it to an admin's login."""
        from sqlalchemy.exc import SQLAlchemyError

        if not self.access().grants.is_admin:
            return
        try:
            if not self.persons.holds_clear_text():
                return
        except SQLAlchemyError:
            return  # this login may not read the register
        sealed = self.persons.seal()
        self.warnings.append(
            f"encrypted the contact details of {sealed} people, which an older kompass kept in clear text; "
            f"their keys are in {self.persons.keys.directory}"
        )

    def _install_database_rules(self) -> None:
        """On PostgreSQL the database enforces the roles itself (kompass.infrastructure.pg_roles)."""
        from kompass.infrastructure import pg_roles

        snapshots: Any = self.app.snapshots.recorder if self.app.snapshots else None
        snapshots_table = snapshots.events_table_name if snapshots is not None else "kompass_snapshots"
        pg_roles.install(self.location, events_table(self.app), str(snapshots_table))

    @property
    def reference_events(self) -> int:
        """How many events every new store starts with (the regions' actors and portfolios)."""
        return 2 * len(REGIONS)

    def is_empty(self) -> bool:
        """Nothing but the reference data every store begins with: what a restore may go into."""
        return self.facts.head() <= self.reference_events

    @cached_property
    def facts(self) -> NotificationFacts:
        return NotificationFacts(self.app, self.location.backend)

    @cached_property
    def projector(self) -> Projector:
        return Projector(self.engine, self.facts, self.framework.area_keys, location=self.location)

    @cached_property
    def users(self) -> UserRegister:
        return UserRegister(self.app, self.facts)

    @cached_property
    def persons(self) -> PersonRegister:
        return PersonRegister(self.engine, PersonKeys(person_keys_dir(self.log.store_id)))

    def own_files(self) -> StoreFiles:
        """The files no output may replace: the SQLite database and its companions, the signing keys, the person keys."""
        store_id = self.log.store_id
        database = self.location.path if self.location.backend == "sqlite" else None
        return StoreFiles.of(database, [key_path(store_id), user_key_path(self.user)], [person_keys_dir(store_id)])

    @cached_property
    def network_cache(self) -> NetworkCache:
        return NetworkCache(self.engine)

    @cached_property
    def read_model(self) -> ReadModel:
        return ReadModel(self.engine)

    def access(self) -> Access:
        return Access(self.users.grants_of(self.identity.acting), real=self.identity.real)

    def real_access(self) -> Access:
        """The permissions of who really runs kompass (not of whom an admin acts as): for what is theirs by
        making it, such as the demo store they create."""
        return Access(self.users.grants_of(self.identity.real))

    def fresh_read_model(self) -> ReadModel:
        """The read model, first brought up to the head of the log (cheap when it is there)."""
        self.projector.catch_up()
        return self.read_model

    def past_index(self) -> ReadModel | None:
        """The bitemporal rows for `--as-of` / `--known-at` questions when they are at the head of the log
        (caught up first where this role may write); None when they are not: the caller replays."""
        from sqlalchemy.exc import SQLAlchemyError

        from kompass.infrastructure.projections.layout import BITEMPORAL as NAME

        try:
            self.projector.catch_up()
        except SQLAlchemyError:
            return None  # a role that may not write, behind the head: the replay answers
        if any(s.name == NAME and s.behind > 0 for s in self.projector.status()):
            return None
        return self.read_model

    def close(self) -> None:
        self.app.close()
        self.engine.dispose()
