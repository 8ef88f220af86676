"""Reading a case for people: who may see it, its diagram with done/current steps, the data submitted
at each step with need-to-know redaction, and the record of every view of confidential data.

Read-only except for `record_confidential_view`, which appends to the case history (Navy 1-5: every
view of medical information is accounted for).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update
from sqlalchemy.orm import defer

from . import access, clock
from .access import Actor
from .errors import NotFound
from .history import record_event
from .intake import intake_form
from .lint import NS, parse_xml_safely
from .store import Case, DefinitionVersion, Event, case_id_of

CONFIDENTIAL_VIEWED = "confidential_viewed"
REDACTED = "(confidential)"
_SKIP_CURRENT = ("BoundaryEvent", "StartEvent", "BoundaryEventSplit", "BoundaryEventJoin")


def check_view_case(session, actor: Actor, case) -> None:
    """The requester, need-to-know roles, and staff involved in the case (engine.access)."""
    access.check_view_case(session, actor, case)


def load_case(session, case_id, with_workflow: bool = True) -> Case:
    """The case row; without `with_workflow` the (large) serialized workflow is not read."""
    wanted = case_id_of(case_id)
    if wanted is None:
        raise NotFound(f"no case {case_id}")
    query = select(Case).where(Case.id == wanted)
    if not with_workflow:
        query = query.options(defer(Case.workflow))
    case = session.execute(query).scalar()
    if case is None:
        raise NotFound(f"no case {case_id}")
    return case


def may_see_confidential(actor: Actor, deployed, case) -> bool:
    return access.may_see_confidential(actor, jurisdiction=case.jurisdiction, requester=case.requester,
                                       need_to_know=deployed.jurisdiction.need_to_know)


def record_confidential_view(db, case_id: int, actor_name: str, what: str, detail: dict) -> None:
    """Record that confidential data was seen (names of what was seen, never the values)."""
    with db.transaction() as s:
        note_confidential_view(s, case_id, actor_name, {"what": what, **detail}, detail.get("task_id"))


def note_confidential_view(session, case_id: int, actor_name: str, detail: dict, task_id=None, at=None) -> None:
    """One confidential_viewed event per person, case and (UTC) day: the first view's detail, then a
    `count` of views that day, so a reload does not bury the history in identical rows."""
    at = at or clock.now()
    day_start = datetime.combine(at.astimezone(UTC).date(), time(0), tzinfo=UTC)
    found = session.execute(select(Event.id, Event.detail).where(
        Event.case_id == case_id, Event.actor == actor_name, Event.kind == CONFIDENTIAL_VIEWED,
        Event.at >= day_start).order_by(Event.id).limit(1)).first()
    if found is None:
        record_event(session, case_id, actor_name, CONFIDENTIAL_VIEWED, task_id, detail, at=at)
        return
    merged = dict(found.detail or {})
    merged["count"] = int(merged.get("count", 1)) + 1
    session.execute(update(Event).where(Event.id == found.id).values(detail=merged))


# -- the diagram ----------------------------------------------------------------------------------
@dataclass
class Step:
    element: str
    name: str
    process: str
    state: str  # "done" or "current"
    process_title: str = ""  # the process's name, shown to people (never its id)


@dataclass
class Diagram:
    process_id: str
    xml: str | None
    has_layout: bool
    done: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)


_xml_cache: dict[tuple[int, str], tuple[str | None, bool]] = {}
_xml_lock = threading.Lock()


def process_xml(session, definition_id: int, process_id: str) -> tuple[str | None, bool]:
    """The BPMN file of a deployed version that defines `process_id`, and whether it has a layout."""
    key = (definition_id, process_id)
    if key in _xml_cache:
        return _xml_cache[key]
    bundle = session.execute(select(DefinitionVersion.bundle).where(DefinitionVersion.id == definition_id)).scalar()
    found: tuple[str | None, bool] = (None, False)
    for name, text in sorted((bundle or {}).get("files", {}).items()):
        if not name.endswith(".bpmn") or "/" in name:
            continue
        root, _ = parse_xml_safely(text, name)
        if root is None or root.find(f".//bpmn:process[@id='{process_id}']", NS) is None:
            continue
        found = (text, _has_layout(root, process_id))
        break
    with _xml_lock:
        _xml_cache[key] = found
    return found


def _has_layout(root, process_id: str) -> bool:
    owners = {process_id}
    for participant in root.iterfind(".//bpmn:participant", NS):
        if participant.get("processRef") == process_id:
            collab = participant.getparent()
            owners.add(collab.get("id"))
    di = "{http://www.omg.org/spec/BPMN/20100524/DI}"
    for plane in root.iter(f"{di}BPMNPlane"):
        if plane.get("bpmnElement") in owners and len(plane):
            return True
    return False


def diagram(service, case_id, actor: Actor) -> Diagram:
    """The case's main diagram with completed and current elements (call activities stand for their
    called process; the steps list names every step, including those inside called processes)."""
    with service.db.transaction() as s:
        case = load_case(s, case_id)
        check_view_case(s, actor, case)
        xml, has_layout = process_xml(s, case.definition_id, case.process_id)
        deployed = service.registry.get(s, case.definition_id)
        workflow = deployed.load_workflow(case)
    out = Diagram(case.process_id, xml, has_layout)
    tasks = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id]
    for task in sorted(tasks, key=lambda t: t.last_state_change):
        spec = task.task_spec
        kind = type(spec).__name__
        top = task.workflow is workflow
        if task.state == TaskState.COMPLETED:
            state = "done"
        elif task.state in (TaskState.READY, TaskState.STARTED) or (
                task.state == TaskState.WAITING and kind not in _SKIP_CURRENT):
            state = "current"
        else:
            continue
        if kind in ("BoundaryEventSplit", "BoundaryEventJoin"):
            continue
        if top:
            (out.done if state == "done" else out.current).append(spec.bpmn_id)
        if kind in ("StartEvent", "EndEvent") and state == "done" and not spec.bpmn_name:
            continue
        if kind in ("ExclusiveGateway", "ParallelGateway", "InclusiveGateway", "EventBasedGateway"):
            continue
        sub = task.workflow.spec
        out.steps.append(Step(spec.bpmn_id, spec.bpmn_name or spec.bpmn_id.replace("_", " ").capitalize(), sub.name,
                              state, sub.description or sub.name.replace("_", " ").capitalize()))
    return out


# -- submitted data -----------------------------------------------------------------------------------
@dataclass
class FieldValue:
    name: str
    title: str
    value: object
    confidential: bool
    hidden: bool  # confidential and this actor may not see it


@dataclass
class Submission:
    task_id: str
    title: str
    form_title: str
    by: str | None
    at: object
    fields: list[FieldValue]


def submissions(service, case_id, actor: Actor, record: bool = True) -> tuple[list[Submission], bool]:
    """What each completed step recorded, confidential fields shown only to need-to-know roles and
    the requester. Returns (submissions, allowed); a view of any confidential value is recorded."""
    with service.db.transaction() as s:
        case = load_case(s, case_id)
        check_view_case(s, actor, case)
        deployed = service.registry.get(s, case.definition_id)
        workflow = deployed.load_workflow(case)
        done = {r.task_id: (r.actor, r.at) for r in s.execute(
            select(Event.task_id, Event.actor, Event.at)
            .where(Event.case_id == case.id, Event.kind == "task_completed"))}
    allowed = may_see_confidential(actor, deployed, case)
    out, seen = [], []
    start = next((t for t in workflow.get_tasks() if type(t.task_spec).__name__ == "BpmnStartTask"
                  and t.workflow is workflow), None)
    if start is not None:
        form = intake_form(deployed, staff=True)
        values = _values(form, start.data, allowed, seen)
        if values:
            out.append(Submission("start", "Request received", form.title, case.started_by, case.created_at, values))
    completed = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if str(t.id) in done]
    for task in sorted(completed, key=lambda t: t.last_state_change):
        spec = task.task_spec
        props = (getattr(spec, "extensions", {}) or {}).get("properties", {})
        form = deployed.form(props.get("formKey"))
        if form is None:
            continue
        values = _values(form, task.data, allowed, seen)
        by, at = done[str(task.id)]
        out.append(Submission(str(task.id), spec.bpmn_name or spec.bpmn_id, form.title, by, at, values))
    if record and seen:
        record_confidential_view(service.db, case.id, actor.name, "case_data", {"fields": sorted(set(seen))})
    return out, allowed


def _values(form, data: dict, allowed: bool, seen: list) -> list[FieldValue]:
    values = []
    for name in form.field_order():
        if name not in data:
            continue
        secret = name in form.confidential_fields
        shown = data[name] if (allowed or not secret) else None
        if secret and allowed and shown not in (None, ""):
            seen.append(name)
        values.append(FieldValue(name, form.fields[name].get("title", name), shown, secret, secret and not allowed))
    return values


def deployed_of(service, case_id, actor: Actor):
    """(case row, deployed version) of a case the actor may see."""
    with service.db.transaction() as s:
        case = load_case(s, case_id, with_workflow=False)
        check_view_case(s, actor, case)
        return case, service.registry.get(s, case.definition_id)


def diagram_xml(service, case_id, actor: Actor) -> str | None:
    with service.db.transaction() as s:
        case = load_case(s, case_id, with_workflow=False)
        check_view_case(s, actor, case)
        return process_xml(s, case.definition_id, case.process_id)[0]


def confidential_names(deployed) -> frozenset[str]:
    """Every field any form of the version marks confidential."""
    names: set[str] = set()
    for form in deployed.forms.values():
        if form is not None:
            names |= form.confidential_fields
    return frozenset(names)

