"""`kompass checkpoint|prove|verify-proof`: the verifiable log, for anyone who keeps a checkpoint."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kompass.cli.context import Settings, pass_settings
from kompass.cli.files import force_option, write_file
from kompass.cli.output import message

F = TypeVar("F", bound=Callable[..., Any])


def _key_option(f: F) -> F:
    return click.option(
        "--key", "keys", multiple=True, metavar="VERIFIER",
        help="A public key to trust, NAME+KEYID+BASE64 as `kompass checkpoint --key` prints it (repeatable).",
    )(f)


def _write(settings: Settings, text: str, output: Path | None, force: bool) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        write_file(settings, output, text.encode("utf-8"), force)


@click.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default stdout); an existing file only with --force.")
@force_option
@click.option("--key", "show_key", is_flag=True,
              help="Print the public verifier key that signed the latest checkpoint instead (on PostgreSQL the writer's own).")
@pass_settings
def checkpoint(settings: Settings, output: Path | None, force: bool, show_key: bool) -> None:
    """Print the latest signed checkpoint (C2SP tlog-checkpoint, signed note). Keep it elsewhere.

    Whoever holds a checkpoint can later prove, with `kompass verify --against FILE`, that the
    store's log still begins with the log it described.

    Example: kompass checkpoint --output checkpoint-2024-06-30.txt
    """
    audit = settings.store().audit()
    if show_key:
        _write(settings, "".join(key + "\n" for key in audit.checkpoint_keys()), output, force)
        return
    latest = audit.checkpoint()
    _write(settings, latest.note, output, force)
    if output:
        message(f"checkpoint of {latest.size} events written to {output}")


@click.command()
@click.argument("position", type=click.IntRange(min=1))
@click.option("--checkpoint", "held", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Prove inclusion in this checkpoint of the log (default the latest).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default stdout); an existing file only with --force.")
@force_option
@pass_settings
def prove(settings: Settings, position: int, held: Path | None, output: Path | None, force: bool) -> None:
    """Write an inclusion proof (JSON) that the event at POSITION is in the signed log.

    Anyone checks it with `kompass verify-proof`, without the store.

    Example: kompass prove 63 --output event-63.proof.json
    """
    held_text = held.read_text(encoding="utf-8") if held else None
    document = settings.store().audit().prove(position, held_text)
    _write(settings, json.dumps(document, ensure_ascii=False, indent=1) + "\n", output, force)


@click.command("verify-proof")
@click.argument("proof", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_key_option
def verify_proof(proof: Path, keys: tuple[str, ...]) -> None:
    """Check an inclusion proof offline: signature, tree size, audit path and leaf. Exit 5 if it fails.

    Example: kompass verify-proof event-63.proof.json --key kompass/9f…+1a2b3c4d+AeKx…
    """
    from kompass.application.proofs import check_inclusion_document
    from kompass.domain.checkpoint import VerifierKey
    from kompass.domain.merkle import ProofFailed

    try:
        document = json.loads(proof.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ProofFailed(f"{proof} is not a JSON proof") from None
    checked = check_inclusion_document(document, [VerifierKey.parse(k) for k in keys])
    signer = ", ".join(k.name for k in checked.keys)
    trust = "a pinned key" if checked.pinned else "the key named in the proof file (pin it with --key)"
    click.echo(
        f"proof ok: log position {checked.position} is leaf {checked.index} of {checked.checkpoint.size} "
        f"in {checked.checkpoint.origin}, signed by {signer} ({trust})"
    )
