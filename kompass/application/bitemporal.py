"""What each aggregate was, over effective dates and recording times: the rows that answer
`--as-of` / `--known-at` questions without replaying the log.

A question "as of date D, known at time T" folds every fact effective by D and recorded by T, in
log order (`state.fold`). Each aggregate's part of that fold depends on its own facts only (an
initiative's record on its own events, an actor's on its own, a portfolio's assessments on its
own), so it can be worked out per aggregate in advance: for each recording time at which the
aggregate's facts changed, and each effective date at which they take effect, what the aggregate
was. Neighbouring cells that hold the same thing are merged into rectangles, valid over an
effective interval [eff_from, eff_to) and a recording interval [rec_from, rec_to); an open end is
None. A question then takes, for every aggregate, the one rectangle holding (D, T), and lays them
over an empty state: the same state the fold gives (the property tests compare the two).
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import orjson

from kompass.application.facts import Fact
from kompass.application.records import ActorRecord, AssessmentRecord, InitiativeRecord
from kompass.application.state import PortfolioState

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


def time_key(moment: datetime) -> str:
    """A recording time as stored: UTC, fixed width, so that text order is time order (TIME_FORMAT).
    Written by isoformat, which gives the same text as strftime with TIME_FORMAT at a fraction of the cost."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds")


KEYS_KEPT = 1 << 17
"""Recording times whose keys are remembered at most (then it starts again): a batch's worth of a rebuild."""


class _TimeKeys(dict[datetime, str]):
    """Recording times' keys by time; a time not remembered has its key worked out (`time_key`) and remembered."""

    def __missing__(self, moment: datetime) -> str:
        if len(self) >= KEYS_KEPT:
            self.clear()
        key = self[moment] = time_key(moment)
        return key


_time_keys = _TimeKeys()

remembered_time_key: Callable[[datetime], str] = _time_keys.__getitem__
"""`time_key`, remembered for a batch's worth of recording times: a rebuild asks for each fact's three
times or more (its aggregate's versions, and the steps of every initiative the fact concerns). A remembered
key is found by the dictionary's own lookup, with no Python call in between."""

_STORED_UTC = "+00:00"


def remember_stored_time(moment: datetime, stored: str) -> None:
    """Remember the key of `moment`, read off `stored`, the text it was parsed from, when that is the library's
    way of writing a UTC time (`isoformat`: `2021-03-04T10:11:12.123456+00:00`, or without the fraction when it
    is 0). The key is then the same digits without the offset (`time_key`'s text), and reading them off costs a
    small part of working them out: every fact's key is wanted in both processes of a rebuild, and working them
    out took about a quarter of a second of each at 100,000 events. Any other text (another offset, another ISO
    form) is left to `time_key`."""
    if not stored.endswith(_STORED_UTC) or stored[10:11] != "T" or stored[4:5] != "-" or stored[13:14] != ":":
        return
    if len(stored) == 32 and stored[19] == ".":
        key = stored[:26]
    elif len(stored) == 25:
        key = stored[:19] + ".000000"
    else:
        return
    if len(_time_keys) >= KEYS_KEPT:
        _time_keys.clear()
    _time_keys[moment] = key


remembered_day_key: Callable[[date], str] = functools.lru_cache(maxsize=1 << 14)(date.isoformat)
"""An effective date as stored (`date.isoformat`), remembered: the facts of a log share a few thousand dates, and
a rebuild asks for each fact's date several times."""


@dataclass(frozen=True)
class Version:
    """What one aggregate was over an effective interval and a recording interval (None: open)."""

    eff_from: str
    eff_to: str | None
    rec_from: str
    rec_to: str | None
    payload: str
    """What the aggregate was, as JSON text (`_payload`)."""


Cell = tuple[int, str]
"""One effective interval of a row: index of its first date in the aggregate's dates, and the payload."""


Key = tuple[str, str | None, str]
"""A rectangle growing along the recording axis: (eff_from, eff_to, payload)."""


def versions(facts: Sequence[Fact]) -> list[Version]:
    """The rectangles of one aggregate, from all its facts in log order."""
    if not facts:
        return []
    recorded = [remembered_time_key(f.recorded_at) for f in facts]
    if all(a < b for a, b in itertools.pairwise(recorded)) and all(a.effective <= b.effective for a, b in itertools.pairwise(facts)):
        return _straight(facts, recorded)
    return _in_general(facts, recorded)


