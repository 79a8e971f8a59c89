"""Faults at the edges of the store (issue 7), made to happen on purpose and in-process, so that each
case is deterministic: a write landing in the middle of an import, a server that trades durability
for speed, a lock-timeout setting, a password in a URL, text or numbers no store can keep."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from kompass.application.commands import Command, FundInitiative, ProposeInitiative, RecordResult, RegisterActor
from kompass.domain.errors import ConcurrentChange, InvalidValue, StorageUnavailable
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.settings import locate, sqlite_lock_timeout
from tests.conftest import PG_UNAVAILABLE, drop_pg_database, new_pg_database
from tests.integration.helpers import as_json, invoke, ok, refused

REF = "14-faults"


def propose(store: Store, ref: str = REF) -> None:
    store.kompass.execute(ProposeInitiative(ref=ref, region="14", title="Fel", areas=("security",), type="training"), store.access())


def events(store: Store) -> int:
    return len(store.app.recorder.select_notifications(start=None, limit=10**7))


def lines(*commands: Command) -> list[tuple[int, Command, None]]:
    return [(n, command, None) for n, command in enumerate(commands, start=1)]


# --- a write lands in the middle of an import ---------------------------------------------------------------


def test_a_write_during_an_import_waits_on_sqlite_and_both_are_kept(sqlite_url: str) -> None:
    """The import takes SQLite's write lock with its first statement (BEGIN IMMEDIATE). With the library's
    deferred BEGIN, the import read, another process committed, and the import's first append was refused
    at once with 'database is locked' (exit 7, as if the store were broken)."""
    importer, writer = Store(sqlite_url, "admin"), Store(sqlite_url, "admin")
    try:
        propose(importer)
        started = threading.Event()
        outcome: dict[str, Any] = {}

        def write() -> None:
            started.set()
            t0 = time.monotonic()
            writer.kompass.execute(RecordResult(ref=REF, type="coordination", text="från en annan process"), writer.access())
            outcome["waited"] = time.monotonic() - t0

        def commands() -> Iterator[tuple[int, Command, None]]:
            yield 1, RecordResult(ref=REF, type="direct", text="importerad 1"), None  # the import has read the initiative
            thread = threading.Thread(target=write)
            thread.start()
            started.wait(10)
            time.sleep(0.5)  # the other write is now waiting for the lock
            outcome["thread"] = thread
            yield 2, RegisterActor(key="imported-actor", name="Aktör", kind="company"), None

        summary = importer.kompass.import_commands(commands(), importer.access())
        outcome["thread"].join(60)
        assert summary.events == 2
        assert outcome["waited"] >= 0.4, "the other write did not wait for the import"
    finally:
        importer.close()
        writer.close()
    texts = [r["text"] for r in as_json(sqlite_url, "initiative", "show", REF)["results"]]
    assert texts == ["importerad 1", "från en annan process"]


class WriteBeforeFirstAppend:
    """An import's appender, with another process's write landing after the import has read what its
    commands name and before its first append: the moment an import does not hold the table lock yet."""

    def __init__(self, inner: Any, write: Callable[[], None]) -> None:
        self.inner = inner
        self.write: Callable[[], None] | None = write

    @contextmanager
    def transaction(self, *, restore: bool = False) -> Iterator[Any]:
        with self.inner.transaction(restore=restore) as append:
            yield _Interrupted(append, self)


class _Interrupted:
    def __init__(self, append: Any, owner: WriteBeforeFirstAppend) -> None:
        self.append = append
        self.owner = owner
        self.get = append.get
        self.get_many = append.get_many

    def __call__(self, events: Any, recorded_by: Any = None) -> None:
        if self.owner.write is not None:
            write, self.owner.write = self.owner.write, None
            write()
        self.append(events, recorded_by)


@pytest.mark.postgres
def test_a_write_during_an_import_makes_the_import_exit_3_on_postgres_and_nothing_of_it_is_kept() -> None:
    """On PostgreSQL an import takes the table lock only at its first append, so a change committed to an
    initiative the import has already read makes the import conflict: exit 3, nothing written, safe to
    run again — which then succeeds. (The natural case of exit 3: an import is not retried by itself.)"""
    if PG_UNAVAILABLE:
        pytest.skip(PG_UNAVAILABLE)
    url = new_pg_database()
    importer, writer = Store(url, "admin"), Store(url, "admin")
    try:
        propose(importer)
        before = events(importer)

        def other_write() -> None:
            writer.kompass.execute(FundInitiative(ref=REF, source="erdf", amount_sek=100, year=2022), writer.access())

        importer.kompass.appender = WriteBeforeFirstAppend(importer.kompass.appender, other_write)
        commands = lines(
            RegisterActor(key="imported-actor", name="Aktör", kind="company"),
            RecordResult(ref=REF, type="direct", text="importerad"),
            RecordResult(ref=REF, type="direct", text="importerad igen"),
        )
        with pytest.raises(ConcurrentChange, match="nothing was written — try again") as refused_import:
            importer.kompass.import_commands(iter(commands), importer.access())
        assert refused_import.value.exit_code == 3
        assert events(importer) == before + 1  # only the other process's funding line
        importer.kompass.import_commands(iter(lines(RecordResult(ref=REF, type="direct", text="importerad"))), importer.access())
        assert events(importer) == before + 2
    finally:
        importer.close()
        writer.close()
    try:
        shown = as_json(url, "initiative", "show", REF)
        assert [r["text"] for r in shown["results"]] == ["importerad"]
        assert shown["funding"] == [{"source": "erdf", "amount_sek": 100, "year": 2022}]
        assert "imported-actor" not in {a["key"] for a in as_json(url, "actor", "list")}
    finally:
        drop_pg_database(url)


def test_exit_3_reaches_the_user_as_one_line(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a ConcurrentChange looks like at the command line (the retries themselves are in test_storage)."""
    from kompass.application import service

    ok(sqlite_url, "initiative", "add", "--ref", REF, "--region", "14", "--title", "x", "--area", "security", "--type", "training")

    def always_conflicting(self: Any, command: Any, access: Any) -> None:
        raise ConcurrentChange("others kept changing the same records at the same time; nothing was written — try again")

    monkeypatch.setattr(service.Kompass, "execute", always_conflicting)
    message = refused(sqlite_url, "initiative", "result", REF, "--type", "direct", "--text", "x", code=3)
    assert "try again" in message


