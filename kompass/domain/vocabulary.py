"""The fixed vocabulary (docs/command-log.md lists it), and the checks that keep values inside it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from kompass.domain.errors import InvalidValue, RuleViolation

REGIONS: dict[str, str] = {
    "01": "Stockholm",
    "03": "Uppsala",
    "04": "Södermanland",
    "05": "Östergötland",
    "06": "Jönköping",
    "07": "Kronoberg",
    "08": "Kalmar",
    "09": "Gotland",
    "10": "Blekinge",
    "12": "Skåne",
    "13": "Halland",
    "14": "Västra Götaland",
    "17": "Värmland",
    "18": "Örebro",
    "19": "Västmanland",
    "20": "Dalarna",
    "21": "Gävleborg",
    "22": "Västernorrland",
    "23": "Jämtland Härjedalen",
    "24": "Västerbotten",
    "25": "Norrbotten",
}

INITIATIVE_TYPES = (
    "collaboration",
    "training",
    "seminar",
    "analysis",
    "project",
    "strategy",
    "application_support",
    "advocacy",
)
ORIENTATIONS = ("internal", "external")
COORDINATOR_ROLES = (
    "spokesperson",
    "strategist",
    "change_leader",
    "lobbyist",
    "collaboration_leader",
)
PARTICIPANT_ROLES = ("lead", "partner", "funder", "target", "expert")
FUNDING_SOURCES = (
    "coordinator_grant",
    "erdf",
    "regional",
    "municipal",
    "vinnova",
    "digital_europe",
    "other",
)
RESULT_TYPES = ("capability", "coordination", "direct")
ACTOR_KINDS = (
    "region",
    "municipality",
    "county_board",
    "agency",
    "university",
    "research_institute",
    "company",
    "industry_body",
    "cluster",
    "library",
    "folk_high_school",
    "civil_society",
    "network",
    "edih",
    "eu_body",
    "other",
)
LIGHTS = ("green", "yellow", "red")
FOCUS_LEVELS = ("none", "low", "medium", "high")

EARLIEST_YEAR = 2000
"""No portfolio work predates the national strategies; earlier years are typing mistakes."""

LATEST_YEAR = 2100


def region_actor_key(code: str) -> str:
    """The actor that stands for a region in networks and participations."""
    return f"region-{code}"


def region_actor_name(code: str) -> str:
    """The name kompass registers a region's actor under, e.g. "Region Västra Götaland"."""
    return f"Region {REGIONS[code]}"


def require_region(code: str) -> str:
    if code not in REGIONS:
        known = ", ".join(REGIONS)
        raise InvalidValue(f"unknown region {code!r}: use a county code ({known})")
    return code


def require_one_of(value: str, allowed: Iterable[str], what: str) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise InvalidValue(f"unknown {what} {value!r}: use one of {', '.join(allowed)}")
    return value


def require_text(value: str, what: str) -> str:
    if not value or not value.strip():
        raise InvalidValue(f"{what} must not be empty")
    return value


def require_year(year: int) -> int:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise InvalidValue(f"year {year} is out of range ({EARLIEST_YEAR}–{LATEST_YEAR})")
    return year


def require_effective(effective: date, today: date) -> date:
    """Effective dates may be back-dated (backfilling old reports) but not in the future."""
    if effective > today:
        raise InvalidValue(f"effective date {effective.isoformat()} is in the future")
    if effective.year < EARLIEST_YEAR:
        raise InvalidValue(f"effective date {effective.isoformat()} is before {EARLIEST_YEAR}")
    return effective


def require_existing_on(effective: date, since: date | None, what: str) -> None:
    """A change cannot hold from before the thing it changes existed: a back-dated reopen of an initiative
    made `--as-of` show a status it never had. `since` is the effective date of its creation."""
    if since is not None and effective < since:
        raise RuleViolation(
            f"{what} exists from {since.isoformat()}: a change effective {effective.isoformat()} would predate it"
            f" (give --effective {since.isoformat()} or later)"
        )


PERCENT = "%"


def require_percentage(value: float, unit: str, what: str) -> None:
    """A share in per cent lies between 0 and 100."""
    if unit.strip() == PERCENT and not 0 <= value <= 100:
        raise InvalidValue(f"{what} {value:g} is not a percentage: a % indicator takes values from 0 to 100")


def require_assessed_year(year: int, current_year: int) -> None:
    """A self-assessment looks back: a year that has not begun cannot be assessed yet."""
    if year > current_year:
        raise InvalidValue(f"year {year} has not begun: a self-assessment is for {current_year} or earlier")
