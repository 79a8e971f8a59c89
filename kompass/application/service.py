"""The service layer: carry out commands, alone or as a whole file, atomically."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from kompass.application import commands as c
from kompass.application.app import SNAPSHOT_INTERVAL, PortfolioApplication
from kompass.application.handlers import aggregates_named, handle
from kompass.application.permissions import Access, Grants
from kompass.application.ports import AtomicAppender, UserDirectory
from kompass.application.session import Session
from kompass.domain.actor import Actor
from kompass.domain.errors import ConcurrentChange, KompassError
from kompass.domain.framework import Framework
from kompass.domain.portfolio import Portfolio
from kompass.domain.recording import recorded_at
from kompass.domain.user import User
from kompass.domain.vocabulary import REGIONS, region_actor_key, region_actor_name

T = TypeVar("T")

RETRIES = 5
"""How often a command whose aggregates changed under it is tried again on fresh state."""

SYSTEM_USER = "kompass"
"""The author of reference data that kompass registers itself."""

REFERENCE_DATE = date(2018, 7, 12)
"""The government's decision to set up regional digitalisation coordinators (N2018/04129/D)."""

REFERENCE_RECORDED_AT = datetime(2018, 7, 12, tzinfo=UTC)

IMPORT_WINDOW = 2000
"""Commands an import reads ahead: their aggregates are loaded with one query and their events are
appended as one batch, inside the import's single transaction."""

IMPORT_CACHE = 20_000
"""Aggregates an import keeps in memory; beyond that, saved ones are read back when needed."""


class LineRefused(KompassError):
    """A line of an imported file was refused; the whole import was rolled back."""

    def __init__(self, line: int, error: KompassError) -> None:
        super().__init__(f"{line}: {error}")
        self.line = line
        self.error = error
        self.exit_code = error.exit_code


@dataclass(frozen=True)
class ImportSummary:
    commands: int
    events: int


