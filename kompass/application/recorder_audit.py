"""Did whoever stored each event hold the right to store it at that moment? (`kompass verify`)

The log holds the roles too (user events), so the question is answered from the log alone, in
log order: before each event, the roles its recorder held then. The rights checked are those of
recording a change: user events and actors without a region are the admins'; an event of an
aggregate with a region is its admins' or its region's coordinators' (and a coordinator may
add or remove their own region's actor as a participant of any initiative); a signing key is published
by its own user, whatever their roles (on PostgreSQL every writer publishes theirs), or by an admin. The reference data
every store begins with is recorded by `kompass`, and nothing else may be. The first admin of a
store is named by whoever created it. Events stored before kompass kept `recorded_by` (NULL)
cannot be checked: they are counted as unverifiable, not failed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kompass.application.facts import Fact
from kompass.application.permissions import Grants
from kompass.application.users import RoleBook

SYSTEM_RECORDER = "kompass"
REFERENCE_TYPES = frozenset({"ActorRegistered", "PortfolioOpened"})
PARTICIPATION = frozenset({"ActorJoined", "ActorLeft"})
SIGNING_KEYS = "signingkey"


@dataclass(frozen=True)
class RecorderVerdict:
    checked: int
    unverifiable: int


@dataclass(frozen=True)
class Unauthorised:
    position: int
    recorded_by: str
    reason: str


def audit_recorders(keyed_facts: Iterable[tuple[Fact, str, str | None]]) -> RecorderVerdict | Unauthorised:
    """The count of events checked and of unverifiable ones, or the first event whose recorder had no right to it."""
    book = RoleBook()
    actor_regions: dict[str, str | None] = {}
    checked = unverifiable = 0
    for fact, key, region in keyed_facts:
        if fact.aggregate == "actor" and fact.version == 1:
            actor_regions[key] = fact.data.get("region")
        who = fact.recorded_by
        if who is None:
            unverifiable += 1
        else:
            reason = _refusal(fact, key, region, who, book, actor_regions)
            if reason is not None:
                return Unauthorised(fact.position, who, reason)
            checked += 1
        if fact.aggregate == "user":
            book.apply(fact)
    return RecorderVerdict(checked, unverifiable)


def _refusal(fact: Fact, key: str, region: str | None, who: str, book: RoleBook, actor_regions: dict[str, str | None]) -> str | None:
    """Why `who` could not record `fact` with the roles the log gave them so far; None when they could."""
    reference = fact.by == SYSTEM_RECORDER and fact.version == 1 and fact.type in REFERENCE_TYPES
    if who == SYSTEM_RECORDER or reference:
        return None if who == SYSTEM_RECORDER and reference else "only kompass records the reference data, and only that"
    grants = book.grants(who)
    if grants.is_admin:
        return None
    if fact.aggregate == SIGNING_KEYS:
        return None if fact.data.get("user") == who else "a user publishes only their own signing key"
    if fact.aggregate == "user":
        first_admin = not book.all() and fact.type == "Registered" and fact.data["role"] == "admin"
        return None if first_admin else "only an admin may grant or revoke roles"
    if region is None:
        return "only an admin may change what belongs to no region"
    if _coordinates(grants, region):
        return None
    if fact.type in PARTICIPATION and _coordinates(grants, actor_regions.get(fact.data.get("actor", ""))):
        return None
    return f"only an admin or a coordinator of region {region} may change it"


def _coordinates(grants: Grants, region: str | None) -> bool:
    return region is not None and "coordinator" in grants.roles and region in grants.regions
