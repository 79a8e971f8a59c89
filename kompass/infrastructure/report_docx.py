"""Reports as Word files (python-docx): a title page stamped with the log position it was made from,
headings, tables, the pictures as images, and page numbers in the footer.

Word files carry a creation time and python-docx's default properties; both are fixed here
(from the log position's stamp, not the clock), so the same report gives the same document text.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from docx import Document as WordDocument
from docx.document import Document as WordFile
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from kompass.application.reports.document import Bullets, Document, Figure, Heading, Para, Table
from kompass.infrastructure.report_html import draw_png

PICTURE_WIDTH = Cm(16.5)
"""The text width of an A4 page with 2.25 cm margins; pictures are drawn for about this width, so their text stays ≥ 9 pt."""
MUTED = RGBColor(0x5B, 0x66, 0x70)


def _page_number(paragraph: object, label: str) -> None:
    """"Page N" with N a PAGE field Word fills in."""
    run = paragraph.add_run(f"{label} ")  # type: ignore[attr-defined]
    run.font.size = Pt(9)
    field = paragraph.add_run()  # type: ignore[attr-defined]
    field.font.size = Pt(9)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        field._r.append(element)


def _table(word: WordFile, t: Table) -> None:
    table = word.add_table(rows=1, cols=len(t.headers))
    table.style = "Light Grid Accent 1"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for j, header in enumerate(t.headers):
        cell = table.rows[0].cells[j]
        cell.text = header
    repeat = OxmlElement("w:tblHeader")  # the header row again at the top of each page the table runs onto
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for row in t.shown:
        cells = table.add_row().cells
        for j, value in enumerate(row):
            cells[j].text = value
            if j in t.numeric:
                cells[j].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    if t.hidden:
        _note(word, t.left_out)
    else:
        word.add_paragraph()  # apart from the next table: Word joins tables that touch


def _note(word: WordFile, text: str) -> None:
    paragraph = word.add_paragraph()
    run = paragraph.add_run(text)
    run.italic = True
    run.font.color.rgb = MUTED


def render_docx(doc: Document) -> bytes:
    word = WordDocument()
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.25)
    section.top_margin = section.bottom_margin = Cm(2)
    word.styles["Normal"].font.name = "DejaVu Sans"
    word.styles["Normal"].font.size = Pt(10)
    properties = word.core_properties
    properties.title = doc.title
    properties.author = "kompass"
    properties.comments = doc.labels.stamp
    properties.language = doc.lang
    properties.created = properties.modified = datetime(2000, 1, 1, tzinfo=UTC)
    properties.last_modified_by = "kompass"
    properties.revision = 1

    word.add_paragraph().add_run().add_break(WD_BREAK.LINE)
    word.add_heading(doc.title, level=0)
    subtitle = word.add_paragraph(doc.subtitle)
    subtitle.runs[0].font.size = Pt(12)
    _note(word, doc.labels.stamp)
    for line in doc.labels.provenance_lines:
        word.add_paragraph(line, style="List Bullet")
    word.add_heading(doc.labels.contents, level=1)
    for heading in doc.contents():
        word.add_paragraph(heading.text, style="List Number")
    word.add_page_break()  # type: ignore[no-untyped-call]

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer, doc.labels.page)

    figures = 0
    for b in doc.blocks:
        if isinstance(b, Heading):
            word.add_heading(b.text, level=min(b.level - 1, 3) or 1)
        elif isinstance(b, Para):
            if b.note:
                _note(word, b.text)
            else:
                word.add_paragraph(b.text)
        elif isinstance(b, Bullets):
            for item in b.items:
                word.add_paragraph(item, style="List Bullet")
        elif isinstance(b, Table):
            _table(word, b)
        elif isinstance(b, Figure):
            figures += 1
            word.add_picture(io.BytesIO(draw_png(b)), width=PICTURE_WIDTH)
            caption = word.add_paragraph()
            caption.add_run(f"{doc.labels.figure} {figures}. ").bold = True
            caption.add_run(b.caption)
    word.add_heading(doc.labels.provenance, level=1)
    for line in doc.labels.provenance_lines:
        word.add_paragraph(line, style="List Bullet")
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
