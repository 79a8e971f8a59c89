"""`initiative list` and `initiative show`: which initiatives a coordinator asks for, and their rows.

A misspelt filter is refused rather than answered with an empty list. Filters the read model
cannot index (orientation, coordinator role, a participating actor, a year) are applied to the
records it returns; the year needs the log (which initiatives made up that year's portfolio).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kompass.application.ports import FactLog, PastStates, ReadModelPort
from kompass.application.queries import list_initiatives
from kompass.application.records import ActorLookup, InitiativeRecord, current_participants, resolve
from kompass.application.reports.year import live_in_year, replay_year
from kompass.application.views import initiative_json
from kompass.domain.errors import NotFound
from kompass.domain.framework import Framework
from kompass.domain.status import STATUSES
from kompass.domain.vocabulary import (
    COORDINATOR_ROLES,
    INITIATIVE_TYPES,
    ORIENTATIONS,
    region_actor_key,
    require_one_of,
    require_region,
    require_year,
)

TABLE_COLUMNS = ("ref", "region", "status", "type", "areas", "title")
CSV_COLUMNS = (
    "ref", "region", "status", "type", "orientation", "areas", "roles", "title", "budget_sek", "partners",
    "planned_start", "planned_end",
)
"""What a program reading `initiative list --format csv` gets: one row per initiative, lists joined by `;`."""
SHOW_CSV_COLUMNS = (*CSV_COLUMNS, "regions", "description", "participants", "funding", "results", "indicators",
                    "proposed_on", "updated_on")


@dataclass(frozen=True)
class InitiativeFilter:
    region: str | None = None
    area: str | None = None
    status: str | None = None
    type: str | None = None
    orientation: str | None = None
    role: str | None = None
    """A coordinator role the initiative exercises."""
    actor: str | None = None
    """An actor taking part (the lead region included; a merged key stands for its survivor)."""
    year: int | None = None
    """Initiatives of that year's portfolio, as the annual report counts them."""

    def check(self, framework: Framework) -> None:
        if self.region is not None:
            require_region(self.region)
        if self.area is not None:
            framework.require_area(self.area)
        if self.status is not None:
            require_one_of(self.status, STATUSES, "status")
        if self.type is not None:
            require_one_of(self.type, INITIATIVE_TYPES, "initiative type")
        if self.orientation is not None:
            require_one_of(self.orientation, ORIENTATIONS, "orientation")
        if self.role is not None:
            require_one_of(self.role, COORDINATOR_ROLES, "coordinator role")
        if self.year is not None:
            require_year(self.year)


def find_initiatives(
    read_model: ReadModelPort,
    log: FactLog,
    framework: Framework,
    wanted: InitiativeFilter,
    as_of: date | None = None,
    known_at: datetime | None = None,
    index: PastStates | None = None,
) -> list[dict[str, Any]]:
    """The initiatives that pass every filter, as JSON objects (the shape `initiative list --format json` prints);
    past ones from the bitemporal rows when `index` is given, else replayed."""
    wanted.check(framework)
    records, actors = list_initiatives(
        read_model, log, region=wanted.region, area=wanted.area, status=wanted.status, type=wanted.type,
        as_of=as_of, known_at=known_at, index=index,
    )
    if wanted.actor is not None and wanted.actor not in actors and not wanted.actor.startswith("region-"):
        raise NotFound(f"no actor with key {wanted.actor!r}")
    records = [r for r in records if _passes(r, wanted, actors.get)]
    if wanted.year is not None:
        in_year = live_in_year(replay_year(log.facts(), wanted.year))
        records = [r for r in records if r.ref in in_year]
    return [initiative_row(r, actors.get) for r in records]


def _passes(record: InitiativeRecord, wanted: InitiativeFilter, actors: ActorLookup) -> bool:
    if wanted.orientation is not None and record.orientation != wanted.orientation:
        return False
    if wanted.role is not None and wanted.role not in record.roles:
        return False
    if wanted.actor is not None:
        return resolve(wanted.actor, actors).key in current_participants(record, actors)
    return True


def show_initiative(
    read_model: ReadModelPort, log: FactLog, ref: str, as_of: date | None = None, known_at: datetime | None = None,
    index: PastStates | None = None,
) -> dict[str, Any]:
    records, actors = list_initiatives(read_model, log, ref=ref, as_of=as_of, known_at=known_at, index=index)
    record = next(iter(records), None)
    if record is None:
        raise NotFound(f"no initiative with ref {ref!r}" + (" at that time" if as_of or known_at else ""))
    return initiative_row(record, actors.get)


def initiative_row(record: InitiativeRecord, actors: ActorLookup) -> dict[str, Any]:
    """The initiative's JSON object with `partners`: the actors taking part besides the lead region."""
    data = initiative_json(record, actors)
    data["partners"] = [p["actor"] for p in data["participants"] if p["actor"] != region_actor_key(record.region)]
    return data


def flat_row(data: dict[str, Any]) -> dict[str, Any]:
    """One initiative as one CSV row: nested lists written out in words, `;` between items."""
    row = dict(data)
    row["participants"] = [f"{p['actor']}={p['role']}" for p in data["participants"]]
    row["funding"] = [f"{f['source']}:{f['amount_sek']}:{f['year']}" for f in data["funding"]]
    row["results"] = [f"{r['type']}: {r['text']}" for r in data["results"]]
    row["indicators"] = [
        f"{i['name']}={i['measurements'][-1][1] if i['measurements'] else '-'}/{i['target']}{i['unit']}" for i in data["indicators"]
    ]
    return row
