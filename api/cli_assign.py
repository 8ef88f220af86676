"""`raflow task assign TASK_ID ASSIGNEE --as NAME`: give an open step to a colleague (engine.assignment)."""

from __future__ import annotations

import click

from .context import Context

pass_ctx = click.make_pass_decorator(Context, ensure=True)


@click.command("assign")
@click.argument("task_id")
@click.argument("assignee")
@click.option("--as", "actor", required=True, help="who assigns ([permissions] assign, default the coordinator)")
@pass_ctx
def task_assign(c: Context, task_id, assignee, actor):
    """Assign an open step to ASSIGNEE, who holds its role; they are mailed (or get it in their digest)."""
    from engine.assignment import assign

    assign(c.cases, task_id, actor, assignee)
    click.echo(f"assigned {task_id} to {assignee}")
