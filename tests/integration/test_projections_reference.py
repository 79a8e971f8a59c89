"""An independent, straightforward computation of coverage (docs/definitions.md), and a generator of
valid command logs; both shared by the projection tests.

The reference reads the aggregates' final states from the event store (not the read model,
not the replayed facts) and applies the definitions directly, in plain Python with
Fractions. It deliberately uses nothing of kompass.domain.coverage or
kompass.application.coverage, so a mistake there cannot hide in both.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import select

from kompass.application.queries import coverage_report
from kompass.domain.errors import RuleViolation
from kompass.domain.recording import actor_id, initiative_id, portfolio_id
from kompass.domain.status import check_move
from kompass.domain.vocabulary import REGIONS
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.command_log import read_command_log

AREAS = ("competence", "security", "innovation", "leadership", "infrastructure")
COUNTING = {"active", "completed"}
PIPELINE = {"proposed", "planned"}


@dataclass(frozen=True)
class Numbers:
    """Everything a coverage report says, exactly: what the tests compare."""

    cells: dict[tuple[str, str], tuple[int, Fraction, int, int, int, str | None]]
    """(region, area) → initiatives, weighted, pipeline, budget_sek (rounded), actors, gap."""
    national: dict[str, tuple[int, Fraction, int]]
    """area → initiatives, weighted, regions_with_gap."""
    declared_unbacked: list[tuple[str, str]]

    def differences(self, other: Numbers, limit: int = 20) -> list[str]:
        out = []
        for key in sorted(set(self.cells) | set(other.cells)):
            if self.cells.get(key) != other.cells.get(key):
                out.append(f"cell {key}: {self.cells.get(key)} != {other.cells.get(key)}")
        for area in sorted(set(self.national) | set(other.national)):
            if self.national.get(area) != other.national.get(area):
                out.append(f"national {area}: {self.national.get(area)} != {other.national.get(area)}")
        if self.declared_unbacked != other.declared_unbacked:
            out.append(f"declared_unbacked: {self.declared_unbacked} != {other.declared_unbacked}")
        return out[:limit]


def half_up(value: Fraction) -> int:
    whole, rest = divmod(value, 1)
    return int(whole) + (1 if rest >= Fraction(1, 2) else 0)


def _get(store: Store, aggregate_id: Any) -> Any:
    try:
        return store.app.repository.get(aggregate_id)
    except AggregateNotFoundError:
        return None


def _shapes(store: Store, refs: Iterable[str], actor_keys: Iterable[str]) -> list[tuple[str, list[str], set[str], int, set[str]]]:
    """Each initiative as coverage sees it: status, areas, regions, budget, actors taking part."""
    actors = {f"region-{code}": _get(store, actor_id(f"region-{code}")) for code in REGIONS}
    for key in actor_keys:
        found = _get(store, actor_id(key))
        if found is not None:
            actors[key] = found

    def survivor(key: str) -> Any:
        actor = actors[key]
        while actor.merged_into is not None:
            actor = actors[actor.merged_into]
        return actor

    shaped = []
    for ini in (_get(store, initiative_id(ref)) for ref in refs):
        if ini is None:
            continue
        taking_part = {f"region-{ini.region}"}
        regions = {ini.region}
        for key in ini.participants:
            actor = survivor(key)
            taking_part.add(actor.key)
            if actor.kind == "region":
                regions.add(actor.region)
        budget = sum(line.amount_sek for line in ini.funding)
        shaped.append((ini.status, list(ini.areas), regions, budget, taking_part))
    return shaped


def reference_cell_actors(store: Store, refs: Iterable[str], actor_keys: Iterable[str]) -> dict[tuple[str, str, str], int]:
    """(region, area, actor) → in how many counting initiatives of the cell the actor takes part."""
    counted: dict[tuple[str, str, str], int] = {}
    for status, areas, regions, _budget, taking_part in _shapes(store, refs, actor_keys):
        if status in COUNTING:
            for region in regions:
                for area in areas:
                    for actor in taking_part:
                        counted[(region, area, actor)] = counted.get((region, area, actor), 0) + 1
    return counted


def projected_cell_actors(store: Store) -> dict[tuple[str, str, str], int]:
    """The projection's own bookkeeping behind `actors` (rm_coverage_actors)."""
    from kompass.infrastructure import tables

    with store.engine.connect() as conn:
        rows = conn.execute(select(tables.coverage_actors)).mappings().all()
    return {(r["region"], r["area"], r["actor"]): r["n"] for r in rows}


