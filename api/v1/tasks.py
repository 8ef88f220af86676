"""/api/v1/tasks: my tasks and role queues, get with its form, claim, release, complete."""

from __future__ import annotations

from flask_smorest import Blueprint

from engine import casefile, queries
from engine.inbox import inbox_page

from ..schemas import CompletedSchema, CompleteSchema, TaskQuerySchema, TaskRowSchema, TaskSchema
from ..web import actor, cases
from . import PAGING, paged

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="Open human tasks")


def read_task(task_id: str) -> dict:
    """The task as get_task returns it; a view of confidential values is recorded in the case history."""
    svc, me = cases(), actor()
    view = svc.get_task(task_id, me.name)
    shown = confidential_shown(view)
    if shown:
        casefile.record_confidential_view(svc.db, view["case_id"], me.name, "task",
                                          {"task_id": view["id"], "task": view["title"], "fields": shown})
    return view


def confidential_shown(view: dict) -> list[str]:
    props = (view.get("form") or {}).get("properties", {})
    return sorted(n for n, v in view.get("values", {}).items()
                  if props.get(n, {}).get("x-confidential") and v not in (None, "", casefile.REDACTED))


@blp.route("", methods=["GET"])
@blp.arguments(TaskQuerySchema, location="query")
@blp.response(200, TaskRowSchema(many=True))
@blp.paginate(**PAGING)
def list_tasks(args, pagination_parameters):
    """My tasks (claimed by me) and my role queues (unclaimed, a role I hold), soonest due first, a page at a
    time (`page`, `page_size` up to 200; the `X-Pagination` header has the total)."""
    found = inbox_page(cases(), actor().name, scope=args["scope"], role=args.get("role"), due=args.get("due"),
                       sort=args["sort"], descending=args["direction"] == "desc", text=args.get("q"),
                       page=pagination_parameters.page, page_size=pagination_parameters.page_size)
    return paged(found, pagination_parameters)


@blp.route("/<task:task_id>", methods=["GET"])
@blp.response(200, TaskSchema)
def get_task(task_id):
    """A task with its form schema, instructions and current values."""
    return read_task(task_id)


@blp.route("/<task:task_id>/claim", methods=["POST"])
@blp.response(200, TaskSchema)
@blp.alt_response(409, description="claimed by someone else")
def claim(task_id):
    """Take the task from the role queue."""
    cases().claim(task_id, actor().name)
    return read_task(task_id)


@blp.route("/<task:task_id>/release", methods=["POST"])
@blp.response(200, TaskSchema)
def release(task_id):
    """Put a task you claimed back into the role queue."""
    cases().release(task_id, actor().name)
    return read_task(task_id)


@blp.route("/<task:task_id>/complete", methods=["POST"])
@blp.arguments(CompleteSchema)
@blp.response(200, CompletedSchema)
@blp.alt_response(409, description="the task was already completed, or the case changed (stale case_version)")
@blp.alt_response(422, description="the form data has errors (one message per field)")
def complete(body, task_id):
    """Submit the task's form; the case runs on to its next wait. Returns the case with its open steps."""
    me = actor()
    case_id = cases().complete(task_id, me.name, body["data"], expected_version=body.get("case_version"))
    return {"case": queries.case_row(cases(), me, case_id)}
