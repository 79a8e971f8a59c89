"""The JSON shapes of docs/definitions.md, built from reports and records. Other programs read these."""

from __future__ import annotations

from typing import Any

from kompass.application.coverage import CoverageReport
from kompass.application.coverage_grid import coverage_grid, grid_changes
from kompass.application.json_shape import to_plain
from kompass.application.records import ActorLookup, ActorRecord, InitiativeRecord, current_participants, initiative_facts


def coverage_json(report: CoverageReport, region: str | None = None, area: str | None = None) -> dict[str, Any]:
    """`coverage --format json`: the grid (`coverage_grid`), written out."""
    return dict(to_plain(coverage_grid(report, region, area)))


def gaps_json(report: CoverageReport, region: str | None = None, area: str | None = None) -> dict[str, Any]:
    def keep(r: str, a: str) -> bool:
        return (region is None or r == region) and (area is None or a == area)

    return {
        "as_of": report.as_of.isoformat(),
        "gaps": [{"region": r, "area": a, "kind": k} for r, a, k in report.gap_list() if keep(r, a)],
        "declared_unbacked": [{"region": r, "area": a} for r, a in report.declared_unbacked if keep(r, a)],
    }


def initiative_json(record: InitiativeRecord, actors: ActorLookup) -> dict[str, Any]:
    facts = initiative_facts(record, actors)
    return {
        "ref": record.ref,
        "region": record.region,
        "regions": sorted(facts.regions),
        "title": record.title,
        "description": record.description,
        "areas": list(record.areas),
        "type": record.type,
        "orientation": record.orientation,
        "roles": list(record.roles),
        "status": record.status,
        "participants": [{"actor": k, "role": v} for k, v in current_participants(record, actors).items()],
        "funding": list(record.funding),
        "budget_sek": record.budget_sek,
        "results": list(record.results),
        "indicators": [{"name": n, **i} for n, i in record.indicators.items()],
        "proposed_on": record.proposed_on,
        "updated_on": record.updated_on,
        "planned_start": record.planned_start,
        "planned_end": record.planned_end,
    }


def actor_json(actor: ActorRecord) -> dict[str, Any]:
    return {
        "key": actor.key,
        "name": actor.name,
        "kind": actor.kind,
        "region": actor.region,
        "merged_into": actor.merged_into,
        "former_names": list(actor.former_names),
    }


def coverage_diff(before: CoverageReport, after: CoverageReport) -> list[dict[str, Any]]:
    """Every (region, area) field that differs between two reports, gaps included."""
    return [to_plain(c) for c in grid_changes(coverage_grid(before), coverage_grid(after))]
