"""POST /api/v1/tasks/{id}/assign: give an open step to a colleague who holds its role (engine.assignment)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint
from marshmallow import fields, validate

from engine.assignment import assign

from ..schemas import Strict
from ..web import actor, cases

blp = Blueprint("assignment", __name__, url_prefix="/api/v1/tasks", description="Assigning open steps")


class AssignSchema(Strict):
    assignee = fields.String(required=True, validate=validate.Length(1, 128),
                             metadata={"description": "user name of an active user holding the step's role"})


class AssignedSchema(ma.Schema):
    id = fields.String()
    assignee = fields.String()


@blp.route("/<task:task_id>/assign", methods=["POST"])
@blp.arguments(AssignSchema)
@blp.response(200, AssignedSchema)
@blp.alt_response(403, description="your role may not assign steps ([permissions] assign)")
@blp.alt_response(422, description="the assignee does not hold the step's role, or it is the requester's step")
def assign_task(body, task_id):
    """Assign the step; the assignee is mailed at once, or in their daily digest if they chose it."""
    assign(cases(), str(task_id), actor().name, body["assignee"])
    return {"id": str(task_id), "assignee": body["assignee"]}
