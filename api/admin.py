"""Admin pages of a jurisdiction: the mail outbox (what is queued, sent, stuck).

Who is an admin: `[admin] user_admin_roles` in jurisdiction.toml, default the RA coordinator. Others
get a 404, so the page does not tell them it exists.
"""

from __future__ import annotations

import os
from functools import wraps

from flask import Blueprint, abort, render_template, request

from engine import outbox
from engine.errors import NotFound

from .auth import login_required
from .web import actor, cases

bp = Blueprint("admin", __name__, url_prefix="/admin")
DEFAULT_ADMIN_ROLES = ("coordinator",)
KIND_LABELS = {
    "task_queue": "Step in a queue", "task_assigned": "Step assigned", "requester_task": "Step for the requester",
    "escalation": "Overdue escalation", "digest": "Daily digest", "letter_issued": "Letter issued",
    "case_closed": "Request decided or closed", "invitation": "Invitation", "password_reset": "Password reset"}
STATUS_LABELS = {
    "queued": "Waiting to be sent", "sending": "Being sent", "sent": "Sent", "digest": "Held for the digest",
    "digested": "Sent in a digest", "no_address": "No email address", "failed": "Gave up"}


def admin_roles(jurisdiction) -> set[str]:
    configured = (jurisdiction.config.get("admin") or {}).get("user_admin_roles")
    return set(configured) if configured else set(DEFAULT_ADMIN_ROLES)


def current_jurisdiction():
    svc = cases()
    with svc.db.transaction() as s:
        return svc.registry.current(s, actor().jurisdiction).jurisdiction


def is_admin(me) -> bool:
    try:
        return bool(me.roles & admin_roles(current_jurisdiction()))
    except NotFound:  # nothing deployed for the jurisdiction yet
        return False


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not is_admin(actor()):
            abort(404)
        return view(*args, **kwargs)

    return wrapped


@bp.get("/outbox")
@admin_required
def outbox_page():
    status = request.args.get("status") or None
    status = status if status in STATUS_LABELS else None
    me = actor()
    rows = outbox.list_mail(cases().db, status, me.jurisdiction)
    counts = outbox.counts(cases().db, me.jurisdiction)
    return render_template("admin/outbox.html", rows=rows, counts=counts, status=status, kinds=KIND_LABELS,
                           statuses=STATUS_LABELS, mail_configured=bool(os.environ.get("RAFLOW_MAIL_URL")))


@bp.get("/users")
@admin_required
def users_page():
    from engine.user_admin import audit_log
    from engine.users import list_users

    me = actor()
    jurisdiction = current_jurisdiction()
    people = list_users(cases().db, me.jurisdiction)
    names = {u.name for u in people}
    log = [r for r in audit_log(cases().db, limit=500) if r["user_name"] in names][:100]
    from engine.accounts import REQUESTER_TYPES

    return render_template("admin/users.html", users=people, roles=jurisdiction.roles, log=log,
                           requester_types=REQUESTER_TYPES)


@bp.post("/users/<name>/<any(deactivate, reactivate):action>")
@admin_required
def set_active(name, action):
    from flask import flash, redirect, url_for

    from engine.user_admin import set_active as change
    from engine.users import list_users

    me = actor()
    if name not in {u.name for u in list_users(cases().db, me.jurisdiction)}:
        abort(404)
    if name == me.name and action == "deactivate":
        flash("You cannot deactivate yourself.")
        return redirect(url_for("admin.users_page"), code=303)
    change(cases().db, me.name, name, action == "reactivate")
    flash(f"{name} {action}d.")
    return redirect(url_for("admin.users_page"), code=303)


def init_app(app) -> None:
    from . import admin_users  # noqa: F401 - add / edit users and reset passwords, on this blueprint

    app.register_blueprint(bp)
    app.jinja_env.globals["is_admin"] = lambda a: a is not None and is_admin(a)
