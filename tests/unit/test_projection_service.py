"""`ProjectionService` called from Python, without click: who may rebuild (asked before any work), and that
each use case hands its batch size and progress on to the projector. The projector is a fake that subclasses
the port; the real one is tested on real stores (tests/integration/test_projections_*.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kompass.application import ports
from kompass.application.permissions import Access, Grants, OpenAccess
from kompass.application.projection_service import Compaction, ProjectionService, ProjectionStatus
from kompass.domain.errors import PermissionDenied

STATUS = [ProjectionStatus("portfolio", 7, 10), ProjectionStatus("network", 10, 10)]


class Keeper(ports.ProjectionKeeper):
    """Remembers what it was asked to do; a rebuild reports its progress twice."""

    def __init__(self) -> None:
        self.done: list[tuple[str, int | None]] = []

    def status(self) -> list[ProjectionStatus]:
        return list(STATUS)

    def catch_up(self, on_progress: Callable[[int, int], None] | None = None, batch: int | None = None) -> int:
        self.done.append(("catch_up", batch))
        return 3

    def rebuild(self, on_progress: Callable[[int, int], None] | None = None, only: str | None = None, batch: int | None = None) -> int:
        self.done.append(("rebuild", batch))
        if on_progress:
            on_progress(5, 10)
            on_progress(10, 10)
        return 10

    def follow(self, poll_seconds: float = 1.0, stop: Callable[[], bool] = lambda: False, batch: int | None = None) -> None:
        self.done.append(("follow", batch))

    def compact(self) -> Compaction | None:
        self.done.append(("compact", None))
        return Compaction(before=300, after=100)


def service(keeper: Keeper, access: Access) -> ProjectionService:
    return ProjectionService(keeper, lambda: access)


def test_status_says_how_far_behind_each_projection_is() -> None:
    assert [(s.name, s.behind) for s in service(Keeper(), OpenAccess()).status()] == [("portfolio", 3), ("network", 0)]


@pytest.mark.parametrize("roles", [("analyst",), ("coordinator",), ()])
def test_only_admins_and_the_projector_rebuild_and_a_refusal_does_no_work(roles: tuple[str, ...]) -> None:
    keeper = Keeper()
    with pytest.raises(PermissionDenied):
        service(keeper, Access(Grants("someone", frozenset(roles)))).rebuild()
    assert keeper.done == []


@pytest.mark.parametrize("roles", [("analyst",), ("coordinator",), ()])
def test_only_admins_and_the_projector_compact_and_a_refusal_does_no_work(roles: tuple[str, ...]) -> None:
    keeper = Keeper()
    with pytest.raises(PermissionDenied):
        service(keeper, Access(Grants("someone", frozenset(roles)))).compact()
    assert keeper.done == []
    done = service(keeper, Access(Grants("projector", frozenset({"projector"})))).compact()
    assert (done, keeper.done) == (Compaction(300, 100), [("compact", None)])
    assert (Compaction(300, 100).freed, Compaction(100, 120).freed) == (200, 0)


def test_the_projector_rebuilds_with_its_batch_and_hears_the_progress() -> None:
    keeper, heard = Keeper(), []
    projector = Access(Grants("projector", frozenset({"projector"})))
    assert service(keeper, projector).rebuild(500, lambda position, head: heard.append((position, head))) == 10
    assert keeper.done == [("rebuild", 500)]
    assert heard == [(5, 10), (10, 10)]


def test_catching_up_and_following_need_no_role_and_pass_the_batch_on() -> None:
    keeper = Keeper()
    reader = Access(Grants("reader"))
    assert service(keeper, reader).catch_up(100) == 3
    service(keeper, reader).follow(0.5, 200)
    assert keeper.done == [("catch_up", 100), ("follow", 200)]
