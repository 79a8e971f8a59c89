"""`kompass network metrics|risks|whatif|export|diff`: the network of collaborating actors (docs/definitions.md).

Each command asks `NetworkService` (application/network_service.py) one question and formats the
answer. networkx is imported only inside the commands, so `kompass --help` stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kompass.cli.context import Settings, parse_date, pass_settings, time_options, when_asked
from kompass.cli.files import check_output, force_option, write_output
from kompass.cli.output import emit_csv, emit_json, emit_table, format_option

if TYPE_CHECKING:
    from kompass.application.network_service import KeyActors, NetworkService, Scope, When
    from kompass.infrastructure.bootstrap import Store

NODE_COLUMNS = ("actor", "kind", "degree", "weighted_degree", "betweenness", "community")


def _scope(f: Any) -> Any:
    f = click.option("--area", default=None, help="Only initiatives tagged with this area.")(f)
    return click.option("--region", default=None, metavar="CC", help="Only initiatives whose regions include CC.")(f)


F = TypeVar("F", bound=Callable[..., Any])


def _top(default: int | None, what: str) -> Callable[[F], F]:
    return click.option("--top", type=click.IntRange(min=1), default=default, metavar="N", help=what)


def _service(settings: Settings) -> NetworkService:
    return settings.store().network()


def _asked(region: str | None, area: str | None, as_of: str | None = None, known_at: str | None = None) -> tuple[Scope, When]:
    """The scope and the moment of a question, parsed from the options."""
    from kompass.application.network_service import Scope

    return Scope(region, area), when_asked(as_of, known_at)


def _day(value: str, what: str) -> date:
    day = parse_date(value, what)
    if day is None:
        raise click.BadParameter("a date is required", param_hint=what)
    return day


@click.group()
def network() -> None:
    """The network of collaborating actors: metrics, key-actor risks, what-if, export, diff.

    Two actors are tied when they take part in the same initiative that is not cancelled
    (the lead region takes part in every initiative it leads); a tie's weight is the number
    of such initiatives.

    Example: kompass network risks --region 14
    """


@network.command("metrics")
@_scope
@_top(None, "Only the N actors with the highest betweenness.")
@time_options
@format_option()
@pass_settings
def metrics(settings: Settings, region: str | None, area: str | None, top: int | None, as_of: str | None,
            known_at: str | None, fmt: str) -> None:
    """Degree, weighted degree, betweenness and community of every actor; density,
    articulation points and bridges of the network.

    Betweenness is exact up to 2,000 actors and sampled above (1,000 sources, seed 42;
    "sampled": true in the output). Definitions and the JSON shape: docs/definitions.md.

    Example: kompass network metrics --region 14 --format json
    """
    from kompass.application.network import metrics_json, top_nodes

    scope, when = _asked(region, area, as_of, known_at)
    answer = _service(settings).metrics(scope, when)
    result, ties = answer.metrics, answer.ties
    if fmt == "json":
        emit_json(metrics_json(result, top))
        return
    rows = [vars(n) for n in top_nodes(result, top)]
    if fmt == "csv":
        emit_csv(rows, NODE_COLUMNS)
        return
    rows.sort(key=lambda n: (-n["betweenness"], -n["weighted_degree"], n["actor"]))
    click.echo(f"{len(result.nodes)} actors, {ties} ties, density {result.density:.4f}; "
               f"betweenness {'sampled (1,000 sources)' if result.sampled else 'exact'}")
    emit_table([{**r, "betweenness": f"{r['betweenness']:.4f}"} for r in rows], NODE_COLUMNS)
    click.echo(f"articulation points: {', '.join(result.articulation_points) or 'none'}")
    click.echo(f"bridges: {', '.join(f'{a}–{b}' for a, b in result.bridges) or 'none'}")


@network.command("risks")
@_scope
@_top(10, "Show the N key actors that cut off the most.")
@time_options
@format_option()
@pass_settings
def risks(settings: Settings, region: str | None, area: str | None, top: int, as_of: str | None, known_at: str | None,
          fmt: str) -> None:
    """Key actors whose departure splits the network, with the actors and initiatives they
    would cut off; for each region the actor kinds it has no tie to, and cross-region ties.

    An initiative is cut off when everyone left in it is in the part that loses touch.

    Example: kompass network risks --region 08
    """
    from kompass.application.network import risks_json

    scope, when = _asked(region, area, as_of, known_at)
    result = _service(settings).risks(scope, when, top)
    if fmt == "json":
        emit_json(risks_json(result))
        return
    rows = [{"actor": k.actor, "kind": k.kind, "cut_off": len(k.cut_off_actors), "actors": k.cut_off_actors,
             "initiatives": k.cut_off_initiatives} for k in result.key_actors]
    columns = ("actor", "kind", "cut_off", "actors", "initiatives")
    if fmt == "csv":
        emit_csv(rows, columns)
        return
    click.echo(f"key actors (their departure splits the network): {result.key_actor_count}"
               + (f", the {len(rows)} that cut off most" if len(rows) < result.key_actor_count else ""))
    if rows:
        emit_table(rows, columns, ("actor", "kind", "cut off", "actors cut off", "initiatives cut off"))
    click.echo("")
    emit_table(
        [{"region": r.region, "name": r.name, "missing": r.missing_kinds if r.in_network else "(not in the network)",
          "cross": r.cross_region_ties, "tied": r.tied_regions} for r in result.regions],
        ("region", "name", "missing", "cross", "tied"),
        ("region", "name", "no tie to", "cross-region ties", "tied regions"),
    )
    if result.cross_region:
        click.echo("")
        emit_table([{"regions": "–".join(t.regions), "ties": t.ties, "weight": t.weight} for t in result.cross_region],
                   ("regions", "ties", "weight"))


@network.command("whatif")
@click.option("--remove", "remove", multiple=True, required=True, metavar="ACTOR", help="An actor that leaves (repeatable).")
@_scope
@time_options
@format_option()
@pass_settings
def whatif(settings: Settings, remove: tuple[str, ...], region: str | None, area: str | None, as_of: str | None,
           known_at: str | None, fmt: str) -> None:
    """What breaks if these actors leave: components, lost ties, actors cut off, and
    initiatives left without any partner.

    Example: kompass network whatif --remove region-14 --remove digg
    """
    from kompass.application.network import what_if_json

    scope, when = _asked(region, area, as_of, known_at)
    result = _service(settings).what_if(remove, scope, when)
    if fmt == "json":
        emit_json(what_if_json(result))
        return
    if fmt == "csv":
        emit_csv([{"a": a, "b": b, "weight": w} for a, b, w in result.lost_ties], ("a", "b", "weight"))
        return
    click.echo(f"removing {', '.join(result.removed) or 'nobody in the network'}"
               + (f" (not in the network: {', '.join(result.not_in_network)})" if result.not_in_network else ""))
    click.echo(f"components: {result.components_before} → {result.components_after}")
    click.echo(f"ties lost: {len(result.lost_ties)}")
    if result.lost_ties:
        emit_table([{"actors": f"{a}–{b}", "weight": w} for a, b, w in result.lost_ties], ("actors", "weight"))
    for group in result.cut_off:
        click.echo(f"cut off: {', '.join(group)}")
    click.echo(f"initiatives left without any partner: {', '.join(result.initiatives_without_partner) or 'none'}")
    click.echo(f"initiatives cut off from the rest: {', '.join(result.initiatives_cut_off) or 'none'}")


@network.command("export")
@click.option("--format", "fmt", type=click.Choice(("graphml", "gexf", "json", "png", "svg")), default="graphml", show_default=True,
              help="graphml/gexf/json for Gephi and other tools; png/svg for a picture.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write here instead of stdout; an existing file only with --force.")
@force_option
@_scope
@time_options
@pass_settings
def export(settings: Settings, fmt: str, output: Path | None, force: bool, region: str | None, area: str | None,
           as_of: str | None, known_at: str | None) -> None:
    """The network as GraphML, GEXF or JSON (node-link), with actor names, kinds and regions
    on the nodes and weights on the ties, stamped with the log position it was made from;
    or as a picture (png, svg): nodes coloured by kind, sized by betweenness, key actors marked.

    Example: kompass network export --format gexf --output network.gexf
    """
    from kompass.cli.output import message

    check_output(settings, output, force)
    labels = {"as_of": as_of, "known_at": known_at, "region": region, "area": area}
    scope, when = _asked(region, area, as_of, known_at)
    made = _service(settings).export(fmt, scope, when, labels=labels)
    if write_output(settings, output, made.content, force):
        message(f"wrote {output} ({made.actors} actors, {made.ties} ties, log position {made.position})")


@network.command("diff")
@click.option("--from", "from_", required=True, metavar="DATE")
@click.option("--to", required=True, metavar="DATE")
@_scope
@format_option()
@pass_settings
def diff(settings: Settings, from_: str, to: str, region: str | None, area: str | None, fmt: str) -> None:
    """Actors and ties gained and lost, and metric changes, between two dates (effective dates).

    Example: kompass network diff --from 2021-01-01 --to 2021-12-31
    """
    before, after = _day(from_, "--from"), _day(to, "--to")
    result = _service(settings).diff(before, after, _asked(region, area)[0])
    if fmt == "json":
        emit_json(result)
        return
    rows = _diff_rows(result)
    columns = ("change", "subject", "from", "to")
    if fmt == "csv":
        emit_csv(rows, columns)
    else:
        emit_table(rows, columns)


def _diff_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for key in result["actors"]["gained"]:
        rows.append({"change": "actor gained", "subject": key})
    for key in result["actors"]["lost"]:
        rows.append({"change": "actor lost", "subject": key})
    for tie in result["ties"]["gained"]:
        rows.append({"change": "tie gained", "subject": "–".join(tie["actors"]), "to": tie["weight"]})
    for tie in result["ties"]["lost"]:
        rows.append({"change": "tie lost", "subject": "–".join(tie["actors"]), "from": tie["weight"]})
    for tie in result["ties"]["reweighted"]:
        rows.append({"change": "tie weight", "subject": "–".join(tie["actors"]), "from": tie["from"], "to": tie["to"]})
    for which in ("gained", "lost"):
        for key in result["articulation_points"][which]:
            rows.append({"change": f"key actor {which}", "subject": key})
        for a, b in result["bridges"][which]:
            rows.append({"change": f"bridge {which}", "subject": f"{a}–{b}"})
    for change in result["metrics"]:
        old, new = change["from"], change["to"]
        if change["metric"] == "betweenness":
            old, new = f"{old:.4f}", f"{new:.4f}"
        rows.append({"change": change["metric"], "subject": change["actor"], "from": old, "to": new})
    if result["density"]["from"] != result["density"]["to"]:
        rows.append({"change": "density", "subject": "network", "from": f"{result['density']['from']:.4f}",
                     "to": f"{result['density']['to']:.4f}"})
    return rows


def print_top_risks(store: Store, n: int = 5) -> None:
    """The top network risks of a store: the key actors whose departure cuts off most."""
    print_key_actors(store.network().key_actors(n))


def print_key_actors(found: KeyActors) -> None:
    """The key actors whose departure cuts off most, for `kompass demo`."""
    result = found.risks
    click.echo("")
    click.echo(f"network risks: {result.key_actor_count} key actor(s) whose departure splits the network "
               f"({found.actors} actors, {found.ties} ties)")
    for k in result.key_actors:
        shown = ", ".join(k.cut_off_actors[:5]) + (f" and {len(k.cut_off_actors) - 5} more" if len(k.cut_off_actors) > 5 else "")
        line = f"  {k.actor} ({k.kind}) cuts off {len(k.cut_off_actors)}: {shown}"
        if k.cut_off_initiatives:
            line += f"; initiatives cut off: {', '.join(k.cut_off_initiatives)}"
        click.echo(line)
