"""The shortcuts a rebuild takes give what the plain ways give: recording-time keys as strftime wrote
them, and the garbage collector's thresholds back as they were, however the rebuild ends."""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kompass.application.bitemporal import TIME_FORMAT, remembered_time_key, time_key
from kompass.infrastructure.projections.projector import FULL_COLLECTIONS_OFF, few_full_collections

ZONES = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))])


@given(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9998, 12, 31)), ZONES)
def test_time_keys_are_the_text_strftime_writes(moment: datetime, zone: timezone) -> None:
    aware = moment.replace(tzinfo=zone)
    expected = aware.astimezone(UTC).strftime(TIME_FORMAT)
    assert time_key(aware) == expected
    assert remembered_time_key(aware) == expected


def test_a_rebuild_keeps_full_collections_off_and_gives_the_thresholds_back_even_when_it_fails() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), few_full_collections():
        assert gc.get_threshold()[2] == FULL_COLLECTIONS_OFF
        assert gc.get_threshold()[:2] == before[:2]
        raise RuntimeError("killed half-way")
    assert gc.get_threshold() == before
