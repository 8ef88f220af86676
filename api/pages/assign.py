"""Assigning a step from the case page (issue 12): the "Assign to" control beside each open step, for those
`[permissions] assign` allows (engine.assignment); the assignee gets a mail."""

from __future__ import annotations

from flask import flash, g, redirect, request, url_for

from engine.assignment import assign, candidates, may_assign
from engine.errors import ValidationFailed

from ..auth import login_required
from ..web import actor, cases
from . import bp


def assign_choices(case, step) -> list[tuple[str, str]]:
    """Whom the signed-in person may give this open step to ([] when they may not assign it)."""
    me = g.get("actor")
    if me is None or step.role == "requester" or case.status != "open":
        return []
    svc = cases()
    with svc.db.transaction() as s:
        config = svc.registry.current(s, case.jurisdiction).jurisdiction.config
        if not may_assign(me, case.jurisdiction, config):
            return []
        return [(n, d) for n, d in candidates(s, case.jurisdiction, step.role) if n != step.assignee]


@bp.post("/tasks/<task:task_id>/assign")
@login_required
def assign_step(task_id):
    svc, me = cases(), actor()
    case_id = request.form.get("case_id", type=int)
    try:
        assign(svc, str(task_id), me.name, request.form.get("assignee", ""))
        flash("The step is assigned; they were told by mail.", "success")
    except ValidationFailed as err:
        flash(f"Not assigned: {next(iter(err.errors.values()))}.", "error")
    return redirect(url_for("pages.case", case_id=case_id) if case_id else url_for("pages.inbox"), code=303)


@bp.record_once
def _register(state) -> None:
    state.app.jinja_env.globals["assign_choices"] = assign_choices
