"""Write docs/cli-reference.md from the code: every command's --help, walking the click tree.

    python docs/gen_cli_reference.py           # regenerate (make docs)
    python docs/gen_cli_reference.py --check   # exit 1 if the file is stale (make test)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from kompass.cli.main import cli

TARGET = Path(__file__).resolve().parent / "cli-reference.md"
WIDTH = 100
"""Help is rendered at a fixed width so the file does not depend on the terminal it was made in."""

HEADER = """# Command-line reference

Generated from the code by `docs/gen_cli_reference.py` (`make docs`); `make test` fails when
this file is stale. Each section is the command's own `--help`. See [usage.md](usage.md) for a
guided tour and [architecture.md](architecture.md) for how it works.
"""


def walk(command: click.Command, name: str, parent: click.Context | None = None) -> Iterator[tuple[str, str]]:
    """(full command name, help text) for `command` and every command below it, depth first."""
    ctx = command.make_context(name, [], parent=parent, resilient_parsing=True, terminal_width=WIDTH + 2)
    yield ctx.command_path, command.get_help(ctx)
    if isinstance(command, click.Group):
        for sub_name in command.list_commands(ctx):
            sub = command.get_command(ctx, sub_name)
            if sub is not None and not sub.hidden:
                yield from walk(sub, sub_name, ctx)


def render() -> str:
    parts = [HEADER]
    commands = list(walk(cli, "kompass"))
    parts.append("Commands: " + ", ".join(f"[`{path}`](#{anchor(path)})" for path, _ in commands) + "\n")
    for path, text in commands:
        parts.append(f"## {path}\n\n```text\n{text.rstrip()}\n```\n")
    return "\n".join(parts)


def anchor(path: str) -> str:
    return path.lower().replace(" ", "-")


def main() -> int:
    parser = argparse.ArgumentParser(description="Generate docs/cli-reference.md from the click command tree.")
    parser.add_argument("--check", action="store_true", help="fail if the file on disk differs from the code")
    args = parser.parse_args()
    text = render()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.name} is stale: the command-line help changed; run `make docs` and commit it", file=sys.stderr)
            return 1
        print(f"{TARGET.name} is up to date")
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
