"""The portfolio (portfölj): one per region, holding its yearly self-assessment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from kompass.domain.errors import InvalidValue, RuleViolation
from kompass.domain.framework import Framework
from kompass.domain.recording import KompassAggregate, portfolio_id
from kompass.domain.text import require_user_id
from kompass.domain.vocabulary import FOCUS_LEVELS, LIGHTS, require_one_of, require_region, require_year


@dataclass(frozen=True)
class Assessment:
    year: int
    score: int
    light: str
    focus: dict[str, str]


class Portfolio(KompassAggregate):
    @staticmethod
    def create_id(region: str) -> UUID:
        return portfolio_id(region)

    @classmethod
    def open(cls, *, region: str, by: str, effective: date) -> Portfolio:
        require_region(region)
        return cls(region=region, by=by, effective=effective)

    @event("PortfolioOpened")
    def __init__(self, *, region: str, by: str, effective: date) -> None:
        self.region = region
        self.assessments: dict[int, Assessment] = {}
        self.coordinator: str | None = None

    def assess(
        self,
        year: int,
        score: int,
        light: str,
        focus: dict[str, str] | None,
        *,
        framework: Framework,
        by: str,
        effective: date,
    ) -> None:
        """A repeated assessment for the same year replaces the earlier one. Without a focus (None) it keeps
        the focus declared for that year before, if any: a new score must not silently wipe the focus."""
        require_year(year)
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 10:
            raise InvalidValue(f"score must be a whole number from 1 to 10 (got {score!r})")
        require_one_of(light, LIGHTS, "traffic light")
        if focus is None:
            earlier = self.assessments.get(year)
            focus = dict(earlier.focus) if earlier is not None else {}
        if not isinstance(focus, dict):
            raise InvalidValue("focus must map areas to levels")
        for area, level in focus.items():
            framework.require_area(area)
            require_one_of(level, FOCUS_LEVELS, "focus level")
        self._self_assessed(year=year, score=score, light=light, focus=dict(focus), by=by, effective=effective)

    @event("SelfAssessed")
    def _self_assessed(self, year: int, score: int, light: str, focus: dict[str, str], by: str, effective: date) -> None:
        self.assessments[year] = Assessment(year, score, light, dict(focus))

    def assign_coordinator(self, user: str, *, by: str, effective: date) -> None:
        """People are named by user id only; their names live in the person register."""
        require_user_id(user)
        if user == self.coordinator:
            raise RuleViolation(f"{user} is already the coordinator of region {self.region}")
        self._coordinator_assigned(user=user, by=by, effective=effective)

    @event("CoordinatorAssigned")
    def _coordinator_assigned(self, user: str, by: str, effective: date) -> None:
        self.coordinator = user
