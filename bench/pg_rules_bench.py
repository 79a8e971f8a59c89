"""The cost of the database's own rules on PostgreSQL (kompass.infrastructure.pg_roles): an import of N
lines (default 20,000) by an admin's login (not a superuser), once with the guard trigger that checks
and indexes every stored event and once with it switched off by a superuser, side by side in one run,
the best of three rounds each (alternating). Target: throughput drops by at most 15 %.

    python bench/pg_rules_bench.py [--lines 20000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from pathlib import Path

from common import command_log, drop_pg_database, new_pg_database, pg_unavailable, progress, run, table, verdict

TARGET_DROP = 0.15


def one_import(url: str, log: Path) -> None:
    """Child process: open the store as the given login and import the log; print events and seconds."""
    from kompass.infrastructure.bootstrap import Store
    from kompass.infrastructure.command_log import read_command_log

    store = Store(url, "admin")
    started = time.perf_counter()
    summary = store.kompass.import_commands(((c.line, c.command, c.recorded_at) for c in read_command_log(log)), store.access())
    seconds = time.perf_counter() - started
    store.close()
    print(json.dumps({"events": summary.events, "seconds": seconds}))


def prepared_store(prefix: str, guard: bool) -> tuple[str, str]:
    """A new store under `prefix`, and the URL of an admin's login to it."""
    import os

    import psycopg

    from kompass.infrastructure import pg_roles
    from kompass.infrastructure.bootstrap import Store
    from kompass.infrastructure.settings import locate

    url = new_pg_database()
    os.environ[pg_roles.PREFIX_ENV] = prefix
    Store(url, "admin", create=True).close()
    login = f"{prefix}u_admin"
    with psycopg.connect(url.replace("+psycopg", "", 1), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).fetchone() is None:
            conn.execute(f'CREATE ROLE "{login}" LOGIN')
        if not guard:
            conn.execute("ALTER TABLE kompass_events DISABLE TRIGGER kompass_guard")
    pg_roles.grant_membership(locate(url), login, "admin")
    return url, url.replace("postgres@", f"{login}@", 1)


def drop_roles(prefix: str) -> None:
    import psycopg
    from common import PG_ADMIN_URL

    from kompass.infrastructure.pg_roles import KINDS

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        for role in [f"{prefix}u_admin", *(f"{prefix}{k}" for k in KINDS), f"{prefix}owner"]:
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--one-import", nargs=2, metavar=("URL", "LOG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_import:
        one_import(args.one_import[0], Path(args.one_import[1]))
        return
    reason = pg_unavailable()
    if reason:
        print(f"skipped: {reason}")
        return
    log = command_log(args.lines)
    prefix = f"kb{uuid.uuid4().hex[:8]}_"
    databases: list[str] = []
    best: dict[bool, float] = {}
    events = 0
    try:
        for attempt in range(args.rounds):
            for guard in (False, True):
                progress(f"import of {args.lines:,} lines by an admin's login, guard {'on' if guard else 'off'} (round {attempt + 1})")
                url, as_admin = prepared_store(prefix, guard)
                databases.append(url)
                result = json.loads(run([sys.executable, __file__, "--one-import", as_admin, str(log)]).stdout)
                events = result["events"]
                best[guard] = min(best.get(guard, float("inf")), result["seconds"])
    finally:
        for url in databases:
            drop_pg_database(url)
        drop_roles(prefix)
    off, on = events / best[False], events / best[True]
    drop = 1 - on / off
    print(table([
        ["measurement", "events", "best time", "throughput", "target", "verdict"],
        ["postgres: import, guard trigger off", f"{events:,}", f"{best[False]:.2f} s", f"{off:,.0f} events/s", "", ""],
        ["postgres: import, guard trigger on", f"{events:,}", f"{best[True]:.2f} s", f"{on:,.0f} events/s", "", ""],
        ["postgres: → throughput drop", "", "", f"{drop:.1%}", f"≤ {TARGET_DROP:.0%}", verdict(drop <= TARGET_DROP)],
    ]))


if __name__ == "__main__":
    main()
