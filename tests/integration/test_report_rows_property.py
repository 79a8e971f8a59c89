"""Property: a report read from the bitemporal rows equals the report replayed from the log.

`reports.year.indexed_year` reads two past states, the regions' assessments and only the year's own
facts; `replay_year` folds the whole log (the reference). Random commands with random (often
back-dated) effective dates, caught up at random points in random batch sizes (the plans of
test_bitemporal_property.py); then, for random years and recording times (around the facts' own
times, where answers change), the annual report of a random region, the national report and the
corrections after a deadline are equal field by field, whichever way they were made. 25 examples
on SQLite, a few on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kompass.application.reports.annual import annual_report
from kompass.application.reports.changes import late_changes
from kompass.application.reports.national import national_report
from kompass.application.reports.year import LogYears
from kompass.infrastructure.projections.bitemporal.years import PastYearRows
from tests.integration.property_runs import examples, pg_copy, sqlite_copy
from tests.integration.test_bitemporal_property import plans, played
from tests.integration.test_projections_property import LEADS, batches

QUESTIONS = 6
years = st.integers(2019, 2027)


def moments(facts: list[Any]) -> st.SearchStrategy[datetime]:
    """Recording times around the facts' own (where answers change)."""
    recorded = sorted({f.recorded_at for f in facts})
    return st.sampled_from(recorded).flatmap(lambda m: st.sampled_from((m - timedelta(microseconds=1), m, m + timedelta(microseconds=1))))


def differences(one: Any, other: Any) -> list[str]:
    """The top-level fields in which two reports differ (for the failure message)."""
    return [name for name in vars(one) if getattr(one, name) != getattr(other, name)]


def check(url: str, plan: list[Any], batch: int, data: st.DataObject) -> None:
    with played(url, plan, batch) as store:
        facts = list(store.facts.facts())
        rows = PastYearRows(store.engine, store.read_model)
        assert rows.position() == store.facts.head()
        indexed, replayed = LogYears(rows), LogYears(facts=facts)
        framework = store.framework
        assert indexed.years().first_year() == replayed.years().first_year()
        for _ in range(QUESTIONS):
            year, region = data.draw(years), data.draw(st.sampled_from(LEADS))
            known_at = data.draw(st.none() | moments(facts))
            asked = f"{year}, region {region}, known at {known_at}"
            mine, reference = (annual_report(log.years(known_at), region, year, framework) for log in (indexed, replayed))
            assert mine == reference, f"annual report {asked}: {differences(mine, reference)}"
            national, national_reference = (national_report(log.years(known_at), year, framework) for log in (indexed, replayed))
            assert national == national_reference, f"national report {asked}: {differences(national, national_reference)}"
            since = data.draw(moments(facts))
            late = [[(fact.position, key) for fact, key in log.recorded_after(since)] for log in (indexed, replayed)]
            assert late[0] == late[1], f"facts recorded after {since}"
            corrected, corrected_reference = (
                late_changes(log.years(since), log.years(), log.recorded_after(since), region, year, framework)
                for log in (indexed, replayed)
            )
            assert corrected == corrected_reference, f"corrections {year}, {region}, {since}: {differences(corrected, corrected_reference)}"


@examples(25)
@given(plan=plans, batch=batches, data=st.data())
def test_reports_from_rows_and_from_replay_agree_on_sqlite(sqlite_template: Path, plan: list[Any], batch: int, data: st.DataObject) -> None:
    with sqlite_copy(sqlite_template) as url:
        check(url, plan, batch, data)


@pytest.mark.postgres
@examples(3)
@given(plan=plans, batch=batches, data=st.data())
def test_reports_from_rows_and_from_replay_agree_on_postgres(pg_template: str, plan: list[Any], batch: int, data: st.DataObject) -> None:
    with pg_copy(pg_template) as url:
        check(url, plan, batch, data)