def reference_numbers(
    store: Store,
    refs: Iterable[str],
    actor_keys: Iterable[str],
    view: tuple[Sequence[str], dict[str, list[str]]] | None = None,
) -> Numbers:
    """Coverage now, from the aggregates' final states, straight from the definitions.

    `view` = (the framework's areas, its crosswalk from se-2017) counts each initiative under
    the union of its areas' targets (docs/frameworks.md) instead of its own areas.
    """
    framework_areas: Sequence[str] = AREAS if view is None else view[0]
    shaped = _shapes(store, refs, actor_keys)
    if view is not None:
        shaped = [
            (status, sorted({target for area in areas for target in view[1][area]}), regions, money, taking_part)
            for status, areas, regions, money, taking_part in shaped
        ]

    raw: dict[tuple[str, str], list[Any]] = {}
    for region in REGIONS:
        for area in framework_areas:
            n = pipeline = 0
            weighted = budget = Fraction(0)
            who: set[str] = set()
            for status, areas, regions, money, taking_part in shaped:
                if region not in regions or area not in areas:
                    continue
                if status in COUNTING:
                    n += 1
                    weighted += Fraction(1, len(areas))
                    budget += Fraction(money, len(areas))
                    who |= taking_part
                elif status in PIPELINE:
                    pipeline += 1
            raw[(region, area)] = [n, weighted, pipeline, budget, len(who)]

    cells: dict[tuple[str, str], tuple[int, Fraction, int, int, int, str | None]] = {}
    for area in framework_areas:
        weights = sorted(raw[(r, area)][1] for r in REGIONS)
        median = weights[10]
        for region in REGIONS:
            n, weighted, pipeline, budget, actors = raw[(region, area)]
            if n == 0 and pipeline == 0:
                gap = "absent"
            elif n == 0:
                gap = "pipeline_only"
            elif median > 0 and weighted < median / 2:
                gap = "thin"
            else:
                gap = None
            cells[(region, area)] = (n, weighted, pipeline, half_up(budget), actors, gap)

    national = {}
    for area in framework_areas:
        counting = [areas for status, areas, *_ in shaped if status in COUNTING and area in areas]
        national[area] = (
            len(counting),
            sum((Fraction(1, len(areas)) for areas in counting), Fraction(0)),
            sum(1 for r in REGIONS if cells[(r, area)][5] is not None),
        )

    unbacked = []
    for region in REGIONS:
        portfolio = _get(store, portfolio_id(region))
        if not portfolio.assessments:
            continue
        focus = dict(portfolio.assessments[max(portfolio.assessments)].focus)
        if view is not None:  # a view area takes the highest focus declared for a base area mapped onto it
            levels = ("none", "low", "medium", "high")
            focus = {
                target: max((focus[b] for b in focus if target in view[1][b]), key=levels.index)
                for target in framework_areas
                if any(target in view[1][b] for b in focus)
            }
        for area in framework_areas:
            if focus.get(area) in ("medium", "high") and cells[(region, area)][0] == 0:
                unbacked.append((region, area))
    return Numbers(cells, national, unbacked)


def report_numbers(report: Any) -> Numbers:
    """The same shape, from kompass's own CoverageReport."""
    from kompass.application.views import coverage_json

    data = coverage_json(report)
    budgets = {(r["region"], a): cell["budget_sek"] for r in data["regions"] for a, cell in r["areas"].items()}
    cells = {
        key: (c.initiatives, c.weighted, c.pipeline, budgets[key], c.actors, report.gaps[key])
        for key, c in report.cells.items()
    }
    national = {a: (n.initiatives, n.weighted, report.regions_with_gap[a]) for a, n in report.national.items()}
    return Numbers(cells, national, list(report.declared_unbacked))


def projected_numbers(store: Store) -> Numbers:
    """Coverage read from the materialised tables as they stand (no catch-up here)."""
    return report_numbers(coverage_report(store.read_model, store.facts, store.framework, store.today()))


def replayed_numbers(store: Store, as_of: date | None = None) -> Numbers:
    """Coverage from replaying the log (the temporal path), as of `as_of` (default today)."""
    return report_numbers(coverage_report(store.read_model, store.facts, store.framework, store.today(), as_of or store.today()))


# --- a generator of valid command logs ---------------------------------------------------

ACTOR_KINDS = ("municipality", "agency", "university", "company", "library", "civil_society", "research_institute")
TYPES = ("collaboration", "training", "seminar", "analysis", "project", "strategy")
ROLES = ("partner", "funder", "target", "expert", "lead")
SOURCES = ("coordinator_grant", "erdf", "regional", "municipal", "vinnova")


