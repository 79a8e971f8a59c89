"""The stable identities of aggregates: UUIDv5 values derived from their human keys.

Kept apart from `recording` (which needs the eventsourcing library) so that a reader that
only looks rows up by id, such as the lean present-time read path, need not import it.
"""

from __future__ import annotations

from functools import lru_cache
from uuid import NAMESPACE_URL, UUID, uuid5

KOMPASS_NAMESPACE = uuid5(NAMESPACE_URL, "https://kompass.invalid/aggregates")
ID_CACHE = 1 << 15
"""Keys whose ids are remembered: an import names each initiative on many lines, and a UUIDv5
(a SHA-1) per mention was a tenth of its time. Bounded, so a long import's memory stays flat."""



@lru_cache(maxsize=ID_CACHE)
def initiative_id(ref: str) -> UUID:
    return uuid5(KOMPASS_NAMESPACE, f"initiative:{ref}")


@lru_cache(maxsize=ID_CACHE)
def actor_id(key: str) -> UUID:
    return uuid5(KOMPASS_NAMESPACE, f"actor:{key}")


@lru_cache(maxsize=ID_CACHE)
def portfolio_id(region: str) -> UUID:
    return uuid5(KOMPASS_NAMESPACE, f"portfolio:{region}")


@lru_cache(maxsize=ID_CACHE)
def user_aggregate_id(user: str) -> UUID:
    """The aggregate holding one user's roles: its grants and revocations, in the log."""
    return uuid5(KOMPASS_NAMESPACE, f"user:{user}")


def signing_key_id(user: str, public_key: str) -> UUID:
    """The aggregate recording that `public_key` (base64) is one with which `user` signs checkpoints: one per
    key, so a user with a new machine or a replaced key publishes another, and the old one still verifies."""
    return uuid5(KOMPASS_NAMESPACE, f"signing-key:{user}:{public_key}")
