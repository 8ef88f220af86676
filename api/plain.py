"""Template helpers for the requester's plain-words view (engine/requester_view.py)."""

from __future__ import annotations

from engine import requester_view

from .web import cases


def view_of(row):
    svc = cases()
    with svc.db.transaction() as s:
        jurisdiction = svc.registry.current(s, row.jurisdiction).jurisdiction
    return requester_view.describe(row, jurisdiction)


def for_requester(submitted, history, row):
    """What completed steps recorded, less the steps of internal roles (engine/requester_view.py)."""
    svc = cases()
    with svc.db.transaction() as s:
        jurisdiction = svc.registry.current(s, row.jurisdiction).jurisdiction
    internal = set(requester_view.config_of(jurisdiction)["internal_roles"])
    hidden = {e["task_id"] for e in history
              if e["kind"] == "task_opened" and (e["detail"] or {}).get("role") in internal}
    return [sub for sub in submitted if sub.task_id not in hidden]


def init_app(app) -> None:
    app.jinja_env.globals["requester_view"] = view_of
    app.jinja_env.globals["requester_submissions"] = for_requester
