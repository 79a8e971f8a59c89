"""A command line nested deeper than any command needs is refused before the JSON decoder recurses into it.

The decoder recurses once per level; a line nested thousands deep took it to Python's recursion limit, where
whatever the garbage collector finalized at that moment failed as well and printed tracebacks of its own
(seen in CI as "Exception ignored in sys.unraisablehook").
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kompass.domain.errors import InvalidValue
from kompass.infrastructure.command_log import MAX_NESTING, parse_command, too_deep


def nested(depth: int, opening: str = "[") -> str:
    closing = "]" if opening == "[" else "}"
    inner = "1" if opening == "[" else '{"a": 1}'
    return (opening if opening == "[" else '{"a": ') * depth + inner + closing * depth


def reference_depth(value: object) -> int:
    """How deep arrays and objects nest in a decoded value (the test's own count, not the product's)."""
    if isinstance(value, list):
        return 1 + max((reference_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((reference_depth(v) for v in value.values()), default=0)
    return 0


json_values = st.recursive(
    st.none() | st.integers() | st.text(alphabet='[]{}"\\ab', max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet='[]{}"\\ab', max_size=4), inner, max_size=3),
    max_leaves=40,
)


@given(json_values)
def test_the_depth_check_counts_as_the_decoded_value_nests(value: object) -> None:
    import json

    text = json.dumps(value)
    assert too_deep(text) == (reference_depth(value) > MAX_NESTING)


def test_at_the_limit_a_line_passes_and_one_level_more_is_refused() -> None:
    assert not too_deep(nested(MAX_NESTING - 1))
    assert too_deep(nested(MAX_NESTING + 1))
    assert too_deep(nested(MAX_NESTING + 1, "{"))


def test_brackets_inside_strings_do_not_count() -> None:
    assert not too_deep('{"op": "actor.register", "name": "' + "[{" * 1000 + '\\"' + '"}')


@pytest.fixture
def low_recursion_limit() -> Iterator[None]:
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(MAX_NESTING * 3)
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


@pytest.mark.parametrize("depth", [1_000, 100_000])
@pytest.mark.usefixtures("low_recursion_limit")
def test_a_deep_line_is_refused_without_the_decoder_recursing(depth: int) -> None:
    # with the recursion limit this low, decoding the line would raise RecursionError inside the decoder
    line = '{"op": "actor.register", "key": ' + nested(depth) + "}"
    with pytest.raises(InvalidValue, match=f"nested too deeply \\(more than {MAX_NESTING} levels\\)"):
        parse_command(line)
