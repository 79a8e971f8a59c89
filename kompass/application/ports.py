"""Every port of kompass: what the application needs from the outside world, as protocols.

The adapters in `infrastructure/` implement them by subclassing (`event_appends.AtomicAppender`,
`event_reads.NotificationFacts`, `read_model.ReadModel`, the projections), and so do the test fakes,
so that neither can drift from what the application calls. The application imports only this
module to speak to storage; nothing here imports a storage library.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from kompass.application.facts import Fact
from kompass.application.records import ActorRecord, AssessmentRecord, InitiativeRecord

if TYPE_CHECKING:
    from datetime import date, datetime
    from pathlib import Path

    from kompass.application.audit_service import Extended, Verified
    from kompass.application.coverage import CellNumbers, CoverageReport, NationalNumbers
    from kompass.application.network import NetworkData
    from kompass.application.permissions import Grants
    from kompass.application.projection_service import Compaction, ProjectionStatus
    from kompass.application.sheet_import import SheetFile
    from kompass.application.state import PortfolioState
    from kompass.domain.checkpoint import VerifierKey
    from kompass.domain.framework import Framework

__all__ = [
    "AggregateSource", "AppendTransaction", "AtomicAppender", "Auditor", "FactLog", "Language", "MetricsCache", "PastStates", "PastYears",
    "PersonStore", "Projection", "ProjectionBatch", "ProjectionKeeper", "ReadModelPort", "RoleRegister", "SheetReader", "Signer",
    "UserDirectory", "WorkbookWriter",
]


# --- writing ----------------------------------------------------------------------------------------


class AggregateSource(Protocol):
    """Reads an aggregate by id; raises the library's AggregateNotFoundError when none is stored."""

    def get(self, aggregate_id: UUID) -> Any: ...


class AppendTransaction(AggregateSource, Protocol):
    """Appends batches of events; `get` and `get_many` read aggregates as this transaction sees them."""

    def __call__(self, events: Sequence[Any], recorded_by: Sequence[str | None] | None = None) -> None:
        """Append a batch. The store records who stored each event (`recorded_by`); only a restore
        passes the recorders its export names (one per event), which the store keeps for an admin."""
        ...

    def get_many(self, aggregate_ids: Collection[UUID]) -> dict[UUID, Any]:
        """Several aggregates at once, as `get` would read each of them; None for those not stored."""
        ...


class AtomicAppender(Protocol):
    def transaction(self, *, restore: bool = False) -> AbstractContextManager[AppendTransaction]:
        """A context in which events are appended in batches and committed together at the end.
        `restore`: the batches may name their recorders (`import --restore`).

        Raises ConcurrentChange if another writer recorded a conflicting event meanwhile. Every
        transaction that appends ends by storing the log's next checkpoint, signed by a Signer.
        """
        ...


class Signer(Protocol):
    """Signs the log's checkpoints (Ed25519): the store's key on SQLite; on PostgreSQL the acting user's own
    key, whose public half is published in the log (docs/security.md)."""

    @property
    def name(self) -> str:
        """The key's name in signature lines: the log's origin for the store's key, `<origin>/<user id>` for a user's."""
        ...

    @property
    def public_key(self) -> bytes:
        """The 32-byte Ed25519 public key."""
        ...

    def sign(self, message: bytes) -> bytes: ...


class UserDirectory(Protocol):
    """Who holds which role now (the user register)."""

    def grants_of(self, user: str) -> Grants: ...


class RoleRegister(UserDirectory, Protocol):
    """Who holds which role now, and who held which on a date as recorded by a time (folded from the log)."""

    def all(self, as_of: date | None = None, known_at: datetime | None = None) -> list[Grants]: ...


class PersonStore(Protocol):
    """The person register: names and contacts outside the log, each person's under a key of their own."""

    def put(self, person_id: str, name: str, email: str | None, phone: str | None) -> None: ...

    def get(self, person_id: str) -> dict[str, Any]:
        """The person's details in clear text; NotFound when none are recorded."""
        ...

    def forget(self, person_id: str) -> None:
        """Erase the person's details, key first, so that no copy of them can be read again."""
        ...


