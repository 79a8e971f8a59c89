"""The coverage steps as the bitemporal projection stores them: each contribution once, and the rows an
earlier kompass wrote (every step's contribution in full) read as the same steps."""

from __future__ import annotations

import orjson

from kompass.application import coverage_series as cs
from kompass.domain.coverage import Contribution

A = Contribution(frozenset({"04", "01"}), ("security",), True, 2, 730000, frozenset({"region-04", "gen-x"}))
B = Contribution(frozenset({"04"}), ("security", "leadership"), False, 2, 0, frozenset({"region-04"}))
STEPS: dict[str, list[cs.Step]] = {
    cs.EFFECTIVE: [("2024-04-26", A), ("2024-05-07", B), ("2024-07-08", None)],
    cs.RECORDED: [("2026-11-30T19:07:34.192980", A), ("2026-11-30T19:07:35.000000", B)],
}


def _old_text(steps: dict[str, list[cs.Step]]) -> dict[str, object]:
    """How kompass wrote the steps before contributions were kept once."""

    def written(c: Contribution | None) -> object:
        if c is None:
            return None
        return {
            "regions": sorted(c.regions), "areas": list(c.areas), "counting": c.counting, "parts": c.parts,
            "budget_sek": c.budget_sek, "actors": sorted(c.actors),
        }

    return {axis: [[p, written(c)] for p, c in steps[axis]] for axis in cs.AXES}


def test_steps_read_back_as_written_each_contribution_once() -> None:
    stored = orjson.loads(orjson.dumps(cs.steps_to_json(STEPS)))
    assert len(stored["c"]) == 2
    assert cs.steps_from_json(stored) == STEPS
    again = cs.steps_from_json(stored)
    assert again[cs.EFFECTIVE][0][1] is again[cs.RECORDED][0][1]  # one object: `changes` remembers its cells by it


def test_steps_an_earlier_kompass_wrote_read_as_the_same_steps() -> None:
    assert cs.steps_from_json(orjson.loads(orjson.dumps(_old_text(STEPS)))) == STEPS
