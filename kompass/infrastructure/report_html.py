"""Reports as one self-contained HTML file: inline SVG pictures, inline CSS, no script, no network.

Readable on a phone (viewport, fluid tables and pictures), printable (print CSS) and stamped
with the log position and the signed checkpoint it was made from. The same document gives the same bytes.
"""

from __future__ import annotations

import re
from html import escape

from kompass.application.reports.document import Block, Bullets, Document, Figure, Heading, Para, Table

CSS = """
:root { --ink: #1d2329; --muted: #5b6670; --line: #d9dee3; --bg: #ffffff; --band: #f4f6f8; --accent: #2a7fb8; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: var(--bg); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto,
  "DejaVu Sans", sans-serif; }
header, main, footer, nav { max-width: 980px; margin: 0 auto; padding: 0 16px; }
header { padding-top: 24px; border-bottom: 3px solid var(--accent); }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 8px; }
h2 { font-size: 1.25rem; margin: 32px 0 8px; padding-top: 8px; border-top: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 20px 0 6px; }
.subtitle, .note { color: var(--muted); }
.stamp { font-size: 0.85rem; color: var(--muted); overflow-wrap: anywhere; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.85em; overflow-wrap: anywhere; }
nav ol { display: flex; flex-wrap: wrap; gap: 4px 16px; padding: 8px 0 0 0; margin: 0; list-style: none; font-size: 0.9rem; }
nav a { color: var(--accent); text-decoration: none; }
.table { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 8px 0 16px; }
table { border-collapse: collapse; min-width: 60%; font-size: 0.9rem; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--band); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
figure { margin: 12px 0 20px; }
figure svg { display: block; width: 100%; height: auto; max-width: 860px; }
figcaption { font-size: 0.85rem; color: var(--muted); }
.absent { background: #fbe3e0; } .pipeline_only { background: #fdebd3; } .thin { background: #efe0f5; }
.green { background: #dff3e6; } .yellow { background: #fcf3cf; } .red { background: #fbe3e0; }
.improved { color: #1e7b45; font-weight: 600; } .declined { color: #b03a2e; font-weight: 600; }
.unbacked { background: #fbe3e0; } .beyond_focus { background: #e8f1fa; }
footer { margin-top: 40px; padding-bottom: 40px; border-top: 3px solid var(--accent); font-size: 0.9rem; }
@media (max-width: 600px) {
  body { font-size: 15px; }
  figure { overflow-x: auto; -webkit-overflow-scrolling: touch; }
  figure svg { min-width: 560px; }
  h1 { font-size: 1.3rem; }
  th, td { padding: 3px 5px; }
}
@media print {
  @page { margin: 16mm 14mm; }
  body { font-size: 10pt; }
  nav { display: none; }
  header, main, footer { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; }
  figure, table, tr { break-inside: avoid; page-break-inside: avoid; }
  .table { overflow: visible; }
  figure svg { max-width: 100%; }
  a { color: inherit; text-decoration: none; }
}
"""

_SVG_START = re.compile(r"^.*?(<svg\b)", re.S)
_SVG_WIDTH = re.compile(r'<svg\b[^>]*?\swidth="([0-9.]+)pt"')
_SVG_SIZE = re.compile(r'(<svg\b[^>]*?)\s(?:width|height)="[^"]*"')


def inline_svg(svg: bytes, label: str) -> str:
    """An SVG file as an element to inline: no XML prolog, no fixed size (it shrinks to fit, up to its natural width), labelled."""
    text = _SVG_START.sub(r"\1", svg.decode("utf-8"), count=1)
    width = _SVG_WIDTH.search(text)
    natural = f' style="max-width: {round(float(width.group(1)) * 4 / 3)}px"' if width else ""
    for _ in range(2):
        text = _SVG_SIZE.sub(r"\1", text, count=1)
    return text.replace("<svg", f'<svg role="img" aria-label="{escape(label)}"{natural}', 1).strip()


def draw(figure: Figure, fmt: str = "svg") -> bytes:
    from kompass.infrastructure.charts import draw_chart

    return draw_chart(figure.chart, fmt)


def draw_png(figure: Figure) -> bytes:
    return draw(figure, "png")


def table(t: Table) -> str:
    def cls(i: int, j: int | None = None) -> str:
        names = []
        if j is not None and j in t.numeric:
            names.append("num")
        if j is not None and j in t.nowrap:
            names.append("nowrap")
        if i >= 0 and t.marks and j is not None and t.marks[i][j]:
            names.append(t.marks[i][j])
        return f' class="{" ".join(names)}"' if names else ""

    num = ' class="num"'
    head = "".join(f"<th{num if j in t.numeric else ''}>{escape(h)}</th>" for j, h in enumerate(t.headers))
    body = "".join(
        "<tr>" + "".join(f"<td{cls(i, j)}>{escape(c)}</td>" for j, c in enumerate(row)) + "</tr>\n" for i, row in enumerate(t.shown)
    )
    note = f'\n<p class="note left-out">{escape(t.left_out)}</p>' if t.hidden else ""
    return f'<div class="table"><table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody></table></div>{note}'


def block(b: Block) -> str:
    if isinstance(b, Heading):
        anchor = f' id="{escape(b.anchor)}"' if b.anchor else ""
        return f"<h{b.level}{anchor}>{escape(b.text)}</h{b.level}>"
    if isinstance(b, Para):
        return f'<p class="note">{escape(b.text)}</p>' if b.note else f"<p>{escape(b.text)}</p>"
    if isinstance(b, Bullets):
        return "<ul>\n" + "".join(f"<li>{escape(item)}</li>\n" for item in b.items) + "</ul>"
    if isinstance(b, Table):
        return table(b)
    if isinstance(b, Figure):
        return f"<figure>\n{inline_svg(draw(b), b.caption)}\n<figcaption>{escape(b.caption)}</figcaption>\n</figure>"
    raise TypeError(f"unknown block {b!r}")


def render_html(doc: Document, print_css: str = "") -> str:
    """The page; `print_css` is added for a PDF (page numbers in the margin boxes)."""
    p, labels = doc.provenance, doc.labels
    contents = "".join(f'<li><a href="#{escape(h.anchor)}">{escape(h.text)}</a></li>' for h in doc.contents())
    body = "\n".join(block(b) for b in doc.blocks)
    provenance = "".join(f"<li>{escape(line)}</li>" for line in labels.provenance_lines)
    return f"""<!DOCTYPE html>
<html lang="{escape(doc.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="kompass">
<meta name="kompass-log-position" content="{p.position}">
<title>{escape(doc.title)}</title>
<style>{CSS}{print_css}</style>
</head>
<body>
<header>
<h1>{escape(doc.title)}</h1>
<p class="subtitle">{escape(doc.subtitle)}</p>
<p class="stamp">{escape(labels.stamp)}</p>
</header>
<nav aria-label="{escape(labels.contents)}"><ol>{contents}</ol></nav>
<main>
{body}
</main>
<footer>
<h2 id="provenance">{escape(labels.provenance)}</h2>
<ul>
{provenance}
</ul>
</footer>
</body>
</html>
"""
