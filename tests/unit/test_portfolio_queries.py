"""`PortfolioQueries` and `CoverageQueries` called from Python, without click: which rows answer a lookup, that a
misspelt filter is refused before anything is read, and that a past question never reads the present tables.
The fakes subclass the ports, so they cannot drift from them."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import date, datetime

import pytest

from kompass.application import ports
from kompass.application.coverage import CellNumbers, CoverageReport, NationalNumbers, build_report, cells_from_records
from kompass.application.coverage_queries import CoverageQueries, Question
from kompass.application.facts import Fact
from kompass.application.initiative_query import InitiativeFilter
from kompass.application.network import NetworkData
from kompass.application.portfolio_queries import ActorFilter, PortfolioQueries
from kompass.application.records import ActorRecord, AssessmentRecord, InitiativeRecord
from kompass.application.state import PortfolioState
from kompass.application.when import When
from kompass.domain.errors import InvalidValue, NotFound
from kompass.domain.framework import Framework
from tests.unit.helpers import FRAMEWORK

TODAY = date(2024, 6, 30)
MALMO = unicodedata.normalize("NFC", "malmö-stad")
ACTORS = {
    "digg": ActorRecord("digg", "Digg", "agency"),
    MALMO: ActorRecord(MALMO, "Malmö stad", "municipality", "12"),
    "iis": ActorRecord("iis", "IIS", "civil_society", merged_into="internetstiftelsen"),
    "internetstiftelsen": ActorRecord("internetstiftelsen", "Internetstiftelsen", "civil_society"),
}
ASSESSMENTS = [
    AssessmentRecord("14", 2022, 7, "yellow", {}, "2022-12-31"),
    AssessmentRecord("12", 2021, 5, "red", {}, "2021-12-31"),
    AssessmentRecord("14", 2021, 8, "green", {"security": "high"}, "2021-12-31"),
]


def empty_report(as_of: date) -> CoverageReport:
    """Coverage of portfolios without initiatives."""
    cells, national = cells_from_records([], ACTORS.get, FRAMEWORK)
    return build_report(FRAMEWORK, as_of, cells, national, [])


class Tables(ports.ReadModelPort):
    """The present tables: a few actors and self-assessments; counts how often it is asked."""

    def __init__(self) -> None:
        self.asked = 0

    def coverage_cells(self) -> tuple[dict[tuple[str, str], CellNumbers], dict[str, NationalNumbers]]:
        self.asked += 1
        return cells_from_records([], ACTORS.get, FRAMEWORK)

    def assessments(self) -> list[AssessmentRecord]:
        self.asked += 1
        return list(ASSESSMENTS)

    def initiatives(
        self, region: str | None = None, status: str | None = None, type: str | None = None, ref: str | None = None
    ) -> list[InitiativeRecord]:
        self.asked += 1
        return []

    def actors(self) -> dict[str, ActorRecord]:
        self.asked += 1
        return dict(ACTORS)

    def network_data(self, region: str | None = None, area: str | None = None, memberships: bool = False) -> NetworkData:
        raise AssertionError("no lookup reads the network")


class EmptyLog(ports.FactLog):
    def head(self) -> int:
        return 0

    def facts(self, after: int = 0, upto: int | None = None, batch: int = 1000) -> Iterator[Fact]:
        return iter(())


class KeptPast(ports.PastStates):
    """The bitemporal rows: remembers the points asked about."""

    def __init__(self) -> None:
        self.asked: list[tuple[date | None, datetime | None]] = []

    def past_state(self, as_of: date | None, known_at: datetime | None) -> PortfolioState:
        raise AssertionError("coverage is answered from the kept coverage rows")

    def past_coverage(self, framework: Framework, today: date, as_of: date | None, known_at: datetime | None) -> CoverageReport | None:
        self.asked.append((as_of, known_at))
        return empty_report(as_of or today)


@pytest.fixture
def tables() -> Tables:
    return Tables()


@pytest.fixture
def past() -> KeptPast:
    return KeptPast()


@pytest.fixture
def queries(tables: Tables, past: KeptPast) -> PortfolioQueries:
    frameworks: dict[str | None, Framework] = {None: FRAMEWORK, "se-2017": FRAMEWORK}
    return PortfolioQueries(lambda: tables, EmptyLog(), lambda: past, FRAMEWORK, lambda: TODAY, frameworks.__getitem__)


def test_actors_pass_the_filter_and_merged_ones_only_when_asked(queries: PortfolioQueries) -> None:
    assert [a["key"] for a in queries.actors()] == ["digg", MALMO, "internetstiftelsen"]
    assert [a["key"] for a in queries.actors(ActorFilter(kind="civil_society", merged=True))] == ["iis", "internetstiftelsen"]
    assert [a["key"] for a in queries.actors(ActorFilter(region="12"))] == [MALMO]


def test_a_misspelt_actor_filter_is_refused_before_anything_is_read(queries: PortfolioQueries, tables: Tables) -> None:
    with pytest.raises(InvalidValue):
        queries.actors(ActorFilter(kind="libary"))
    with pytest.raises(InvalidValue):
        queries.actors(ActorFilter(region="99"))
    assert tables.asked == 0


def test_an_actor_is_found_by_its_key_written_in_any_unicode_form(queries: PortfolioQueries) -> None:
    assert queries.actor(unicodedata.normalize("NFD", MALMO))["name"] == "Malmö stad"
    with pytest.raises(NotFound, match="no actor with key 'nobody'"):
        queries.actor("nobody")


def test_a_regions_assessments_come_oldest_year_first(queries: PortfolioQueries, tables: Tables) -> None:
    found = queries.assessments("14")
    assert (found.region, found.name) == ("14", "Västra Götaland")
    assert [(r["year"], r["light"]) for r in found.rows] == [(2021, "green"), (2022, "yellow")]
    with pytest.raises(InvalidValue):
        queries.assessments("99")
    assert tables.asked == 1


def test_the_check_is_for_the_current_year_unless_another_is_asked(queries: PortfolioQueries) -> None:
    assert queries.check().year == TODAY.year
    checked = queries.check(2021, "14")
    assert (checked.year, checked.region) == (2021, "14")
    assert {f.kind for f in checked.findings} == {"assessment_missing"}  # an empty log: nothing but the missing assessment


def test_past_coverage_is_read_from_the_kept_rows_never_from_the_present_tables(
    queries: PortfolioQueries, tables: Tables, past: KeptPast
) -> None:
    report = queries.coverage_report(None, When(as_of=date(2021, 12, 31)))
    assert report.as_of == date(2021, 12, 31)
    assert past.asked == [(date(2021, 12, 31), None)]
    assert tables.asked == 0
    assert queries.coverage_report("se-2017").as_of == TODAY
    assert tables.asked > 0 and len(past.asked) == 1


def test_a_present_lookup_never_asks_for_the_past_rows(tables: Tables) -> None:
    def no_past() -> ports.PastStates | None:
        raise AssertionError("a present question asked for the past rows")

    queries = PortfolioQueries(lambda: tables, EmptyLog(), no_past, FRAMEWORK, lambda: TODAY, lambda _key: FRAMEWORK)
    assert queries.initiatives(InitiativeFilter()) == []
    with pytest.raises(NotFound, match="no initiative with ref '14-none'"):
        queries.initiative("14-none")


# --- coverage ----------------------------------------------------------------------------------------------


class Reports:
    """A report source that remembers what it was asked for."""

    def __init__(self) -> None:
        self.asked: list[tuple[str | None, When]] = []

    def __call__(self, framework: str | None, when: When) -> CoverageReport:
        self.asked.append((framework, when))
        return empty_report(when.as_of or TODAY)


def test_coverage_hands_the_framework_and_the_time_to_the_source() -> None:
    source = Reports()
    question = Question("se-2017", When(as_of=date(2021, 6, 30)), "14", "security")
    assert CoverageQueries(source).coverage(question).as_of == date(2021, 6, 30)
    assert source.asked == [("se-2017", When(as_of=date(2021, 6, 30)))]


def test_an_unknown_region_or_area_to_show_is_refused() -> None:
    with pytest.raises(InvalidValue):
        CoverageQueries(Reports()).coverage(Question(region="99"))
    with pytest.raises(InvalidValue):
        CoverageQueries(Reports()).coverage(Question(area="no-such-area"))


def test_a_diff_compares_the_reports_of_its_two_dates() -> None:
    source = Reports()
    assert CoverageQueries(source).diff(date(2021, 1, 1), date(2021, 12, 31), "se-2017") == []  # two empty portfolios
    assert source.asked == [("se-2017", When(as_of=date(2021, 1, 1))), ("se-2017", When(as_of=date(2021, 12, 31)))]
