"""Present-time coverage read straight from a current SQLite store, with the stdlib `sqlite3` only.

Why: opening a `Store` imports SQLAlchemy and the eventsourcing library and sets the store up,
which costs about ten times Python's own start-up (issue 7). A present-time `kompass gaps` or
`kompass coverage` needs only three small tables, and only when the projections are already at
the head of the log. This module answers that case and nothing else: whenever it cannot be sure
that the full path would read the very same rows without first writing anything (the store is
missing, not in WAL mode, not writable, not initialised, lacks a table, or a projection is behind
or ahead), it returns None and the caller opens the `Store` as before, which catches up first and
reports any problem with its usual messages.

It names the read model's tables and columns from `layout`, which imports nothing, as the schemas
that create them do; the library's event table is named here (the library imports SQLAlchemy), and
a test holds that name equal to the library's.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from fractions import Fraction
from pathlib import Path
from uuid import UUID

from kompass.application.coverage import CellNumbers, NationalNumbers
from kompass.application.records import AssessmentRecord
from kompass.domain.errors import KompassError
from kompass.domain.identity import portfolio_id
from kompass.domain.vocabulary import REGIONS
from kompass.infrastructure import rebuild_lock
from kompass.infrastructure.durability import sqlite_warnings
from kompass.infrastructure.projections import layout as L
from kompass.infrastructure.projections.layout import EFFECTIVE, NATIONAL, PROJECTIONS, RECORDED, SCALE, TIME_FORMAT, within
from kompass.infrastructure.settings import sqlite_lock_timeout

EVENTS_TABLE = "stored_events"
"""The library's event table on SQLite; its rowid is the notification id (`max_notification_id`)."""
NEEDED_TABLES = frozenset({EVENTS_TABLE, L.TRACKING, L.COVERAGE, L.NATIONAL_COVERAGE, L.ASSESSMENTS, "kompass_users"})
"""What a present-time question reads: every projection must be at the head (`layout.PROJECTIONS`)."""
PAST_TABLES = frozenset({L.BT_SERIES, L.BT_VERSIONS})
"""What a past question on one axis reads besides: the coverage series and the regions' versions."""
CELL_COLUMNS = ", ".join(L.CELL_NUMBERS)


@dataclass(frozen=True)
class PastPoint:
    """A point on one axis of the coverage series: `--as-of DAY` (everything recorded) or `--known-at
    MOMENT` (every effective date)."""

    axis: str
    point: str
    day: str | None
    moment: str | None


def past_point(as_of: date | None, known_at: datetime | None) -> PastPoint | None:
    """The series' point for a question on exactly one axis; None for any other question."""
    if as_of is not None and known_at is None:
        return PastPoint(EFFECTIVE, as_of.isoformat(), as_of.isoformat(), None)
    if as_of is None and known_at is not None:
        moment = known_at.astimezone(UTC).strftime(TIME_FORMAT)
        return PastPoint(RECORDED, moment, None, moment)
    return None


@dataclass(frozen=True)
class CurrentCoverage:
    """What `ReadModel.coverage_cells` and `ReadModel.assessments` would return, read in one snapshot."""

    head: int
    cells: dict[tuple[str, str], CellNumbers]
    national: dict[str, NationalNumbers]
    assessments: list[AssessmentRecord]
    warnings: list[str]
    """The durability warnings the store would print (`durability.sqlite_warnings`)."""

    def covers(self, regions: Iterable[str], areas: Sequence[str]) -> bool:
        """Every (region, area) cell and every national area is there: the full path's projection
        creates them all when it starts, so a store lacking one is left to it."""
        return all((r, a) in self.cells for r in regions for a in areas) and all(a in self.national for a in areas)


def read_current_coverage(path: Path, initialised: UUID, past: PastPoint | None = None) -> CurrentCoverage | None:
    """The coverage rows of the SQLite store at `path` if its projections are at the head of the log, else None;
    with `past`, the cells and assessments at that point of the coverage series instead.

    `initialised` is the id of an aggregate every initialised store holds (the full path would
    otherwise record the reference events first). Nothing here writes, and nothing here raises
    for a store the full path could open: any doubt returns None.
    """
    try:
        if not path.is_file() or not os.access(path, os.R_OK | os.W_OK) or not os.access(path.parent, os.W_OK):
            return None  # the full path creates the file, or refuses a read-only store with its own message
        timeout = sqlite_lock_timeout()
    except (OSError, KompassError):
        return None
    try:
        # mode=rw: never create the file; the library's own connection has autocommit and the default pragmas too
        conn = sqlite3.connect(f"{path.as_uri()}?mode=rw", uri=True, isolation_level=None, timeout=timeout)
    except sqlite3.Error:
        return None
    try:
        current = _read(conn, initialised, past)
        if current is not None and rebuild_lock.under_way(path):
            current.warnings.append(rebuild_lock.REBUILDING)
        return current
    except (sqlite3.Error, ValueError, TypeError, KeyError):
        return None
    finally:
        conn.close()


