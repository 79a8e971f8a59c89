"""The root `kompass` command and its groups."""

from __future__ import annotations

import click

from kompass import __version__
from kompass.cli.context import Settings
from kompass.cli.errors import KompassGroup, require_text_arguments


@click.group(cls=KompassGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--db", envvar="KOMPASS_DB", metavar="URL", default=None,
              help="Store: sqlite:///FILE or postgresql+psycopg://USER@HOST:PORT/DB (env KOMPASS_DB; "
                   "default a SQLite file in your data directory).")
@click.option("--as", "as_user", envvar="KOMPASS_USER", metavar="USER", default=None,
              help="Act on this user's behalf, like sudo: admins only (env KOMPASS_USER). You are who the "
                   "system says: your OS account on SQLite, your database login on PostgreSQL.")
@click.version_option(__version__, prog_name="kompass")
@click.pass_context
def cli(ctx: click.Context, db: str | None, as_user: str | None) -> None:
    """kompass keeps each Swedish region's portfolio of digitalisation initiatives as an
    append-only history of events, and answers questions about coverage gaps and the
    network of collaborating actors.

    \b
    Examples, to start with:
      kompass demo                      load the example portfolio and show the gaps
      kompass init                      create a store (only init, demo and import --restore do)
      kompass import portfolio.jsonl    apply a whole command log, atomically
      kompass initiative list           what is in the portfolios
    """
    require_text_arguments([value for value in (db, as_user) if value], "--db, --as or their environment variable")
    settings = Settings(db=db, as_user=as_user or None)
    ctx.obj = settings
    ctx.call_on_close(settings.close)


def _register() -> None:
    from kompass.cli import (
        actor,
        audit,
        check,
        corrections,
        coverage,
        demo,
        importing,
        initiative,
        initiative_lookups,
        network,
        people,
        portfolio,
        projections,
        report,
        store,
        tlog,
    )

    corrections.register(initiative.initiative)
    initiative_lookups.register(initiative.initiative)

    for command in (
        store.init, demo.demo, importing.import_, initiative.initiative, actor.actor, portfolio.portfolio,
        coverage.coverage, coverage.gaps, check.check, coverage.diff, projections.projections,
        audit.history, audit.export, audit.verify, tlog.checkpoint, tlog.prove, tlog.verify_proof, audit.replay,
        people.user, people.person, report.report,
        network.network,
    ):
        cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="kompass")