def generate_log(lines: int, seed: int, start: date = date(2021, 1, 1), max_actors: int = 150) -> list[dict[str, Any]]:
    """A command log of `lines` commands, every one of which kompass accepts.

    It tracks just enough state (statuses, areas, participants, merges) to stay valid,
    using the domain's own status rules; the numbers it produces are checked elsewhere.
    So that every gap kind occurs, the last three regions never lead nor join anything
    (absent) and the two before them lead only initiatives that never start (pipeline).
    """
    rnd = random.Random(seed)
    codes = list(REGIONS)
    leads, joinable, slow = codes[:18], codes[:16], set(codes[16:18])
    actors: dict[str, str | None] = {f"region-{c}": None for c in codes}  # key → merged into
    kinds: dict[str, str] = {f"region-{c}": "region" for c in codes}
    initiatives: dict[str, dict[str, Any]] = {}
    out: list[dict[str, Any]] = []
    day = start
    today = date.today()

    def live(key: str) -> str:
        while actors[key] is not None:
            key = actors[key]  # type: ignore[assignment]
        return key

    def emit(op: str, **fields: Any) -> None:
        out.append({"op": op, **fields, "by": "admin", "effective": day.isoformat()})

    while len(out) < lines:
        if rnd.random() < 0.2 and day < today:
            day += timedelta(days=1)
        roll = rnd.random()
        own = [k for k in actors if kinds[k] != "region"]
        if (roll < 0.06 and len(own) < max_actors) or len(own) < 3:
            key = f"a{len(own)}"
            kind = rnd.choice(ACTOR_KINDS)
            region = rnd.choice([None, *codes])
            actors[key], kinds[key] = None, kind
            emit("actor.register", key=key, name=f"Aktör {key}", kind=kind, region=region)
        elif roll < 0.22 or not initiatives:
            ref = f"i{len(initiatives)}"
            areas = rnd.sample(AREAS, rnd.choice((1, 1, 2, 2, 3, 4, 5)))
            region = rnd.choice(leads)
            initiatives[ref] = {"region": region, "status": "proposed", "before": None, "paused_from": None,
                                "areas": list(areas), "participants": {}}
            emit("initiative.propose", ref=ref, region=region, title=f"Insats {ref}", areas=areas, type=rnd.choice(TYPES))
        elif roll < 0.45:
            ref = rnd.choice(list(initiatives))
            ini = initiatives[ref]
            target = rnd.choice(("planned", "active", "active", "completed", "paused", "cancelled", "proposed"))
            if ini["status"] in ("completed", "cancelled") and rnd.random() < 0.5 and ini["region"] not in slow:
                ini["status"], ini["before"] = ini["before"] or "active", ini["status"]
                emit("initiative.reopen", ref=ref, reason="resumed")
                continue
            if ini["region"] in slow and target in ("active", "completed"):
                continue
            try:
                check_move(ini["status"], target, ini["paused_from"])
            except RuleViolation:
                continue
            if target == "paused":
                ini["paused_from"] = ini["status"]
            elif ini["status"] == "paused" and target != "cancelled":
                ini["paused_from"] = None
            ini["before"], ini["status"] = ini["status"], target
            emit("initiative.status", ref=ref, status=target)
        elif roll < 0.70:
            ref = rnd.choice(list(initiatives))
            ini = initiatives[ref]
            key = rnd.choice(own) if rnd.random() < 0.5 else rnd.choice([f"region-{c}" for c in joinable])
            if actors[key] is not None or key == f"region-{ini['region']}":
                continue
            if key in {live(k) for k in ini["participants"]}:
                continue
            ini["participants"][key] = True
            emit("initiative.join", ref=ref, actor=key, role=rnd.choice(ROLES))
        elif roll < 0.76:
            ref = rnd.choice(list(initiatives))
            ini = initiatives[ref]
            if not ini["participants"]:
                continue
            named = rnd.choice(list(ini["participants"]))
            target = live(named)
            for key in [k for k in ini["participants"] if live(k) == target]:
                del ini["participants"][key]  # leaving ends every participation of the same actor
            emit("initiative.leave", ref=ref, actor=named)
        elif roll < 0.86:
            ref = rnd.choice(list(initiatives))
            emit("initiative.fund", ref=ref, source=rnd.choice(SOURCES), amount_sek=rnd.randrange(0, 3_000_001, 7),
                 year=rnd.choice((2021, 2022, 2023)))
        elif roll < 0.93:
            ref = rnd.choice(list(initiatives))
            ini = initiatives[ref]
            area = rnd.choice(AREAS)
            if area in ini["areas"]:
                if len(ini["areas"]) == 1:
                    continue
                ini["areas"].remove(area)
                emit("initiative.untag", ref=ref, area=area)
            else:
                ini["areas"].append(area)
                emit("initiative.tag", ref=ref, area=area)
        elif roll < 0.96:
            candidates = [k for k in own if actors[k] is None]
            if len(candidates) < 2:
                continue
            key, into = rnd.sample(candidates, 2)
            actors[key] = into
            emit("actor.merge", key=key, into=into)
        else:
            focus = {a: rnd.choice(("none", "low", "medium", "high")) for a in rnd.sample(AREAS, rnd.randint(0, 3))}
            emit("portfolio.assess", region=rnd.choice(codes), year=rnd.choice((2020, 2021, 2022)), score=rnd.randint(1, 10),
                 light=rnd.choice(("green", "yellow", "red")), focus=focus)
    return out


