"""The initiative (insats): one piece of work in a region's portfolio.

Public methods are commands: they check the rules first and raise a RuleViolation
before anything changes, then trigger one event. The private `@event` methods only
apply an event, so replaying history never re-checks rules that held when it was made.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from kompass.domain import corrections as rules
from kompass.domain import status as lifecycle
from kompass.domain.errors import AlreadyExists, NotFound, RuleViolation
from kompass.domain.framework import Framework
from kompass.domain.initiative_values import (
    MAX_FUNDING_LINE_SEK,
    FundingLine,
    Indicator,
    Result,
    require_funding_line,
    require_measure,
    require_number,
)
from kompass.domain.recording import KompassAggregate, initiative_id
from kompass.domain.text import require_ref
from kompass.domain.vocabulary import (
    INITIATIVE_TYPES,
    ORIENTATIONS,
    PARTICIPANT_ROLES,
    RESULT_TYPES,
    region_actor_key,
    require_existing_on,
    require_one_of,
    require_region,
    require_text,
)

__all__ = ["MAX_FUNDING_LINE_SEK", "FundingLine", "Indicator", "Initiative", "Result", "require_number"]

class Initiative(KompassAggregate):
    planned_start: str | None = None
    """Planned dates (YYYY-MM-DD), set by `schedule`; class defaults keep older snapshots loadable."""
    planned_end: str | None = None

    @staticmethod
    def create_id(ref: str) -> UUID:
        return initiative_id(ref)

    @classmethod
    def propose(
        cls,
        *,
        ref: str,
        region: str,
        title: str,
        areas: list[str],
        type: str,
        framework: Framework,
        orientation: str = "external",
        roles: list[str] | None = None,
        description: str = "",
        by: str,
        effective: date,
    ) -> Initiative:
        require_ref(ref)
        require_region(region)
        require_text(title, "title")
        framework.require_areas(areas)
        require_one_of(type, INITIATIVE_TYPES, "initiative type")
        require_one_of(orientation, ORIENTATIONS, "orientation")
        roles = list(roles or [])
        rules.check_roles(roles)
        return cls(
            ref=ref,
            region=region,
            title=title,
            description=description,
            areas=list(areas),
            type=type,
            orientation=orientation,
            roles=roles,
            by=by,
            effective=effective,
        )

    @event("InitiativeProposed")
    def __init__(
        self,
        *,
        ref: str,
        region: str,
        title: str,
        description: str,
        areas: list[str],
        type: str,
        orientation: str,
        roles: list[str],
        by: str,
        effective: date,
    ) -> None:
        self.ref = ref
        self.region = region
        self.title = title
        self.description = description
        self.areas = list(areas)
        self.type = type
        self.orientation = orientation
        self.roles = list(roles)
        self.status, self.status_before, self.paused_from = lifecycle.PROPOSED
        self.participants: dict[str, str] = {}
        self.funding: list[FundingLine] = []
        self.results: list[Result] = []
        self.indicators: dict[str, Indicator] = {}
        self.proposed_on = effective

    def require_existing_on(self, effective: date) -> None:
        """Every change to an initiative holds from its proposal on."""
        require_existing_on(effective, self.proposed_on, f"initiative {self.ref}")

    @property
    def lead_actor(self) -> str:
        return region_actor_key(self.region)

    # --- areas ---------------------------------------------------------------

    def tag(self, area: str, *, framework: Framework, by: str, effective: date) -> None:
        framework.require_area(area)
        if area in self.areas:
            raise RuleViolation(f"{self.ref} is already tagged {area}")
        self._area_tagged(area=area, by=by, effective=effective)

    @event("AreaTagged")
    def _area_tagged(self, area: str, by: str, effective: date) -> None:
        self.areas.append(area)

    def untag(self, area: str, *, by: str, effective: date) -> None:
        if area not in self.areas:
            raise RuleViolation(f"{self.ref} is not tagged {area}")
        if len(self.areas) == 1:
            raise RuleViolation(f"{area} is the last area of {self.ref}: tag another one first")
        self._area_untagged(area=area, by=by, effective=effective)

    @event("AreaUntagged")
    def _area_untagged(self, area: str, by: str, effective: date) -> None:
        self.areas.remove(area)

    # --- life cycle ----------------------------------------------------------

    def change_status(self, status: str, *, reason: str = "", by: str, effective: date) -> None:
        lifecycle.check_move(self.status, status, self.paused_from)
        self._status_changed(status=status, reason=reason, by=by, effective=effective)

    @property
    def standing(self) -> lifecycle.Standing:
        return lifecycle.Standing(self.status, self.status_before, self.paused_from)

    @event("StatusChanged")
    def _status_changed(self, status: str, reason: str, by: str, effective: date) -> None:
        self.status, self.status_before, self.paused_from = lifecycle.moved(self.standing, status)

    def reopen(self, *, reason: str, by: str, effective: date) -> None:
        lifecycle.check_reopen(self.status, self.ref)
        require_text(reason, "the reason for reopening")
        self._reopened(reason=reason, by=by, effective=effective)

    @event("InitiativeReopened")
    def _reopened(self, reason: str, by: str, effective: date) -> None:
        self.status, self.status_before, self.paused_from = lifecycle.reopened(self.standing)

    # --- participants --------------------------------------------------------

    def join(self, actor: str, role: str, *, by: str, effective: date) -> None:
        """`actor` is the key of a registered actor that has not been merged away."""
        require_one_of(role, PARTICIPANT_ROLES, "participant role")
        if actor == self.lead_actor:
            raise RuleViolation(f"{actor} leads {self.ref} and takes part in it already")
        if actor in self.participants:
            raise AlreadyExists(f"{actor} already takes part in {self.ref}")
        self._actor_joined(actor=actor, role=role, by=by, effective=effective)

    @event("ActorJoined")
    def _actor_joined(self, actor: str, role: str, by: str, effective: date) -> None:
        self.participants[actor] = role

    def leave(self, actor: str, *, by: str, effective: date) -> None:
        if actor not in self.participants:
            raise NotFound(f"{actor} does not take part in {self.ref}")
        self._actor_left(actor=actor, by=by, effective=effective)

    @event("ActorLeft")
    def _actor_left(self, actor: str, by: str, effective: date) -> None:
        del self.participants[actor]

    # --- money, results, indicators -------------------------------------------

    def fund(self, source: str, amount_sek: int, year: int, *, by: str, effective: date) -> None:
        require_funding_line(source, amount_sek, year)
        self._funding_added(source=source, amount_sek=amount_sek, year=year, by=by, effective=effective)

    @event("FundingAdded")
    def _funding_added(self, source: str, amount_sek: int, year: int, by: str, effective: date) -> None:
        self.funding.append(FundingLine(source, amount_sek, year))

    def record_result(self, type: str, text: str, *, by: str, effective: date) -> None:
        require_one_of(type, RESULT_TYPES, "result type")
        require_text(text, "the result text")
        self._result_recorded(type=type, text=text, by=by, effective=effective)

    @event("ResultRecorded")
    def _result_recorded(self, type: str, text: str, by: str, effective: date) -> None:
        self.results.append(Result(type, text))

    def retitle(self, title: str, description: str | None, *, by: str, effective: date) -> None:
        require_text(title, "title")
        new_description = self.description if description is None else description
        if title == self.title and new_description == self.description:
            raise RuleViolation(f"{self.ref} already has that title and description")
        self._retitled(title=title, description=new_description, by=by, effective=effective)

    @event("InitiativeRetitled")
    def _retitled(self, title: str, description: str, by: str, effective: date) -> None:
        self.title = title
        self.description = description

    def define_indicator(self, name: str, target: float, unit: str, *, by: str, effective: date) -> None:
        require_ref(name, what="indicator name")
        require_measure(target, unit, "target")
        if name in self.indicators:
            raise AlreadyExists(f"{self.ref} already has an indicator {name!r}")
        self._indicator_defined(name=name, target=target, unit=unit, by=by, effective=effective)

    @event("IndicatorDefined")
    def _indicator_defined(self, name: str, target: float, unit: str, by: str, effective: date) -> None:
        self.indicators[name] = Indicator(name, target, unit, [])

    def measure(self, name: str, value: float, *, by: str, effective: date) -> None:
        if name not in self.indicators:
            raise NotFound(f"{self.ref} has no indicator {name!r}: define it first")
        require_measure(value, self.indicators[name].unit, "value")
        self._indicator_measured(name=name, value=value, by=by, effective=effective)

    @event("IndicatorMeasured")
    def _indicator_measured(self, name: str, value: float, by: str, effective: date) -> None:
        self.indicators[name].measurements.append((effective, value))

    # --- corrections (new events; nothing recorded is edited) ---------------------

    def retype(self, type: str, *, reason: str = "", by: str, effective: date) -> None:
        rules.check_retype(self.ref, self.type, type)
        self._retyped(type=type, reason=reason, by=by, effective=effective)

    @event("InitiativeRetyped")
    def _retyped(self, type: str, reason: str, by: str, effective: date) -> None:
        self.type = type

    def reorient(self, orientation: str, *, reason: str = "", by: str, effective: date) -> None:
        rules.check_reorient(self.ref, self.orientation, orientation)
        self._reoriented(orientation=orientation, reason=reason, by=by, effective=effective)

    @event("InitiativeReoriented")
    def _reoriented(self, orientation: str, reason: str, by: str, effective: date) -> None:
        self.orientation = orientation

    def change_roles(self, roles: list[str], *, reason: str = "", by: str, effective: date) -> None:
        rules.check_new_roles(self.ref, self.roles, roles)
        self._roles_changed(roles=list(roles), reason=reason, by=by, effective=effective)

    @event("RolesChanged")
    def _roles_changed(self, roles: list[str], reason: str, by: str, effective: date) -> None:
        self.roles = list(roles)

    def unfund(self, source: str, amount_sek: int, year: int, *, reason: str = "", by: str, effective: date) -> None:
        rules.check_present(self.ref, self.funding, FundingLine(source, amount_sek, year), "funding line")
        self._funding_removed(source=source, amount_sek=amount_sek, year=year, reason=reason, by=by, effective=effective)

    @event("FundingRemoved")
    def _funding_removed(self, source: str, amount_sek: int, year: int, reason: str, by: str, effective: date) -> None:
        self.funding.remove(FundingLine(source, amount_sek, year))

    def withdraw_result(self, type: str, text: str, *, reason: str = "", by: str, effective: date) -> None:
        rules.check_present(self.ref, self.results, Result(type, text), "result")
        self._result_withdrawn(type=type, text=text, reason=reason, by=by, effective=effective)

    @event("ResultWithdrawn")
    def _result_withdrawn(self, type: str, text: str, reason: str, by: str, effective: date) -> None:
        self.results.remove(Result(type, text))

    def retarget(self, name: str, target: float, unit: str | None, *, reason: str = "", by: str, effective: date) -> None:
        indicator = self.indicators.get(name)
        if indicator is None:
            raise NotFound(f"{self.ref} has no indicator {name!r}: define it first")
        require_number(target, "target")
        unit = indicator.unit if unit is None else unit
        rules.check_retarget(self.ref, name, (indicator.target, indicator.unit), (target, unit))
        self._retargeted(name=name, target=target, unit=unit, reason=reason, by=by, effective=effective)

    @event("IndicatorRetargeted")
    def _retargeted(self, name: str, target: float, unit: str, reason: str, by: str, effective: date) -> None:
        self.indicators[name].target, self.indicators[name].unit = target, unit

    def schedule(self, start: date | None, end: date | None, *, reason: str = "", by: str, effective: date) -> None:
        current = tuple(None if d is None else date.fromisoformat(d) for d in (self.planned_start, self.planned_end))
        rules.check_schedule(self.ref, (current[0], current[1]), start, end)
        iso = [None if d is None else d.isoformat() for d in (start, end)]
        self._scheduled(start=iso[0], end=iso[1], reason=reason, by=by, effective=effective)

    @event("InitiativeScheduled")
    def _scheduled(self, start: str | None, end: str | None, reason: str, by: str, effective: date) -> None:
        self.planned_start, self.planned_end = start, end

    def move_lead(self, region: str, *, reason: str = "", by: str, effective: date) -> None:
        """Another region leads from now on (admins only: it moves the initiative between portfolios)."""
        rules.check_lead_region(self.ref, self.region, region, self.participants)
        self._lead_region_changed(region=region, reason=reason, by=by, effective=effective)

    @event("LeadRegionChanged")
    def _lead_region_changed(self, region: str, reason: str, by: str, effective: date) -> None:
        self.region = region
