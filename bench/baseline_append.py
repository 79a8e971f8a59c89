"""The raw library doing the same appends as `kompass import` (the performance targets): the baseline.

Takes the same generated commands as bench/generate.py (in memory, no JSON), calls the same
kompass.domain aggregate methods, and saves with the eventsourcing library's own
`Application.save`, 100 aggregates per save (as the scale-out measurements did). No parsing, no
permission checks, no loading from the store, no single import transaction: what is left is
the library's event creation, encoding and appending. Prints one JSON object on stdout.

    python bench/baseline_append.py --lines 100000 --db sqlite:///bench/out/baseline.db
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from typing import Any

from generate import Generator

from kompass.application.app import PortfolioApplication
from kompass.domain.actor import Actor
from kompass.domain.initiative import Initiative
from kompass.domain.portfolio import Portfolio
from kompass.domain.vocabulary import REGIONS
from kompass.infrastructure.frameworks import load_framework
from kompass.infrastructure.settings import locate

BY = "admin"


class Baseline:
    def __init__(self, app: PortfolioApplication, per_save: int) -> None:
        self.app = app
        self.per_save = per_save
        self.framework = load_framework(None)
        self.initiatives: dict[str, Initiative] = {}
        self.portfolios = {code: Portfolio.open(region=code, by=BY, effective=date(2018, 7, 12)) for code in REGIONS}
        self.dirty: dict[int, Any] = {}
        self.save_seconds = 0.0
        self.events = 0
        app.save(*self.portfolios.values())

    def apply(self, command: dict[str, Any]) -> None:
        op = command.pop("op")
        effective = date.fromisoformat(command.pop("effective"))
        stamp: dict[str, Any] = {"by": BY, "effective": effective}
        aggregate: Any
        if op == "actor.register":
            aggregate = Actor.register(**command, **stamp)
        elif op == "initiative.propose":
            aggregate = Initiative.propose(**command, framework=self.framework, **stamp)
            self.initiatives[aggregate.ref] = aggregate
        elif op == "portfolio.assess":
            aggregate = self.portfolios[command["region"]]
            aggregate.assess(command["year"], command["score"], command["light"], command["focus"], framework=self.framework, **stamp)
        else:
            aggregate = self.initiatives[command.pop("ref")]
            if op == "initiative.join":
                aggregate.join(command["actor"], command["role"], **stamp)
            elif op == "initiative.status":
                aggregate.change_status(command["status"], reason=command["reason"], **stamp)
            elif op == "initiative.fund":
                aggregate.fund(command["source"], command["amount_sek"], command["year"], **stamp)
            elif op == "initiative.tag":
                aggregate.tag(command["area"], framework=self.framework, **stamp)
            elif op == "initiative.untag":
                aggregate.untag(command["area"], **stamp)
            else:
                raise ValueError(f"the baseline does not know {op}")
        self.dirty[id(aggregate)] = aggregate
        if len(self.dirty) >= self.per_save:
            self.flush()

    def flush(self) -> None:
        if not self.dirty:
            return
        aggregates = list(self.dirty.values())
        self.events += sum(len(a.pending_events) for a in aggregates)
        started = time.perf_counter()
        self.app.save(*aggregates)
        self.save_seconds += time.perf_counter() - started
        self.dirty.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000, help="commands to generate (default 100,000)")
    parser.add_argument("--db", required=True, help="an empty store: sqlite:///FILE or postgresql+psycopg://…")
    parser.add_argument("--per-save", type=int, default=100, help="aggregates per Application.save (default 100)")
    args = parser.parse_args()
    app = PortfolioApplication(env=locate(args.db).eventsourcing_env())
    try:
        commands = list(Generator(args.lines))  # generated before the clock starts
        baseline = Baseline(app, args.per_save)
        started, cpu_started = time.perf_counter(), time.process_time()
        for command in commands:
            baseline.apply(command)
        baseline.flush()
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    finally:
        app.close()
    print(json.dumps({
        "commands": len(commands), "events": baseline.events, "seconds": seconds, "cpu_seconds": cpu_seconds,
        "save_seconds": baseline.save_seconds,
        "per_save": args.per_save,
    }))


if __name__ == "__main__":
    main()
