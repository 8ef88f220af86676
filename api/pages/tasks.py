"""The inbox (my tasks and my role queues) and the task page (form, claim, release, complete)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for

from engine import casefile, letters, queries
from engine.access import REQUESTER
from engine.errors import Conflict, LimitExceeded, NotFound, ScriptError, ValidationFailed
from engine.forms import Form, coerce_text_input
from engine.inbox import inbox_page

from ..auth import login_required
from ..formview import build_fields, form_errors
from ..v1.tasks import read_task
from ..web import actor, cases
from . import bp


def page_number() -> int:
    """The `page` query parameter of a list page; anything but a positive number is the first page."""
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 10**6 else 1


SORT_LABELS = {"due": "Due", "case": "Case", "step": "Step", "requester": "Requester", "received": "Received"}


@bp.get("/inbox")
@login_required
def inbox():
    me = actor()
    scope = request.args.get("scope", "all")
    scope = scope if scope in ("all", "mine", "queue") else "all"
    role = request.args.get("role") or None
    role = role if role in me.roles else None
    due = request.args.get("due") or None
    due = due if due in ("overdue", "soon") else None
    sort = request.args.get("sort", "due")
    sort = sort if sort in SORT_LABELS else "due"
    descending = request.args.get("dir") == "desc"
    text = (request.args.get("q") or "").strip()[:100] or None
    rows = inbox_page(cases(), me.name, scope=scope, role=role, due=due, sort=sort, descending=descending,
                      text=text, page=page_number())
    if rows.page > rows.pages:  # past the end (the list shrank): show the last page
        rows = inbox_page(cases(), me.name, scope=scope, role=role, due=due, sort=sort, descending=descending,
                          text=text, page=rows.pages)
    counts = rows.counts
    with cases().db.transaction() as s:
        titles = queries.Calendars(s, cases().registry).roles(me.jurisdiction)
    roles = [(r, titles.get(r, r)) for r in sorted(me.roles) if r != REQUESTER]
    params = {"scope": scope, "role": role or "", "due": due or "", "q": text or "", "sort": sort,
              "dir": "desc" if descending else "asc"}
    return render_template("inbox.html", rows=rows, counts=counts, roles=roles, params=params, sort=sort,
                           descending=descending, sort_labels=SORT_LABELS, filtered=bool(role or due or text))


def _task_page(view: dict, *, errors=None, raw=None, status=200, notice=None, entries=None):
    me = actor()
    svc = cases()
    form = Form(view["form_key"] or "form", view["form"]) if view.get("form") else None
    try:
        case = queries.case_row(svc, me, view["case_id"])
        row, deployed = casefile.deployed_of(svc, view["case_id"], me)
        allowed, restricted = casefile.may_see_confidential(me, deployed, row), False
    except NotFound:  # Navy 2-4, 1-5: an emergency-only role (Safety) works its task, never sees the case
        case, allowed, restricted = TaskOnlyCase(view["case_id"]), False, True
    fields = build_fields(form, view.get("values") or {}, errors, raw, hide_confidential=not allowed) if form else []
    step = next((st for st in case.steps if st.task_id == view["id"]), None)
    draft = None if restricted else letters.draft(svc, view["id"], me.name, entries)  # from data and entries
    return render_template("task.html", task=view, case=case, form=form, fields=fields, errors=errors or {},
                           top_errors=form_errors(form, errors or {}), step=step, notice=notice,
                           mine=view["assignee"] == me.name, draft=draft, restricted=restricted), status


@dataclass
class TaskOnlyCase:
    """What a task page shows of a case its worker may not see (Navy 1-5: only what an emergency needs)."""

    id: int
    title: str = "Not shown: you are told only what an emergency needs (manual 1-5)"
    requester_name: str = "Not shown"
    steps: tuple = ()


@bp.get("/tasks/<task:task_id>")
@login_required
def task(task_id):
    return _task_page(read_task(task_id))


@bp.post("/tasks/<task:task_id>")
@login_required
def complete(task_id):
    svc, me = cases(), actor()
    view = svc.get_task(task_id, me.name)
    form = Form(view["form_key"] or "form", view["form"]) if view.get("form") else None
    raw = request.form.to_dict(flat=False)
    raw.pop("csrf_token", None)
    data = coerce_text_input(form, raw) if form else {}
    try:
        version = int(request.form.get("case_version", ""))
    except ValueError:
        version = None
    raw.pop("action", None)
    if request.form.get("action") == "preview":  # re-render the letter draft with the entries; nothing is saved
        return _task_page(view, raw=raw, entries=data)
    try:
        case_id = svc.complete(task_id, me.name, data, expected_version=version)
    except ValidationFailed as err:
        return _task_page(view, errors=err.errors, raw=raw, status=422, entries=data)
    except ScriptError as err:  # the diagram failed after this step (e.g. over a limit): nothing was saved
        element = str(err).split(":", 1)[0]
        shown = str(err) if isinstance(err, LimitExceeded) else f"the diagram failed at step {element}"
        return _task_page(view, errors={"_procedure": f"The procedure could not continue: {shown}. Nothing was "
                                                      "saved; please tell the procedure's administrator."},
                          raw=raw, status=422, entries=data)
    except Conflict as err:
        fresh = svc.get_task(task_id, me.name)  # raises Conflict/NotFound again if the task is gone
        return _task_page(fresh, raw=raw, status=409,
                          notice=f"{err} Your entries are kept below; check them and submit again.")
    flash(f"Done: “{view['title']}” for case {case_id}.", "success")
    return redirect(url_for("pages.inbox"))


@bp.post("/tasks/<task:task_id>/claim")
@login_required
def claim(task_id):
    cases().claim(task_id, actor().name)
    flash("You have claimed this task; it is now in your own list.", "success")
    return redirect(url_for("pages.task", task_id=task_id))


@bp.post("/tasks/<task:task_id>/release")
@login_required
def release(task_id):
    cases().release(task_id, actor().name)
    flash("The task is back in its role queue.", "success")
    return redirect(url_for("pages.inbox"))
