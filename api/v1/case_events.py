"""/api/v1/cases/{id}/events: the case events you may send now, and sending one (Navy 6-2, 1-6, 2-1, 2-4;
County specialist consultation, emergency information, ADA complaint)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint
from marshmallow import fields

from engine import case_events, queries

from ..schemas import CaseDetailSchema, Strict
from ..web import actor, cases

blp = Blueprint("case_events", __name__, url_prefix="/api/v1/cases", description="Case events")


class CaseEventChoiceSchema(ma.Schema):
    name = fields.String(metadata={"description": "the event name, as in POST .../events/{name}"})
    title = fields.String()
    form_key = fields.String(allow_none=True, metadata={"description": "the payload's form (GET the form's fields "
                                                                       "from the case page); null: no payload"})
    reopens = fields.Boolean(metadata={"description": "the case is closed: sending starts a revision case linked "
                                                      "to it (Navy 6-2, 1-6)"})


class CaseEventSendSchema(Strict):
    data = fields.Dict(keys=fields.String(), load_default=dict,
                       metadata={"description": "the payload, validated by the event's form"})


@blp.route("/<int:case_id>/events", methods=["GET"])
@blp.response(200, CaseEventChoiceSchema(many=True))
def list_events(case_id):
    """The case events you may send to this case now (your role by [permissions], the case open, or closed and
    reopened by the event)."""
    return case_events.available(cases(), case_id, actor().name)


@blp.route("/<int:case_id>/events/<string:event>", methods=["POST"])
@blp.arguments(CaseEventSendSchema)
@blp.response(200, CaseDetailSchema)
@blp.alt_response(404, description="no such case, or one you may not know exists")
@blp.alt_response(422, description="an event you may not send now (field `event`), or payload field errors")
def send_event(body, case_id, event):
    """Send a case event. The answer is the case that took it: this one, or the revision case a closed case opens."""
    took = case_events.send(cases(), case_id, event, actor().name, body.get("data") or {})
    return queries.case_row(cases(), actor(), took)
