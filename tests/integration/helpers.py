"""Running the `kompass` command line in-process (click's CliRunner) and reading what it says."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from click.testing import CliRunner, Result

from kompass.cli.main import cli
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.projections.projector import Projector

ADMIN = "admin"


def invoke(url: str, *args: str, user: str | None = ADMIN) -> Result:
    """`kompass --db URL --as USER ARGS…` (no `--as` for None: as the real identity), never touching the caller's environment."""
    runner = CliRunner(env={"KOMPASS_DB": None, "KOMPASS_USER": None, "NO_COLOR": "1"})
    return runner.invoke(cli, ["--db", url, *(("--as", user) if user is not None else ()), *args])


def ok(url: str, *args: str, user: str | None = ADMIN) -> Result:
    result = invoke(url, *args, user=user)
    assert result.exit_code == 0, (
        f"kompass {' '.join(args)} exited {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}\n"
        f"exception: {result.exception!r}"
    )
    return result


def refused(url: str, *args: str, code: int = 1, user: str | None = ADMIN) -> str:
    """Run a command that must be refused; returns its one-line message (without `Error: `)."""
    result = invoke(url, *args, user=user)
    assert result.exit_code == code, (
        f"kompass {' '.join(args)} exited {result.exit_code}, expected {code}\nstdout: {result.stdout}\n"
        f"stderr: {result.stderr}\nexception: {result.exception!r}"
    )
    assert isinstance(result.exception, SystemExit), f"an exception escaped: {result.exception!r}"
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {result.stderr!r}"
    assert lines[0].startswith("Error: "), lines[0]
    assert result.stdout == "", f"a refusal printed data: {result.stdout!r}"
    return lines[0].removeprefix("Error: ")


def as_json(url: str, *args: str, user: str | None = ADMIN) -> Any:
    return json.loads(ok(url, *args, "--format", "json", user=user).stdout)


def as_csv(url: str, *args: str, user: str | None = ADMIN) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(ok(url, *args, "--format", "csv", user=user).stdout)))


def snapshot(url: str) -> tuple[Any, Any, int]:
    """What a refused change must leave as it was: initiatives, actors (merged too) and the event count."""
    initiatives = as_json(url, "initiative", "list")
    actors = as_json(url, "actor", "list", "--merged")
    status = as_json(url, "projections", "status")
    return initiatives, actors, status[0]["head"]


def use_projector(store: Store, projections: list[Any] | None = None, **sizes: Any) -> Projector:
    """Give `store` a projector of these projections and sizes (`batch`, `page`, `between_batches`);
    every catch-up the store makes, queries' included, goes through it from now on."""
    projector = Projector(store.engine, store.facts, store.framework.area_keys, projections, **sizes)
    store.projector = projector
    return projector


def same_log(one: bytes, other: bytes) -> bool:
    """Two exports of the same log: the same lines, tree size and root. Only the store's name (the
    checkpoint's origin) and its signature differ between a store and its restored copy."""

    def kept(data: bytes) -> list[str]:
        return [line for line in data.decode("utf-8").splitlines() if "kompass/" not in line]

    return kept(one) == kept(other)


def key_events(url: str) -> int:
    """Events a store adds for its writer's signing key: on PostgreSQL the first write after `init` publishes
    the writer's own key in the log (docs/security.md); on SQLite the store's key signs and nothing is added."""
    return 0 if url.startswith("sqlite") else 1