# --- reading ----------------------------------------------------------------------------------------


class FactLog(Protocol):
    """The notification log, read as facts in log order."""

    def head(self) -> int: ...

    def facts(self, after: int = 0, upto: int | None = None, batch: int = 1000) -> Iterator[Fact]: ...


class ReadModelPort(Protocol):
    """The materialised answers of the present: coverage, records and the actor network."""

    def coverage_cells(self) -> tuple[dict[tuple[str, str], CellNumbers], dict[str, NationalNumbers]]: ...

    def assessments(self) -> list[AssessmentRecord]: ...

    def initiatives(
        self, region: str | None = None, status: str | None = None, type: str | None = None, ref: str | None = None
    ) -> list[InitiativeRecord]: ...

    def actors(self) -> dict[str, ActorRecord]: ...

    def network_data(self, region: str | None = None, area: str | None = None, memberships: bool = False) -> NetworkData:
        """Nodes and weighted ties of the initiatives in scope (whose regions include `region`, tagged `area`)."""
        ...


class MetricsCache(Protocol):
    """Network metrics already worked out, kept by (network projection position, question)."""

    def position(self) -> int:
        """The network projection's position now."""
        ...

    def get(self, position: int, scope: str) -> dict[str, Any] | None: ...

    def put(self, position: int, scope: str, payload: dict[str, Any]) -> None:
        """Keep an answer (best effort: a store that refuses the write is left as it is)."""
        ...


class PastStates(Protocol):
    """The portfolio at any effective date and recording time, from rows kept in advance (no replay)."""

    def past_state(self, as_of: date | None, known_at: datetime | None) -> PortfolioState: ...

    def past_coverage(self, framework: Framework, today: date, as_of: date | None, known_at: datetime | None) -> CoverageReport | None:
        """Coverage at a past point kept in advance, or None where only the whole past state answers."""


class PastYears(PastStates, Protocol):
    """What a report of any year reads from the bitemporal rows instead of replaying the log
    (`reports.year.indexed_year`); the rows stand for the log up to `position()`."""

    def position(self) -> int:
        """The log position the rows hold now (a report made from them is made from the log up to it)."""
        ...

    def past_assessments(self, known_at: datetime | None) -> dict[tuple[str, int], AssessmentRecord]:
        """Every self-assessment recorded by `known_at` (or ever), whatever its effective date; by (region, year)."""
        ...

    def facts_effective(self, first: date, last: date, known_at: datetime | None) -> list[tuple[Fact, str]]:
        """The initiative and portfolio facts effective from `first` to `last` and recorded by `known_at`, in log
        order, each with its aggregate's key (the initiative's ref, the portfolio's region)."""
        ...

    def facts_recorded_after(self, moment: datetime) -> list[tuple[Fact, str]]:
        """The initiative and portfolio facts recorded after `moment`, in log order, each with its aggregate's key."""
        ...

    def first_year(self) -> int | None:
        """The first year in which the log has work (an initiative proposed) or a self-assessment (its year)."""
        ...


# --- importing -----------------------------------------------------------------------------------------


class SheetReader(Protocol):
    """Reads an edited workbook or CSV of initiatives into rows (`infrastructure/workbook.py`); every bad cell
    refused at once (CellsRefused)."""

    def __call__(self, path: Path, columns: dict[str, tuple[str, ...]]) -> SheetFile: ...


class WorkbookWriter(Protocol):
    """Writes a portfolio's tables as a workbook a coordinator edits (`infrastructure/workbook.py`): each sheet's
    columns, and the values its drop-down lists offer."""

    def __call__(
        self, path: Path, tables: dict[str, list[dict[str, Any]]], columns: dict[str, tuple[str, ...]],
        allowed: dict[str, tuple[str, ...]], region: str | None,
    ) -> None: ...


# --- auditing ----------------------------------------------------------------------------------------


