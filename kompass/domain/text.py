"""What a text may be: the names people type to point at things, and what every stored text must be.

One place for these rules. The command-log reader, the command line, the domain's checks and
the read tables' column sizes all take them from here, so that a value the domain accepts is
always one the store can keep and every projection can hold (docs/usage.md, "Keys and texts").

- A *ref* (an initiative's key, an indicator's name) is 1 to 100 characters, none of them
  whitespace, a control or format character (such as a zero-width or a right-to-left mark).
  Any letter of any script is allowed: `25-2021-åäö`.
- An *actor key* and a *user id* (also a person's id) are slugs: 1 to 100 characters, lower-case
  letters a–z, digits, `.`, `_` and `-`, starting with a letter or a digit.
- All three are compared after Unicode normalisation NFC, so the two ways of typing `å` (one
  character, or `a` and a combining ring) name the same thing. Whole values are checked:
  a trailing newline is not silently allowed.
- Every stored text is valid Unicode without NUL: no lone surrogate (a JSON escape such as
  `\\ud800`, or a command-line argument that was not UTF-8), which UTF-8 cannot encode, and
  no U+0000, which PostgreSQL's text columns refuse.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from kompass.domain.errors import InvalidValue

KEY_LENGTH = 100
"""Longest ref, actor key, user id, person id and indicator name (the read tables' key columns)."""
REGION_LENGTH = 2
"""A county code."""
WORD_LENGTH = 32
"""Longest vocabulary word: an initiative type, an actor kind, a strategy area (a loaded framework's too)."""

SLUG = re.compile(r"[a-z0-9][a-z0-9._-]*")


def normal(text: str) -> str:
    """The NFC form of a key; other values pass unchanged (a wrong type is refused by the rule that reads it)."""
    return unicodedata.normalize("NFC", text) if isinstance(text, str) and not text.isascii() else text


def require_storable(what: str, text: str) -> str:
    """Refuse what neither backend can keep: a lone surrogate or a NUL character."""
    if "\x00" in text:
        raise InvalidValue(f"{what} contains a NUL character (U+0000), which the store cannot keep")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            bad = ord(text[error.start])
            raise InvalidValue(f"{what} is not valid text (it holds a lone surrogate U+{bad:04X})") from None
    return text


def require_ref(ref: Any, what: str = "ref") -> str:
    """Refs are typed by people and printed in reports: short, visible, no spaces."""
    if not isinstance(ref, str):
        raise InvalidValue(f"{what} must be text")
    require_storable(what, ref)
    if not ref or len(ref) > KEY_LENGTH or any(c.isspace() for c in ref):
        raise InvalidValue(f"{what} {ref!r} must be 1–{KEY_LENGTH} characters without spaces")
    if not ref.isprintable():
        raise InvalidValue(f"{what} {ref!r} contains control characters")
    if normal(ref) != ref:
        raise InvalidValue(f"{what} {ref!r} is not in Unicode normal form NFC")
    return ref


def require_slug(key: Any, what: str) -> str:
    """Actor keys and user ids: a lower-case slug of at most KEY_LENGTH characters, checked whole."""
    if not isinstance(key, str) or len(key) > KEY_LENGTH or not SLUG.fullmatch(key):
        raise InvalidValue(
            f"{what} {key!r} must be a lowercase slug of 1–{KEY_LENGTH} characters (letters a–z, digits, '-', '_' or '.')"
        )
    return key


def require_actor_key(key: Any) -> str:
    return require_slug(key, "actor key")


def require_user_id(user: Any, what: str = "user id") -> str:
    """People are named by pseudonymous user id only, never by an e-mail address or a name."""
    return require_slug(user, what)


def require_word(word: str, what: str) -> str:
    """A vocabulary key a data file defines (a framework's area): a lower-case snake_case word."""
    if len(word) > WORD_LENGTH or not re.fullmatch(r"[a-z][a-z0-9_]*", word):
        raise InvalidValue(f"{what} {word!r} must be lowercase snake_case (a-z, digits, _) of at most {WORD_LENGTH} characters")
    return word
