"""The case events page: send one of the events this person may send to a case now (Navy 6-2, 1-6, 2-1,
2-4; County specialist consultation, emergency information, ADA complaint), with its payload form."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine import case_events, casefile, queries
from engine.errors import NotFound, ValidationFailed
from engine.forms import coerce_text_input

from ..auth import login_required
from ..formview import build_fields, form_errors
from ..web import actor, cases
from . import bp


def _offered(case_id, event):
    offered = {c.name: c for c in case_events.available(cases(), case_id, actor().name)}
    return offered, offered.get(event)


def _form_of(case_id, choice):
    if choice is None or choice.form_key is None:
        return None
    _, deployed = casefile.deployed_of(cases(), case_id, actor())
    return deployed.forms[choice.form_key]


def _page(case_id, event, choice, *, errors=None, raw=None, status=200):
    form = _form_of(case_id, choice)
    fields = build_fields(form, {}, errors, raw) if form else []
    return render_template("case_event.html", case=queries.case_row(cases(), actor(), case_id), event=event,
                           choice=choice, form=form, fields=fields, errors=errors or {},
                           top_errors=form_errors(form, errors or {})), status


@bp.get("/cases/<int:case_id>/events/<event>")
@login_required
def case_event(case_id, event):
    _, choice = _offered(case_id, event)
    if choice is None:
        raise NotFound(f"you may not send {event[:60]!r} to case {case_id} now")
    return _page(case_id, event, choice)


@bp.post("/cases/<int:case_id>/events/<event>")
@login_required
def send_case_event(case_id, event):
    _, choice = _offered(case_id, event)
    form = _form_of(case_id, choice)
    raw = request.form.to_dict(flat=False)
    raw.pop("csrf_token", None)
    data = coerce_text_input(form, raw) if form else {}
    try:
        took = case_events.send(cases(), case_id, event, actor().name, data)
    except ValidationFailed as err:
        return _page(case_id, event, choice, errors=err.errors, raw=raw, status=422)
    if took != case_id:
        flash(f"Case {case_id} is closed: case {took} was opened as a revision of it ({choice.title}).", "success")
    else:
        flash(f"Sent: {choice.title}.", "success")
    return redirect(url_for("pages.case", case_id=took), code=303)
