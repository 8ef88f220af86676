"""`raflow user deactivate | reactivate | import | audit`: user administration with an audit log."""

from __future__ import annotations

import getpass
import json

import click

from .context import Context, to_jsonable

pass_ctx = click.make_pass_decorator(Context, ensure=True)


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@click.command("deactivate")
@click.argument("name")
@pass_ctx
def deactivate(c: Context, name):
    """Stop NAME from signing in or using a token (their cases and history stay)."""
    from engine.user_admin import set_active

    set_active(c.db, _who(), name, False)
    click.echo(f"user {name} deactivated")


@click.command("reactivate")
@click.argument("name")
@pass_ctx
def reactivate(c: Context, name):
    from engine.user_admin import set_active

    set_active(c.db, _who(), name, True)
    click.echo(f"user {name} reactivated")


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_ctx
def import_users(c: Context, file):
    """Add or update users from a CSV file: name,display_name,email,roles,jurisdiction (roles split by ';')."""
    from engine.errors import RaflowError
    from engine.user_admin import import_csv

    try:
        with open(file, encoding="utf-8-sig") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as err:
        raise RaflowError(f"{file}: cannot be read as UTF-8 text ({err})") from None
    names = import_csv(c.db, c.cases.registry, text, file, _who())
    click.echo(f"imported {len(names)} user(s)")


@click.command("audit")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def audit(c: Context, name, as_json):
    """Every change to users (who, when, what), newest first."""
    from engine.user_admin import audit_log

    rows = audit_log(c.db, name)
    if as_json:
        click.echo(json.dumps(to_jsonable(rows), indent=2))
        return
    for r in rows:
        click.echo(f"{r['at']:%Y-%m-%d %H:%M}Z {r['actor']:<16} {r['action']:<12} {r['user_name']} {r['detail'] or ''}")


def add_to(group) -> None:
    for command in (deactivate, reactivate, import_users, audit):
        group.add_command(command)
