"""The evaluation's own national tables: the mix of activity types, orientation, the coordinators'
five roles, funding by source, results by type and declared focus per area.

Each table is a plain count over the year's state (see docs/reports.md for the definitions):
the first four over the initiatives that count at the year's end, each once however many
regions it has; results over every result effective during the year; focus over the year's
self-assessments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kompass.application.records import InitiativeRecord
from kompass.domain.status import COUNTING
from kompass.domain.vocabulary import COORDINATOR_ROLES, FOCUS_LEVELS, FUNDING_SOURCES, INITIATIVE_TYPES, ORIENTATIONS, RESULT_TYPES

FOCUS_ORDER = tuple(reversed(FOCUS_LEVELS))
"""high, medium, low, none: the order the focus table is read in."""


@dataclass(frozen=True)
class NationalTables:
    """The six tables for one year; every key is present, zeros included."""

    types: Mapping[str, int]
    orientation: Mapping[str, int]
    roles: Mapping[str, int]
    funding: Mapping[str, int]
    results: Mapping[str, int]
    focus: Mapping[str, Mapping[str, int]]

    def to_json(self) -> dict[str, Any]:
        return {
            "types": dict(self.types),
            "orientation": dict(self.orientation),
            "roles": dict(self.roles),
            "results": dict(self.results),
            "funding": dict(self.funding),
            "focus": {area: dict(levels) for area, levels in self.focus.items()},
        }


def national_tables(
    initiatives: Iterable[InitiativeRecord], year: int, focus_by_region: Iterable[Mapping[str, str]], areas: Iterable[str]
) -> NationalTables:
    """The tables from the initiatives at the end of `year` and the declared focus of each of the year's self-assessments."""
    records = list(initiatives)
    counting = [r for r in records if r.status in COUNTING]
    types = dict.fromkeys(INITIATIVE_TYPES, 0)
    orientation = dict.fromkeys(ORIENTATIONS, 0)
    roles = dict.fromkeys(COORDINATOR_ROLES, 0)
    funding = dict.fromkeys(FUNDING_SOURCES, 0)
    for record in counting:
        types[record.type] = types.get(record.type, 0) + 1
        orientation[record.orientation] = orientation.get(record.orientation, 0) + 1
        for role in set(record.roles):
            roles[role] = roles.get(role, 0) + 1
        for line in record.funding:
            if int(line["year"]) == year:
                funding[line["source"]] = funding.get(line["source"], 0) + int(line["amount_sek"])
    results = dict.fromkeys(RESULT_TYPES, 0)
    for record in records:
        for result in record.results:
            if result["effective"][:4] == str(year):
                results[result["type"]] = results.get(result["type"], 0) + 1
    area_keys = tuple(areas)
    focus = {area: dict.fromkeys(FOCUS_ORDER, 0) for area in area_keys}
    for declared in focus_by_region:
        for area in area_keys:
            focus[area][declared.get(area, "none")] += 1
    return NationalTables(types, orientation, roles, funding, results, focus)
