"""The export line writers (export_line) write exactly `json.dumps(record, ensure_ascii=False)` of the record.

Each kind of event has its own generated writer, and recording times and dates go through caches;
whatever values reach them (any unicode, quotes, backslashes, control characters, empty strings,
None, numbers, lists, recording times in any offset, with or without microseconds), the line must be
the one `json.dumps` writes, or a write would hash a leaf the export does not reproduce.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kompass.application.catalogue import AGGREGATES, CATALOGUE
from kompass.infrastructure.export_line import moment_text, writers

EXPORTED = sorted((name, entry.aggregate.name) for name, entry in CATALOGUE.items() if entry.export is not None)
texts = st.text(st.characters(codec="utf-8"), max_size=30) | st.sampled_from(
    ["", '"', "\\", '":"', "a\nb", "\x00\x1f\x7f", "\u2028\u2029", "Öppna ✓ 😀", '{"op": 1}']
)
values = (
    texts | st.none() | st.integers(-(10**20), 10**20) | st.floats() | st.booleans()
    | st.lists(texts, max_size=4) | st.dictionaries(texts, texts | st.integers(), max_size=3)
)
offsets = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30)), None])
moments = st.builds(
    lambda d, t, us, tz: datetime.combine(d, t).replace(microsecond=us, tzinfo=tz),
    st.dates(), st.times(), st.integers(0, 999_999) | st.sampled_from([0, 1, 1000, 999_000, 999_999]), offsets,
)


def record(name: str, aggregate: str, data: dict[str, Any], key: Any, by: Any, effective: date, recorded_at: datetime,
           recorded_by: Any) -> dict[str, Any]:
    """The record a line stands for, as the export first wrote it: a dict for `json.dumps`."""
    export = CATALOGUE[name].export
    assert export is not None
    key_field = AGGREGATES[aggregate].key_field
    found: dict[str, Any] = {"op": export.op, key_field: data.get(key_field) if key_field in export.fields else key}
    for field in export.fields:
        if field == key_field or (field == "region" and aggregate == "actor" and data.get(field) is None):
            continue
        found[field] = data.get(field)
    found |= {"by": by, "effective": effective.isoformat(), "recorded_at": recorded_at.isoformat(), "recorded_by": recorded_by}
    return found


class Event:
    """Stands for the library's event object: the writer reads its `__dict__`."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


@settings(max_examples=400, deadline=None, database=None)
@given(kind=st.sampled_from(EXPORTED), data=st.data(), key=texts | st.none(), by=texts | values, effective=st.dates(),
       recorded_at=moments, recorded_by=texts | st.none())
def test_every_writer_writes_what_json_dumps_writes(kind: tuple[str, str], data: st.DataObject, key: Any, by: Any, effective: date,
                                                    recorded_at: datetime, recorded_by: Any) -> None:
    name, aggregate = kind
    export = CATALOGUE[name].export
    assert export is not None
    fields = {field: data.draw(values, label=field) for field in export.fields if data.draw(st.booleans())}  # some left out
    expected = json.dumps(record(name, aggregate, fields, key, by, effective, recorded_at, recorded_by), ensure_ascii=False)
    write = writers(name, aggregate)
    assert write.of_fact(fields, key, by, effective, recorded_at, recorded_by) == expected
    event = Event({**fields, "by": by, "effective": effective, "timestamp": recorded_at})
    assert write.of_object(event, key, recorded_by) == expected


@given(moments)
def test_recording_times_are_written_as_isoformat_writes_them(moment: datetime) -> None:
    assert moment_text(moment) == moment.isoformat()
    assert moment_text(moment) == moment.isoformat(), "and again, from the remembered second"


def test_moments_of_one_second_share_its_text_but_keep_their_microseconds() -> None:
    second = datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC)
    assert [moment_text(second.replace(microsecond=us)) for us in (1, 10, 999_999, 0, 120_000)] == [
        "2024-02-29T23:59:59.000001+00:00", "2024-02-29T23:59:59.000010+00:00", "2024-02-29T23:59:59.999999+00:00",
        "2024-02-29T23:59:59+00:00", "2024-02-29T23:59:59.120000+00:00",
    ]
