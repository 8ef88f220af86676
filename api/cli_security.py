"""`raflow incidents`, `raflow case retry ID`, and the account commands of issue 8:
`raflow user unlock|signout|deactivate|activate NAME`."""

from __future__ import annotations

import click

from .context import Context

pass_ctx = click.make_pass_decorator(Context, ensure=True)


@click.command("incidents")
@click.option("--jurisdiction")
@pass_ctx
def incidents_cmd(c: Context, jurisdiction):
    """List open incidents: cases the timer worker could not move on (retry with `raflow case retry ID`)."""
    from engine import incidents  # imported when the command runs: `raflow --help` stays fast

    rows = incidents.list_open(c.db, jurisdiction)
    for r in rows:
        click.echo(f"case {r.case_id:<6} {r.jurisdiction:<12} since {r.opened_at:%Y-%m-%d %H:%M}Z  "
                   f"tries {r.attempts}  {r.message}")
    if not rows:
        click.echo("no open incidents")


@click.command("retry")
@click.argument("case_id", type=int)
@pass_ctx
def case_retry(c: Context, case_id):
    """Run an incident case's due timers again (after fixing what made it fail)."""
    from engine import incidents

    incidents.retry(c.cases, case_id, "cli")
    click.echo(f"case {case_id} is running again; its incident is resolved")


@click.command("unlock")
@click.argument("name")
@pass_ctx
def user_unlock(c: Context, name):
    """Lift a sign-in lock after repeated failed sign-ins."""
    from engine import throttle
    from engine.users import get_user

    get_user(c.db, name)
    cleared = throttle.clear(c.db, throttle.keys(name, None))
    click.echo(f"{name} unlocked" if cleared else f"{name} was not locked")


@click.command("signout")
@click.argument("name")
@pass_ctx
def user_signout(c: Context, name):
    """Sign a user out everywhere (every browser session ends at once)."""
    from engine import sessions
    from engine.users import get_user

    get_user(c.db, name)
    click.echo(f"{name}: {sessions.end_all(c.db, name)} session(s) ended")


def register(cli, case_group, user_group) -> None:
    cli.add_command(incidents_cmd)
    case_group.add_command(case_retry)
    for command in (user_unlock, user_signout):  # deactivate/reactivate: api/cli_users.py (audited)
        user_group.add_command(command)
