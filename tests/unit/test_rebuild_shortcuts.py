"""The shortcuts a rebuild takes give what the plain ways give: recording-time keys as strftime wrote
them, also when read off the text a time was stored as, and the garbage collector's thresholds back as
they were, however the rebuild ends."""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kompass.application import bitemporal
from kompass.application.bitemporal import TIME_FORMAT, remember_stored_time, remembered_day_key, remembered_time_key, time_key
from kompass.infrastructure.projections.projector import FULL_COLLECTIONS_OFF, few_full_collections

ZONES = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))])


@given(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9998, 12, 31)), ZONES)
def test_time_keys_are_the_text_strftime_writes(moment: datetime, zone: timezone) -> None:
    aware = moment.replace(tzinfo=zone)
    expected = aware.astimezone(UTC).strftime(TIME_FORMAT)
    assert time_key(aware) == expected
    assert remembered_time_key(aware) == expected


STORED_FORMS = st.sampled_from(
    [
        lambda m: m.isoformat(),  # the library's own: what the key is read off
        lambda m: m.isoformat(sep=" "),
        lambda m: m.isoformat(timespec="milliseconds"),
        lambda m: m.isoformat(timespec="seconds"),
        lambda m: m.isoformat(timespec="microseconds"),
    ]
)


@given(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9998, 12, 31)), ZONES, STORED_FORMS)
def test_a_key_read_off_the_stored_text_is_the_key_worked_out(moment: datetime, zone: timezone, form: Any) -> None:
    """Whatever ISO text a time was parsed from, the key remembered for it is `time_key`'s (read off the text only
    when that is the library's form of a UTC time)."""
    stored = form(moment.replace(tzinfo=zone))
    parsed = datetime.fromisoformat(stored)
    bitemporal._time_keys.clear()  # a key remembered before would hide a wrong one
    remember_stored_time(parsed, stored)
    assert remembered_time_key(parsed) == time_key(parsed) == parsed.astimezone(UTC).strftime(TIME_FORMAT)
    assert remembered_day_key(parsed.date()) == parsed.date().isoformat()


def test_remembered_keys_stay_within_their_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bitemporal, "KEYS_KEPT", 3)
    bitemporal._time_keys.clear()
    moments = [datetime(2021, 1, 1, tzinfo=UTC) + timedelta(seconds=n) for n in range(8)]
    for n, moment in enumerate(moments):
        if n % 2:
            remember_stored_time(moment, moment.isoformat())
        assert remembered_time_key(moment) == time_key(moment)
        assert len(bitemporal._time_keys) <= 3
    bitemporal._time_keys.clear()


def test_a_rebuild_keeps_full_collections_off_and_gives_the_thresholds_back_even_when_it_fails() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), few_full_collections():
        assert gc.get_threshold()[2] == FULL_COLLECTIONS_OFF
        assert gc.get_threshold()[:2] == before[:2]
        raise RuntimeError("killed half-way")
    assert gc.get_threshold() == before
