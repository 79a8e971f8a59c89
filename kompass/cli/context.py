"""What every command shares: the store to open, the acting user, and error handling."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kompass.application.when import When

if TYPE_CHECKING:
    from kompass.application.coverage import CoverageReport
    from kompass.application.coverage_queries import CoverageQueries
    from kompass.infrastructure.bootstrap import Store

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Settings:
    db: str | None
    as_user: str | None
    """`--as` / KOMPASS_USER: whom to act as (admins only); None acts as yourself, as the store establishes you."""
    _store: Store | None = field(default=None, repr=False)

    def store(self, *, create: bool = False, admin: str | None = None, restore: bool = False) -> Store:
        """The store at --db; only `create` (init, demo, a restore) makes one where none exists, with `admin`
        (default: you) as its first admin."""
        if self._store is None:
            from kompass.infrastructure.bootstrap import Store

            self._store = Store(self.db, self.as_user, create=create, admin=admin, restore=restore)
            _warn(self._store.warnings)
        return self._store

    def current_coverage(self, as_of: date | None = None, known_at: datetime | None = None) -> CoverageReport | None:
        """The present-time report under the base framework, read without opening the store; None if it cannot be.

        Why: opening the `Store` imports SQLAlchemy and the eventsourcing library, which made a
        present-time `kompass gaps` start ten times slower than click alone (issue 7). On a SQLite
        store whose projections are at the head of the log the answer is three small tables, read
        here with the stdlib (`infrastructure.projections.sqlite_coverage`) and fed to the same report code.
        Anything else (PostgreSQL, a store that is new, behind, read-only or odd) returns None,
        and the caller takes the full path, which catches up first and keeps its own messages.
        With exactly one of `as_of` / `known_at`, the report then, from the coverage series.
        """
        if self._store is not None:
            return None
        from kompass.domain.errors import KompassError
        from kompass.infrastructure.settings import locate

        try:
            location = locate(self.db)
        except (KompassError, OSError):
            return None  # the full path refuses it with its own message
        if location.backend != "sqlite" or location.path is None:
            return None
        if self.as_user and not _is_me(self.as_user):
            return None  # acting on someone's behalf: the full path checks that you may
        from kompass.application.coverage import build_report
        from kompass.domain.identity import portfolio_id
        from kompass.domain.vocabulary import REGIONS
        from kompass.infrastructure.frameworks import load_framework
        from kompass.infrastructure.projections.sqlite_coverage import past_point, read_current_coverage

        past = past_point(as_of, known_at)
        if past is None and (as_of is not None or known_at is not None):
            return None  # both times at once: the full path
        # the last region's portfolio: what `Kompass.is_initialised` looks for
        current = read_current_coverage(location.path, portfolio_id(max(REGIONS)), past)
        if current is None:
            return None
        framework = load_framework(None)
        if not current.covers(REGIONS, framework.area_keys):
            return None
        _warn(current.warnings)
        return build_report(framework, as_of or date.today(), current.cells, current.national, current.assessments)

    def coverage(self) -> CoverageQueries:
        """Coverage, gaps and their change, each report read lean where it can be (`current_coverage`)."""
        from kompass.application.coverage_queries import CoverageQueries

        return CoverageQueries(self._coverage_report)

    def _coverage_report(self, framework: str | None, when: When) -> CoverageReport:
        if framework is None and (when.as_of is None or when.known_at is None):
            current = self.current_coverage(when.as_of, when.known_at)  # the lean read of a current SQLite store (issue 7)
            if current is not None:
                return current
        return self.store().queries().coverage_report(framework, when)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        click.echo(f"Warning: {warning}", err=True)


def _is_me(user: str) -> bool:
    from kompass.domain.errors import KompassError
    from kompass.domain.text import normal
    from kompass.infrastructure.whoami import os_account

    try:
        return normal(user) == os_account()
    except KompassError:
        return False


pass_settings = click.make_pass_decorator(Settings)


def parse_date(value: str | None, what: str = "--as-of") -> date | None:
    if value is None:
        return None
    try:
        if len(value) != 10 or not (value[:4] + value[5:7] + value[8:]).isdigit() or value[4] + value[7] != "--":
            raise ValueError  # YYYY-MM-DD only: Python would also read 2021-W01-1 as a date
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD", param_hint=what) from None


def parse_timestamp(value: str | None, what: str = "--known-at") -> datetime | None:
    """`--known-at`: an ISO timestamp (UTC if no zone is given) or a date (its end, UTC)."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), datetime.max.time(), tzinfo=UTC)
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO timestamp", param_hint=what) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def when_asked(as_of: str | None, known_at: str | None) -> When:
    """`--as-of` and `--known-at` as the point in time a question is asked of (both None: now)."""
    return When(parse_date(as_of), parse_timestamp(known_at))


def effective_option(f: F) -> F:
    return click.option(
        "--effective", metavar="DATE", default=None,
        help="Date from which the change holds (YYYY-MM-DD; default today). Back-date to backfill.",
    )(f)


def time_options(f: F) -> F:
    f = click.option("--known-at", metavar="TIMESTAMP", default=None, help="What the store said at this recording time.")(f)
    return click.option("--as-of", metavar="DATE", default=None, help="What was true on this date (effective dates).")(f)
