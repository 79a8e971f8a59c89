"""What every command is: who records it, from when it holds, and text the store can keep.

Building a command refuses a lone surrogate or a NUL in any field, and writes its keys (refs, actor keys,
user ids, indicator names) in Unicode NFC (`kompass.domain.text`), before anything, even an aggregate's
id, is derived from them. `by` and `effective` are optional: they default to the acting user and today.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from kompass.domain.text import normal, require_storable

__all__ = ["Command"]


@dataclass(frozen=True, kw_only=True)
class Command:
    by: str | None = None
    effective: date | None = None

    KEYS: ClassVar[frozenset[str]] = frozenset({"ref", "key", "into", "actor", "by", "user"})
    """Fields that name something: compared, and so stored, in NFC."""

    def __post_init__(self) -> None:
        for name in _field_names(type(self)):
            value: Any = getattr(self, name)
            if isinstance(value, str):
                require_storable(name, value)
                if name in self.KEYS:
                    object.__setattr__(self, name, normal(value))
            elif isinstance(value, (tuple, list)):
                for item in value:
                    if isinstance(item, str):
                        require_storable(name, item)
            elif isinstance(value, dict):
                for item in (*value, *value.values()):
                    if isinstance(item, str):
                        require_storable(name, item)


_FIELD_NAMES: dict[type[Command], tuple[str, ...]] = {}


def _field_names(command_class: type[Command]) -> tuple[str, ...]:
    """Looked up once per class: an import builds a command for every line."""
    names = _FIELD_NAMES.get(command_class)
    if names is None:
        names = _FIELD_NAMES[command_class] = tuple(f.name for f in dataclasses.fields(command_class))
    return names
