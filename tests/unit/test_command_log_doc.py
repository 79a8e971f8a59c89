"""The product documents itself: docs/command-log.md describes every op and field the reader accepts,
and nothing in the product cites a document the repository does not contain."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from kompass.application.commands import OPS, Command

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "command-log.md"
ENVELOPE = {f.name for f in dataclasses.fields(Command)}


def _rows() -> dict[str, str]:
    """Each op's table row in the doc, by op."""
    rows: dict[str, str] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        found = re.match(r"\| `([a-z_]+\.[a-z_]+)` \|", line)
        if found:
            rows[found.group(1)] = line
    return rows


def test_every_op_has_a_row_and_no_row_names_an_unknown_op() -> None:
    assert set(_rows()) == set(OPS)


@pytest.mark.parametrize("op", sorted(OPS))
def test_every_field_of_an_op_is_described_in_its_row(op: str) -> None:
    row = _rows()[op]
    fields_cell = row.split("|")[2]
    described = set(re.findall(r"`([a-z_]+)` (?:text|list of texts|whole number|number|date|focus)", fields_cell))
    expected = {f.name for f in dataclasses.fields(OPS[op])} - ENVELOPE
    assert described == expected
    for field in dataclasses.fields(OPS[op]):
        optional = field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING
        if field.name in expected:
            marked = re.search(rf"`{field.name}` [a-z ]+? \*optional\*", fields_cell) is not None
            assert marked == optional


def test_the_envelope_is_described() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in (*ENVELOPE, "recorded_at"):
        assert f"| `{name}` |" in text


def test_no_part_of_the_product_cites_a_document_it_does_not_contain() -> None:
    places = [ROOT / "README.md", *(ROOT / "kompass").rglob("*"), *(ROOT / "docs").rglob("*"),
              *(ROOT / "tests").rglob("*"), *(ROOT / "bench").rglob("*")]
    this = Path(__file__).resolve()
    texts = [p for p in places if p.is_file() and p.resolve() != this and p.suffix in {".py", ".md", ".jsonl", ".json", ""}]
    citing = [p for p in texts if "DESIGN" in p.read_text(errors="ignore")]
    assert citing == []