def _straight(facts: Sequence[Fact], recorded: list[str]) -> list[Version]:
    """`versions` of an aggregate each of whose facts is recorded after the one before and takes effect no earlier
    (almost every aggregate). Each fact then changes only the row's last cell (its effective date is that cell's
    first), or adds a cell after it: the row is kept as its cells' first days, payloads and the recording times
    their rectangles opened, and a fact closes and opens only what it changes. The same rectangles, in the same
    order, as `_in_general` (tests/unit/test_bitemporal_versions.py); building every rectangle of the row again
    for each fact was most of the versions' cost in a rebuild."""
    done: list[Version] = []
    starts: list[str] = []
    payloads: list[str] = []
    opened: list[str] = []
    state = _fresh(facts[0])
    for fact, moment in zip(facts, recorded, strict=True):
        state.apply(fact)
        payload = _payload(state, facts)
        day = remembered_day_key(fact.effective)
        if starts and starts[-1] == day:  # the last cell holds something else from now on
            if payload == payloads[-1]:
                continue
            merged = len(starts) > 1 and (payload is None or payloads[-2] == payload)
            if merged:  # the cell before it now runs on to the end
                done.append(Version(starts[-2], day, opened[-2], moment, payloads[-2]))
            done.append(Version(day, None, opened[-1], moment, payloads[-1]))
            del starts[-1], payloads[-1], opened[-1]
            if merged:
                opened[-1] = moment
                continue
        elif payload is None or (payloads and payloads[-1] == payload):
            continue  # not there yet, or the same from this date on as before it
        elif starts:  # the last cell now ends where the new one begins
            done.append(Version(starts[-1], None, opened[-1], moment, payloads[-1]))
            opened[-1] = moment
        if payload is not None:
            starts.append(day)
            payloads.append(payload)
            opened.append(moment)
    ends: list[str | None] = [*starts[1:], None]
    done.extend(map(Version, starts, ends, opened, itertools.repeat(None), payloads))
    return done


def _in_general(facts: Sequence[Fact], recorded: list[str]) -> list[Version]:
    """`versions` of any aggregate: the row of cells worked out at each recording time, from the facts known then."""
    effective = sorted({f.effective for f in facts})
    days = [remembered_day_key(d) for d in effective]
    where = {day: j for j, day in enumerate(effective)}
    # recording times mostly grow in log order: then the facts known at each time are a prefix of them
    in_order = all(a <= b for a, b in itertools.pairwise(recorded))
    open_: dict[Key, str] = {}
    """The rectangles still growing → their rec_from: always those of `row`."""
    done: list[Version] = []
    row: list[Cell] = []
    keys: list[Key] = []
    """The rectangles of `row`'s cells, cell by cell."""
    state = _fresh(facts[0])
    before: list[Fact] = []
    latest = effective[0]
    """The latest effective date of the facts known (`before`)."""
    for moment, known in _known(facts, recorded, in_order):
        last = known[-1]
        if row and len(known) == len(before) + 1 and last.effective >= latest and (in_order or known[:-1] == before):
            # the usual case: one more fact, last in the log and effective no earlier than the others; only
            # the intervals from its date on change, to what all the facts known make
            state.apply(last)
            j = where[last.effective]
            payload = _payload(state, facts)
            cut = bisect.bisect_left(row, (j,))
            row = row[:cut]
            if payload is not None and (not row or row[-1][1] != payload):
                row.append((j, payload))
            start = max(cut - 1, 0)  # the cell before the date ends elsewhere now
            gone, keys = keys[start:], keys[:start] + _keys(row, days, start)
            new = keys[start:]
            latest = last.effective
        else:
            row = _cells(known, effective)
            state = _folded(known)
            gone, keys = keys, _keys(row, days, 0)
            new = keys
            latest = max(f.effective for f in known)
        before = known
        if gone == new:
            continue
        still = set(new)
        for key in gone:
            if key not in still:
                done.append(Version(key[0], key[1], open_.pop(key), moment, key[2]))
        for key in new:
            if key not in open_:
                open_[key] = moment
    done.extend(Version(key[0], key[1], rec_from, None, key[2]) for key, rec_from in open_.items())
    return done


