"""A made report in the format asked for, as bytes: md, html, json (figures), docx, pdf (WeasyPrint renders
the HTML), xlsx (the tables). Every format renders the same document."""

from __future__ import annotations

import json

from kompass.application.reports.service import Report

FORMATS = ("md", "html", "json", "docx", "pdf", "xlsx")
BINARY = frozenset({"docx", "pdf", "xlsx"})

PDF_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm;
  @bottom-center { content: "%(page)s " counter(page) " / " counter(pages); font-size: 9pt; color: #5b6670; } }
body { font-size: 10pt; }
nav { display: none; }
header, main, footer { max-width: none; padding: 0; }
figure svg { max-width: 100%%; }
table { width: 100%%; min-width: 0; font-size: 8.5pt; }
th, td { padding: 2px 4px; overflow-wrap: anywhere; hyphens: auto; }
th.num { white-space: normal; }
"""


def render(report: Report, fmt: str) -> bytes:
    if fmt == "json":
        data = report.contract if report.contract is not None else report.data
        return (json.dumps(data, ensure_ascii=False, indent=2, default=_plain) + "\n").encode("utf-8")
    doc = report.document
    if fmt == "md":
        from kompass.infrastructure.report_md import render_markdown

        return _text(render_markdown(doc))
    if fmt == "html":
        from kompass.infrastructure.report_html import render_html

        return _text(render_html(doc))
    if fmt == "pdf":
        from weasyprint import HTML

        from kompass.infrastructure.report_html import render_html

        page = render_html(doc, PDF_CSS % {"page": doc.labels.page})
        return bytes(HTML(string=page).write_pdf(uncompressed_pdf=False))
    if fmt == "docx":
        from kompass.infrastructure.report_docx import render_docx

        return render_docx(doc)
    if fmt == "xlsx":
        from kompass.infrastructure.report_xlsx import render_xlsx

        return render_xlsx(doc)
    raise ValueError(f"unknown report format {fmt!r}")


def _text(text: str) -> bytes:
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def _plain(value: object) -> object:
    from dataclasses import asdict, is_dataclass

    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"{type(value).__name__} is not JSON")
