"""`ImportService` called from Python, without click, on an in-memory store: a command log is applied
whole or not at all and a refused line is named SOURCE:LINE; a restore needs a new store; a workbook
is read through the `SheetReader` port with the framework's columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from kompass.application import commands as c
from kompass.application import ports
from kompass.application.import_service import ImportService
from kompass.application.service import Kompass, LineRefused
from kompass.application.sheet_import import SheetFile
from kompass.domain.errors import InvalidValue
from tests.unit.helpers import FRAMEWORK
from tests.unit.test_handlers import ADMIN, SINCE, app, head, kompass

__all__ = ["app", "kompass"]  # the fixtures, shared with the handlers' tests


class Reader(ports.SheetReader):
    """A workbook with no rows for region 14; remembers the columns it was asked to read."""

    def __init__(self) -> None:
        self.columns: dict[str, tuple[str, ...]] = {}

    def __call__(self, path: Path, columns: dict[str, tuple[str, ...]]) -> SheetFile:
        self.columns = columns
        return SheetFile(str(path), "14", removals=False)


class NoReadModel(Exception):
    pass


def service(kompass: Kompass, empty: bool = False, reader: ports.SheetReader | None = None) -> ImportService:
    def read_model() -> ports.ReadModelPort:
        raise NoReadModel

    return ImportService(kompass, lambda: ADMIN, read_model, FRAMEWORK, lambda: empty, reader or Reader(), ADMIN.user)


def test_a_command_log_is_applied_whole(kompass: Kompass) -> None:
    lines = [
        (1, c.JoinInitiative(ref="14-open", actor="digg", effective=SINCE), None),
        (2, c.JoinInitiative(ref="14-open", actor="vinnova", effective=SINCE), None),
    ]
    summary = service(kompass).command_log(lines, "log.jsonl")
    assert (summary.commands, summary.events) == (2, 2)


def test_a_refused_line_is_named_with_its_source_and_nothing_is_written(kompass: Kompass) -> None:
    before = head(kompass.app)
    lines = [
        (1, c.JoinInitiative(ref="14-open", actor="digg", effective=SINCE), None),
        (2, c.JoinInitiative(ref="14-open", actor="nobody", effective=SINCE), None),
    ]
    with pytest.raises(LineRefused, match=r"^log\.jsonl:2: ") as refused:
        service(kompass).command_log(lines, "log.jsonl")
    assert refused.value.line == 2
    assert head(kompass.app) == before


def test_a_restore_into_a_store_that_holds_something_is_refused(kompass: Kompass) -> None:
    before = head(kompass.app)
    with pytest.raises(InvalidValue, match="--restore needs a new store"):
        service(kompass, empty=False).restore([], "export.jsonl")
    assert head(kompass.app) == before


def test_a_workbook_is_read_with_the_frameworks_columns(kompass: Kompass) -> None:
    reader = Reader()
    with pytest.raises(NoReadModel):  # planned against the store's rows: read after the file
        service(kompass, reader=reader).plan_sheet(Path("portfolj-14.xlsx"))
    assert set(FRAMEWORK.area_keys) <= {column.removeprefix("focus_") for column in reader.columns["assessments"]}
