"""Strategy frameworks as values: the areas initiatives are tagged with, and crosswalks.

Frameworks are data (files under infrastructure/data/frameworks); this module only
knows their shape and the rules for using them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kompass.domain.errors import InvalidValue

BASE_FRAMEWORK = "se-2017"
"""The framework every stored event is tagged in; others are views through a crosswalk."""


@dataclass(frozen=True)
class Area:
    key: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Framework:
    key: str
    name: str
    areas: tuple[Area, ...]
    crosswalk: Mapping[str, tuple[str, ...]] | None = None
    """For a view framework: each base-framework area → the areas it counts under here."""
    crosswalk_from: str | None = None
    _keys: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_keys", tuple(a.key for a in self.areas))

    @property
    def area_keys(self) -> tuple[str, ...]:
        """Area keys in the framework's own order (the order outputs are sorted in)."""
        return self._keys

    def require_area(self, area: str) -> str:
        if area not in self._keys:
            raise InvalidValue(f"unknown area {area!r} in framework {self.key}: use one of {', '.join(self._keys)}")
        return area

    def require_areas(self, areas: Iterable[str]) -> tuple[str, ...]:
        areas = tuple(areas)
        if not areas:
            raise InvalidValue("an initiative needs at least one area")
        for area in areas:
            self.require_area(area)
        if len(set(areas)) != len(areas):
            raise InvalidValue(f"duplicate areas in {', '.join(areas)}")
        return areas

    def view(self, base_areas: Iterable[str]) -> tuple[str, ...]:
        """The areas (in this framework's order) that base-framework areas count under."""
        crosswalk = self.crosswalk
        wanted = set(base_areas) if crosswalk is None else {t for area in base_areas for t in crosswalk.get(area, ())}
        return tuple(key for key in self._keys if key in wanted)
