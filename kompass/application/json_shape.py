"""Typed read models written as the JSON other programs read: the one place a dataclass becomes plain data.

Most models are written field by field, in field order (what `dataclasses.asdict` gives). Two
things asdict cannot say are said in the field's metadata, so the models stay typed and the JSON keeps
its documented shape: `field(metadata=json_key("from"))` for a key that is no Python name,
`field(default=None, metadata=OMITTED_WHEN_NONE)` for a key that is absent, not null, when it has no value,
and `field(metadata=INLINED)` for a part whose keys stand in the whole object, in its place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

__all__ = ["INLINED", "OMITTED_WHEN_NONE", "json_key", "to_plain"]

_NAME = "json_key"
_OMIT = "omitted_when_none"
_INLINE = "inlined"

OMITTED_WHEN_NONE: Mapping[str, bool] = {_OMIT: True}
"""A field's metadata: the field is left out of the JSON when it is None."""

INLINED: Mapping[str, bool] = {_INLINE: True}
"""A field's metadata: the field (a dataclass) is written as its own keys, where the field stands."""


def json_key(name: str) -> Mapping[str, str]:
    """A field's metadata: the field is written under the key `name`."""
    return {_NAME: name}


def to_plain(value: Any) -> Any:
    """`value` as JSON-ready data: dataclasses as objects of their fields, tuples as lists, mappings and
    lists copied; everything else as it is."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        plain = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if item is None and f.metadata.get(_OMIT):
                continue
            if f.metadata.get(_INLINE):
                plain.update(to_plain(item))
                continue
            plain[f.metadata.get(_NAME, f.name)] = to_plain(item)
        return plain
    if isinstance(value, Mapping):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    return value
