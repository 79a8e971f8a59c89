"""The fixed coverage definitions of docs/definitions.md on small hand-made facts.

Medians are the 11th smallest of the 21 regions' values (zeros included); `thin` is
strictly less than half the median, compared exactly, and only when the median > 0;
budgets are split equally among an initiative's areas and rounded once, half up.
"""

from __future__ import annotations

import statistics
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kompass.domain.coverage import (
    GAP_KINDS,
    InitiativeFacts,
    area_medians,
    budget_share,
    counts,
    declared_unbacked,
    gap_kind,
    is_pipeline,
    median_of,
    round_half_up,
    share,
    tally,
)
from kompass.domain.vocabulary import REGIONS
from tests.unit.helpers import AREAS

REGION_CODES = tuple(REGIONS)
F = Fraction


def facts(
    key: str,
    regions: tuple[str, ...] = ("14",),
    areas: tuple[str, ...] = ("security",),
    status: str = "active",
    budget: int = 0,
    actors: tuple[str, ...] = (),
) -> InitiativeFacts:
    return InitiativeFacts(key=key, regions=frozenset(regions), areas=areas, status=status, budget_sek=budget, actors=frozenset(actors))


# --- which initiatives count --------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "counting", "pipeline"),
    [
        ("active", True, False),
        ("completed", True, False),
        ("proposed", False, True),
        ("planned", False, True),
        ("paused", False, False),
        ("cancelled", False, False),
    ],
)
def test_only_active_and_completed_count_and_only_proposed_and_planned_are_pipeline(status: str, counting: bool, pipeline: bool) -> None:
    f = facts("x", status=status)
    assert (counts(f), is_pipeline(f)) == (counting, pipeline)


@pytest.mark.parametrize("status", ["paused", "cancelled"])
def test_paused_and_cancelled_initiatives_leave_no_trace(status: str) -> None:
    cells, national = tally([facts("x", status=status, budget=100, actors=("digg",))], REGION_CODES, AREAS)
    cell = cells[("14", "security")]
    assert (cell.initiatives, cell.weighted, cell.pipeline, cell.budget, cell.actors) == (0, F(0), 0, F(0), set())
    assert (national["security"].initiatives, national["security"].weighted) == (0, F(0))


def test_pipeline_initiatives_count_as_pipeline_only() -> None:
    cells, national = tally([facts("x", status="planned", budget=100, actors=("digg",))], REGION_CODES, AREAS)
    cell = cells[("14", "security")]
    assert (cell.initiatives, cell.weighted, cell.pipeline, cell.budget, cell.actors) == (0, F(0), 1, F(0), set())
    assert national["security"].initiatives == 0


# --- weights, budgets, actors -----------------------------------------------------------------


def test_an_initiative_gives_each_of_its_areas_an_equal_share() -> None:
    assert share(facts("x", areas=("security", "competence", "innovation"))) == F(1, 3)
    cells, _ = tally(
        [facts("a", areas=("security", "competence")), facts("b", areas=("security",)), facts("c", areas=AREAS)],
        REGION_CODES,
        AREAS,
    )
    assert cells[("14", "security")].initiatives == 3
    assert cells[("14", "security")].weighted == F(1, 2) + 1 + F(1, 5)
    assert cells[("14", "competence")].weighted == F(1, 2) + F(1, 5)
    assert cells[("14", "leadership")].weighted == F(1, 5)


def test_the_budget_is_split_equally_among_areas_exactly() -> None:
    f = facts("x", areas=("security", "competence", "innovation"), budget=1000)
    assert budget_share(f) == F(1000, 3)
    cells, _ = tally([f], REGION_CODES, AREAS)
    assert cells[("14", "security")].budget == F(1000, 3)
    assert round_half_up(cells[("14", "security")].budget) == 333


def test_budgets_are_summed_exactly_and_rounded_once_half_up() -> None:
    # Each initiative gives security 500.5 kronor: rounded once the sum is 1001; rounding each would give 1002.
    cells, _ = tally(
        [facts("a", areas=("security", "competence"), budget=1001), facts("b", areas=("security", "innovation"), budget=1001)],
        REGION_CODES,
        AREAS,
    )
    budget = cells[("14", "security")].budget
    assert budget == 1001
    assert round_half_up(budget) == 1001
    assert round_half_up(cells[("14", "competence")].budget) == 501  # 500.5 rounds half up


def test_every_region_of_an_initiative_gets_the_whole_initiative() -> None:
    cells, national = tally(
        [facts("x", regions=("14", "13", "12"), areas=("security", "competence"), budget=300, actors=("region-14", "digg"))],
        REGION_CODES,
        AREAS,
    )
    for region in ("14", "13", "12"):
        cell = cells[(region, "security")]
        assert (cell.initiatives, cell.weighted, cell.budget, cell.actors) == (1, F(1, 2), F(150), {"region-14", "digg"})
    assert cells[("01", "security")].initiatives == 0
    # Nationally the initiative counts once, however many regions it has.
    assert (national["security"].initiatives, national["security"].weighted) == (1, F(1, 2))


