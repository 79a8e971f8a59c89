"""`kompass report annual|national`: yearly reports as Markdown, self-contained HTML or JSON."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kompass.cli.context import Settings, pass_settings
from kompass.cli.output import message

if TYPE_CHECKING:
    from kompass.application.report_document import Document, Provenance
    from kompass.infrastructure.bootstrap import Store

REPORT_FORMATS = ("md", "html", "json")


def _report_options(f: Any) -> Any:
    f = click.option(
        "--position", type=click.IntRange(min=1), default=None, metavar="N",
        help="Make the report from the log up to this position (default: its head). The report names the position "
             "it was made from, so anyone can regenerate exactly the same file.",
    )(f)
    f = click.option("--framework", default=None, metavar="KEY|FILE", help="View under another framework (e.g. se-2025).")(f)
    f = click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="Write the report to this file (default: standard output).")(f)
    f = click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="md", show_default=True,
                     help="md to read, html for a self-contained page (phone and print), json for programs.")(f)
    return click.option("--year", type=int, required=True, metavar="YYYY", help="The reported year.")(f)


@click.group()
def report() -> None:
    """Yearly reports: one region's annual report, and the national report.

    Both are replayed from the event log as of 31 December of the year (effective dates) and
    stamped with the log position and hash-chain digest they were made from: the same
    position gives byte-identical output.

    Example: kompass report national --year 2021 --format html --output national-2021.html
    """


def _source(store: Store, position: int | None) -> tuple[int, str]:
    from kompass.domain.errors import InvalidValue
    from kompass.infrastructure.provenance import digest_at

    head = store.facts.head()
    if position is not None and position > head:
        raise InvalidValue(f"the log has {head} events: --position must be at most {head}")
    return digest_at(store.app.recorder, head if position is None else position)


def _command(name: str, args: list[str], fmt: str, framework: str | None, position: int) -> str:
    extra = f" --framework {framework}" if framework else ""
    return f"kompass report {name} {' '.join(args)} --format {fmt}{extra} --position {position}"


def _emit(text: str, output: Path | None) -> None:
    data = text if text.endswith("\n") else text + "\n"
    if output is None:
        click.echo(data, nl=False)
        return
    output.write_bytes(data.encode("utf-8"))
    message(f"wrote {output}")


def _render(
    fmt: str,
    report: dict[str, Any],
    provenance: Provenance,
    document: Callable[[dict[str, Any], Provenance], Document],
    as_json: Callable[[dict[str, Any]], dict[str, Any]],
) -> str:
    if fmt == "json":
        import json

        return json.dumps(as_json(report), ensure_ascii=False, indent=2)
    doc = document(report, provenance)
    if fmt == "html":
        from kompass.infrastructure.report_html import render_html

        return render_html(doc)
    from kompass.infrastructure.report_md import render_markdown

    return render_markdown(doc)


@report.command()
@click.option("--region", required=True, metavar="CC", help="The region's county code, e.g. 14.")
@_report_options
@pass_settings
def annual(
    settings: Settings, region: str, year: int, fmt: str, output: Path | None, framework: str | None, position: int | None
) -> None:
    """A region's annual report: initiatives per area and type (status, partners, funding, results),
    the self-assessment and its movement, declared focus against coverage, gaps, the actor
    network and its key-actor risks, and what changed during the year.

    Example: kompass report annual --region 14 --year 2021 --format html -o vgr-2021.html
    """
    from kompass.application.annual_report import annual_report
    from kompass.application.annual_views import annual_document
    from kompass.application.report_document import Provenance
    from kompass.application.report_views import stamped_json
    from kompass.domain.vocabulary import require_region, require_year
    from kompass.infrastructure.frameworks import load_framework

    require_region(region)
    require_year(year)
    store = settings.store()
    at, digest = _source(store, position)
    provenance = Provenance(at, digest, _command("annual", ["--region", region, "--year", str(year)], fmt, framework, at))
    data = annual_report(store.facts.facts(upto=at), region, year, load_framework(framework), _network_section())
    text = _render(fmt, data, provenance, annual_document, lambda r: stamped_json(r, provenance))
    message(f"report made from log position {at}, digest {digest[:12]}")
    _emit(text, output)


@report.command()
@_report_options
@pass_settings
def national(settings: Settings, year: int, fmt: str, output: Path | None, framework: str | None, position: int | None) -> None:
    """The national report: movement and traffic lights of the 21 regions, the area ranking, the
    coverage heatmap, the regions with the largest gaps and cross-region collaboration.

    `--format json` prints exactly the figures of docs/definitions.md (year, regions_assessed, improved,
    unchanged, declined, not_comparable, lights, area_ranking).

    Example: kompass report national --year 2021 --format json
    """
    from kompass.application.report_document import Provenance
    from kompass.application.report_views import national_document, national_json
    from kompass.application.reports import national_report
    from kompass.domain.vocabulary import require_year
    from kompass.infrastructure.frameworks import load_framework

    require_year(year)
    store = settings.store()
    at, digest = _source(store, position)
    provenance = Provenance(at, digest, _command("national", ["--year", str(year)], fmt, framework, at))
    data = national_report(store.facts.facts(upto=at), year, load_framework(framework), _national_network())
    text = _render(fmt, data, provenance, national_document, national_json)
    message(f"report made from log position {at}, digest {digest[:12]}")
    _emit(text, output)


def _network_section() -> Any:
    from kompass.application.report_network import region_network

    return region_network


def _national_network() -> Any:
    from kompass.application.report_network import national_network

    return national_network
