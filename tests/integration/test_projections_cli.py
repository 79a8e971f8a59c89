"""`kompass projections status|rebuild|run`, and the projector under concurrent catch-ups.

Each event must be applied exactly once (docs/definitions.md): two stores catching up the same
database at the same moment must leave every read table as one clean rebuild does.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from kompass.infrastructure import tables
from kompass.infrastructure.bootstrap import Store
from kompass.infrastructure.projections import projector as projector_module
from kompass.infrastructure.projections.tracking import tracking
from tests.conftest import FIXTURES, NEW_STORE_EVENTS
from tests.integration.helpers import as_json, key_events, ok, use_projector
from tests.integration.test_projections_reference import (
    generate_log,
    import_log,
    keys_of,
    projected_cell_actors,
    projected_numbers,
    reference_cell_actors,
    reference_numbers,
    write_log,
)

READ_TABLES = [t for t in tables.metadata.sorted_tables if t.name.startswith("rm_") and t.name != "rm_tracking"]


def read_tables(store: Store) -> dict[str, list[str]]:
    """Every row of every projection table, order-free (rows as canonical JSON)."""
    with store.engine.connect() as conn:
        return {
            table.name: sorted(json.dumps(dict(row), sort_keys=True, default=str) for row in conn.execute(select(table)).mappings())
            for table in READ_TABLES
        }


def status(url: str) -> dict[str, dict[str, int]]:
    return {row["projection"]: row for row in as_json(url, "projections", "status")}


def coverage(url: str, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = as_json(url, "coverage", *args)
    data.pop("as_of")
    return data


def test_status_shows_how_far_behind_and_a_query_catches_up(db_url: str, small_log: Path) -> None:
    ok(db_url, "import", str(small_log))
    before = status(db_url)
    assert set(before) == {"portfolio", "network", "bitemporal"}
    for row in before.values():
        assert row["head"] == NEW_STORE_EVENTS + key_events(db_url) + 38, "regions, two grants, a key, the 38 commands' events"
        assert row["behind"] == row["head"] - row["position"] > 0, "an import appends; it does not project"
    expected = json.loads((FIXTURES / "coverage.expected.json").read_text("utf-8"))
    expected.pop("as_of")
    assert coverage(db_url) == expected
    after = status(db_url)
    for row in after.values():
        assert (row["position"], row["behind"]) == (row["head"], 0)
    table = ok(db_url, "projections", "status").stdout.splitlines()
    assert table[0].split() == ["projection", "position", "head", "behind"]
    head = str(NEW_STORE_EVENTS + key_events(db_url) + 38)
    assert [line.split() for line in table[1:]] == [[name, head, head, "0"] for name in ("portfolio", "network", "bitemporal")]


def test_rebuild_gives_the_same_coverage_gaps_and_tables(db_url: str, small_log: Path) -> None:
    ok(db_url, "import", str(small_log))
    ok(db_url, "initiative", "status", "08-oppen-data", "active")  # one more event after the import
    first = (coverage(db_url), as_json(db_url, "gaps"), as_json(db_url, "coverage", "--framework", "se-2025"))
    store = Store(db_url, "admin")
    try:
        tables_before = read_tables(store)
        result = ok(db_url, "projections", "rebuild")
        assert f"rebuilt from {NEW_STORE_EVENTS + key_events(db_url) + 39} events" in result.stderr
        assert read_tables(store) == tables_before
    finally:
        store.close()
    assert (coverage(db_url), as_json(db_url, "gaps"), as_json(db_url, "coverage", "--framework", "se-2025")) == first
    assert all(row["behind"] == 0 for row in status(db_url).values())


def test_a_rebuild_reports_progress_page_by_page(sqlite_url: str, small_log: Path) -> None:
    """Progress comes with every page read, not only with every (large) transaction committed."""
    ok(sqlite_url, "import", str(small_log))
    store = Store(sqlite_url, "admin")
    seen: list[tuple[int, int]] = []
    try:
        use_projector(store, page=10).rebuild(lambda position, head: seen.append((position, head)), batch=50)
        head = store.facts.head()
    finally:
        store.close()
    positions = [position for position, _ in seen]
    assert positions == sorted(set(positions)) and positions[-1] == head
    assert {h for _, h in seen} == {head}
    assert len(positions) == -(-head // 10), "one report per page of 10"


def test_run_catches_up_and_says_how_much(db_url: str, small_log: Path) -> None:
    ok(db_url, "import", str(small_log))
    behind = status(db_url)["portfolio"]["behind"]
    result = ok(db_url, "projections", "run")
    assert f"applied {behind} events" in result.stderr
    assert all(row["behind"] == 0 for row in status(db_url).values())
    assert "applied 0 events" in ok(db_url, "projections", "run").stderr
    expected = json.loads((FIXTURES / "coverage.expected.json").read_text("utf-8"))
    expected.pop("as_of")
    store = Store(db_url, "admin")
    try:
        head = store.facts.head()
        store.projector.rebuild()  # the same tables as the run left them
        assert all(s.position == head for s in store.projector.status())
    finally:
        store.close()
    assert coverage(db_url) == expected


def test_two_stores_catching_up_at_once_apply_every_event_once(db_url: str, tmp_path: Path) -> None:
    """Two stores (their own engines and connections) catch up the same log in small
    batches, in two threads at the same moment: the facts they read add up to the log,
    and every read table equals a clean rebuild and the reference."""
    commands = generate_log(450, seed=77)
    refs, keys = keys_of(commands)
    writer = Store(db_url, "admin")
    one, two = Store(db_url, "admin"), Store(db_url, "admin")
    try:
        import_log(writer, write_log(tmp_path / "log.jsonl", commands))
        head = writer.facts.head()
        start = min(s.position for s in writer.projector.status())
        counts: dict[str, int] = {}
        errors: list[BaseException] = []
        go = threading.Barrier(2)

        def work(name: str, store: Store) -> None:
            try:
                go.wait(timeout=30)
                counts[name] = store.projector.catch_up()
            except BaseException as error:  # noqa: BLE001 — re-raised in the main thread
                errors.append(error)

        def take_turns() -> None:
            time.sleep(0.01)  # after the commit: a moment for the other worker to take the lock

        for store in (one, two):
            use_projector(store, batch=40, between_batches=take_turns)
        threads = [threading.Thread(target=work, args=(n, s)) for n, s in (("one", one), ("two", two))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert not errors, errors
        assert counts["one"] + counts["two"] == head - start, counts
        if not db_url.startswith("sqlite"):  # row locks queue fairly; SQLite's busy wait need not
            assert counts["one"] > 0 and counts["two"] > 0, f"both workers should have taken batches: {counts}"
        assert all(s.position == head for s in writer.projector.status())
        assert one.projector.catch_up() == 0 and two.projector.catch_up() == 0

        concurrent = read_tables(writer)
        reference = reference_numbers(writer, refs, keys)
        assert projected_numbers(writer).differences(reference) == []
        assert projected_cell_actors(writer) == reference_cell_actors(writer, refs, keys)
        writer.projector.rebuild()
        assert read_tables(writer) == concurrent
    finally:
        for store in (writer, one, two):
            store.close()


def test_catch_ups_in_turn_from_two_stores_never_reapply(db_url: str, tmp_path: Path) -> None:
    """Sequentially: one store catches up part of the log, the other the rest; more events,
    then the first again. Counts stay right (no event applied twice)."""
    commands = generate_log(250, seed=78)
    refs, keys = keys_of(commands)
    one, two = Store(db_url, "admin"), Store(db_url, "admin")
    try:
        import_log(one, write_log(tmp_path / "a.jsonl", commands[:150]))
        head = one.facts.head()
        for store in (one, two):
            use_projector(store, batch=60)
        assert one.projector.apply_batch()[0] == 60  # one batch only, then the other store takes over
        assert two.projector.catch_up() == head - 60
        assert one.projector.catch_up() == 0
        import_log(two, write_log(tmp_path / "b.jsonl", commands[150:]))
        assert one.projector.catch_up() == two.facts.head() - head
        assert two.projector.catch_up() == 0
        assert projected_numbers(two).differences(reference_numbers(two, refs, keys)) == []
        assert projected_cell_actors(one) == reference_cell_actors(one, refs, keys)
    finally:
        one.close()
        two.close()


def test_the_batch_option_defaults_to_the_projectors_batch() -> None:
    """The CLI names the default without importing the projector (start-up time): the two must agree."""
    from kompass.cli import projections as cli_projections

    assert cli_projections.BATCH == projector_module.BATCH


def test_a_catch_up_to_a_known_position_takes_a_short_rest_with_its_last_batch(db_url: str, tmp_path: Path) -> None:
    """Up to `upto`, the rest after a batch goes with it when it is at most a tenth of a batch (one transaction fewer),
    and otherwise in a batch of its own; the counts are right either way."""
    commands = generate_log(120, seed=79)
    refs, keys = keys_of(commands)
    store = Store(db_url, "admin")
    try:
        import_log(store, write_log(tmp_path / "a.jsonl", commands))
        head = store.facts.head()
        turns: list[int] = []
        for rest, transactions in ((3, 1), (30, 2)):
            turns.clear()
            projector = use_projector(store, batch=head - rest, between_batches=lambda: turns.append(1))
            with store.engine.begin() as conn:  # every projection back to the beginning of the log, its tables empty
                conn.execute(update(tracking).values(position=0))
                for projection in projector.projections:
                    projection.reset(conn, store.framework.area_keys)
            assert projector.catch_up(upto=head) == head
            assert len(turns) + 1 == transactions, rest
            assert projected_numbers(store).differences(reference_numbers(store, refs, keys)) == []
            assert projected_cell_actors(store) == reference_cell_actors(store, refs, keys)
    finally:
        store.close()
