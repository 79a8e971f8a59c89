"""The shipped demo as an auditor explores it: recorded over 2021–2022, with corrections, one late."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from tests.integration.helpers import as_json, ok

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "kompass" / "infrastructure" / "data" / "demo.jsonl"


def demo_lines() -> list[dict[str, object]]:
    return [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    directory = tmp_path_factory.mktemp("demo") / "store"
    ok(f"sqlite:///{directory / 'unused.db'}", "demo", "--dir", str(directory))
    return f"sqlite:///{directory / 'kompass.db'}", directory


def test_the_shipped_log_is_in_recording_order_over_2021_and_2022() -> None:
    times = [str(line["recorded_at"]) for line in demo_lines()]
    assert times == sorted(times)
    assert times[0].startswith("2021-01") and times[-1].startswith("2022")
    assert {t[:4] for t in times} == {"2021", "2022"}
    spec = importlib.util.spec_from_file_location("demo_timeline", ROOT / "docs" / "demo_timeline.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = DEMO.read_text(encoding="utf-8")
    assert module.timeline(text) == text  # the file is what the script makes of it: edit, then run the script
    ops = {line["op"] for line in demo_lines()}
    assert {"initiative.unfund", "initiative.retype", "initiative.roles", "initiative.reorient", "initiative.schedule",
            "initiative.retarget", "initiative.withdraw_result"} <= ops


def test_the_past_shows_real_change(demo: tuple[str, Path]) -> None:
    url, _ = demo
    events = as_json(url, "history")["events"]
    recorded = [e["recorded_at"] for e in events if e["by"] != "kompass" and e["aggregate"] != "user"]  # not the first admin
    assert recorded == [str(line["recorded_at"]) for line in demo_lines()]  # restored with their recording times
    assert as_json(url, "gaps", "--known-at", "2021-06-30T12:00:00Z") != as_json(url, "gaps")
    assert len(as_json(url, "initiative", "list", "--known-at", "2021-03-31")) < len(as_json(url, "initiative", "list"))
    # the late correction: 2021 as reported by the 31 January deadline differs from 2021 as known now
    reported = as_json(url, "coverage", "--region", "14", "--as-of", "2021-12-31", "--known-at", "2022-01-31")
    known = as_json(url, "coverage", "--region", "14", "--as-of", "2021-12-31")
    budgets = [report["regions"][0]["areas"]["infrastructure"]["budget_sek"] for report in (reported, known)]
    assert budgets[0] - budgets[1] == 500_000  # 1,000,000 kronor over two areas
    late = as_json(url, "history", "--since", "2022-02-01", "--until", "2022-02-28")["events"]
    assert any(e["type"] == "FundingRemoved" and "efter rapporteringen" in e["summary"] for e in late)


def test_the_demo_writes_region_14s_workbook_which_asks_for_nothing(demo: tuple[str, Path]) -> None:
    url, directory = demo
    workbook = directory / "portfolj-14.xlsx"
    assert workbook.exists()
    assert ok(url, "import", str(workbook), "--dry-run").stdout == ""
