"""Server-rendered pages (Jinja): inbox, task, case, case list, new request, my requests.

Every page works without JavaScript; the only script draws the case diagram with bpmn-js, served
from our own host (node_modules/bpmn-js/dist, never a CDN).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, g, redirect, send_from_directory, url_for
from werkzeug.exceptions import NotFound

from engine.access import REQUESTER, is_staff

from .. import web
from ..auth import login_required
from ..display import humanize

bp = Blueprint("pages", __name__)

VENDOR_FILES = {"bpmn-navigated-viewer.production.min.js", "assets/bpmn-js.css", "assets/diagram-js.css"}


@bp.get("/")
@login_required
def home():
    me = web.actor()
    if is_staff(me, me.jurisdiction):
        return redirect(url_for("pages.inbox"))
    return redirect(url_for("pages.my_requests"))


@bp.get("/vendor/bpmn-js/<path:name>")
def vendor(name):
    if name not in VENDOR_FILES:
        raise NotFound()
    response = send_from_directory(f"{current_app.config['NODE_MODULES']}/bpmn-js/dist", name, max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _tz() -> ZoneInfo:
    if "tz" not in g:
        zone = "UTC"
        me = g.get("actor")
        if me is not None:
            svc = web.cases()
            try:
                with svc.db.transaction() as s:
                    zone = svc.registry.current(s, me.jurisdiction).jurisdiction.timezone
            except Exception:  # noqa: BLE001 - no deployed version: show UTC
                zone = "UTC"
        g.tz = ZoneInfo(zone)
    return g.tz


def fmt_when(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    local = value.astimezone(_tz())
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def fmt_day(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.astimezone(_tz()).date()
    return f"{value:%a} {value.day} {value:%b %Y}"


def days_phrase(days_left) -> str:
    if days_left is None:
        return ""
    if days_left == 0:
        return "due today"
    if days_left == 1:
        return "1 day left"
    if days_left > 1:
        return f"{days_left} days left"
    return "1 day overdue" if days_left == -1 else f"{-days_left} days overdue"


def init_app(app) -> None:
    import importlib

    # their routes register on bp
    for module in ("cases", "requests", "tasks", "incidents", "letters", "reports", "assign", "case_events"):
        importlib.import_module(f"{__name__}.{module}")

    app.register_blueprint(bp)
    app.jinja_env.filters["when"] = fmt_when
    app.jinja_env.filters["day"] = fmt_day
    app.jinja_env.filters["days"] = days_phrase
    app.jinja_env.filters["words"] = humanize  # a code no form names, in words (never shown raw)
    app.jinja_env.globals["is_staff"] = lambda a: a is not None and is_staff(a, a.jurisdiction)
    app.jinja_env.globals["is_requester"] = lambda a: a is not None and REQUESTER in a.roles
