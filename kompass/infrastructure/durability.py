"""Is the store durable? A committed event must survive a power cut (issue: faults).

SQLite must run in WAL mode with synchronous FULL; PostgreSQL with fsync,
synchronous_commit and full_page_writes on. kompass warns, it does not refuse: a test
server may trade durability for speed on purpose.
"""

from __future__ import annotations

from typing import Any

SQLITE_FULL = 2
POSTGRES_SETTINGS = ("fsync", "synchronous_commit", "full_page_writes")


def durability_warnings(recorder: Any, backend: str) -> list[str]:
    with recorder.datastore.transaction(commit=False) as cursor:
        if backend == "sqlite":
            return sqlite_warnings(cursor)
        return _postgres(cursor)


def sqlite_warnings(cursor: Any) -> list[str]:
    """The warnings for one SQLite connection; public because the lean read path
    (`sqlite_coverage`) opens its own connection and must warn exactly as the store does."""
    warnings = []
    cursor.execute("PRAGMA journal_mode")
    mode = str(cursor.fetchone()[0]).lower()
    if mode != "wal":
        warnings.append(f"SQLite journal_mode is {mode}, not wal: concurrent readers and writers may block")
    cursor.execute("PRAGMA synchronous")
    level = int(cursor.fetchone()[0])
    if level < SQLITE_FULL:
        warnings.append(f"SQLite synchronous is {level}, not FULL (2): a power cut may lose committed events")
    return warnings


def _postgres(cursor: Any) -> list[str]:
    warnings = []
    for setting in POSTGRES_SETTINGS:
        cursor.execute(f"SHOW {setting}")
        row = cursor.fetchone()
        value = str(row[setting] if isinstance(row, dict) else row[0]).lower()
        if value in {"off", "false", "0"}:
            warnings.append(f"PostgreSQL {setting} is off: a crash may lose or corrupt committed events")
    return warnings
