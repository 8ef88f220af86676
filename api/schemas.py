"""marshmallow schemas for every JSON request and response of /api/v1 (documented in the OpenAPI)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from engine.queries import STATUSES

_NAME = validate.Regexp(r"^[a-z][a-z0-9_]*$", error="must be a lower-case identifier like navy_ra")


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class DeadlineSchema(ma.Schema):
    due_date = fields.Date()
    days_left = fields.Integer()
    overdue = fields.Boolean()
    due_soon = fields.Boolean()


class OpenStepSchema(ma.Schema):
    task_id = fields.String()
    title = fields.String()
    role = fields.String()
    role_title = fields.String()
    assignee = fields.String(allow_none=True)
    deadline = fields.Nested(DeadlineSchema, allow_none=True)


class CaseSchema(ma.Schema):
    id = fields.Integer()
    title = fields.String()
    jurisdiction = fields.String()
    process_id = fields.String()
    status = fields.String()
    requester = fields.String()
    requester_name = fields.String()
    started_by = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    outcome = fields.String(allow_none=True)
    steps = fields.List(fields.Nested(OpenStepSchema), metadata={"description": "open tasks of the case"})
    clocks = fields.Dict(metadata={"description": "each case clock: due date, days left, held (abeyance), ..."})
    overdue = fields.Boolean()
    next_deadline = fields.Nested(DeadlineSchema, allow_none=True)


class CaseDetailSchema(CaseSchema):
    version = fields.Integer(metadata={"description": "send as case_version when completing a task"})
    tracking = fields.Dict(metadata={"description": "tracking (NEAT) data of the case"})


class NewRequesterSchema(Strict):
    display_name = fields.String(required=True, validate=validate.Length(1, 200))
    email = fields.String(required=True, validate=validate.Length(3, 254))
    requester_type = fields.String(required=True, validate=validate.OneOf(["employee", "applicant"]))


class CaseStartSchema(Strict):
    jurisdiction = fields.String(validate=_NAME, metadata={"description": "default: your own"})
    process_id = fields.String(validate=_NAME, metadata={"description": "default: the first startable process"})
    requester = fields.String(validate=validate.Length(1, 128),
                              metadata={"description": "staff only: record a request on someone's behalf"})
    title = fields.String(validate=validate.Length(1, 256))
    data = fields.Dict(keys=fields.String(), load_default=dict, metadata={"description": "initial case data"})
    new_requester = fields.Nested(NewRequesterSchema, metadata={
        "description": "staff only, instead of `requester`: a person with no account gets one (requester role, "
                       "user name = the address) and an invitation mail to set a password"})


class PagedQuery(Strict):
    """Filters of a paged list: `page` and `page_size` are flask-smorest's (api.v1.PAGING), validated and
    documented there, so this strict schema lets them pass without reading them."""

    @ma.pre_load
    def _without_paging(self, data, **_kw):
        return {k: v for k, v in data.items() if k not in ("page", "page_size")}


class CaseQuerySchema(PagedQuery):
    jurisdiction = fields.String(validate=_NAME)
    status = fields.String(validate=validate.OneOf(STATUSES))
    role = fields.String(validate=_NAME, metadata={"description": "cases with an open task for this role"})
    overdue = fields.Boolean(metadata={"description": "cases with (or without) an overdue task or clock"})
    due_soon = fields.Boolean(metadata={"description": "cases whose next deadline is within 3 days (not overdue)"})
    requester = fields.String(validate=validate.Length(1, 128))


class EventSchema(ma.Schema):
    at = fields.DateTime()
    actor = fields.String()
    kind = fields.String()
    task_id = fields.String(allow_none=True)
    detail = fields.Dict()


class FieldValueSchema(ma.Schema):
    name = fields.String()
    title = fields.String()
    value = fields.Raw(allow_none=True)
    confidential = fields.Boolean()
    hidden = fields.Boolean(metadata={"description": "confidential and not shown to you (need-to-know)"})


class SubmissionSchema(ma.Schema):
    task_id = fields.String()
    title = fields.String()
    form_title = fields.String()
    by = fields.String(allow_none=True)
    at = fields.DateTime(allow_none=True)
    fields_ = fields.List(fields.Nested(FieldValueSchema), data_key="fields", attribute="fields")


class WithdrawSchema(Strict):
    reason = fields.String(load_default="", validate=validate.Length(0, 500))


class TaskQuerySchema(PagedQuery):
    scope = fields.String(load_default="all", validate=validate.OneOf(["all", "mine", "queue"]))
    role = fields.String(validate=_NAME)
    due = fields.String(validate=validate.OneOf(["overdue", "soon"]))
    sort = fields.String(load_default="due", validate=validate.OneOf(["due", "case", "step", "requester",
                                                                       "received"]))
    direction = fields.String(load_default="asc", validate=validate.OneOf(["asc", "desc"]))
    q = fields.String(validate=validate.Length(1, 100),
                      metadata={"description": "text in the case title, step or requester name, or a case number"})


class TaskRowSchema(ma.Schema):
    id = fields.String()
    case_id = fields.Integer()
    case_title = fields.String()
    title = fields.String()
    role = fields.String()
    role_title = fields.String()
    assignee = fields.String(allow_none=True)
    requester = fields.String()
    requester_name = fields.String()
    jurisdiction = fields.String()
    created_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    deadline = fields.Nested(DeadlineSchema, allow_none=True)


class TaskSchema(ma.Schema):
    id = fields.String()
    case_id = fields.Integer()
    title = fields.String()
    role = fields.String()
    assignee = fields.String(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    form_key = fields.String(allow_none=True)
    form = fields.Dict(allow_none=True, metadata={"description": "the JSON Schema of the task's form"})
    instructions = fields.String()
    values = fields.Dict(metadata={"description": "current values; confidential ones only for need-to-know"})
    case_version = fields.Integer()


class CompleteSchema(Strict):
    data = fields.Dict(keys=fields.String(), required=True, metadata={"description": "the form's field values"})
    case_version = fields.Integer(metadata={"description": "the case version you saw; a stale one gives 409"})


class CompletedSchema(ma.Schema):
    case = fields.Nested(CaseSchema)


class VersionSchema(ma.Schema):
    id = fields.Integer()
    jurisdiction = fields.String()
    content_hash = fields.String()
    deployed_at = fields.DateTime()
    deployed_by = fields.String(allow_none=True)
    current = fields.Boolean()


class VersionQuerySchema(Strict):
    jurisdiction = fields.String(validate=_NAME)


class DeploySchema(Strict):
    folder = fields.String(required=True, validate=_NAME,
                           metadata={"description": "a folder name under the server's processes/ directory"})


class DeployedSchema(VersionSchema):
    created = fields.Boolean(metadata={"description": "false when identical content was already deployed"})


class DocumentSchema(ma.Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    doc_type = fields.String()
    type_title = fields.String()
    medical = fields.Boolean()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    uploaded_by = fields.String()
    uploaded_at = fields.DateTime()


class DocumentListSchema(ma.Schema):
    documents = fields.List(fields.Nested(DocumentSchema))
    withheld_medical = fields.Integer(metadata={"description": "medical documents you may not see"})