def _known(facts: Sequence[Fact], recorded: list[str], in_order: bool) -> Iterator[tuple[str, list[Fact]]]:
    """Each recording time of the facts, with the facts known by then in log order."""
    if in_order:
        for n, moment in enumerate(recorded):
            if n + 1 == len(recorded) or recorded[n + 1] != moment:
                yield moment, list(facts[: n + 1])
        return
    for moment in sorted(set(recorded)):
        yield moment, [f for r, f in zip(recorded, facts, strict=True) if r <= moment]


def _keys(row: list[Cell], days: list[str], start: int) -> list[Key]:
    """The rectangles of `row`'s cells from `start` on: each ends where the next cell begins."""
    return [
        (days[j], days[row[n + 1][0]] if n + 1 < len(row) else None, payload)
        for n, (j, payload) in enumerate(row[start:], start)
    ]


def _cells(known: list[Fact], effective: list[date]) -> list[Cell]:
    """For the facts known at one recording time: per effective interval, what the aggregate was
    (intervals in which it did not exist yet are left out), neighbours with equal payloads merged."""
    states: list[str | None] = []
    if all(a.effective <= b.effective for a, b in itertools.pairwise(known)):
        # effective dates never go back in log order: each cell's facts are a prefix of the previous one's, and a
        # cell that takes no fact more holds what the one before it held (the aggregate's later dates, when only its
        # first facts are known: written out again for each, they were half of all payloads a rebuild wrote)
        state, taken, payload = _fresh(known[0]), 0, None
        for day in effective:
            took = taken
            while taken < len(known) and known[taken].effective <= day:
                state.apply(known[taken])
                taken += 1
            if taken != took:
                payload = _payload(state, known)
            states.append(payload)
    else:
        for day in effective:
            visible = [f for f in known if f.effective <= day]
            states.append(_payload(_folded(visible), known) if visible else None)
    cells: list[Cell] = []
    for j, payload in enumerate(states):
        if payload is None:
            continue  # not there yet: once there, an aggregate stays (no fold removes one)
        if not cells or cells[-1][1] != payload:
            cells.append((j, payload))
    return cells


def _fresh(fact: Fact) -> PortfolioState:
    """An empty state to fold one aggregate's facts into: the region actors only where an actor's
    facts may meet them (building them for every initiative's fold was a tenth of a rebuild)."""
    return PortfolioState() if fact.aggregate == "actor" else PortfolioState(actors={})


def _folded(facts: Sequence[Fact]) -> PortfolioState:
    state = _fresh(facts[0])
    for fact in facts:
        state.apply(fact)
    return state


def _text(payload: Any) -> str:
    """JSON text, the same for equal payloads (orjson writes the records' dataclasses itself, in field
    order, and sorts the keys of dictionaries): rows are compared and stored as this text."""
    return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS).decode()


def _payload(state: PortfolioState, facts: Sequence[Fact]) -> str | None:
    """The aggregate's part of a state folded from its own facts only; None if it is not there."""
    first = facts[0]
    if first.aggregate == "initiative":
        record = state.initiatives.get(first.originator_id)
        return None if record is None else _text({"initiative": record})
    if first.aggregate == "actor":
        key = state.actor_keys.get(first.originator_id)
        actor = state.actors.get(key) if key is not None else None
        return None if actor is None else _text({"actor": actor})
    region = state.portfolio_regions.get(first.originator_id)
    if region is None:
        return None
    assessments = [a for (r, _y), a in sorted(state.assessments.items()) if r == region]
    coordinator = state.coordinators.get(region)
    if not assessments and coordinator is None:
        return None
    return _text({"region": region, "assessments": assessments, "coordinator": coordinator})


def state_from(payloads: Iterable[tuple[str, str]]) -> PortfolioState:
    """Lay the aggregates' parts (aggregate id, payload text) over an empty state."""
    from uuid import UUID

    state = PortfolioState()
    for aggregate_id, text in payloads:
        payload = orjson.loads(text)
        if "initiative" in payload:
            state.initiatives[UUID(aggregate_id)] = InitiativeRecord.from_json(dict(payload["initiative"]))
        elif "actor" in payload:
            actor = ActorRecord(**payload["actor"])
            state.actors[actor.key] = actor
            state.actor_keys[UUID(aggregate_id)] = actor.key
        else:
            region = payload["region"]
            for a in payload["assessments"]:
                state.assessments[(region, a["year"])] = AssessmentRecord(**a)
            if payload["coordinator"] is not None:
                state.coordinators[region] = payload["coordinator"]
    return state
