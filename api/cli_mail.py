"""`raflow outbox`: what mail is queued, sent, held for a digest or stuck (admins' view), and a send pass."""

from __future__ import annotations

import json

import click

from .context import Context, first_of, to_jsonable

pass_ctx = click.make_pass_decorator(Context, ensure=True)


@click.group("outbox", invoke_without_command=True)
@click.option("--status", help="only rows in this state (queued, sending, sent, digest, no_address, failed)")
@click.option("--jurisdiction")
@click.option("--limit", type=click.IntRange(1, 200), default=50, show_default=True, help="how many, newest first")
@click.option("--all", "everything", is_flag=True, help="every row of the outbox")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def outbox_group(ctx, status, jurisdiction, limit, everything, as_json):
    """List the mail outbox, newest first (without RAFLOW_MAIL_URL, mail waits here)."""
    if ctx.invoked_subcommand is not None:
        return
    from engine import outbox

    c = ctx.find_object(Context) or ctx.ensure_object(Context)
    rows = first_of(outbox.list_mail(c.db, status, jurisdiction, None if everything else limit + 1), limit,
                    everything, f"the newest {limit} shown")
    if as_json:
        click.echo(json.dumps(to_jsonable(rows), indent=2))
        return
    for r in rows:
        tail = f"  ({r['last_error']})" if r["last_error"] else ""
        click.echo(f"{r['id']:>6} {r['status']:<10} {r['kind']:<15} {r['recipient']:<20} "
                   f"{r['to_addr'] or '-':<30} {r['subject']}{tail}")
    totals = outbox.counts(c.db, jurisdiction)
    click.echo(", ".join(f"{n} {s}" for s, n in sorted(totals.items())) or "the outbox is empty")


@outbox_group.command("send")
@pass_ctx
def outbox_send(c: Context):
    """Compose due digests and deliver queued mail once (what `raflow worker` does on every sweep)."""
    from engine import outbox
    from engine.mailer import mailer_from_env

    mailer = mailer_from_env()
    sent = outbox.sweep(c.db, c.cases.registry, mailer)
    click.echo(f"sent {sent} mail(s)" if mailer else "RAFLOW_MAIL_URL is not set: mail stays in the outbox")