def write_log(path: Path, commands: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in commands), "utf-8")
    return path


def import_log(store: Store, path: Path) -> None:
    logged = ((c.line, c.command, c.recorded_at) for c in read_command_log(path))
    store.kompass.import_commands(logged, store.access())


def keys_of(commands: list[dict[str, Any]]) -> tuple[set[str], set[str]]:
    """The initiative refs and actor keys a log names."""
    refs = {c["ref"] for c in commands if c["op"] == "initiative.propose"}
    keys = {c["key"] for c in commands if c["op"] == "actor.register"}
    return refs, keys


# --- tests of the reference itself and of the projection on bigger logs --------------------

def test_reference_reproduces_the_worked_example(sqlite_url: str, small_log: Path) -> None:
    """The reference is right where the answer is known: the worked example's expected file."""
    from tests.conftest import FIXTURES

    store = Store(sqlite_url, "admin")
    try:
        import_log(store, small_log)
        commands = [json.loads(line) for line in small_log.read_text("utf-8").splitlines() if line.strip() and not line.startswith("#")]
        refs, keys = keys_of(commands)
        reference = reference_numbers(store, refs, keys)
        expected = json.loads((FIXTURES / "coverage.expected.json").read_text("utf-8"))
        for row in expected["regions"]:
            for area, cell in row["areas"].items():
                n, weighted, pipeline, budget, who, gap = reference.cells[(row["region"], area)]
                assert (n, pipeline, budget, who, gap) == (
                    cell["initiatives"], cell["pipeline"], cell["budget_sek"], cell["actors"], cell["gap"]
                ), (row["region"], area)
                assert abs(float(weighted) - cell["weighted"]) < 1e-9
        for area, figures in expected["national"].items():
            n, weighted, with_gap = reference.national[area]
            assert (n, with_gap) == (figures["initiatives"], figures["regions_with_gap"])
            assert abs(float(weighted) - figures["weighted"]) < 1e-9
        gaps = json.loads((FIXTURES / "gaps.expected.json").read_text("utf-8"))
        assert reference.declared_unbacked == [(d["region"], d["area"]) for d in gaps["declared_unbacked"]]
        store.projector.catch_up()
        assert projected_numbers(store).differences(reference) == []
    finally:
        store.close()


def test_generated_log_is_valid_and_deterministic() -> None:
    assert generate_log(300, seed=5) == generate_log(300, seed=5)
    ops = {c["op"] for c in generate_log(2000, seed=1)}
    assert {"actor.merge", "initiative.reopen", "initiative.untag", "initiative.leave", "portfolio.assess"} <= ops


def test_a_big_random_log_projects_like_the_reference(sqlite_url: str, tmp_path: Path) -> None:
    """A random log of accepted commands in many small projector batches: incremental (caught
    up part-way and at the end) == rebuilt == replayed == the reference, every gap kind included.
    (PostgreSQL: the property test and test_projections_cli run the same checks there.)"""
    db_url = sqlite_url
    lines = 1200
    commands = generate_log(lines, seed=2026)
    refs, keys = keys_of(commands)
    store = Store(db_url, "admin")
    try:
        import_log(store, write_log(tmp_path / "first.jsonl", commands[: lines // 2]))
        store.projector.catch_up(batch=250)
        import_log(store, write_log(tmp_path / "second.jsonl", commands[lines // 2 :]))
        store.projector.catch_up(batch=250)
        reference = reference_numbers(store, refs, keys)
        kinds = {cell[5] for cell in reference.cells.values()}
        assert {"absent", "pipeline_only", None} <= kinds, kinds
        assert "thin" in kinds, "a log this long leaves some regions thin"
        assert reference.declared_unbacked, "the log should leave some declared focus unbacked"
        assert projected_numbers(store).differences(reference) == []
        assert replayed_numbers(store).differences(reference) == []
        store.projector.rebuild(batch=700)
        assert projected_numbers(store).differences(reference) == []
    finally:
        store.close()
