"""Role names of the database's rules (kompass.infrastructure.pg_roles), and how a refusal reaches the user."""

from __future__ import annotations

import pytest

from kompass.domain.errors import InvalidValue, PermissionDenied
from kompass.infrastructure.pg_roles import REFUSED, RoleNames, refusal, role_names


def test_a_prefix_names_the_owner_and_the_five_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOMPASS_ROLE_PREFIX", "kompass_sthlm_")
    names = role_names()
    assert names.owner == "kompass_sthlm_owner"
    assert names.groups == [f"kompass_sthlm_{k}" for k in ("admin", "coordinator", "auditor", "analyst", "projector")]


def test_without_a_prefix_the_roles_are_kompass_s(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KOMPASS_ROLE_PREFIX", raising=False)
    assert role_names().group("admin") == "kompass_admin"


@pytest.mark.parametrize("prefix", ["Kompass_", "k; DROP", "k'", 'k"', "", "1" * 50])
def test_a_prefix_that_could_break_out_of_a_name_is_refused(prefix: str) -> None:
    with pytest.raises(InvalidValue):
        RoleNames(prefix)


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(InvalidValue, match="no kompass role"):
        RoleNames().group("superuser")


class _Diag:
    message_primary = "coord may not change initiative 12-cyber of region 12"


class _DriverError(Exception):
    sqlstate = REFUSED
    diag = _Diag()


def test_the_rules_refusal_becomes_a_permission_refusal_with_its_one_line() -> None:
    try:
        raise RuntimeError("wrapped by the library") from _DriverError("ERROR: …\nCONTEXT: PL/pgSQL function …")
    except RuntimeError as error:
        found = refusal(error)
    assert isinstance(found, PermissionDenied)
    assert str(found) == "coord may not change initiative 12-cyber of region 12"


def test_any_other_storage_error_is_left_alone() -> None:
    assert refusal(RuntimeError("permission denied for table kompass_events")) is None
