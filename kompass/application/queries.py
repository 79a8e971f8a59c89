"""Queries: present-time answers from the materialised tables, past ones by replaying facts."""

from __future__ import annotations

from datetime import date, datetime

from kompass.application.coverage import (
    CoverageReport,
    build_report,
    cells_from_records,
    report_from_state,
)
from kompass.application.ports import FactLog, PastStates, ReadModelPort
from kompass.application.records import ActorRecord, InitiativeRecord
from kompass.application.state import PortfolioState, fold
from kompass.domain.framework import Framework
from kompass.domain.text import normal
from kompass.domain.vocabulary import region_actor_key


def is_present(as_of: date | None, known_at: datetime | None) -> bool:
    return as_of is None and known_at is None


def past_state(log: FactLog, as_of: date | None, known_at: datetime | None, index: PastStates | None = None) -> PortfolioState:
    """The whole portfolio as it was: from the bitemporal rows when `index` is given, else by replaying
    the log (the reference the rows are tested against, and what `verify` compares with)."""
    if index is not None:
        return index.past_state(as_of, known_at)
    return fold(log.facts(), as_of, known_at)


def coverage_report(
    read_model: ReadModelPort,
    log: FactLog,
    framework: Framework,
    today: date,
    as_of: date | None = None,
    known_at: datetime | None = None,
    index: PastStates | None = None,
) -> CoverageReport:
    if not is_present(as_of, known_at):
        return past_coverage(log, framework, today, as_of, known_at, index)
    if framework.crosswalk is None:
        cells, national = read_model.coverage_cells()
        return build_report(framework, today, cells, national, read_model.assessments())
    actors = read_model.actors()
    cells, national = cells_from_records(read_model.initiatives(), actors.get, framework)
    return build_report(framework, today, cells, national, read_model.assessments())


def past_coverage(
    log: FactLog, framework: Framework, today: date, as_of: date | None, known_at: datetime | None, index: PastStates | None = None
) -> CoverageReport:
    """Coverage at a past point: from the rows kept in advance where they answer it, else from the past state."""
    if index is not None and (report := index.past_coverage(framework, today, as_of, known_at)) is not None:
        return report
    return report_from_state(past_state(log, as_of, known_at, index), framework, as_of or today)


def list_initiatives(
    read_model: ReadModelPort,
    log: FactLog,
    *,
    region: str | None = None,
    area: str | None = None,
    status: str | None = None,
    type: str | None = None,
    ref: str | None = None,
    as_of: date | None = None,
    known_at: datetime | None = None,
    index: PastStates | None = None,
) -> tuple[list[InitiativeRecord], dict[str, ActorRecord]]:
    ref = normal(ref) if ref is not None else None  # refs are compared in NFC, as they are stored
    if is_present(as_of, known_at):
        records = read_model.initiatives(region=region, status=status, type=type, ref=ref)
        actors = read_model.actors()
    else:
        state = past_state(log, as_of, known_at, index)
        actors = state.actors
        records = sorted(state.initiatives.values(), key=lambda r: r.ref)
        records = [
            r
            for r in records
            if (status is None or r.status == status)
            and (type is None or r.type == type)
            and (ref is None or r.ref == ref)
            and (region is None or region == r.region or region_actor_key(region) in r.participants)
        ]
    if area is not None:
        records = [r for r in records if area in r.areas]
    return records, actors