def _read(conn: sqlite3.Connection, initialised: UUID, past: PastPoint | None) -> CurrentCoverage | None:
    if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
        return None  # the library switches the file to WAL when it opens it: let it
    warnings = sqlite_warnings(conn.cursor())
    conn.execute("BEGIN")  # one read snapshot: head, positions and rows agree even while a worker commits
    try:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not (NEEDED_TABLES | (PAST_TABLES if past is not None else frozenset())).issubset(tables):
            return None
        head = int(conn.execute(f"SELECT MAX(rowid) FROM {EVENTS_TABLE}").fetchone()[0] or 0)
        positions = {name: int(position) for name, position in conn.execute(f"SELECT projection, position FROM {L.TRACKING}")}
        if any(positions.get(name) != head for name in PROJECTIONS):
            return None
        if conn.execute(f"SELECT 1 FROM {EVENTS_TABLE} WHERE originator_id = ? LIMIT 1", (initialised.hex,)).fetchone() is None:
            return None  # a store `init` has not finished: the full path answers for it
        cells = {
            (region, area): CellNumbers(int(n), Fraction(weighted60, SCALE), int(pipeline), Fraction(budget60, SCALE), int(actors))
            for region, area, n, weighted60, pipeline, budget60, actors in conn.execute(
                f"SELECT region, area, {CELL_COLUMNS} FROM {L.COVERAGE}"
            )
        }
        national = {
            area: NationalNumbers(int(n), Fraction(weighted60, SCALE))
            for area, n, weighted60 in conn.execute(f"SELECT area, {', '.join(L.NATIONAL_NUMBERS)} FROM {L.NATIONAL_COVERAGE}")
        }
        assessments = [
            AssessmentRecord(region, int(year), score, light, dict(json.loads(focus)), effective)
            for region, year, score, light, focus, effective in conn.execute(
                f"SELECT region, year, score, light, focus, effective FROM {L.ASSESSMENTS}"
            )
        ]
        if past is not None:
            cells, national, assessments = _read_past(conn, past, cells, national)
    finally:
        conn.execute("ROLLBACK")
    return CurrentCoverage(head, cells, national, assessments, warnings)


def _read_past(
    conn: sqlite3.Connection, past: PastPoint, cells: dict[tuple[str, str], CellNumbers], national: dict[str, NationalNumbers]
) -> tuple[dict[tuple[str, str], CellNumbers], dict[str, NationalNumbers], list[AssessmentRecord]]:
    """The present cells' and national areas' numbers at `past` (`coverage_series.reader.cells_at`), and the
    regions' assessments then (`BitemporalReader.past_regions`)."""
    query = (
        f"SELECT {CELL_COLUMNS} FROM {L.BT_SERIES} "
        "WHERE axis = ? AND region = ? AND area = ? AND point <= ? ORDER BY point DESC LIMIT 1"
    )

    def at(region: str, area: str) -> tuple[int, int, int, int, int]:
        row = conn.execute(query, (past.axis, region, area, past.point)).fetchone()
        return (0, 0, 0, 0, 0) if row is None else tuple(int(x) for x in row)  # type: ignore[return-value]

    then = {}
    for region, area in cells:
        n, weighted60, pipeline, budget60, actors = at(region, area)
        then[(region, area)] = CellNumbers(n, Fraction(weighted60, SCALE), pipeline, Fraction(budget60, SCALE), actors)
    national_then = {}
    for area in national:
        n, weighted60, *_ = at(NATIONAL, area)
        national_then[area] = NationalNumbers(n, Fraction(weighted60, SCALE))
    ids = [str(portfolio_id(code)) for code in REGIONS]
    marks = ", ".join("?" * len(ids))
    rows = conn.execute(f"SELECT payload, eff_from, eff_to, rec_from, rec_to FROM {L.BT_VERSIONS} WHERE aggregate_id IN ({marks})", ids)
    assessments = []
    for payload, eff_from, eff_to, rec_from, rec_to in rows:
        if within(eff_from, eff_to, past.day) and within(rec_from, rec_to, past.moment):
            assessments += [AssessmentRecord(**a) for a in json.loads(payload).get("assessments", [])]
    return then, national_then, assessments

