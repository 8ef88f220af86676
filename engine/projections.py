"""Write a case back: its serialized workflow and every projection row, in the caller's transaction.

The case row is updated only if its `version` is still the one that was loaded; otherwise the
whole transaction fails with Conflict, so a stale write is never applied (two people completing the
same task: exactly one wins).
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.defaults import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam

from . import clock, notify, report_facts, runtime, serialization
from .calendars import LegalClock
from .deadlines import next_due
from .errors import Conflict
from .helpers import CLOCKS_KEY, TRACKING_KEY
from .step_errors import engine_errors
from .store import Case, Event, Task, Timer, User

T_CASE, T_TASK, T_TIMER, T_EVENT = Case.__table__, Task.__table__, Timer.__table__, Event.__table__
# Built once: the hot path (every completed task) pays no statement-construction cost.
_UPDATE_CASE = T_CASE.update().where(T_CASE.c.id == bindparam("b_id"), T_CASE.c.version == bindparam("b_version")) \
    .values(workflow=bindparam("b_workflow"), version=bindparam("b_new_version"), status=bindparam("b_status"),
            summary=bindparam("b_summary"), updated_at=bindparam("b_now"), closed_at=bindparam("b_closed_at"),
            next_due=bindparam("b_next_due"))
_SELECT_TASKS = T_TASK.select().with_only_columns(T_TASK.c.id, T_TASK.c.assignee, T_TASK.c.created_at) \
    .where(T_TASK.c.case_id == bindparam("b_id"))
_DELETE_TASKS = T_TASK.delete().where(T_TASK.c.case_id == bindparam("b_id"))
_DELETE_TIMERS = T_TIMER.delete().where(T_TIMER.c.case_id == bindparam("b_id"))
_INSERT_TASK, _INSERT_TIMER, _INSERT_EVENT = T_TASK.insert(), T_TIMER.insert(), T_EVENT.insert()
_DISPLAY_NAME = User.__table__.select().with_only_columns(User.__table__.c.display_name) \
    .where(User.__table__.c.name == bindparam("b_name"))


def search_text(case_title: str, step_title: str, requester_name: str) -> str:
    """What the inbox text filter matches (casefolded once here, so the filter is one LIKE)."""
    return " ".join([case_title or "", step_title or "", requester_name or ""]).casefold()


def clock_views(raw: dict, calendar, now=None) -> dict:
    """Every case clock as shown to people, as of today: due date, held days, elapsed less abeyance, met.

    Computed from the stored clock state, so a case read days after its last change still counts
    abeyance and days left up to today (Navy 4-1: 45 days less abeyance).
    """
    today = calendar.local_date(now or clock.now())
    out = {}
    for name, state in (raw or {}).items():
        lc = LegalClock.from_dict(state)
        due = lc.due_date()
        out[name] = {
            "start": lc.start.isoformat(), "days": lc.days, "due": due.isoformat() if due else None,
            "held": lc.is_held, "days_held": lc.days_held(today),
            "held_since": lc.holds[-1].start.isoformat() if lc.is_held else None,
            "hold_reason": lc.holds[-1].reason if lc.is_held else None,
            "elapsed": lc.elapsed(today), "stopped": lc.stopped.isoformat() if lc.stopped else None,
            "met": lc.met(), "expedited": lc.expedited_due.isoformat() if lc.expedited_due else None,
            "days_left": (due - today).days if due and not lc.stopped else None,
        }
        out[name]["overdue"] = out[name]["days_left"] is not None and out[name]["days_left"] < 0
    return out


def outcome_of(workflow, interrupting: frozenset[str] | set[str] = frozenset()) -> str | None:
    """The end event that decided the case: the main process's own end wins; then the end of an
    interrupting event subprocess (withdrawal); a non-interrupting side event (a complaint logged
    after the finding) never replaces the outcome. Ends of called processes are steps, not outcomes."""
    ranked = []
    for t in workflow.get_tasks(state=TaskState.COMPLETED):
        if isinstance(t.task_spec, EndEvent):
            rank = _outcome_rank(workflow, t.workflow, interrupting)
            if rank:
                ranked.append((rank, t.last_state_change, t))
    if not ranked:
        return None
    last = max(ranked, key=lambda r: (r[0], r[1]))[2]
    return last.task_spec.bpmn_name or last.task_spec.bpmn_id


def _outcome_rank(top, wf, interrupting) -> int:
    if wf is top:
        return 3
    parent = top.get_task_from_id(wf.parent_task_id) if wf.parent_task_id else None
    if parent is None or isinstance(parent.task_spec, CallActivity) or parent.workflow is not top:
        return 0
    started_by = {getattr(ts.event_definition, "name", None) for ts in wf.spec.task_specs.values()
                  if type(ts).__name__ == "StartEvent" and hasattr(ts, "event_definition")}
    return 2 if started_by & set(interrupting) else 1


def save_case(session, case, workflow, deployed, actor: str, events: list[tuple], status: str | None = None):
    """Persist workflow and projections; `case` is the loaded row (id, version, status, ...).

    `events` are (kind, task_id, detail) tuples appended to the history. Returns the new version.
    """
    now = clock.now()
    events = [*events, *_timers_fired_unlisted(workflow, events)]
    with engine_errors():  # a watched timer's text runs again here: same budget, same located error
        runtime.sync_clock_timers(workflow)
    jurisdiction = deployed.jurisdiction
    tasks = runtime.open_user_tasks(workflow)
    timers = runtime.waiting_timers(workflow)
    done = workflow.is_completed()
    new_status = status or case.status
    if done and new_status == "open":
        new_status = "closed"
    summary = {
        "tracking": dict(workflow.data.get(TRACKING_KEY) or {}),
        "clocks": clock_views(workflow.data.get(CLOCKS_KEY), jurisdiction.calendar, now),
        "clock_state": dict(workflow.data.get(CLOCKS_KEY) or {}),
        "outcome": outcome_of(workflow, deployed.interrupting_messages) if done else None,
        "current": [t.title for t in tasks],
    }
    conn = session.connection()
    is_open = new_status == "open" and not done
    due = next_due(jurisdiction.calendar, [t.due_at for t in tasks], summary["clock_state"], is_open)
    result = conn.execute(_UPDATE_CASE, dict(b_next_due=due,
        b_id=case.id, b_version=case.version, b_workflow=serialization.dumps(workflow), b_new_version=case.version + 1,
        b_status=new_status, b_summary=summary, b_now=now,
        b_closed_at=now if done and case.closed_at is None else case.closed_at))
    if result.rowcount != 1:
        raise Conflict("this case was changed by someone else in the meantime; reload and try again")
    report_facts.write(conn, case.id, jurisdiction, new_status, summary, events)

    previous = {r.id: r for r in conn.execute(_SELECT_TASKS, {"b_id": case.id})}
    conn.execute(_DELETE_TASKS, {"b_id": case.id})
    conn.execute(_DELETE_TIMERS, {"b_id": case.id})
    rows = []
    requester_name = (conn.execute(_DISPLAY_NAME, {"b_name": case.requester}).scalar() or case.requester) \
        if tasks else case.requester
    for t in tasks:
        old = previous.get(t.id)
        role = jurisdiction.role_for_lane(t.lane) or (t.lane or "")
        rows.append(dict(id=t.id, case_id=case.id, spec_id=t.spec_id, process_id=t.process_id, title=t.title,
                         role=role, assignee=old.assignee if old else None, form_key=t.form_key,
                         due_at=t.due_at, created_at=old.created_at if old else now,
                         jurisdiction=case.jurisdiction, requester=case.requester,
                         search=search_text(case.title, t.title, requester_name)))
        if old is None:
            events.append(("task_opened", t.id, {"task": t.title, "role": role,
                                                 "due": t.due_at.isoformat() if t.due_at else None}))
    if rows:
        conn.execute(_INSERT_TASK, rows)
    notify.enqueue(conn, deployed, case, rows, previous, new_status)
    if timers:
        conn.execute(_INSERT_TIMER, [dict(id=t.id, case_id=case.id, spec_id=t.spec_id, fire_at=t.fire_at,
                                          interrupting=t.interrupting) for t in timers])
    if done and case.status == "open":
        events.append(("case_closed", None, {"outcome": summary["outcome"]}))
    if events:
        conn.execute(_INSERT_EVENT, [dict(case_id=case.id, at=now, actor=actor, kind=k, task_id=tid, detail=detail)
                                     for k, tid, detail in events])
    return case.version + 1


def _timers_fired_unlisted(workflow, events) -> list[tuple]:
    """Issue 8: a deadline already past when its timer is created fires inside the same engine run;
    it gets its `timer_fired` history entry like any timer the worker fires."""
    since = getattr(workflow, "raflow_loaded_at", None)
    if since is None:
        return []
    listed = {tid for kind, tid, _ in events if kind == "timer_fired"}
    return [("timer_fired", tid, {"timer": spec_id}) for tid, spec_id in runtime.timers_fired_since(workflow, since)
            if tid not in listed]
