"""How many facts a projector's batch takes: a short rest up to a known end goes with the last batch."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kompass.infrastructure.projections.projector import TAIL, batch_size


def test_a_batch_with_no_known_end_takes_its_size() -> None:
    assert batch_size(100, 0, None) == 100


def test_a_rest_of_at_most_a_tenth_more_goes_with_the_batch() -> None:
    assert batch_size(100, 0, 110) == 110
    assert batch_size(100, 500, 543) == 100  # more than a tenth left: the usual batch
    assert batch_size(100, 500, 603) == 103


def test_a_rest_shorter_than_a_batch_leaves_the_size_as_it_is() -> None:
    assert batch_size(100, 40, 90) == 100  # the log ends first; `done < size` still tells the last batch


@given(size=st.integers(1, 10_000), start=st.integers(0, 10**9), left=st.integers(0, 30_000))
def test_a_batch_never_takes_less_than_its_size_nor_more_than_a_tenth_more(size: int, start: int, left: int) -> None:
    taken = batch_size(size, start, start + left)
    assert size <= taken <= size + size // TAIL
    assert taken == size or taken == left  # either the usual batch or exactly the rest
