"""The signing key's event in the catalogue: a published public key changes no read model; the
log's verification reads it (`infrastructure/log_audit.py`), history says it, the export writes
it back as `key.publish`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kompass.application.catalogue.entry import Aggregate, Entry, Export
from kompass.application.facts import Fact

__all__ = ["EVENTS", "SIGNING_KEY"]

SIGNING_KEY: Aggregate = Aggregate("signingkey", key_field="user", region_field="region")
KeyFold = Callable[[Any, str, Fact], None]


def _nothing(book: Any, user: str, fact: Fact) -> None:
    """No read model keeps keys: `verify` takes them from the log itself."""


EVENTS: dict[str, Entry[KeyFold]] = {
    "KeyPublished": Entry(
        "KeyPublished", SIGNING_KEY, _nothing,
        lambda d, user: f"{user} published a signing key ({str(d.get('public_key', ''))[:12]}…)",
        Export("key.publish", ("public_key",)), frozenset(),
    ),
}
