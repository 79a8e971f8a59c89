"""`NetworkService` called from Python, without click: which rows answer a question, and that the
answer is the network package's. The fakes subclass the ports, so they cannot drift from them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from kompass.application import network as net
from kompass.application import ports
from kompass.application.coverage import CellNumbers, NationalNumbers
from kompass.application.facts import Fact
from kompass.application.network_service import NetworkService, Scope, When
from kompass.application.records import ActorRecord, AssessmentRecord, InitiativeRecord
from kompass.domain.errors import InvalidValue, NotFound
from kompass.infrastructure.frameworks import load_framework

ACTORS = {
    "a": net.ActorInfo("a", "Alfa", "company", "14"),
    "b": net.ActorInfo("b", "Beta", "agency"),
    "c": net.ActorInfo("c", "Gamma", "university", "01"),
    "old-c": net.ActorInfo("old-c", "Gamma (old)", "university", "01", merged_into="c"),
}
MEMBERSHIPS = [
    net.Membership("14-2021-one", frozenset({"a", "b"}), frozenset({"14"}), frozenset({"security"})),
    net.Membership("01-2021-two", frozenset({"b", "c"}), frozenset({"01"})),
]


class TableNetwork(ports.ReadModelPort):
    """The network projection's tables, as a list of memberships; counts the questions it answers."""

    def __init__(self) -> None:
        self.asked = 0

    def coverage_cells(self) -> tuple[dict[tuple[str, str], CellNumbers], dict[str, NationalNumbers]]:
        return {}, {}

    def assessments(self) -> list[AssessmentRecord]:
        return []

    def initiatives(
        self, region: str | None = None, status: str | None = None, type: str | None = None, ref: str | None = None
    ) -> list[InitiativeRecord]:
        return []

    def actors(self) -> dict[str, ActorRecord]:
        return {}

    def network_data(self, region: str | None = None, area: str | None = None, memberships: bool = False) -> net.NetworkData:
        self.asked += 1
        data = net.data_from_memberships(MEMBERSHIPS, ACTORS, region, area)
        return data if memberships else net.NetworkData(data.actors, data.nodes, data.edges)


class EmptyLog(ports.FactLog):
    def head(self) -> int:
        return 42

    def facts(self, after: int = 0, upto: int | None = None, batch: int = 1000) -> Iterator[Fact]:
        return iter(())


class MemoryCache(ports.MetricsCache):
    def __init__(self) -> None:
        self.kept: dict[tuple[int, str], dict[str, Any]] = {}

    def position(self) -> int:
        return 7

    def get(self, position: int, scope: str) -> dict[str, Any] | None:
        return self.kept.get((position, scope))

    def put(self, position: int, scope: str, payload: dict[str, Any]) -> None:
        self.kept[(position, scope)] = payload


@pytest.fixture
def tables() -> TableNetwork:
    return TableNetwork()


@pytest.fixture
def service(tables: TableNetwork) -> NetworkService:
    return NetworkService(lambda: tables, EmptyLog(), lambda: None, MemoryCache(), load_framework(None))


def test_present_metrics_are_the_tables_and_a_repeated_question_is_answered_from_the_cache(
    service: NetworkService, tables: TableNetwork
) -> None:
    first = service.metrics()
    assert first.metrics == net.compute_metrics(net.build_graph(tables.network_data()))
    assert first.ties == 2 and first.metrics.articulation_points == ["b"]
    asked = tables.asked
    assert service.metrics() == first
    assert tables.asked == asked


def test_an_unknown_region_or_area_is_refused_before_anything_is_read(service: NetworkService, tables: TableNetwork) -> None:
    with pytest.raises(InvalidValue, match="unknown region"):
        service.risks(Scope(region="99"))
    with pytest.raises(InvalidValue, match="unknown area"):
        service.data(Scope(area="nowhere"))
    assert tables.asked == 0


def test_a_past_question_replays_the_log_and_leaves_the_tables_alone(service: NetworkService, tables: TableNetwork) -> None:
    answer = service.metrics(when=When(as_of=date(2021, 1, 1)))
    assert answer.ties == 0 and answer.metrics.nodes == []
    assert tables.asked == 0


def test_risks_name_the_key_actor_and_what_it_cuts_off(service: NetworkService) -> None:
    risks = service.risks(Scope(region="14"))
    assert risks.key_actor_count == 0 and [r.region for r in risks.regions] == ["14"]
    everywhere = service.risks()
    assert [(k.actor, k.cut_off_actors) for k in everywhere.key_actors] == [("b", ["c"])]


def test_what_if_follows_a_merged_actor_to_its_survivor(service: NetworkService) -> None:
    result = service.what_if(["old-c"])
    assert result.removed == ["c"] and result.lost_ties == [("b", "c", 1)]
    with pytest.raises(NotFound):
        service.what_if(["nobody"])


def test_an_export_is_stamped_with_the_log_position_and_the_question(service: NetworkService) -> None:
    made = service.export("json", Scope(region="14"), labels={"region": "14", "as_of": None})
    graph = json.loads(made.content)["graph"]
    assert graph == {"log_position": 42, "region": "14"}
    assert (made.position, made.actors, made.ties) == (42, 2, 1)


def test_a_picture_needs_a_picture_maker(tables: TableNetwork) -> None:
    drawn: list[dict[str, Any]] = []

    def draw(nodes: Any, edges: Any, **kwargs: Any) -> bytes:
        drawn.append({"nodes": nodes, "edges": edges, **kwargs})
        return b"<svg/>"

    with_pictures = NetworkService(lambda: tables, EmptyLog(), lambda: None, MemoryCache(), load_framework(None), draw)
    assert with_pictures.export("svg").content == b"<svg/>"
    assert drawn[0]["fmt"] == "svg" and "log position 42" in drawn[0]["title"]
    without = NetworkService(lambda: tables, EmptyLog(), lambda: None, MemoryCache(), load_framework(None))
    with pytest.raises(InvalidValue, match="no pictures"):
        without.export("png")


def test_diff_carries_its_dates(service: NetworkService) -> None:
    result = service.diff(date(2021, 1, 1), date(2021, 12, 31))
    assert (result["from"], result["to"]) == ("2021-01-01", "2021-12-31")
    assert result["actors"] == {"gained": [], "lost": []}


def test_key_actors_for_the_demo(service: NetworkService) -> None:
    found = service.key_actors(1)
    assert (found.actors, found.ties) == (3, 2)
    assert [k.actor for k in found.risks.key_actors] == ["b"] and found.risks.regions == []
