"""Where the store lives: one database URL decides the event store and the read tables.

`--db URL` or `KOMPASS_DB`; by default a SQLite file in the user's data directory.
`sqlite:///path/to/file.db` uses the eventsourcing library's own SQLite module and
`postgresql+psycopg://user@host:port/db` its own PostgreSQL module (docs/architecture.md: the
native modules are two to four times faster than its SQLAlchemy module).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from kompass.domain.errors import InvalidValue, StorageUnavailable

DB_ENV = "KOMPASS_DB"
USER_ENV = "KOMPASS_USER"
SQLITE_LOCK_TIMEOUT_ENV = "SQLITE_LOCK_TIMEOUT"
SQLITE_LOCK_TIMEOUT_DEFAULT = 30
"""Seconds a SQLite writer waits for another process's write lock before giving up (exit 7)."""


def sqlite_lock_timeout() -> int:
    """`SQLITE_LOCK_TIMEOUT` (whole seconds, at least 1; the eventsourcing library's own name), else 30."""
    raw = os.environ.get(SQLITE_LOCK_TIMEOUT_ENV, "").strip()
    if not raw:
        return SQLITE_LOCK_TIMEOUT_DEFAULT
    try:
        seconds = int(raw)
    except ValueError:
        seconds = 0
    if seconds < 1:
        raise InvalidValue(f"{SQLITE_LOCK_TIMEOUT_ENV}={raw!r}: give whole seconds, at least 1")
    return seconds


def default_url() -> str:
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('kompass')) / 'kompass.db'}"


@dataclass(frozen=True)
class StoreLocation:
    url: str
    backend: str
    """`sqlite` or `postgres`."""
    path: Path | None = None
    host: str = "127.0.0.1"
    port: int = 5432
    dbname: str = ""
    user: str = ""
    password: str = ""

    @property
    def shown_url(self) -> str:
        """The URL for messages: a password in it is never printed."""
        if not self.password:
            return self.url
        parts = urlsplit(self.url)
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1) if parts.password else parts.netloc
        return parts._replace(netloc=netloc).geturl()

    @property
    def sqlalchemy_url(self) -> str:
        if self.backend == "sqlite":
            return f"sqlite:///{self.path}"
        return self.url if "+psycopg" in self.url else self.url.replace("postgresql://", "postgresql+psycopg://", 1)

    def eventsourcing_env(self) -> dict[str, str]:
        if os.environ.get("POSTGRES_ENABLE_DB_FUNCTIONS", "").strip().lower() in {"y", "yes", "t", "true", "on", "1"}:
            raise StorageUnavailable(
                "POSTGRES_ENABLE_DB_FUNCTIONS is set: kompass refuses it, because a reader following the "
                "log was seen to skip events with it — unset it"
            )
        if self.backend == "sqlite":
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.path),
                "SQLITE_LOCK_TIMEOUT": str(sqlite_lock_timeout()),
            }
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.dbname,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_LOCK_TIMEOUT": "30",
            "POSTGRES_CONNECT_TIMEOUT": "5",
            # one connection, more only while one is busy: the library's default pool opens five at once,
            # so a dozen kompass processes would fill a server's 100 connections (docs/scale-out.md)
            "POSTGRES_POOL_SIZE": "1",
            "POSTGRES_MAX_OVERFLOW": "4",
            "POSTGRES_ENABLE_DB_FUNCTIONS": "",
        }


def locate(url: str | None) -> StoreLocation:
    """Parse a database URL (or the default) into a StoreLocation; refuse what kompass cannot use."""
    url = url or os.environ.get(DB_ENV) or default_url()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        raw = url[len("sqlite:///"):] if url.startswith("sqlite:///") else ""
        if not raw or raw == ":memory:":
            raise InvalidValue(f"--db {url!r}: give a file, e.g. sqlite:///kompass.db")
        return StoreLocation(url=url, backend="sqlite", path=Path(raw).expanduser().resolve())
    if scheme in {"postgresql", "postgresql+psycopg", "postgres"}:
        return StoreLocation(
            url=url if scheme != "postgres" else "postgresql" + url[len("postgres"):],
            backend="postgres",
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            dbname=unquote(parts.path.lstrip("/")) or "postgres",
            user=unquote(parts.username or "") or "postgres",
            password=unquote(parts.password or ""),
        )
    raise InvalidValue(f"--db {url!r}: use sqlite:///FILE or postgresql+psycopg://USER@HOST:PORT/DB")
