"""The network questions as use cases: which rows answer them, and the computation.

A present-time question is answered from the network projection's tables (metrics from the
cache while the projection has not moved); `--as-of` / `--known-at` replay the log (or read the
bitemporal rows when they are at its head). The commands of `kompass network` call one method
each and only format what comes back; Python programs call the same methods.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kompass.application import network as net
from kompass.application.ports import FactLog, MetricsCache, PastStates, ReadModelPort
from kompass.application.when import NOW, When
from kompass.domain.framework import Framework
from kompass.domain.vocabulary import require_region

__all__ = ["NOW", "Exported", "KeyActors", "MetricsAnswer", "NetworkService", "Scope", "When"]

PictureMaker = Callable[..., bytes]
"""Draws `reports.network.picture_data` as png or svg (`infrastructure.charts.network_picture`)."""


@dataclass(frozen=True)
class Scope:
    """Which initiatives make the network: those whose regions include `region`, tagged with `area`."""

    region: str | None = None
    area: str | None = None




@dataclass(frozen=True)
class MetricsAnswer:
    metrics: net.NetworkMetrics
    ties: int
    """The number of ties of the network measured."""


@dataclass(frozen=True)
class Exported:
    content: bytes
    position: int
    """The log position the network was made from."""
    actors: int
    ties: int


@dataclass(frozen=True)
class KeyActors:
    """The demo's summary: the key actors whose departure cuts off most, and the network's size."""

    risks: net.Risks
    actors: int
    ties: int


class NetworkService:
    def __init__(
        self,
        read_model: Callable[[], ReadModelPort],
        facts: FactLog,
        past_index: Callable[[], PastStates | None],
        cache: MetricsCache,
        framework: Framework,
        picture: PictureMaker | None = None,
    ) -> None:
        self.read_model = read_model
        """The present-time read model, caught up with the log first."""
        self.facts = facts
        self.past_index = past_index
        """The bitemporal rows when they are at the head of the log, else None (then the log is replayed)."""
        self.cache = cache
        self.framework = framework
        self.picture = picture

    def data(self, scope: Scope = Scope(), when: When = NOW, memberships: bool = False) -> net.NetworkData:
        """The network in scope: from the projection's tables now, from a replay of the log then.
        An unknown region or area is refused before anything is read."""
        from kompass.application.queries import past_state

        self._check(scope)
        if when.is_present:
            return self.read_model().network_data(scope.region, scope.area, memberships)
        state = past_state(self.facts, when.as_of, when.known_at, self.past_index())
        return net.data_from_state(state, scope.region, scope.area)

    def metrics(self, scope: Scope = Scope(), when: When = NOW) -> MetricsAnswer:
        """Every measure of the network in scope (present answers remembered per log position)."""
        from kompass.application.network_cache import present_metrics

        if when.is_present:
            self._check(scope)
            result, ties = present_metrics(self.read_model(), self.cache, scope.region, scope.area)
            return MetricsAnswer(result, ties)
        graph = net.build_graph(self.data(scope, when))
        return MetricsAnswer(net.compute_metrics(graph), graph.number_of_edges())

    def risks(self, scope: Scope = Scope(), when: When = NOW, top: int | None = None) -> net.Risks:
        """Key actors (the `top` that cut off most), and the ties of the region in scope (all 21 without one)."""
        data = self.data(scope, when, memberships=True)
        return net.compute_risks(net.build_graph(data), data, top, [scope.region] if scope.region else None)

    def what_if(self, remove: Iterable[str], scope: Scope = Scope(), when: When = NOW) -> net.WhatIf:
        """What breaks when these actors leave; a merged actor's key stands for its survivor, an unknown key is NotFound."""
        data = self.data(scope, when, memberships=True)
        return net.what_if(net.build_graph(data), data, [net.resolve_actor(data.actors, key) for key in remove])

    def export(self, fmt: str, scope: Scope = Scope(), when: When = NOW, labels: Mapping[str, Any] | None = None) -> Exported:
        """The network as GraphML, GEXF or node-link JSON stamped with its log position and `labels` (the
        question as asked), or as a png/svg picture: nodes coloured by kind, sized by betweenness, key actors marked."""
        from kompass.domain.errors import InvalidValue

        position = self.facts.head()
        data = self.data(scope, when)
        graph = net.build_graph(data)
        if fmt in ("png", "svg"):
            from kompass.application.reports.network import picture_data

            if self.picture is None:
                raise InvalidValue(f"no pictures here: export as graphml, gexf or json instead of {fmt}")
            title = f"Actor network (log position {position})"
            picture = picture_data(graph, net.compute_metrics(graph))
            content = self.picture(picture.nodes, picture.edges, fmt=fmt, title=title)
        else:
            content = net.export_graph(graph, fmt, {"log_position": position, **(labels or {})})
        return Exported(content, position, len(data.nodes), len(data.edges))

    def diff(self, before: date, after: date, scope: Scope = Scope()) -> dict[str, Any]:
        """The `network diff` shape of docs/definitions.md between two effective dates."""
        graphs = [net.build_graph(self.data(scope, When(as_of=day))) for day in (before, after)]
        changes = net.diff(net.compute_metrics(graphs[0]), net.compute_metrics(graphs[1]), graphs[0], graphs[1])
        return {"from": before.isoformat(), "to": after.isoformat(), **changes}

    def key_actors(self, top: int = 5) -> KeyActors:
        """The `top` key actors of the whole network now, without the regions' ties (`kompass demo`)."""
        data = self.read_model().network_data(memberships=True)
        risks = net.compute_risks(net.build_graph(data), data, top=top, regions=())
        return KeyActors(risks, len(data.nodes), len(data.edges))

    def _check(self, scope: Scope) -> None:
        if scope.region is not None:
            require_region(scope.region)
        if scope.area is not None:
            self.framework.require_area(scope.area)