def test_actors_are_counted_once_per_cell() -> None:
    cells, _ = tally(
        [
            facts("a", actors=("region-14", "digg")),
            facts("b", actors=("region-14", "vinnova")),
            facts("c", status="planned", actors=("gu",)),
        ],
        REGION_CODES,
        AREAS,
    )
    assert cells[("14", "security")].actors == {"region-14", "digg", "vinnova"}


def test_areas_and_regions_outside_the_view_are_ignored() -> None:
    cells, national = tally([facts("x", regions=("14", "99"), areas=("security", "welfare"))], ("14",), ("security",))
    assert set(cells) == {("14", "security")}
    assert set(national) == {"security"}
    # The initiative still has two areas, so it weighs one half in security.
    assert cells[("14", "security")].weighted == F(1, 2)


def test_every_region_and_area_has_a_cell_even_when_empty() -> None:
    cells, national = tally([], REGION_CODES, AREAS)
    assert len(cells) == 21 * 5
    assert set(national) == set(AREAS)


# --- medians ---------------------------------------------------------------------------------


def test_the_median_of_21_values_is_the_11th_smallest() -> None:
    values = [F(i, 7) for i in range(21)]
    shuffled = values[10:] + values[:10]
    assert median_of(shuffled) == F(10, 7)


def test_the_median_counts_the_zeros_of_regions_without_initiatives() -> None:
    values = [F(0)] * 11 + [F(1)] * 10
    assert median_of(values) == 0
    values = [F(0)] * 10 + [F(1)] * 11
    assert median_of(values) == 1


def test_with_an_even_count_the_median_is_the_lower_middle() -> None:
    assert median_of([F(4), F(1), F(3), F(2)]) == 2


def test_area_medians_take_all_21_regions() -> None:
    weights = {(r, a): F(0) for r in REGION_CODES for a in AREAS}
    for r in REGION_CODES[:11]:
        weights[(r, "security")] = F(1, 2)
    for r in REGION_CODES[:10]:
        weights[(r, "competence")] = F(1)
    medians = area_medians(weights, AREAS, REGION_CODES)
    assert medians["security"] == F(1, 2)
    assert medians["competence"] == 0


# --- gap kinds -------------------------------------------------------------------------------


def test_gap_kinds_are_the_three_of_the_design() -> None:
    assert GAP_KINDS == ("absent", "pipeline_only", "thin")


def test_no_initiatives_and_no_pipeline_is_absent() -> None:
    assert gap_kind(0, 0, F(0), F(1)) == "absent"
    assert gap_kind(0, 0, F(0), F(0)) == "absent"


def test_no_initiatives_but_a_pipeline_is_pipeline_only() -> None:
    assert gap_kind(0, 2, F(0), F(1)) == "pipeline_only"
    assert gap_kind(0, 1, F(0), F(0)) == "pipeline_only"


def test_thin_is_strictly_less_than_half_the_median() -> None:
    median = F(2, 3)
    assert gap_kind(1, 0, F(1, 3), median) is None  # exactly half: not thin
    assert gap_kind(1, 0, F(1, 3) - F(1, 10**12), median) == "thin"
    assert gap_kind(1, 0, F(1, 4), median) == "thin"
    assert gap_kind(3, 5, F(1, 4), median) == "thin", "a pipeline does not save a thin cell"


def test_thin_only_when_the_median_is_positive() -> None:
    assert gap_kind(1, 0, F(1, 5), F(0)) is None


def test_a_well_covered_cell_has_no_gap() -> None:
    assert gap_kind(2, 0, F(3, 2), F(1)) is None


def test_thin_is_compared_exactly_not_in_floats() -> None:
    # 3 × 1/10 is 0.30000000000000004 in floats; exactly it is half of 3/5, so not thin.
    weighted = F(1, 10) + F(1, 10) + F(1, 10)
    median = F(3, 5)
    assert 0.1 + 0.1 + 0.1 > 0.6 / 2  # floats would already disagree here
    assert gap_kind(3, 0, weighted, median) is None


