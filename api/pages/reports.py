"""Report pages: /reports (timeliness, breakdowns, annual figures, charts), a printable version,
the export download and /reports/overdue (the coordinator's morning page)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, g, render_template, request, stream_with_context

from engine import clock, report_service, reports
from engine.errors import ValidationFailed

from .. import charts
from ..auth import login_required
from ..web import actor, cases
from . import bp

BY_TITLES = {"": "None", "month": "Month", "type": "Accommodation type", "purpose": "Purpose",
             "requester_type": "Requester type (employee or applicant)", "component": "Component or department"}


def _params(jurisdiction) -> dict:
    fy_start_month = reports.settings(jurisdiction)["fiscal_year_start_month"]
    today = jurisdiction.calendar.local_date(clock.now())
    _, fy_first, _ = reports.fiscal_year(today, fy_start_month)
    return {"jurisdiction": request.args.get("jurisdiction", jurisdiction.key),
            "from": request.args.get("from") or fy_first.isoformat(),
            "to": request.args.get("to") or today.isoformat(),
            "by": request.args.get("by", "")}


def _context():
    """(template context, HTTP status): the report, or the form with its field errors (422)."""
    me = actor()
    own = report_service.deployed_for(cases(), me, me.jurisdiction).jurisdiction  # 403 unless a reporting role
    params = _params(own)
    ctx = {"params": params, "jurisdiction": own, "by_titles": BY_TITLES, "errors": {}, "report": None}
    try:
        report = report_service.timeliness(cases(), me.name, params["jurisdiction"], params["from"], params["to"],
                                           params["by"] or None)
    except ValidationFailed as err:
        ctx["errors"] = dict(err.errors)
        return ctx, 422
    bins = report_service.histogram(cases(), me.name, params["jurisdiction"], params["from"], params["to"])
    volume_svg, volume_text = charts.received_decided(report["monthly"])
    timely_svg, timely_text = charts.percent_timely(report["monthly"], report["timely_target_percent"])
    days_svg, days_text = charts.distribution(bins)
    ctx.update(report=report, bins=bins, volume_svg=volume_svg, volume_text=volume_text, timely_svg=timely_svg,
               timely_text=timely_text, days_svg=days_svg, days_text=days_text,
               query=urlencode({k: v for k, v in params.items() if v and k != "by"}))
    return ctx, 200


@bp.get("/reports")
@login_required
def reports_page():
    ctx, status = _context()
    return render_template("reports.html", **ctx), status


@bp.get("/reports/print")
@login_required
def reports_print():
    ctx, status = _context()
    return render_template("reports_print.html", **ctx), status


@bp.get("/reports/export")
@login_required
def reports_export():
    me = actor()
    args = request.args
    name, content_type, chunks = report_service.export(cases(), me.name, args.get("jurisdiction"), args.get("from"),
                                                       args.get("to"), args.get("format", "csv"))
    return Response(stream_with_context(chunks), content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/reports/overdue")
@login_required
def reports_overdue():
    jurisdiction, groups = report_service.overdue_dashboard(cases(), actor().name)
    today = jurisdiction.calendar.local_date(clock.now())
    overdue = sum(1 for _, items in groups for i in items if i.overdue)
    total = sum(len(items) for _, items in groups)
    return render_template("overdue.html", groups=groups, today=today, overdue=overdue, total=total,
                           soon_days=report_service.overdue.DUE_SOON_DAYS, jurisdiction=jurisdiction,
                           limited=total >= report_service.overdue.MAX_ITEMS)


@bp.app_template_global("may_report")
def may_report(me) -> bool:
    """Whether the navigation shows Reports: the actor holds a reporting role of their jurisdiction."""
    if me is None:
        return False
    if "may_report" not in g:
        g.may_report = report_service.reporting_jurisdiction(cases(), me.name) is not None
    return g.may_report