class Kompass:
    """The use cases that change the store. Queries live in application.queries."""

    def __init__(
        self,
        app: PortfolioApplication,
        appender: AtomicAppender,
        framework: Framework,
        today: Callable[[], date] = date.today,
        admins: Callable[[], frozenset[str]] = frozenset,
        users: UserDirectory | None = None,
    ) -> None:
        self.app = app
        self.users = users
        """Who holds a role now: a coordinator assigned to a portfolio must be one of them."""
        self.appender = appender
        self.framework = framework
        self.today = today
        self.admins = admins
        """The store's admins as stored (the rule that one always remains needs them all)."""

    def session(self) -> Session:
        return Session(self.app.repository, self.framework, self.today(), self.admins, self.users)

    def is_initialised(self) -> bool:
        return self.session().has_portfolio(max(REGIONS))

    def initialise(self, first_admin: str | None, by: str) -> bool:
        """Register the 21 regions (actors and portfolios) and name the store's first admin, in one
        transaction; False (and nothing written) if the store already was initialised.

        The reference events are the same bytes in every store (fixed recording time, author,
        date and recorder `kompass`), so two stores holding the same history hold the same log.
        The first admin is a `user.grant` event by whoever creates the store, so a store never
        exists without its admin, and its log says who named them. A store made for a restore
        (`first_admin` None) gets its admins from the export (see `restore`).
        """
        if self.is_initialised():
            return False
        reference = [e for a in reference_aggregates() for e in a.collect_events()]
        grant = [] if first_admin is None else (
            User.register(user=first_admin, role="admin", regions=[], by=by, effective=self.today()).collect_events()
        )
        try:
            with self.appender.transaction() as append:
                append(reference, [SYSTEM_USER] * len(reference))
                if grant:
                    append(grant)
        except ConcurrentChange:
            return False  # another process initialised the store at the same moment
        return True

    def execute(self, command: c.Command, access: Access) -> list[Any]:
        """Carry out one command; retried on fresh state if someone else changed the same thing.
        Returns the events it recorded, so that the caller can say what was done."""
        for _attempt in range(RETRIES):
            session = self.session()
            handle(command, session, access)
            changed = session.changed()
            recorded = [e for aggregate in changed for e in aggregate.pending_events]
            try:
                self._append(session.collect_events())
                return recorded
            except ConcurrentChange:
                continue
        raise ConcurrentChange("others kept changing the same records at the same time; nothing was written — try again")

    def _append(self, events: list[Any]) -> None:
        """Store the events in one transaction, which also signs the log's new checkpoint."""
        with self.appender.transaction() as append:
            append(events)
        self._snapshot_long_histories(
            {e.originator_id for e in events if e.originator_version % SNAPSHOT_INTERVAL == 0 and isinstance(e, SNAPSHOTTED)}
        )

    def import_commands(
        self,
        commands: Iterable[tuple[int, c.Command, datetime | None]],
        access: Access,
        on_progress: Callable[[int], None] | None = None,
    ) -> ImportSummary:
        """Apply a whole file of commands in one transaction, or nothing of it (see `_import`)."""
        return self._import(((line, command, recorded, None) for line, command, recorded in commands), access, on_progress, False)

    def restore_commands(
        self,
        commands: Iterable[tuple[int, c.Command, datetime, str | None]],
        access: Access,
        on_progress: Callable[[int], None] | None = None,
    ) -> ImportSummary:
        """Restore an export: each command with its original recording time and recorder, which the store keeps."""
        return self._import(commands, access, on_progress, True)

    def restore(
        self,
        commands: Iterable[tuple[int, c.Command, datetime, str | None]],
        restorer: str,
        on_progress: Callable[[int], None] | None = None,
    ) -> ImportSummary:
        """Restore an export into the new store `restorer` just made (only reference data in it).

        The restorer made the store, so the restore is theirs to write, on the export's authority: each
        line keeps its `by`, recording time and recorder, and the export's own `user.grant` lines name
        the admins, so the restored log is the exported one. An export that names no admin (made before
        roles were events) leaves the restorer its admin, by a grant recorded now.
        """
        access = Access(Grants(restorer, frozenset({"admin"})))
        summary = self.restore_commands(commands, access, on_progress)
        if not self.admins():
            self.execute(c.GrantRole(user=restorer, role="admin"), access)
        return summary

    def _import(
        self,
        commands: Iterable[tuple[int, c.Command, datetime | None, str | None]],
        access: Access,
        on_progress: Callable[[int], None] | None,
        restore: bool,
    ) -> ImportSummary:
        """Apply a whole file of commands in one transaction, or nothing of it.

        Each command comes with its line number and, for a restore, its original recording time and recorder.

        Commands are taken a window at a time: the aggregates a window names are read in one
        query, and its events are appended together, in command order. Memory stays bounded by
        the window and the cache of aggregates, not by the length of the file.
        """
        count = events = 0
        long_histories: set[Any] = set()
        with self.appender.transaction(restore=restore) as append:
            session = Session(append, self.framework, self.today(), self.admins, self.users)
            for chunk in _windows(commands, IMPORT_WINDOW):
                session.forget_if_over(IMPORT_CACHE)  # everything collected so far has been appended
                session.preload((i for _line, command, _at, _by in chunk for i in aggregates_named(command)), append.get_many)
                pending, recorders = self._apply_window(chunk, session, access)
                long_histories.update(
                    e.originator_id for e in pending if e.originator_version % SNAPSHOT_INTERVAL == 0 and isinstance(e, SNAPSHOTTED)
                )
                if pending:
                    append(pending, recorders if restore else None)
                count += len(chunk)
                events += len(pending)
                if on_progress:
                    on_progress(chunk[-1][0])
        self._snapshot_long_histories(long_histories)
        return ImportSummary(commands=count, events=events)

    @staticmethod
    def _apply_window(
        chunk: list[tuple[int, c.Command, datetime | None, str | None]], session: Session, access: Access
    ) -> tuple[list[Any], list[str | None]]:
        """Carry out a window's commands; their events, in command order (the log keeps the file's order),
        and for each event the recorder its line named (a restore's)."""
        pending: list[Any] = []
        recorders: list[str | None] = []
        for line, command, recorded, recorder in chunk:
            session.restoring = recorded is not None
            try:
                with recorded_at(recorded) if recorded else nullcontext():
                    handle(command, session, access)
            except KompassError as error:
                raise LineRefused(line, error) from None
            events = session.collect_events()
            pending += events
            recorders += [recorder] * len(events)
        return pending, recorders

    def _snapshot_long_histories(self, aggregate_ids: set[Any]) -> None:
        """Imports bypass Application.save, so they take the snapshots it would have taken."""
        for aggregate_id in aggregate_ids:
            self.app.take_snapshot(aggregate_id)


def reference_aggregates() -> list[Any]:
    """The regions' actors and portfolios that every store begins with, recorded at a fixed time."""
    aggregates: list[Any] = []
    with recorded_at(REFERENCE_RECORDED_AT):
        for code in REGIONS:
            aggregates.append(
                Actor.register(
                    key=region_actor_key(code), name=region_actor_name(code), kind="region", region=code,
                    by=SYSTEM_USER, effective=REFERENCE_DATE,
                )
            )
            aggregates.append(Portfolio.open(region=code, by=SYSTEM_USER, effective=REFERENCE_DATE))
    return aggregates


SNAPSHOTTED = tuple(cls.Event for cls in PortfolioApplication.snapshotting_intervals)
"""Events of the aggregates the application snapshots (initiatives). A portfolio's hundredth event once made an
import take a snapshot the library cannot encode (an Assessment), and the import then exited 7."""


def _windows(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` in lists of `size`. An error raised while reading an item (a line that does not parse)
    is raised only after the items before it have been handed out: the first bad line is the one named."""
    iterator = iter(items)
    while True:
        chunk: list[T] = []
        try:
            for item in iterator:
                chunk.append(item)
                if len(chunk) >= size:
                    break
        except Exception as error:
            if chunk:
                yield chunk
            raise error from None
        if not chunk:
            return
        yield chunk
