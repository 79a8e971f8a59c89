"""What an edited spreadsheet asks for: the differences from the store, as ordinary commands.

Each command remembers the cell it came from, so a refusal names `SHEET!CELL`. Nothing here
writes: the commands are applied together (all or nothing) by the import, or printed by a dry run.
A row the store has and the sheet lacks is a removal where a command removes (a participant
leaves, a funding line or a result is withdrawn); initiatives, indicators and self-assessments
are never deleted, so their missing rows are refused (cancel an initiative instead).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kompass.application import commands as c
from kompass.application.sheets import CellErrors, CellReader, SheetRow
from kompass.domain.framework import Framework
from kompass.domain.status import FINAL


@dataclass(frozen=True)
class Planned:
    command: c.Command
    cell: str


def plan_changes(
    rows: dict[str, list[SheetRow]],
    current: dict[str, list[dict[str, Any]]],
    framework: Framework,
    errors: CellErrors,
    removals: bool = True,
) -> list[Planned]:
    """The commands that make the store say what the sheets say (only the sheets given are compared).

    `removals` False: rows the store has and the file lacks are left alone (a CSV of a few initiatives).
    """
    diff = _Diff(framework, errors, removals)
    planned: list[Planned] = []
    steps = (
        ("initiatives", diff.initiatives), ("participants", diff.participants), ("funding", diff.funding),
        ("results", diff.results), ("indicators", diff.indicators), ("assessments", diff.assessments),
    )
    for sheet, step in steps:
        if sheet in rows:
            planned += step(rows[sheet], current[sheet])
    return planned


class _Diff:
    def __init__(self, framework: Framework, errors: CellErrors, removals: bool) -> None:
        self.framework, self.errors, self.removals = framework, errors, removals

    def read(self, row: SheetRow) -> CellReader:
        return CellReader(row, self.errors, self.framework)

    def _missing(self, sheet: str, what: str) -> None:
        self.errors.add(f"{sheet}!A1", what)

    # --- initiatives ----------------------------------------------------------------------------

    def initiatives(self, rows: list[SheetRow], current: list[dict[str, Any]]) -> list[Planned]:
        now = {r["ref"]: r for r in current}
        seen: set[str] = set()
        planned: list[Planned] = []
        for row in rows:
            read = self.read(row)
            new = {
                "ref": read.text("ref"), "region": read.text("region"), "title": read.text("title"),
                "description": read.text("description", required=False) or "", "areas": list(read.texts("areas")),
                "type": read.text("type"), "orientation": read.text("orientation"), "roles": list(read.texts("roles")),
                "status": read.text("status"), "start": read.day("start"), "end": read.day("end"),
            }
            if new["ref"] is not None and new["ref"] in seen:
                self.errors.add(row.cells["ref"], f"ref {new['ref']} appears on an earlier row")
                continue
            seen.add(str(new["ref"]))  # a row with a bad cell still names its initiative: it is not missing
            if not new["areas"]:
                self.errors.add(row.cells["areas"], "areas must name at least one strategy area")
            if not new["areas"] or any(new[k] is None for k in ("ref", "region", "title", "type", "orientation", "status")):
                continue
            old = now.get(new["ref"])
            planned += self._new(new, row) if old is None else self._changed(old, new, row)
        if self.removals:
            for ref in sorted(set(now) - seen):
                self._missing("initiatives", f"initiative {ref} is missing: initiatives are never deleted (set its status to cancelled)")
        return planned

    @staticmethod
    def _new(new: dict[str, Any], row: SheetRow) -> list[Planned]:
        ref, cell = new["ref"], row.cells
        planned = [Planned(c.ProposeInitiative(
            ref=ref, region=new["region"], title=new["title"], areas=tuple(new["areas"]), type=new["type"],
            orientation=new["orientation"], roles=tuple(new["roles"]), description=new["description"],
        ), cell["ref"])]
        if new["status"] != "proposed":
            planned.append(Planned(c.ChangeStatus(ref=ref, status=new["status"]), cell["status"]))
        if new["start"] or new["end"]:
            planned.append(Planned(c.ScheduleInitiative(ref=ref, start=new["start"], end=new["end"]), cell["start"]))
        return planned

    def _changed(self, old: dict[str, Any], new: dict[str, Any], row: SheetRow) -> list[Planned]:
        ref, cell = new["ref"], row.cells
        planned: list[Planned] = []
        if new["region"] != old["region"]:
            planned.append(Planned(c.MoveLeadRegion(ref=ref, region=new["region"]), cell["region"]))
        if (new["title"], new["description"]) != (old["title"], old["description"]):
            changed = "title" if new["title"] != old["title"] else "description"
            planned.append(Planned(c.RetitleInitiative(ref=ref, title=new["title"], description=new["description"]), cell[changed]))
        planned += [Planned(c.TagArea(ref=ref, area=a), cell["areas"]) for a in new["areas"] if a not in old["areas"]]
        planned += [Planned(c.UntagArea(ref=ref, area=a), cell["areas"]) for a in old["areas"] if a not in new["areas"]]
        if new["type"] != old["type"]:
            planned.append(Planned(c.RetypeInitiative(ref=ref, type=new["type"]), cell["type"]))
        if new["orientation"] != old["orientation"]:
            planned.append(Planned(c.ReorientInitiative(ref=ref, orientation=new["orientation"]), cell["orientation"]))
        if set(new["roles"]) != set(old["roles"]):
            planned.append(Planned(c.ChangeRoles(ref=ref, roles=tuple(new["roles"])), cell["roles"]))
        if new["status"] != old["status"]:
            if old["status"] in FINAL:
                self.errors.add(cell["status"], f"{ref} is {old['status']}: reopen it with `kompass initiative reopen` and a reason first")
            else:
                planned.append(Planned(c.ChangeStatus(ref=ref, status=new["status"]), cell["status"]))
        if (new["start"], new["end"]) != (old["start"], old["end"]):
            planned.append(Planned(c.ScheduleInitiative(ref=ref, start=new["start"], end=new["end"]), cell["start"]))
        return planned

    # --- the parts of initiatives ---------------------------------------------------------------

    def participants(self, rows: list[SheetRow], current: list[dict[str, Any]]) -> list[Planned]:
        now = {(r["ref"], r["actor"]): r["role"] for r in current}
        given: dict[tuple[str, str], tuple[str, SheetRow]] = {}
        for row in rows:
            read = self.read(row)
            ref, actor, role = read.text("ref"), read.text("actor"), read.text("role")
            if ref is None or actor is None or role is None:
                continue
            if (ref, actor) in given:
                self.errors.add(row.cells["actor"], f"{actor} is listed twice for {ref}")
                continue
            given[(ref, actor)] = (role, row)
        leaving = [k for k in now if (self.removals and k not in given) or (k in given and given[k][0] != now[k])]
        planned = [
            Planned(c.LeaveInitiative(ref=ref, actor=actor), given[(ref, actor)][1].cells["role"] if (ref, actor) in given
                    else "participants!A1")
            for ref, actor in leaving
        ]
        for (ref, actor), (role, row) in given.items():
            if now.get((ref, actor)) != role:
                planned.append(Planned(c.JoinInitiative(ref=ref, actor=actor, role=role), row.cells["actor"]))
        return planned

    def funding(self, rows: list[SheetRow], current: list[dict[str, Any]]) -> list[Planned]:
        def key(read: CellReader) -> tuple[Any, ...]:
            return (read.text("ref"), read.text("source"), read.integer("amount_sek"), read.integer("year"))

        added, removed = self._multiset(rows, current, key, ("ref", "source", "amount_sek", "year"))
        planned = [Planned(c.UnfundInitiative(ref=r, source=s, amount_sek=a, year=y), "funding!A1") for r, s, a, y in removed]
        planned += [Planned(c.FundInitiative(ref=r, source=s, amount_sek=a, year=y), cell) for (r, s, a, y), cell in added]
        return planned

    def results(self, rows: list[SheetRow], current: list[dict[str, Any]]) -> list[Planned]:
        def key(read: CellReader) -> tuple[Any, ...]:
            return (read.text("ref"), read.text("type"), read.text("text"))

        added, removed = self._multiset(rows, current, key, ("ref", "type", "text"))
        planned = [Planned(c.WithdrawResult(ref=r, type=t, text=x), "results!A1") for r, t, x in removed]
        planned += [Planned(c.RecordResult(ref=r, type=t, text=x), cell) for (r, t, x), cell in added]
        return planned

    def _multiset(
        self, rows: list[SheetRow], current: list[dict[str, Any]], key: Any, columns: tuple[str, ...]
    ) -> tuple[list[tuple[tuple[Any, ...], str]], Iterable[tuple[Any, ...]]]:
        """Rows compared as a multiset (two equal funding lines are two lines): those added, those gone."""
        left = Counter(tuple(r[col] for col in columns) for r in current)
        added = []
        for row in rows:
            values = key(self.read(row))
            if None in values:
                continue
            if left[values] > 0:
                left[values] -= 1
            else:
                added.append((values, row.cells[columns[0]]))
        removed = list(left.elements()) if self.removals else []
        return added, removed

    def indicators(self, rows: list[SheetRow], current: list[dict[str, Any]]) -> list[Planned]:
        now = {(r["ref"], r["name"]): (r["target"], r["unit"] or "") for r in current}
        planned, seen = [], set()
        for row in rows:
            read = self.read(row)
            ref, name, target, unit = read.text("ref"), read.text("name"), read.number("target"), read.text("unit", required=False) or ""
            if ref is None or name is None or target is None:
                continue
            seen.add((ref, name))
            if (ref, name) not in now:
                planned.append(Planned(c.DefineIndicator(ref=ref, name=name, target=target, unit=unit), row.cells["name"]))
            elif now[(ref, name)] != (target, unit):
                planned.append(Planned(c.RetargetIndicator(ref=ref, name=name, target=target, unit=unit), row.cells["target"]))
        if self.removals:
            for ref, name in sorted(set(now) - seen):
                self._missing("indicators", f"indicator {name} of {ref} is missing: indicators are never deleted")
        return planned

    def assessments(self, rows: list[SheetRow], current: list[dict[str, Any]]) -> list[Planned]:
        areas = self.framework.area_keys
        now = {(r["region"], r["year"]): r for r in current}
        planned, seen = [], set()
        for row in rows:
            read = self.read(row)
            region, year, score, light = read.text("region"), read.integer("year"), read.integer("score"), read.text("light")
            focus = {a: level for a in areas if (level := read.text(a, required=False)) is not None}
            if region is None or year is None or score is None or light is None:
                continue
            seen.add((region, year))
            old = now.get((region, year))
            if old is None or (old["score"], old["light"], {a: old[a] for a in areas if a in old}) != (score, light, focus):
                command = c.AssessPortfolio(region=region, year=year, score=score, light=light, focus=focus)
                planned.append(Planned(command, row.cells["year"]))
        if self.removals:
            for region, year in sorted(set(now) - seen):
                self._missing("assessments", f"the self-assessment of region {region} for {year} is missing: assessments are never deleted")
        return planned
