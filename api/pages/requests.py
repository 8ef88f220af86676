"""New request (intake), by the requester or by staff recording a request on someone's behalf, and
"my requests": the requester's own cases with their status and next step (Navy 2-9)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine import clock, queries
from engine.access import REQUESTER, is_staff
from engine.errors import Forbidden, ValidationFailed
from engine.form_rules import RuleContext
from engine.forms import coerce_text_input
from engine.intake import intake_form

from ..auth import login_required
from ..formview import build_fields, form_errors
from ..web import actor, cases, db
from . import bp
from .new_person import NEW_PERSON, check_new_person, new_person_fields
from .tasks import page_number


def _deployed(jurisdiction):
    svc = cases()
    with svc.db.transaction() as s:
        return svc.registry.current(s, jurisdiction)


def _intake_page(errors=None, raw=None, requester="", status=200):
    me = actor()
    staff = is_staff(me, me.jurisdiction)
    if not staff and REQUESTER not in me.roles:
        raise Forbidden("only requesters and staff may record a new request")
    deployed = _deployed(me.jurisdiction)
    form = intake_form(deployed, staff)
    values = {"request_date": deployed.jurisdiction.calendar.local_date(clock.now()).isoformat()} if staff else {}
    fields = build_fields(form, values, errors, raw)
    choices = queries.requester_choices(db(), me.jurisdiction) if staff else []
    errors = errors or {}
    raw = raw or {}
    return render_template("intake.html", form=form, fields=fields, staff=staff, choices=choices,
                           requester=requester, self_allowed=REQUESTER in me.roles, errors=errors,
                           new_person=new_person_fields(errors, raw) if staff else None,
                           top_errors={k: v for k, v in form_errors(form, errors).items()
                                       if k != "requester" and not k.startswith("new_")},
                           processes=deployed.jurisdiction.start_processes), status


@bp.get("/requests/new")
@login_required
def intake():
    return _intake_page()


@bp.post("/requests/new")
@login_required
def intake_post():
    me = actor()
    staff = is_staff(me, me.jurisdiction)
    deployed = _deployed(me.jurisdiction)
    form = intake_form(deployed, staff)
    raw = request.form.to_dict(flat=False)
    raw.pop("csrf_token", None)
    requester = (request.form.get("requester") or "").strip() if staff else me.name
    errors = {}
    new_person = None
    if staff and requester == NEW_PERSON:  # issue 12: someone without an account; they get one and an invitation
        new_person, person_errors = check_new_person(request.form)
        errors.update(person_errors)
    elif staff and not requester:
        errors["requester"] = "choose who made the request"
    elif staff and requester != me.name and requester not in {n for n, _ in queries.requester_choices(
            db(), me.jurisdiction)}:
        errors["requester"] = "choose a requester from the list"
    data = coerce_text_input(form, raw)
    try:
        today = deployed.jurisdiction.calendar.local_date(clock.now()) if deployed else None
        data = form.validate(data, RuleContext(today=today))
    except ValidationFailed as err:
        errors.update(err.errors)
    if errors:
        return _intake_page(errors, raw, requester, 422)
    if new_person is None and "requester_name" not in data:
        names = dict(queries.requester_choices(db(), me.jurisdiction))
        data["requester_name"] = me.display_name if requester == me.name else names.get(requester, requester)
    process_id = deployed.jurisdiction.start_processes[0]
    # The title shows in every list: the requester's name only, never what was asked for (it may be medical).
    title = f"Reasonable accommodation request from {data.get('requester_name') or new_person['display_name']}"
    try:
        case_id = cases().start_case(me.jurisdiction, process_id, me.name, data, title=title, new_person=new_person,
                                     requester=None if new_person else requester)
    except ValidationFailed as err:  # e.g. the address was taken in the meantime
        if new_person is None or not any(k.startswith("new_") for k in err.errors):
            raise
        return _intake_page(err.errors, raw, requester, 422)
    flash(f"Request received: case {case_id}.", "success")
    if staff:
        return redirect(url_for("pages.case", case_id=case_id), code=303)
    return redirect(url_for("pages.my_requests"), code=303)


@bp.get("/requests")
@login_required
def my_requests():
    me = actor()
    rows = queries.list_cases(cases(), me, requester=me.name, page=page_number())
    return render_template("my_requests.html", rows=rows, may_request=REQUESTER in me.roles)
