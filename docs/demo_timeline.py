"""Give the shipped demo log its recording times, and put its lines in the order they were recorded.

The demo portfolio is written region by region, each line with the date it took effect. A real
store records a change some days after it happens, and its log is in recording order. This
script gives every line that has no `recorded_at` one: the store went live on 11 January 2021
(earlier history was backfilled then), and each change was recorded 0–3 working days after it
took effect, during office hours, never before the line recorded before it. Lines that carry
their own `recorded_at` keep it (the corrections, among them one made after the 31 January
deadline). The lines are then sorted by recording time, keeping the file's order among equals,
under the file's header; each month starts with a `# --- YYYY-MM` comment.

Running it again changes nothing. Run it after editing the demo:

    .venv/bin/python docs/demo_timeline.py [kompass/infrastructure/data/demo.jsonl]
"""

from __future__ import annotations

import json
import sys
import zlib
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "kompass" / "infrastructure" / "data" / "demo.jsonl"
LIVE = datetime(2021, 1, 11, 8, 30, tzinfo=UTC)
"""When the demo store went live: history effective before then was backfilled from that day on."""
STEP = timedelta(minutes=3)


def working_days_after(day: date, days: int) -> date:
    """The working day `days` working days after `day` (a weekend day first moves to Monday)."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    for _ in range(days):
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
    return day


def recording_time(line: str, effective: date, previous: datetime) -> datetime:
    lag = zlib.crc32(line.encode("utf-8")) % 4
    candidate = datetime.combine(working_days_after(effective, lag), time(8, 30), tzinfo=UTC)
    return max(candidate, LIVE, previous + STEP)


def timeline(text: str) -> str:
    lines = text.splitlines()
    header = []
    for line in lines:
        if not line.startswith("#") or line.startswith(("# ---", "# ===")):
            break  # the header ends where the lines or their section comments begin
        header.append(line)
    while header and header[-1].strip() in ("", "#"):
        header.pop()
    records = [json.loads(line) for line in lines if line.strip() and not line.startswith("#")]
    # a line without an effective date (it holds from when it is recorded) keeps its place after the line before it
    keys, key = [], LIVE.date().isoformat()
    for record in records:
        key = record.get("recorded_at") or record.get("effective") or key
        keys.append(key)
    order = sorted(range(len(records)), key=lambda i: (keys[i], i))
    previous = LIVE - STEP
    for i in order:
        record = records[i]
        if "recorded_at" in record:
            previous = max(previous, datetime.fromisoformat(record["recorded_at"]))
            continue
        plain = json.dumps(record, ensure_ascii=False)
        previous = recording_time(plain, date.fromisoformat(keys[i][:10]), previous)
        record["recorded_at"] = previous.isoformat()
    ordered = sorted(range(len(records)), key=lambda i: (datetime.fromisoformat(records[i]["recorded_at"]), i))
    out, month = [*header, "#"], ""
    for i in ordered:
        record = records[i]
        if record["recorded_at"][:7] != month:
            month = record["recorded_at"][:7]
            out.append(f"# --- recorded {month}")
        out.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(out) + "\n"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEMO
    path.write_text(timeline(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
