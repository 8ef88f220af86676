"""/api/v1/reports: the timeliness report (JSON) and the NEAT data export (CSV or XLSX, streamed)."""

from __future__ import annotations

import marshmallow as ma
from flask import Response, stream_with_context
from flask_smorest import Blueprint
from marshmallow import fields, validate

from engine import report_service
from engine.exports import FORMATS
from engine.reports import BREAKDOWNS

from ..web import actor, cases

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports",
                description="Timeliness report and NEAT data export (the jurisdiction's reporting roles)")


class _Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class PeriodQuerySchema(_Strict):
    jurisdiction = fields.String(validate=validate.Length(1, 64), metadata={"description": "default: your own"})
    from_ = fields.Date(data_key="from", required=True, metadata={"description": "first day, YYYY-MM-DD"})
    to = fields.Date(required=True, metadata={"description": "last day (inclusive), YYYY-MM-DD"})


class TimelinessQuerySchema(PeriodQuerySchema):
    by = fields.String(validate=validate.OneOf(list(BREAKDOWNS)), metadata={"description": "breakdown"})


class ExportQuerySchema(PeriodQuerySchema):
    format = fields.String(load_default="csv", validate=validate.OneOf(FORMATS))


class DistributionSchema(ma.Schema):
    median = fields.Float(allow_none=True, metadata={"description": "days to process less abeyance"})
    p90 = fields.Integer(allow_none=True, metadata={"description": "90th percentile (nearest rank)"})
    max = fields.Integer(allow_none=True)
    count = fields.Integer()


class LateCaseSchema(ma.Schema):
    case_id = fields.Integer()
    days_over = fields.Integer()
    late_step = fields.String(allow_none=True, metadata={"description": "the step open when the deadline passed"})
    delay_notice_sent = fields.Boolean(metadata={"description": "a written delay notice was sent (Navy 4-3)"})
    decided_on = fields.String()
    days_to_process = fields.Integer(allow_none=True)


class PathOutcomeSchema(ma.Schema):
    path = fields.String()
    outcome = fields.String(allow_none=True)
    count = fields.Integer()


class FindingSchema(ma.Schema):
    finding = fields.String()
    count = fields.Integer()


class FiguresSchema(ma.Schema):
    received = fields.Integer()
    decided = fields.Integer()
    pending = fields.Integer(metadata={"description": "received by the period's end, not decided or withdrawn by then"})
    withdrawn = fields.Integer()
    timely = fields.Integer()
    late = fields.Integer()
    expedited = fields.Integer()
    percent_timely = fields.Float(allow_none=True)
    days_to_process = fields.Nested(DistributionSchema)
    dispositions = fields.Dict(metadata={"description": "count per disposition; denied: {count, by_basis}"})
    late_cases = fields.List(fields.Nested(LateCaseSchema))
    path_outcomes = fields.List(fields.Nested(PathOutcomeSchema))
    committee_findings = fields.List(fields.Nested(FindingSchema))


class GroupSchema(FiguresSchema):
    group = fields.String()


class AnnualSchema(ma.Schema):
    fiscal_year = fields.String()
    from_ = fields.String(data_key="from")
    to = fields.String()
    received = fields.Integer()
    decided = fields.Integer()
    timely = fields.Integer()
    late = fields.Integer()
    percent_timely = fields.Float(allow_none=True)
    days_to_process = fields.Nested(DistributionSchema)


class MonthSchema(ma.Schema):
    month = fields.String()
    received = fields.Integer()
    decided = fields.Integer()
    withdrawn = fields.Integer()
    timely = fields.Integer()
    late = fields.Integer()
    percent_timely = fields.Float(allow_none=True)


class TimelinessSchema(FiguresSchema):
    jurisdiction = fields.String()
    jurisdiction_name = fields.String()
    from_ = fields.String(data_key="from")
    to = fields.String()
    by = fields.String(allow_none=True)
    timely_target_percent = fields.Float()
    annual = fields.Nested(AnnualSchema)
    monthly = fields.List(fields.Nested(MonthSchema))
    groups = fields.List(fields.Nested(GroupSchema))


def _renamed(report: dict) -> dict:
    out = dict(report)
    out["from_"] = out.pop("from")
    if "annual" in out:
        out["annual"] = {**out["annual"], "from_": out["annual"]["from"]}
    return out


@blp.route("/timeliness", methods=["GET"])
@blp.arguments(TimelinessQuerySchema, location="query")
@blp.response(200, TimelinessSchema)
@blp.alt_response(403, description="you hold none of the jurisdiction's reporting roles")
@blp.alt_response(422, description="bad period, breakdown or jurisdiction (field-by-field errors)")
def timeliness(args):
    """The timeliness report for a period; with `by`, also `groups` with the same figures per group."""
    report = report_service.timeliness(cases(), actor().name, args.get("jurisdiction"), args["from_"], args["to"],
                                       args.get("by"))
    return _renamed(report)


@blp.route("/export", methods=["GET"])
@blp.arguments(ExportQuerySchema, location="query")
@blp.doc(responses={"200": {"description": "one row per case (NEAT data list), CSV or XLSX; never a medical field",
                            "content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument."
                                                                 "spreadsheetml.sheet": {}}}})
@blp.alt_response(403, description="you hold none of the jurisdiction's reporting roles")
@blp.alt_response(422, description="bad period, format or jurisdiction (field-by-field errors)")
def export(args):
    """The NEAT data export for a period, streamed; each export is recorded in the audit log."""
    name, content_type, chunks = report_service.export(cases(), actor().name, args.get("jurisdiction"),
                                                       args["from_"], args["to"], args["format"])
    return Response(stream_with_context(chunks), content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
