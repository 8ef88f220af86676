"""Studio commands for policy staff: `raflow invariants`, `raflow scenario run`, `raflow diff`, `raflow migrate`.

Each works on a jurisdiction folder (the same folders the studio downloads and uploads); every error is one
line naming the file, and a failed check exits non-zero.
"""

from __future__ import annotations

import sys

import click


@click.command("invariants")
@click.argument("path", type=click.Path())
@click.option("--include-disabled", is_flag=True, help="also check invariants marked enabled = false")
def invariants(path, include_disabled):
    """Check the [[invariants]] of a jurisdiction folder on every path of its diagrams."""
    from engine.definitions import read_folder
    from engine.invariants import check_bundle

    found, problems = check_bundle(read_folder(path), include_disabled)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        sys.exit(1)
    off = [i.id for i in found if not i.enabled and not include_disabled]
    note = f" ({len(off)} disabled: {', '.join(off)})" if off else ""
    click.echo(f"ok: {len(found) - len(off)} invariant(s) hold in {path}{note}", err=True)


def register(cli: click.Group) -> None:
    """Add the studio commands to the `raflow` group (one line in api/cli.py)."""
    for command in (invariants,):
        cli.add_command(command)
