"""Reports as Markdown: the document's blocks as text, figures as their fallback tables."""

from __future__ import annotations

from kompass.application.reports.document import Block, Bullets, Document, Figure, Heading, Para, Table


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def table(t: Table) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in t.headers) + " |"]
    lines.append("|" + "|".join("---:" if i in t.numeric else "---" for i in range(len(t.headers))) + "|")
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in t.shown]
    if t.hidden:
        lines += ["", f"_{t.left_out}_"]
    return lines


def block(b: Block) -> list[str]:
    if isinstance(b, Heading):
        return ["#" * b.level + " " + b.text]
    if isinstance(b, Para):
        return [f"_{b.text}_" if b.note else b.text]
    if isinstance(b, Bullets):
        return [f"- {' '.join(item.split())}" for item in b.items]
    if isinstance(b, Table):
        return table(b)
    if isinstance(b, Figure):
        if b.fallback is None:
            return [f"_{b.caption}_"]
        return [f"**{b.caption}**", "", *table(b.fallback)]
    raise TypeError(f"unknown block {b!r}")


def render_markdown(doc: Document) -> str:
    labels = doc.labels
    lines = [f"# {doc.title}", "", f"_{doc.subtitle}_", "", labels.stamp, ""]
    for b in doc.blocks:
        lines += [*block(b), ""]
    lines += [f"## {labels.provenance}", "", *(f"- {line}" for line in labels.provenance_lines), ""]
    return "\n".join(lines)