class Auditor(Protocol):
    """The checks over the stored log and its tree, and the copies an auditor makes of it."""

    def verify_store(self) -> Verified:
        """The log and its checkpoints, then everything derived from it, against a replay."""
        ...

    def verify_against(self, notes: Sequence[tuple[str, str]], keys: Sequence[VerifierKey]) -> list[Extended]:
        """Consistency proofs that today's tree extends each (source, signed note) checkpoint."""
        ...

    def export_lines(self) -> Iterator[str]:
        """The log as command-log lines (docs/command-log.md), one per stored event."""
        ...

    def restore_into(self, facts: Iterable[Fact], target: str) -> int:
        """Write these facts, with their recording times and recorders, into a new store at `target` (a restore
        by whoever runs it); the events written."""
        ...

    def latest_checkpoint(self) -> tuple[int, str] | None:
        """The newest signed checkpoint as (events it covers, signed-note text), or None before the first write."""
        ...

    def checkpoint_keys(self) -> list[str]:
        """The public keys (NAME+KEYID+BASE64) that signed the newest checkpoint: what others pin."""
        ...

    def inclusion_proof(self, position: int, note: str | None) -> dict[str, object]:
        """A proof (docs/security.md) that the event at `position` is in the log the checkpoint `note` describes
        (None: the newest checkpoint)."""
        ...


# --- keeping the read model ---------------------------------------------------------------------------


class ProjectionBatch(Protocol):
    """The working set of one transaction of a projection: facts applied, then written once."""

    def apply(self, fact: Fact) -> None: ...

    def flush(self) -> None: ...


class Projection(Protocol):
    """A projection the projector keeps: a tracking name, how to empty it, and its batches.

    `conn` is the projector's open database transaction (the adapter knows its type).
    """

    NAME: str
    TABLES: Sequence[Any]
    """The tables it owns: a rebuild fills fresh copies beside them and swaps them in."""

    def reset(self, conn: Any, areas: Sequence[str]) -> None: ...

    def batch(self, conn: Any, areas: Sequence[str]) -> ProjectionBatch: ...


class ProjectionKeeper(Protocol):
    """Brings the projections to the head of the log (`infrastructure/projections/projector.py`)."""

    def status(self) -> list[ProjectionStatus]: ...

    def catch_up(self, on_progress: Callable[[int, int], None] | None = None, batch: int | None = None) -> int:
        """Apply the facts the projections have not seen, a transaction per batch; how many were applied."""
        ...

    def rebuild(self, on_progress: Callable[[int, int], None] | None = None, only: str | None = None, batch: int | None = None) -> int:
        """Replay the whole log into fresh tables, then swap them in at once; how many facts were read."""
        ...

    def follow(self, poll_seconds: float = 1.0, stop: Callable[[], bool] = lambda: False, batch: int | None = None) -> None:
        """Keep catching up until `stop()` says so."""
        ...

    def compact(self) -> Compaction | None:
        """Drop the tables earlier rebuilds replaced and shrink the store file (SQLite); None where there are none."""
        ...


# --- reports ----------------------------------------------------------------------------------------


class Language(Protocol):
    """The language a report is written in: its sentences, the vocabulary's names, and how numbers,
    amounts and dates are written (`infrastructure/language.py` answers from gettext catalogues and Babel).

    Messages are English in the code (the catalogue's keys) with named placeholders, so a translation
    may put them in another order: `lang._("%(n)s of 21 regions", n=20)`.
    """

    code: str
    """`sv` or `en`."""

    def _(self, message: str, **values: Any) -> str:
        """The message translated, then filled in with `values` (%(name)s placeholders)."""
        ...

    def n_(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """The singular or plural form for `n` (its own placeholder is %(n)s, written as a number)."""
        ...

    def term(self, kind: str, key: str | None) -> str:
        """A vocabulary value's name, e.g. term("area", "security") → "digital trygghet"; "—" for None."""
        ...

    def number(self, value: float, decimals: int = 0) -> str: ...

    def sek(self, amount: int) -> str:
        """Whole kronor: "1 234 567 kr" (sv), "SEK 1,234,567" (en)."""
        ...

    def date(self, value: str | date) -> str:
        """A date written out: "31 januari 2022" (sv), "31 January 2022" (en)."""
        ...
