"""/api/v1/cases: start, list with filters, get, history, submitted data, withdraw."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from sqlalchemy import bindparam, select

from engine import casefile, queries
from engine.access import is_staff
from engine.errors import Forbidden, NotFound, ValidationFailed
from engine.store import DefinitionVersion

from ..schemas import (
    CaseDetailSchema,
    CaseQuerySchema,
    CaseSchema,
    CaseStartSchema,
    EventSchema,
    SubmissionSchema,
    WithdrawSchema,
)
from ..web import actor, cases
from . import PAGING, paged

blp = Blueprint("cases", __name__, url_prefix="/api/v1/cases", description="Reasonable accommodation cases")


_LATEST = (select(DefinitionVersion.__table__.c.id)
           .where(DefinitionVersion.__table__.c.jurisdiction == bindparam("b_jurisdiction"))
           .order_by(DefinitionVersion.__table__.c.id.desc()).limit(1))


def start_processes(jurisdiction: str) -> tuple[str, ...]:
    """The startable processes of the jurisdiction's current version (one indexed lookup)."""
    svc = cases()
    with svc.db.engine.connect() as conn:
        version = conn.execute(_LATEST, {"b_jurisdiction": jurisdiction}).scalar()
    if version is None:
        raise NotFound(f"no definition deployed for jurisdiction {jurisdiction!r}")
    with svc.db.transaction() as s:  # the registry has the version in memory: no query
        return svc.registry.get(s, version).jurisdiction.start_processes


def require_body() -> None:
    """The OpenAPI marks these bodies required; webargs would read a missing one as {} (issue 8)."""
    if not request.get_data(cache=True):
        raise ValidationFailed({"_body": "send a JSON object as the request body ({} for the defaults)"},
                               "The request body is required.")


@blp.route("", methods=["POST"])
@blp.arguments(CaseStartSchema)
@blp.response(201, CaseDetailSchema)
@blp.alt_response(403, description="not your jurisdiction, or a requester recording for someone else")
@blp.alt_response(422, description="invalid data (field-by-field errors)")
def start_case(body):
    """Start a case; the response lists its first open task(s). The body is required (`{}` for defaults)."""
    require_body()
    me = actor()
    jurisdiction = body.get("jurisdiction") or me.jurisdiction
    if jurisdiction != me.jurisdiction:
        raise Forbidden(f"{me.name} belongs to {me.jurisdiction}, not {jurisdiction}")
    requester = body.get("requester")
    if requester and requester != me.name and not queries.is_user_of(cases().db, requester, jurisdiction):
        if not is_staff(me, jurisdiction):
            raise Forbidden("only staff may record a request on someone else's behalf")
        raise ValidationFailed({"requester": f"there is no user {requester!r} in {jurisdiction}"})
    process_id = body.get("process_id")
    if not process_id:
        starts = start_processes(jurisdiction)
        if not starts:
            raise NotFound(f"{jurisdiction} has no startable process")
        process_id = starts[0]
    new_person = body.get("new_requester")
    if new_person and requester:
        raise ValidationFailed({"new_requester": "give either requester or new_requester, not both"})
    try:
        case_id = cases().start_case(jurisdiction, process_id, me.name, body.get("data") or {},
                                     requester=requester, title=body.get("title"), new_person=new_person)
    except ValidationFailed as err:  # engine.accounts names the new person's fields new_*
        raise ValidationFailed({f"new_requester.{k[4:]}" if k.startswith("new_") else k: v
                                for k, v in err.errors.items()}, str(err)) from None
    return queries.case_row(cases(), me, case_id)


@blp.route("", methods=["GET"])
@blp.arguments(CaseQuerySchema, location="query")
@blp.response(200, CaseSchema(many=True))
@blp.paginate(**PAGING)
def list_cases(args, pagination_parameters):
    """Cases you may see (staff: your jurisdiction's; everyone: your own requests), newest first, a page at
    a time (`page`, `page_size` up to 200; the `X-Pagination` header has the total)."""
    found = queries.list_cases(cases(), actor(), **args, page=pagination_parameters.page,
                               page_size=pagination_parameters.page_size)
    return paged(found, pagination_parameters)


@blp.route("/<int:case_id>", methods=["GET"])
@blp.response(200, CaseDetailSchema)
def get_case(case_id):
    """One case: status, open steps, clocks with days left and abeyance, tracking data."""
    return queries.case_row(cases(), actor(), case_id)


@blp.route("/<int:case_id>/history", methods=["GET"])
@blp.response(200, EventSchema(many=True))
@blp.paginate(**PAGING)
def history(case_id, pagination_parameters):
    """The case's events, oldest first, a page at a time (confidential values appear only as "(confidential)")."""
    found = queries.history_page(cases(), actor(), case_id, page=pagination_parameters.page,
                                 page_size=pagination_parameters.page_size)
    return paged(found, pagination_parameters)


@blp.route("/<int:case_id>/data", methods=["GET"])
@blp.response(200, SubmissionSchema(many=True))
def submitted(case_id):
    """What each completed step recorded. Confidential (medical) fields are shown only to need-to-know
    roles and the requester, and each such view is recorded in the case history."""
    found, _ = casefile.submissions(cases(), case_id, actor())
    return found


@blp.route("/<int:case_id>/withdraw", methods=["POST"])
@blp.arguments(WithdrawSchema)
@blp.response(200, CaseDetailSchema)
def withdraw(body, case_id):
    """Withdraw the request (the requester, or staff in a role [permissions] allow; Navy 1-7). The body is
    required (`{}` for no reason)."""
    require_body()
    cases().withdraw(case_id, actor().name, body.get("reason", ""))
    return queries.case_row(cases(), actor(), case_id)
