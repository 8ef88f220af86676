"""`raflow user edit | invite | reset-password | deactivate | reactivate | import | audit`: user
administration with an audit log (the admin pages' twins; `raflow user add` is in api/cli.py)."""

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


@click.command("edit")
@click.argument("name")
@click.option("--display-name")
@click.option("--email", help="where notifications go ('' removes it)")
@click.option("--role", "roles", multiple=True, help="replaces the roles (repeat for several)")
@click.option("--jurisdiction", help="move the user to another deployed jurisdiction")
@click.option("--requester-type", type=click.Choice(["employee", "applicant", ""]), help="'' clears it")
@click.option("--digest/--no-digest", "mail_digest", default=None)
@pass_ctx
def edit(c: Context, name, display_name, email, roles, jurisdiction, requester_type, mail_digest):
    """Change what is given of NAME's name, address, roles, jurisdiction, requester type, digest choice."""
    from engine.user_admin import save_user

    given = {"display_name": display_name, "email": email, "roles": list(roles) or None,
             "requester_type": requester_type, "mail_digest": mail_digest}
    values = {"name": name, "jurisdiction": jurisdiction, **{k: v for k, v in given.items() if v is not None}}
    done = save_user(c.db, c.cases.registry, _who(), values, new=False)
    click.echo(f"user {name}: " + (f"changed {', '.join(done['changed'])}" if done["changed"] else "nothing changed"))


def _mail_link(c: Context, name: str, purpose: str) -> None:
    from engine.accounts import mail_link
    from engine.errors import RaflowError
    from engine.user_admin import record
    from engine.users import get_user

    user = get_user(c.db, name)
    if not user.email:
        raise RaflowError(f"{name} has no email address (raflow user edit {name} --email ADDRESS)")
    with c.db.transaction() as s:
        mail_link(s, c.cases.registry.current(s, user.jurisdiction), name, purpose)
        record(s, _who(), name, "invited" if purpose == "invitation" else "password_reset_mailed")
    click.echo(f"a one-time link to set a password is queued for {user.email} (raflow outbox shows it)")


@click.command("invite")
@click.argument("name")
@pass_ctx
def invite(c: Context, name):
    """Mail NAME an invitation with a one-time link (7 days) to set their password."""
    _mail_link(c, name, "invitation")


@click.command("reset-password")
@click.argument("name")
@pass_ctx
def reset_password(c: Context, name):
    """Mail NAME a one-time link (2 hours) to set a new password; the old one works until then."""
    _mail_link(c, name, "reset")


def add_to(group) -> None:
    for command in (edit, invite, reset_password, deactivate, reactivate, import_users, audit):
        group.add_command(command)
