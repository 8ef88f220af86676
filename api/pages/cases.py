"""The case list and the case page (summary, clocks, diagram, submitted data, documents, history),
document upload and download, withdrawal."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, request, send_file, url_for

from engine import case_events, casefile, queries
from engine.access import is_staff
from engine.documents import ACCEPT, TooLarge
from engine.errors import NotFound, ValidationFailed
from engine.permissions import may_act

from ..auth import login_required
from ..display import Labels, humanize
from ..web import actor, cases, documents
from . import bp
from .tasks import page_number

EVENT_TEXT = {
    "case_started": "Request started",
    "task_opened": "Step opened",
    "task_claimed": "Step claimed",
    "task_released": "Step released to its queue",
    "task_assigned": "Step assigned",
    "task_completed": "Step completed",
    "timer_fired": "Deadline reached (timer)",
    "case_event": "Case event",
    "case_withdrawn": "Request withdrawn",
    "case_closed": "Case closed",
    "engine_error": "The procedure stopped with an error",
    "document_uploaded": "Document added",
    "document_downloaded": "Document downloaded",
    "confidential_viewed": "Confidential information viewed",
    "letter_issued": "Letter issued",
    "letter_reissued": "Corrected letter issued",
    "letter_downloaded": "Letter downloaded",
    "case_migrated": "Moved to a newer version of the procedure",
    "case_reopened": "Reopened as a revision (new case)",
}


def describe(event: dict, roles: dict, names: dict, shown: Labels | None = None) -> str:
    d = event.get("detail") or {}
    shown = shown or Labels()
    kind = event["kind"]
    if kind in ("task_opened", "task_claimed", "task_released", "task_completed") and d.get("task"):
        extra = f" ({roles.get(d['role'], d['role'])})" if kind == "task_opened" and d.get("role") else ""
        return f"{d['task']}{extra}"
    if kind == "task_assigned" and d.get("task"):
        return f"{d['task']} to {names.get(d.get('assignee'), d.get('assignee'))}"
    if kind == "case_started" and d.get("requester"):
        return f"for {names.get(d['requester'], d['requester'])}"
    if kind == "case_closed":
        return shown.code(d["outcome"]) if d.get("outcome") else ""
    if kind == "case_event":
        return humanize(d.get("event", ""))
    if kind == "timer_fired":
        return shown.elements.get(str(d.get("timer", ""))) or ""  # its name; the element id is not for people
    if kind == "document_uploaded":
        name = d.get("filename") or ("medical document" if d.get("medical") else "")
        return f"document {d.get('document')}: {name}".strip(": ")
    if kind == "document_downloaded":
        return f"document {d.get('document')}" + (" (medical)" if d.get("medical") else "")
    if kind == "confidential_viewed":
        what = {"task": "on a task page", "case_data": "case data", "document": "a medical document"}
        fields = ", ".join(shown.title(f) for f in d.get("fields") or [])
        return what.get(d.get("what"), str(d.get("what", ""))) + (f": {fields}" if fields else "")
    if kind.startswith("letter_"):
        return f"letter {d.get('letter')}: {humanize(d.get('kind', '')).lower()}, version {d.get('version')}"
    if kind == "case_withdrawn":
        return str(d.get("reason") or "")
    if kind == "case_reopened":
        return f"case {d.get('case')}: {str(d.get('event', '')).replace('_', ' ')}"
    return ""


@bp.get("/cases")
@login_required
def case_list():
    me = actor()
    if not is_staff(me, me.jurisdiction):
        return redirect(url_for("pages.my_requests"))
    status = request.args.get("status", "open")
    status = status if status in (*queries.STATUSES, "any") else "open"
    role = request.args.get("role") or None
    overdue = {"yes": True, "no": False}.get(request.args.get("overdue", ""))
    with cases().db.transaction() as s:
        roles = queries.Calendars(s, cases().registry).roles(me.jurisdiction)
    role = role if role in roles else None
    wanted = dict(status=None if status == "any" else status, role=role, overdue=overdue)
    rows = queries.list_cases(cases(), me, **wanted, page=page_number())
    if rows.page > rows.pages:  # past the end: the last page
        rows = queries.list_cases(cases(), me, **wanted, page=rows.pages)
    return render_template("case_list.html", rows=rows, roles=roles, statuses=queries.STATUSES,
                           params={"status": status, "role": role or "", "overdue": request.args.get("overdue", "")})


@bp.get("/cases/<int:case_id>")
@login_required
def case(case_id):
    return _case_page(case_id)


def _case_page(case_id, upload_errors=None, status=200):
    me, svc = actor(), cases()
    view = svc.get_case(case_id, me.name)
    row = queries.case_row(svc, me, case_id)
    case_obj, deployed = casefile.deployed_of(svc, case_id, me)
    roles = dict(deployed.jurisdiction.roles)
    diagram = casefile.diagram(svc, case_id, me)
    submitted, allowed = casefile.submissions(svc, case_id, me)
    docs, withheld = documents().list(case_id, me)
    doc_types = documents().types(case_id, me)
    shown = Labels.of(deployed.forms.values())
    spec, subs = deployed.specs(case_obj.process_id)
    shown.elements = {k: t.bpmn_name for p in [spec, *subs.values()] for k, t in p.task_specs.items()
                      if getattr(t, "bpmn_name", None)}
    with svc.db.transaction() as s:
        people = {e["actor"] for e in view["history"]} | {view["requester"], view["started_by"]}
        names = queries.display_names(s, people | {d.uploaded_by for d in docs})
    history = [dict(e, text=EVENT_TEXT.get(e["kind"], humanize(e["kind"])), about=describe(e, roles, names, shown),
                    who=names.get(e["actor"], e["actor"])) for e in view["history"]]
    tasks_mine = {t.id for t in svc.list_tasks(me.name, case_id=case_obj.id)}
    return render_template(
        "case.html", case=row, view=view, names=names, roles=roles, diagram=diagram,
        done_json=json.dumps(diagram.done), current_json=json.dumps(diagram.current), submitted=submitted,
        allowed=allowed, docs=docs, withheld=withheld, doc_types=doc_types, accept=ACCEPT,
        max_mb=documents().max_bytes // (1024 * 1024), history=history,
        shown=shown,
        workable=tasks_mine, staff=is_staff(me, case_obj.jurisdiction),
        may_withdraw=view["status"] == "open" and may_act(me, case_obj, "withdraw", deployed.jurisdiction.config),
        case_events=case_events.available(svc, case_id, me.name),
        upload_errors=upload_errors or {}), status


@bp.get("/cases/<int:case_id>/diagram.bpmn")
@login_required
def diagram_xml(case_id):
    xml = casefile.diagram_xml(cases(), case_id, actor())
    if xml is None:
        raise NotFound("this case's diagram is not available")
    return Response(xml, mimetype="application/xml")


@bp.post("/cases/<int:case_id>/documents")
@login_required
def upload(case_id):
    me = actor()
    file = request.files.get("file")
    try:
        info = documents().upload(case_id, me, request.form.get("doc_type", ""),
                                  file.filename if file else None, file.stream if file else b"")
    except ValidationFailed as err:
        return _case_page(case_id, upload_errors=err.errors, status=422)
    except TooLarge as err:
        return _case_page(case_id, upload_errors={"file": str(err)}, status=413)
    flash(f"Added {info.type_title.lower()}: {info.filename}" if not info.medical
          else "Added the medical document (need-to-know only).", "success")
    return redirect(url_for("pages.case", case_id=case_id, _anchor="documents"), code=303)


@bp.get("/documents/<int:document_id>")
@login_required
def download(document_id):
    info, path = documents().open(document_id, actor())
    return send_file(path, mimetype=info.content_type.split(";")[0], as_attachment=True, download_name=info.filename,
                     max_age=0, etag=False, conditional=False)


@bp.post("/cases/<int:case_id>/withdraw")
@login_required
def withdraw(case_id):
    me = actor()
    if request.form.get("confirm") != "yes":
        flash("Tick the box to confirm the withdrawal.", "error")
        return redirect(url_for("pages.case", case_id=case_id, _anchor="withdraw"), code=303)
    cases().withdraw(case_id, me.name, request.form.get("reason", "")[:500])
    flash(f"Case {case_id} has been withdrawn.", "success")
    return redirect(url_for("pages.case", case_id=case_id), code=303)
