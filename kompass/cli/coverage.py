"""`kompass coverage`, `kompass gaps` and `kompass diff`: where the portfolios leave gaps."""

from __future__ import annotations

import functools
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kompass.cli.context import Settings, parse_date, pass_settings, time_options, when_asked
from kompass.cli.files import check_output, force_option, write_output
from kompass.cli.output import emit_csv, emit_json, format_option

if TYPE_CHECKING:
    from kompass.application.coverage import CoverageReport
    from kompass.application.coverage_grid import CoverageGrid
    from kompass.application.coverage_queries import Question

GAPS_EXIT = 6


def _day(value: str) -> date:
    """A required date option (written as `--as-of` was, whose messages `diff` has always given)."""
    day = parse_date(value)
    assert day is not None  # click requires the option
    return day


def _framework_option(f: Any) -> Any:
    return click.option(
        "--framework",
        default=None,
        metavar="KEY|FILE",
        help="View under another framework: se-2025, vgr-kraftsamling, eu-digital-decade or a file.",
    )(f)


def _filters(f: Any) -> Any:
    f = click.option("--area", default=None, help="Only this area.")(f)
    return click.option("--region", default=None, metavar="CC", help="Only this region's rows (medians stay national).")(f)


def _question(f: Any) -> Any:
    """`--region`, `--area`, `--framework`, `--as-of` and `--known-at`, handed to the command as one `question`."""

    @functools.wraps(f)
    def asked(
        *args: Any, region: str | None, area: str | None, framework: str | None, as_of: str | None, known_at: str | None,
        **kwargs: Any,
    ) -> Any:
        from kompass.application.coverage_queries import Question

        return f(*args, question=Question(framework, when_asked(as_of, known_at), region, area), **kwargs)

    return _filters(_framework_option(time_options(asked)))


@click.command()
@_question
@format_option("table", "json", "csv", "png", "svg")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="With png or svg: the file to write the heatmap to (default: standard output, when it is not a terminal); "
                   "an existing file only with --force.")
@force_option
@pass_settings
def coverage(settings: Settings, question: Question, fmt: str, output: Path | None, force: bool) -> None:
    """Coverage per region and strategy area, with gaps marked; png or svg draw the heatmap.

    What each figure means, and the JSON shape: docs/definitions.md (Coverage).

    Example: kompass coverage --as-of 2021-12-31 --format json
    Example: kompass coverage --format svg --output coverage.svg
    """
    from kompass.application.coverage_grid import coverage_grid
    from kompass.application.views import coverage_json
    from kompass.cli.grid import print_grid

    if fmt == "png" and output is None and sys.stdout.isatty():
        raise click.UsageError("--format png writes binary data: give --output FILE or redirect standard output")
    if fmt in ("png", "svg"):
        check_output(settings, output, force)
    report = settings.coverage().coverage(question)
    if fmt == "table":
        print_grid(report, question.region, question.area)
        return
    data = coverage_json(report, question.region, question.area)
    if fmt == "json":
        emit_json(data)
        return
    if fmt in ("png", "svg"):
        _heatmap(settings, coverage_grid(report, question.region, question.area), report, fmt, output, force)
        return
    rows = [{"region": r["region"], "name": r["name"], "area": a, **cell} for r in data["regions"] for a, cell in r["areas"].items()]
    emit_csv(rows, ("region", "name", "area", "initiatives", "weighted", "pipeline", "budget_sek", "actors", "gap"))


def _heatmap(settings: Settings, grid: CoverageGrid, report: CoverageReport, fmt: str, output: Path | None, force: bool) -> None:
    from kompass.cli.output import message
    from kompass.infrastructure.charts import coverage_heatmap

    names = {a.key: a.name for a in report.framework.areas}
    picture = coverage_heatmap(grid, names, fmt, f"Coverage as of {grid.as_of} ({grid.framework})")
    if write_output(settings, output, picture, force):
        message(f"wrote {output}")


@click.command()
@_question
@click.option("--fail-on-gaps", is_flag=True, help=f"Exit {GAPS_EXIT} when any gap is found (for scripts).")
@format_option()
@pass_settings
def gaps(settings: Settings, question: Question, fail_on_gaps: bool, fmt: str) -> None:
    """Gaps per region and area: absent, pipeline_only, thin; and declared focus without initiatives.

    The gap kinds and the median rule: docs/definitions.md (Gaps).

    Example: kompass gaps --region 14 --fail-on-gaps
    """
    from kompass.application.views import gaps_json
    from kompass.cli.output import emit_table

    report = settings.coverage().coverage(question)
    data = gaps_json(report, question.region, question.area)
    if fmt == "json":
        emit_json(data)
    elif fmt == "csv":
        emit_csv(data["gaps"] + [{**d, "kind": "declared_unbacked"} for d in data["declared_unbacked"]], ("region", "area", "kind"))
    else:
        emit_table(data["gaps"] + [{**d, "kind": "declared_unbacked"} for d in data["declared_unbacked"]], ("region", "area", "kind"))
    if fail_on_gaps and data["gaps"]:
        raise SystemExit(GAPS_EXIT)


@click.command()
@click.option("--from", "from_", required=True, metavar="DATE")
@click.option("--to", required=True, metavar="DATE")
@_framework_option
@format_option()
@pass_settings
def diff(settings: Settings, from_: str, to: str, framework: str | None, fmt: str) -> None:
    """What changed in coverage and gaps between two dates (effective dates).

    Example: kompass diff --from 2021-01-01 --to 2021-12-31
    """
    rows = settings.coverage().diff(_day(from_), _day(to), framework)
    columns = ("region", "area", "field", "from", "to")
    if fmt == "json":
        emit_json({"from": from_, "to": to, "changes": rows})
    elif fmt == "csv":
        emit_csv(rows, columns)
    else:
        from kompass.cli.output import emit_table

        emit_table(rows, columns)
