"""Network metrics remembered per log position (kompass.application.network_cache).

To see where an answer comes from, the kept answer is altered by hand: while the network
projection stays where it was, `network metrics` serves the altered answer (so it computed
nothing); once an event moves the projection, or a rebuild swaps new tables in, it computes again.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update

from kompass.infrastructure import tables as t
from kompass.infrastructure.bootstrap import Store
from tests.integration.helpers import as_json, ok

MARK = 0.123456


def alter_kept_answers(url: str) -> int:
    """Set the density of every kept answer to MARK; returns how many there were."""
    store = Store(url, "admin")
    try:
        with store.engine.begin() as conn:
            rows = conn.execute(select(t.network_cache.c.position, t.network_cache.c.scope, t.network_cache.c.payload)).all()
            for position, scope, payload in rows:
                payload = {**payload, "metrics": {**payload["metrics"], "density": MARK}}
                c = t.network_cache.c
                conn.execute(update(t.network_cache).where((c.position == position) & (c.scope == scope)).values(payload=payload))
        return len(rows)
    finally:
        store.close()


def test_a_repeated_question_is_answered_from_the_cache_until_the_log_moves(db_url: str, small_log: Path) -> None:
    ok(db_url, "import", str(small_log))
    first = as_json(db_url, "network", "metrics")
    region = as_json(db_url, "network", "metrics", "--region", "14")
    assert alter_kept_answers(db_url) == 2, "one kept answer per question (whole network, region 14)"
    assert as_json(db_url, "network", "metrics")["density"] == MARK, "the repeated question was computed again"
    assert as_json(db_url, "network", "metrics", "--region", "14")["density"] == MARK
    assert as_json(db_url, "network", "metrics", "--top", "3")["density"] == MARK, "--top is cut from the kept answer"
    assert "0.1235" in ok(db_url, "network", "metrics").stdout, "the table form uses the kept answer too"
    assert as_json(db_url, "network", "metrics", "--area", "security")["density"] != MARK, "another question is computed"

    ok(db_url, "actor", "add", "--key", "vinnova", "--name", "Vinnova", "--kind", "agency")  # the log moves on
    assert as_json(db_url, "network", "metrics") == first
    assert as_json(db_url, "network", "metrics", "--region", "14") == region


def test_a_rebuild_forgets_the_kept_answers(db_url: str, small_log: Path) -> None:
    ok(db_url, "import", str(small_log))
    first = as_json(db_url, "network", "metrics")
    assert alter_kept_answers(db_url) == 1
    ok(db_url, "projections", "rebuild")
    assert as_json(db_url, "network", "metrics") == first
