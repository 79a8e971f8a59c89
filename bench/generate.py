"""Write a realistic command log (docs/command-log.md) of N lines, for the benchmarks.

Deterministic (fixed seed), streamed line by line: memory stays bounded by the few hundred
initiatives in progress at any moment, not by N. Every line is accepted by `kompass import`
run as an admin: actors are registered before they are used, status moves follow the lifecycle (docs/definitions.md)
(checked with kompass's own rules), effective dates run from 2019 to 2025 and never go
backwards, and no line names another user (`by` is absent).

    python bench/generate.py 100000 bench/out/log-100k.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kompass.domain.errors import RuleViolation
from kompass.domain.status import STATUSES, check_move
from kompass.domain.vocabulary import (
    ACTOR_KINDS,
    COORDINATOR_ROLES,
    FOCUS_LEVELS,
    FUNDING_SOURCES,
    INITIATIVE_TYPES,
    LIGHTS,
    REGIONS,
    region_actor_key,
)

AREAS = ("competence", "security", "innovation", "leadership", "infrastructure")
AREA_WEIGHTS = (5, 1, 4, 3, 4)
"""Digital trygghet (security) is the weakest area: fewer initiatives carry it."""
REGION_WEIGHTS = {code: 6 if code in {"01", "12", "14"} else 2 for code in REGIONS}
"""The three metropolitan regions run more initiatives than the others."""
START = date(2019, 1, 1)
END = date(2025, 12, 31)
SEED = 20220301
LIVE = 300
"""Initiatives in progress at once; a finished one makes room for a new proposal."""
PARTNER_ROLES = ("partner", "partner", "partner", "funder", "target", "expert")
FORWARD_BIAS = {"planned": 4, "active": 6, "completed": 3, "paused": 1, "cancelled": 1, "proposed": 1}


@dataclass
class Live:
    ref: str
    region: str
    areas: list[str]
    status: str = "proposed"
    paused_from: str | None = None
    participants: set[str] = field(default_factory=set)
    moves: int = 0


class Generator:
    def __init__(self, lines: int, seed: int = SEED) -> None:
        self.lines = lines
        self.rng = random.Random(seed)
        self.emitted = 0
        self.sequence = 0
        self.live: list[Live] = []
        self.assessed_year = START.year - 1
        self.actor_count = max(60, lines // 80)
        self.actors: list[str] = []

    # --- the clock: effective dates rise with the line number ----------------------

    def today(self) -> date:
        span = (END - START).days
        return START + timedelta(days=span * self.emitted // max(1, self.lines))

    def line(self, op: str, **fields: Any) -> dict[str, Any]:
        self.emitted += 1
        return {"op": op, **fields, "effective": self.today().isoformat()}

    # --- the log ------------------------------------------------------------------

    def __iter__(self) -> Iterator[dict[str, Any]]:
        yield from self._register_actors()
        while self.emitted < self.lines:
            year = self.today().year
            if year > self.assessed_year + 1 and self.lines - self.emitted > len(REGIONS):
                yield from self._assess(year - 1)
                continue
            if len(self.live) < LIVE or self.rng.random() < 0.08:
                yield self._propose()
            else:
                yield self._change(self.rng.choice(self.live))

    def _register_actors(self) -> Iterator[dict[str, Any]]:
        kinds = [k for k in ACTOR_KINDS if k != "region"]
        codes = list(REGIONS)
        count = min(self.actor_count, self.lines // 10)
        for i in range(count):
            kind = self.rng.choice(kinds)
            region = self.rng.choice(codes) if kind in {"municipality", "county_board", "library", "folk_high_school"} else None
            key = f"gen-{kind.replace('_', '-')}-{i:06d}"
            fields: dict[str, Any] = {"key": key, "name": f"{kind.replace('_', ' ').title()} {i}", "kind": kind}
            if region:
                fields["region"] = region
            self.actors.append(key)
            yield self.line("actor.register", **fields)

    def _assess(self, year: int) -> Iterator[dict[str, Any]]:
        self.assessed_year = year
        for code in REGIONS:
            focus = {a: self.rng.choice(FOCUS_LEVELS) for a in self.rng.sample(AREAS, self.rng.randint(1, 5))}
            yield self.line(
                "portfolio.assess", region=code, year=year, score=self.rng.randint(1, 10),
                light=self.rng.choice(LIGHTS), focus=focus,
            )

    def _propose(self) -> dict[str, Any]:
        region = self.rng.choices(list(REGION_WEIGHTS), weights=list(REGION_WEIGHTS.values()))[0]
        count = self.rng.choices((1, 2, 3, 4), weights=(5, 4, 2, 1))[0]
        areas: list[str] = []
        while len(areas) < count:
            area = self.rng.choices(AREAS, weights=AREA_WEIGHTS)[0]
            if area not in areas:
                areas.append(area)
        self.sequence += 1
        ref = f"{region}-{self.today().year}-{self.sequence:07d}"
        self.live.append(Live(ref, region, list(areas)))
        return self.line(
            "initiative.propose", ref=ref, region=region, title=f"Insats {self.sequence}",
            areas=areas, type=self.rng.choice(INITIATIVE_TYPES),
            orientation=self.rng.choice(("external", "external", "internal")),
            roles=self.rng.sample(COORDINATOR_ROLES, self.rng.randint(0, 2)),
        )

    def _change(self, item: Live) -> dict[str, Any]:
        roll = self.rng.random()
        if roll < 0.38:
            change = self._join(item)
        elif roll < 0.58:
            change = self._fund(item)
        elif roll < 0.66:
            change = self._retag(item)
        else:
            change = self._move(item)
        return change or self._move(item)

    def _join(self, item: Live) -> dict[str, Any] | None:
        regional = self.rng.random() < 0.15
        candidate = region_actor_key(self.rng.choice(list(REGIONS))) if regional else self.rng.choice(self.actors)
        if candidate == region_actor_key(item.region) or candidate in item.participants:
            return None
        item.participants.add(candidate)
        return self.line("initiative.join", ref=item.ref, actor=candidate, role=self.rng.choice(PARTNER_ROLES))

    def _fund(self, item: Live) -> dict[str, Any]:
        return self.line(
            "initiative.fund", ref=item.ref, source=self.rng.choice(FUNDING_SOURCES),
            amount_sek=self.rng.randrange(10_000, 3_000_000, 1_000), year=self.today().year,
        )

    def _retag(self, item: Live) -> dict[str, Any] | None:
        if len(item.areas) > 1 and self.rng.random() < 0.4:
            area = self.rng.choice(item.areas)
            item.areas.remove(area)
            return self.line("initiative.untag", ref=item.ref, area=area)
        free = [a for a in AREAS if a not in item.areas]
        if not free:
            return None
        area = self.rng.choice(free)
        item.areas.append(area)
        return self.line("initiative.tag", ref=item.ref, area=area)

    def _move(self, item: Live) -> dict[str, Any]:
        legal = [s for s in STATUSES if _allowed(item.status, s, item.paused_from)]
        if item.moves < 2:
            legal = [s for s in legal if s != "cancelled"] or legal
        target = self.rng.choices(legal, weights=[FORWARD_BIAS[s] for s in legal])[0]
        if target == "paused":
            item.paused_from = item.status
        elif item.status == "paused" and target != "cancelled":
            item.paused_from = None
        item.status = target
        item.moves += 1
        if target in {"completed", "cancelled"}:
            self.live.remove(item)
        return self.line("initiative.status", ref=item.ref, status=target, reason=f"step {item.moves}")


def _allowed(current: str, target: str, paused_from: str | None) -> bool:
    try:
        check_move(current, target, paused_from)
    except RuleViolation:
        return False
    return True


def write_log(lines: int, path: Path, seed: int = SEED) -> int:
    """Write the log to `path`; returns the number of command lines written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(f"# kompass benchmark log: {lines} commands, seed {seed} (bench/generate.py)\n")
        for command in Generator(lines, seed):
            out.write(json.dumps(command, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lines", type=int, help="number of command lines (e.g. 10000, 100000, 1000000)")
    parser.add_argument("output", type=Path, help="file to write (JSON Lines)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    count = write_log(args.lines, args.output, args.seed)
    print(f"wrote {count} commands to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
