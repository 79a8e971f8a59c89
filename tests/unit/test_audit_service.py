"""`AuditService` called from Python, without click, on an in-memory store: what history lets through,
which facts a replay hands on, and that keys are parsed before the auditor is asked. The auditor is a
fake that subclasses the port; its real checks are tested on real stores in tests/integration/test_audit_*."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime

import pytest

from kompass.application import commands as c
from kompass.application import ports
from kompass.application.audit_service import AuditService, Extended, Verified
from kompass.application.facts import Fact
from kompass.application.history import HistoryFilter
from kompass.application.recorder_audit import RecorderVerdict
from kompass.application.service import Kompass
from kompass.domain.checkpoint import VerifierKey
from kompass.domain.merkle import ProofFailed
from kompass.infrastructure.fact_decoder import FactDecoder
from tests.unit.helpers import FRAMEWORK
from tests.unit.test_handlers import ADMIN, SINCE, app, kompass

__all__ = ["app", "kompass"]  # the fixtures, shared with the handlers' tests

VERIFIED = Verified(3, 1, 1, b"root", ("kompass/test",), 0, 5, RecorderVerdict(3, 0))


class MemoryFacts(ports.FactLog):
    """The in-memory store's notification log read as facts (the SQL stores' reader needs their tables)."""

    def __init__(self, kompass: Kompass) -> None:
        self.recorder = kompass.app.recorder
        self.decode = FactDecoder(kompass.app.mapper)

    def head(self) -> int:
        return self.recorder.max_notification_id() or 0

    def facts(self, after: int = 0, upto: int | None = None, batch: int = 1000) -> Iterator[Fact]:
        notifications = self.recorder.select_notifications(start=after, limit=1 << 30, stop=upto, inclusive_of_start=False)
        return (self.decode(n) for n in notifications)


class FakeAuditor(ports.Auditor):
    def __init__(self) -> None:
        self.restored: list[Fact] = []
        self.notes: list[tuple[str, str]] = []

    def verify_store(self) -> Verified:
        return VERIFIED

    def verify_against(self, notes: Sequence[tuple[str, str]], keys: Sequence[VerifierKey]) -> list[Extended]:
        self.notes.extend(notes)
        return [Extended(source, 1, 2, "kompass/test", False) for source, _ in notes]

    def export_lines(self) -> Iterator[str]:
        return iter(["{}"])

    def restore_into(self, facts: Iterable[Fact], target: str) -> int:
        self.restored = list(facts)
        return len(self.restored)

    def latest_checkpoint(self) -> tuple[int, str] | None:
        return None

    def checkpoint_keys(self) -> list[str]:
        return ["kompass/test+00000000+AAAA"]

    def inclusion_proof(self, position: int, note: str | None) -> dict[str, object]:
        self.notes.append((str(position), note or ""))
        return {"index": position - 1}


@pytest.fixture
def auditor() -> FakeAuditor:
    return FakeAuditor()


@pytest.fixture
def audit(kompass: Kompass, auditor: FakeAuditor) -> AuditService:
    def no_read_model() -> ports.ReadModelPort:
        raise AssertionError("history, verify and replay read the log, not the read model")

    return AuditService(MemoryFacts(kompass), auditor, no_read_model, FRAMEWORK)


def test_history_lets_through_only_what_the_filter_asks_for(audit: AuditService, kompass: Kompass) -> None:
    kompass.execute(c.JoinInitiative(ref="14-open", actor="digg", effective=SINCE), ADMIN)
    entries = audit.history(HistoryFilter(initiative="14-open"))
    assert entries and {e["key"] for e in entries} == {"14-open"}
    assert [e["position"] for e in entries] == sorted(e["position"] for e in entries)
    assert audit.history(HistoryFilter(by="nobody")) == []


def test_a_replay_up_to_a_position_hands_on_exactly_the_facts_up_to_it(audit: AuditService, auditor: FakeAuditor) -> None:
    assert audit.replay(10, "sqlite:///elsewhere.db") == 10
    assert [f.position for f in auditor.restored] == list(range(1, 11))


def test_a_replay_up_to_a_recording_time_hands_on_what_was_recorded_by_then(audit: AuditService, auditor: FakeAuditor) -> None:
    everything = audit.facts.head()
    assert audit.replay(datetime.now(UTC), "sqlite:///elsewhere.db") == everything
    assert audit.replay(datetime(2000, 1, 1, tzinfo=UTC), "sqlite:///elsewhere.db") == 0


def test_verify_is_the_auditors_verdict(audit: AuditService) -> None:
    assert audit.verify() == VERIFIED
    assert list(audit.export_log()) == ["{}"]


def test_a_file_without_a_checkpoint_is_refused_before_the_auditor_is_asked(audit: AuditService, auditor: FakeAuditor) -> None:
    with pytest.raises(ProofFailed, match="no kompass checkpoint"):
        audit.verify_against([("held.txt", "no checkpoint here")])
    assert auditor.notes == []


def test_a_store_without_a_checkpoint_says_so_instead_of_printing_nothing(audit: AuditService) -> None:
    from kompass.domain.errors import NotFound

    with pytest.raises(NotFound, match="no checkpoint yet"):
        audit.checkpoint()
    assert audit.checkpoint_keys() == ["kompass/test+00000000+AAAA"]


def test_a_proof_is_asked_of_the_checkpoint_found_in_the_held_file(audit: AuditService, auditor: FakeAuditor) -> None:
    note = "kompass/test\n12\nAAAA\n\n— kompass/test AAAA\n"
    assert audit.prove(3, "# an export\n#   " + note.replace("\n", "\n#   ")) == {"index": 2}
    assert auditor.notes == [("3", note)]
    audit.prove(4)
    assert auditor.notes[-1] == ("4", "")


def test_a_held_file_with_no_checkpoint_is_refused_before_a_proof_is_made(audit: AuditService, auditor: FakeAuditor) -> None:
    with pytest.raises(ProofFailed, match="no kompass checkpoint"):
        audit.prove(3, "no checkpoint here")
    assert auditor.notes == []
