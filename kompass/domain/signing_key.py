"""A user's signing keys: the public halves of the Ed25519 keys with which they sign checkpoints.

Why in the log: on PostgreSQL several people write to one store, each from their own machine
with a key of their own (kept outside the database). `verify` can only say who signed a
checkpoint, and refuse a signature by a key nobody owns, if the public keys are part of what is
verified. So a user's key is published as an event of the log, by that user, in the transaction
whose checkpoint it first signs; a key published for someone else is refused (exit 4).
"""

from __future__ import annotations

import base64
import binascii
from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from kompass.domain.errors import InvalidValue, PermissionDenied
from kompass.domain.identity import signing_key_id
from kompass.domain.recording import KompassAggregate
from kompass.domain.text import require_user_id

KEY_BYTES = 32


def require_public_key(text: str) -> bytes:
    """A published key is written as the base64 of the 32 raw bytes of an Ed25519 public key."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidValue("public_key must be the base64 of an Ed25519 public key") from None
    if len(raw) != KEY_BYTES:
        raise InvalidValue(f"public_key must be {KEY_BYTES} bytes (an Ed25519 public key), not {len(raw)}")
    return raw


def require_own(user: str, by: str) -> None:
    """Only the key's owner publishes it: otherwise anyone could sign in someone else's name."""
    if by != user:
        raise PermissionDenied(f"{by} may not publish a signing key for {user}: a user publishes only their own key")


class SigningKey(KompassAggregate):
    """One published key of one user; a user may publish several (one per machine, or a replaced key)."""

    @staticmethod
    def create_id(user: str, public_key: str) -> UUID:
        return signing_key_id(user, public_key)

    @classmethod
    def publish(cls, *, user: str, public_key: str, by: str, effective: date) -> SigningKey:
        require_user_id(user)
        require_public_key(public_key)
        require_own(user, by)
        return cls(user=user, public_key=public_key, by=by, effective=effective)

    @event("KeyPublished")
    def __init__(self, *, user: str, public_key: str, by: str, effective: date) -> None:
        self.user = user
        self.public_key = public_key
