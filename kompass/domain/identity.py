"""The stable identities of aggregates: UUIDv5 values derived from their human keys.

Kept apart from `recording` (which needs the eventsourcing library) so that a reader that
only looks rows up by id, such as the lean present-time read path, need not import it.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

KOMPASS_NAMESPACE = uuid5(NAMESPACE_URL, "https://kompass.invalid/aggregates")


def initiative_id(ref: str) -> UUID:
    return uuid5(KOMPASS_NAMESPACE, f"initiative:{ref}")


def actor_id(key: str) -> UUID:
    return uuid5(KOMPASS_NAMESPACE, f"actor:{key}")


def portfolio_id(region: str) -> UUID:
    return uuid5(KOMPASS_NAMESPACE, f"portfolio:{region}")