def test_a_worked_example_over_21_regions() -> None:
    """Eleven regions with one single-area initiative each; region 14 with one spread over five areas."""
    initiatives = [facts(f"i{r}", regions=(r,), areas=("security",)) for r in REGION_CODES[:11]]
    initiatives.append(facts("wide", regions=("14",), areas=AREAS, budget=1_000_003))
    initiatives.append(facts("plan", regions=("25",), areas=("security",), status="proposed"))
    initiatives.append(facts("stop", regions=("24",), areas=("security",), status="paused"))
    cells, national = tally(initiatives, REGION_CODES, AREAS)
    medians = area_medians({k: c.weighted for k, c in cells.items()}, AREAS, REGION_CODES)
    assert medians["security"] == 1  # 11 of 21 regions have weight >= 1
    assert medians["competence"] == 0
    gaps = {k: gap_kind(c.initiatives, c.pipeline, c.weighted, medians[k[1]]) for k, c in cells.items()}
    # The first eleven codes are 01…13; region 14 has only its fifth of "wide" in security: thin.
    assert REGION_CODES[10] == "13"
    assert cells[("14", "security")].weighted == F(1, 5)
    assert gaps[("14", "security")] == "thin"
    assert gaps[("13", "security")] is None
    # In competence region 14 has 1/5 but the median is 0: never thin.
    assert gaps[("14", "competence")] is None
    assert gaps[("13", "competence")] == "absent"
    assert gaps[("25", "security")] == "pipeline_only"
    assert gaps[("24", "security")] == "absent", "paused is neither counting nor pipeline"
    assert round_half_up(cells[("14", "leadership")].budget) == 200_001  # 1,000,003 / 5 = 200,000.6
    assert (national["security"].initiatives, national["security"].weighted) == (12, 11 + F(1, 5))
    assert sum(1 for (r, a), g in gaps.items() if a == "security" and g) == 10


def test_a_thin_region_beside_a_positive_median() -> None:
    weights_by_region = {r: 2 for r in REGION_CODES[:11]}  # eleven regions with two single-area initiatives
    initiatives = [facts(f"{r}-{n}", regions=(r,)) for r, k in weights_by_region.items() for n in range(k)]
    initiatives.append(facts("thin", regions=("25",), areas=("security", "competence", "innovation")))  # 1/3 < 2/2
    initiatives.append(facts("half", regions=("24",), areas=("security",)))  # 1 == 2/2: not thin
    cells, _ = tally(initiatives, REGION_CODES, AREAS)
    median = area_medians({k: c.weighted for k, c in cells.items()}, AREAS, REGION_CODES)["security"]
    assert median == 2
    assert gap_kind(cells[("25", "security")].initiatives, 0, cells[("25", "security")].weighted, median) == "thin"
    assert gap_kind(cells[("24", "security")].initiatives, 0, cells[("24", "security")].weighted, median) is None


# --- rounding --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "rounded"),
    [(F(0), 0), (F(1, 2), 1), (F(3, 2), 2), (F(5, 2), 3), (F(1, 3), 0), (F(2, 3), 1), (F(2499, 1000), 2), (F(1001, 2), 501), (F(7), 7)],
)
def test_rounding_is_half_up_not_to_even(value: Fraction, rounded: int) -> None:
    assert round_half_up(value) == rounded
    assert isinstance(round_half_up(value), int)


# --- declared focus without initiatives ---------------------------------------------------------


def test_declared_unbacked_is_medium_or_high_focus_without_counting_initiatives() -> None:
    focus = {"security": "high", "competence": "medium", "innovation": "low", "leadership": "high"}
    initiatives = {"security": 0, "competence": 0, "innovation": 0, "leadership": 2, "infrastructure": 0}
    assert declared_unbacked(focus, initiatives) == ["security", "competence"]
    assert declared_unbacked({}, initiatives) == []


# --- properties against simple references ---------------------------------------------------------

fractions = st.builds(Fraction, st.integers(min_value=0, max_value=1200), st.integers(min_value=1, max_value=60))


@settings(max_examples=100, deadline=None)
@given(st.lists(fractions, min_size=1, max_size=25))
def test_median_of_is_the_lower_median(values: list[Fraction]) -> None:
    assert median_of(values) == statistics.median_low(values)


@settings(max_examples=100, deadline=None)
@given(st.lists(fractions, min_size=21, max_size=21))
def test_the_median_of_21_has_ten_values_on_either_side(values: list[Fraction]) -> None:
    median = median_of(values)
    assert sum(v < median for v in values) <= 10
    assert sum(v > median for v in values) <= 10


@settings(max_examples=100, deadline=None)
@given(
    st.builds(
        Fraction,
        st.integers(min_value=0, max_value=10**12),
        st.sampled_from([1, 2, 4, 5, 8, 10, 16, 20, 25, 50, 100]) | st.integers(min_value=1, max_value=10**4),
    )
)
def test_round_half_up_matches_decimal_half_up(value: Fraction) -> None:
    q, r = divmod(value.numerator, value.denominator)
    assert round_half_up(value) == q + (1 if 2 * r >= value.denominator else 0)
    if value.denominator in (1, 2, 4, 5, 8, 10, 16, 20, 25, 50, 100):  # exact in decimal
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        assert round_half_up(value) == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=5), st.integers(min_value=0, max_value=5), fractions, fractions)
def test_gap_kind_matches_the_definition(initiatives: int, pipeline: int, weighted: Fraction, median: Fraction) -> None:
    if initiatives == 0:
        expected = "absent" if pipeline == 0 else "pipeline_only"
    elif median > 0 and weighted * 2 < median:
        expected = "thin"
    else:
        expected = None
    assert gap_kind(initiatives, pipeline, weighted, median) == expected