# --- durability warnings -------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_a_server_that_does_not_sync_commits_is_warned_about_but_used() -> None:
    if PG_UNAVAILABLE:
        pytest.skip(PG_UNAVAILABLE)
    import psycopg

    from tests.conftest import PG_ADMIN_URL

    url = new_pg_database()
    try:
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        result = invoke(url, "init")
        assert result.exit_code == 0, result.stderr
        warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
        assert warnings == ["Warning: PostgreSQL synchronous_commit is off: a crash may lose or corrupt committed events"]
    finally:
        drop_pg_database(url)


def test_a_sqlite_store_is_durable_and_says_nothing(sqlite_url: str) -> None:
    store = Store(sqlite_url, "admin")
    try:
        assert store.warnings == []
    finally:
        store.close()
    assert "Warning:" not in ok(sqlite_url, "init").stderr


# --- settings ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "seconds"), [(None, 30), ("", 30), ("1", 1), (" 7 ", 7)])
def test_the_sqlite_lock_timeout_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, value: str | None, seconds: int) -> None:
    if value is None:
        monkeypatch.delenv("SQLITE_LOCK_TIMEOUT", raising=False)
    else:
        monkeypatch.setenv("SQLITE_LOCK_TIMEOUT", value)
    assert sqlite_lock_timeout() == seconds


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "soon"])
def test_a_bad_sqlite_lock_timeout_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SQLITE_LOCK_TIMEOUT", value)
    with pytest.raises(InvalidValue, match="SQLITE_LOCK_TIMEOUT"):
        sqlite_lock_timeout()


def test_a_password_in_the_url_is_never_shown() -> None:
    location = locate("postgresql+psycopg://kompass:s3cret@db.example:5433/kompass")
    assert location.shown_url == "postgresql+psycopg://kompass:***@db.example:5433/kompass"
    assert location.password == "s3cret"
    assert locate("postgresql+psycopg://kompass@db.example/kompass").shown_url == "postgresql+psycopg://kompass@db.example/kompass"


def test_an_unreachable_server_is_named_with_the_reason_and_no_password() -> None:
    with pytest.raises(StorageUnavailable) as error:
        Store("postgresql+psycopg://postgres:s3cret@127.0.0.1:1/kompass", "admin")
    text = str(error.value)
    assert "refused" in text.lower() and "s3cret" not in text and "***" in text


# --- values no store can keep --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--title", "a\udcffb"], "not valid UTF-8 text: b'a\\xffb'"),  # what Python makes of an argument that is not UTF-8
        (["--title", "nul\x00"], "NUL"),
        (["--title", "ok", "--description", "\ud800"], "not valid UTF-8 text"),
    ],
    ids=["undecodable-argument", "nul", "surrogate-description"],
)
def test_text_no_store_can_keep_is_refused_on_the_command_line(sqlite_url: str, args: list[str], expected: str) -> None:
    message = refused(sqlite_url, "initiative", "add", "--ref", REF, "--region", "14", "--area", "security", "--type", "training", *args)
    assert expected in message
    assert refused(sqlite_url, "initiative", "show", REF).startswith("no initiative")


def test_an_implausibly_large_funding_line_is_refused_and_the_store_keeps_working(db_url: str) -> None:
    """Was accepted from the command line (the importer's own bound did not apply), then broke every query
    with a traceback: the budget no longer fit the projection's 64-bit column."""
    ok(db_url, "initiative", "add", "--ref", REF, "--region", "14", "--title", "x", "--area", "security", "--type", "training")
    ok(db_url, "initiative", "status", REF, "active")
    message = refused(db_url, "initiative", "fund", REF, "--source", "erdf", "--amount-sek", "9" * 23, "--year", "2022")
    assert "implausibly large" in message
    ok(db_url, "initiative", "fund", REF, "--source", "erdf", "--amount-sek", str(10**12), "--year", "2022")
    row = next(r for r in as_json(db_url, "coverage")["regions"] if r["region"] == "14")
    assert row["areas"]["security"]["budget_sek"] == 10**12
