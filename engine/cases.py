"""The cases service: start a case, list/claim/release/complete tasks, withdraw, send case events,
fire due timers. Each call is one transaction: the workflow and every projection change together or
not at all. The web layer and the CLI call only this (and definitions/users), never SpiffWorkflow.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import and_, bindparam, or_, select, update

from . import access, accounts, case_events, clock, form_context, incidents, letters, permissions, runtime
from .definitions import Registry
from .errors import Conflict, Forbidden, NotFound, RaflowError, ValidationFailed
from .helpers import HELPER_NAMES, TRACKING_KEY
from .history import record_event
from .projections import clock_views, save_case
from .step_errors import engine_errors as _engine_errors
from .store import Case, Event, Task, Timer, User, case_id_of

log = logging.getLogger("raflow.cases")
_DATA_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass
class TaskRow:
    id: str
    case_id: int
    title: str
    role: str
    assignee: str | None
    form_key: str | None
    due_at: object
    created_at: object
    case_title: str
    requester: str
    jurisdiction: str
    spec_id: str


class CaseService:
    def __init__(self, db, registry: Registry | None = None):
        self.db = db
        self.registry = registry or Registry()

    # -- starting ----------------------------------------------------------------------------
    def start_case(self, jurisdiction: str, process_id: str, actor_name: str, data: dict | None = None,
                   requester: str | None = None, title: str | None = None, new_person: dict | None = None) -> int:
        """`new_person` ({display_name, email, requester_type}): staff record a request for someone with no
        account; the account and its invitation (engine.accounts) are made in the case's own transaction."""
        data = _check_start_data(data or {})
        with self.db.transaction() as s:
            actor = access.load_actor(s, actor_name)
            deployed = self.registry.current(s, jurisdiction)
            if actor.jurisdiction != jurisdiction:
                raise Forbidden(f"{actor.name} belongs to {actor.jurisdiction}, not {jurisdiction}")
            if process_id not in deployed.jurisdiction.start_processes:
                starts = ", ".join(deployed.jurisdiction.start_processes)
                raise NotFound(f"process {process_id!r} cannot be started in {jurisdiction} (startable: {starts})")
            if new_person is not None:
                if not access.is_staff(actor, jurisdiction):
                    raise Forbidden("only staff may record a request on someone else's behalf")
                person = accounts.invite(s, deployed, actor.name, new_person)
                requester = person["name"]
                data = {"requester_name": person["display_name"], "requester_type": person["requester_type"], **data}
            requester = (requester or actor.name).strip()
            if requester != actor.name and not access.is_staff(actor, jurisdiction):
                raise Forbidden("only staff may record a request on someone else's behalf")
            other = s.execute(select(User.jurisdiction).where(User.name == requester)).scalar()
            if other is not None and other != jurisdiction:
                raise ValidationFailed({"requester": f"{requester} is a user of another jurisdiction"})
            return self._create_case(s, actor, deployed, process_id, requester, title, data)

    def _create_case(self, s, actor, deployed, process_id, requester, title, data, detail=None) -> int:
        spec, subs = deployed.specs(process_id)
        now = clock.now()
        case = Case(jurisdiction=deployed.jurisdiction.key, process_id=process_id, definition_id=deployed.version_id,
                    status="open", requester=requester, started_by=actor.name,
                    title=(title or f"{spec.description or process_id} for {requester}")[:256],
                    created_at=now, updated_at=now, summary={}, workflow="{}", version=0)
        s.add(case)
        s.flush()
        workflow = runtime.mark_loaded(BpmnWorkflow(spec, subs, script_engine=deployed.script_engine))
        start_data = {"case_id": case.id, "case_requester": requester, "case_started_by": actor.name, **data}
        with _engine_errors():
            for task in workflow.get_tasks(state=TaskState.READY):
                task.set_data(**start_data)
            workflow.do_engine_steps()
        save_case(s, case, workflow, deployed, actor.name,
                  [("case_started", None, {"process": process_id, "requester": requester,
                                           "version": deployed.content_hash[:12], **(detail or {})})])
        return case.id

    # -- tasks -------------------------------------------------------------------------------
    def list_tasks(self, actor_name: str, scope: str = "all", case_id: int | None = None) -> list[TaskRow]:
        """My tasks (assigned to me), my role queues (unassigned, a role I hold), my requester tasks;
        every one of them (engine.inbox pages them), or those of one case."""
        with self.db.transaction() as s:
            actor = access.load_actor(s, actor_name)
            mine = Task.assignee == actor.name
            queue = and_(Task.assignee.is_(None), or_(
                and_(Task.role.in_(actor.roles - {access.REQUESTER}), Case.jurisdiction == actor.jurisdiction),
                and_(Task.role == access.REQUESTER, Case.requester == actor.name)))
            where = {"mine": mine, "queue": queue}.get(scope, or_(mine, queue))
            if case_id is not None:
                where = and_(where, Task.case_id == case_id)
            rows = s.execute(
                select(Task.id, Task.case_id, Task.title, Task.role, Task.assignee, Task.form_key, Task.due_at,
                       Task.created_at, Case.title.label("case_title"), Case.requester, Case.jurisdiction,
                       Task.spec_id)
                .join(Case, Case.id == Task.case_id).where(where)
                .order_by(Task.due_at.is_(None), Task.due_at, Task.created_at))
            return [TaskRow(*r) for r in rows]

    def get_task(self, task_id: str, actor_name: str) -> dict:
        """A task with its form, instructions and the case data the actor may see."""
        with self.db.transaction() as s:
            actor = access.load_actor(s, actor_name)
            row, case = self.workable_task(s, task_id, actor)
            deployed = self.registry.get(s, case.definition_id)
            workflow = deployed.load_workflow(case)
            task = runtime.find_task(workflow, task_id)
            form = deployed.form(row.form_key)
            values = {k: v for k, v in task.data.items() if form and k in form.fields}
            if form:
                values = form_context.prefilled(s, deployed, case, form, task, values)
            confidential = form.confidential_fields if form else frozenset()
            allowed = access.may_see_confidential(actor, jurisdiction=case.jurisdiction, requester=case.requester,
                                                  need_to_know=deployed.jurisdiction.need_to_know)
            return {"id": row.id, "case_id": case.id, "title": row.title, "role": row.role,
                    "assignee": row.assignee, "due_at": row.due_at, "form_key": row.form_key,
                    "form": form.schema if form else None, "instructions": runtime.instructions_of(task),
                    "values": access.redact(values, confidential, allowed), "case_version": case.version}

    def claim(self, task_id: str, actor_name: str) -> None:
        with self.db.transaction() as s:
            actor = access.load_actor(s, actor_name)
            row, case = self._task_and_case(s, task_id, actor)
            if row.assignee == actor.name:
                return
            if row.assignee is not None:
                raise Conflict(f"task already claimed by {row.assignee}")
            access.check_can_work(actor, jurisdiction=case.jurisdiction, role=row.role, assignee=None,
                                  requester=case.requester)
            done = s.execute(update(Task).where(Task.id == task_id, Task.assignee.is_(None))
                             .values(assignee=actor.name))
            if done.rowcount != 1:
                raise Conflict("task was claimed by someone else in the meantime")
            record_event(s, case.id, actor.name, "task_claimed", task_id, {"task": row.title})

    def release(self, task_id: str, actor_name: str) -> None:
        with self.db.transaction() as s:
            actor = access.load_actor(s, actor_name)
            row, case = self._task_and_case(s, task_id, actor)
            if row.assignee != actor.name:
                raise Forbidden("only the person who claimed a task can release it")
            s.execute(update(Task).where(Task.id == task_id).values(assignee=None))
            record_event(s, case.id, actor.name, "task_released", task_id, {"task": row.title})

    def complete(self, task_id: str, actor_name: str, data: dict, expected_version: int | None = None) -> int:
        """Validate the form data, complete the task, run the engine to the next wait; returns case id."""
        with self.db.transaction() as s:
            actor = access.load_actor(s, actor_name)
            row, case = self.workable_task(s, task_id, actor)
            if expected_version is not None and expected_version != case.version:
                raise Conflict("this case changed since you opened the task; reload and try again")
            deployed = self.registry.get(s, case.definition_id)
            form = deployed.form(row.form_key)
            workflow = deployed.load_workflow(case)
            task = runtime.find_task(workflow, task_id)
            if task is None or task.state != TaskState.READY:
                raise Conflict("this task is no longer open (already completed or cancelled)")
            clean = (form.validate(form_context.kept(form, task, data), form_context.of(deployed, task))
                     if form else _check_start_data(data))
            tracked = {k: clean[k] for k in deployed.jurisdiction.tracking_fields
                       if k in clean and not (form and k in form.confidential_fields)}
            if tracked:  # before the step's scripts run, so a script's track() can refine a form value
                workflow.data.setdefault(TRACKING_KEY, {}).update(tracked)
            letter = letters.prepare(s, deployed, case, task, row, clean, actor)
            shown = access.redact(clean, form.confidential_fields if form else frozenset(), False)
            with _engine_errors():
                runtime.complete_user_task(workflow, task, {**clean, **letters.case_data_of(letter)} if letter
                                           else clean)
            if letter:  # before the case's own events, so the history ends with the case closing
                letters.store(s, case, letter, actor, row, deployed=deployed)
            save_case(s, case, workflow, deployed, actor.name,
                      [("task_completed", task_id, {"task": row.title, "data": shown})])
            return case.id

    # -- case events -------------------------------------------------------------------------
    def withdraw(self, case_id: int, actor_name: str, reason: str = "") -> None:
        """Navy 1-7: withdrawal at any point closes the request (the diagram sends the confirmation)."""
        with self.db.transaction() as s:
            actor, case, deployed, workflow = self._open_case_for_event(s, case_id, actor_name, "withdraw")
            with _engine_errors():
                delivered = runtime.send_message(workflow, "withdrawal", {"withdrawal_reason": reason},
                                                 interrupting="withdrawal" in deployed.interrupting_messages)
                if not delivered:
                    workflow.cancel()
            save_case(s, case, workflow, deployed, actor.name,
                      [("case_withdrawn", None, {"reason": reason[:500]})], status="withdrawn")

    def send_event(self, case_id: int, name: str, actor_name: str, data: dict | None = None) -> int:
        """Deliver a named case event (e.g. ada_complaint) the diagram catches with a message event.

        Sent to a closed case, an event its jurisdiction's [reopen] table names (Navy 6-2, 1-6) starts a
        revision case linked to it (engine.case_events). Returns the id of the case that took the event.
        """
        payload = _check_start_data(data or {})
        with self.db.transaction() as s:
            actor = access.load_actor(s, actor_name)
            case = self._case(s, case_id)
            deployed = self.registry.get(s, case.definition_id)
            permissions.check_action(s, actor, case, "case_event", deployed.jurisdiction.config, event=name)
            if case.status != "open":
                return self._reopen(s, actor, case, deployed, name, payload)
            workflow = deployed.load_workflow(case)
            if not runtime.catches_message(workflow, name):
                raise NotFound(f"this procedure has no case event {name!r}")
            with _engine_errors():
                if not runtime.send_message(workflow, name, payload, name in deployed.interrupting_messages):
                    raise Conflict(f"the case is not waiting for {name!r} now")
            save_case(s, case, workflow, deployed, actor.name, [("case_event", None, {"event": name})])
            return case.id

    def _reopen(self, s, actor, case, deployed, name, payload) -> int:
        problem = case_events.reopen_problem(case, name, deployed.jurisdiction.config)
        if problem:
            raise Conflict(problem)
        if name not in case_events.caught_events(deployed, case.process_id):
            raise NotFound(f"this procedure has no case event {name!r}")
        current = self.registry.current(s, case.jurisdiction)
        process_id, data, title = case_events.revision_start(case, name, payload, current.jurisdiction.config)
        new_id = self._create_case(s, actor, current, process_id, case.requester, title, data,
                                   {"reopens": case.id, "event": name})
        record_event(s, case.id, actor.name, "case_reopened", None, {"event": name, "case": new_id})
        return new_id

    # -- timers ------------------------------------------------------------------------------
    def due_case_ids(self, limit: int = 100) -> list[int]:
        with self.db.transaction() as s:
            rows = s.execute(select(Timer.case_id).where(Timer.fire_at < clock.now())
                             .order_by(Timer.fire_at).limit(limit)).scalars()
            return list(dict.fromkeys(rows))

    def fire_due_timers(self, limit: int = 100) -> int:
        """Fire every due timer of up to `limit` cases; returns how many timers fired.

        Each case is its own transaction; on PostgreSQL the case row is locked with SKIP LOCKED and
        due-ness re-checked under the lock, so any number of workers fire each timer exactly once.
        """
        fired = 0
        for case_id in self.due_case_ids(limit):
            try:
                fired += self._fire_case(case_id)
            except Conflict:
                continue
            except Exception as err:  # noqa: BLE001 - one broken case must not stop every other deadline
                self._record_failure(case_id, err)
        return fired

    def _fire_case(self, case_id: int) -> int:
        with self.db.transaction() as s:
            q = select(Case).where(Case.id == case_id)
            if self.db.is_postgres:
                q = q.with_for_update(skip_locked=True)
            case = s.execute(q).scalar()
            if case is None:
                return 0
            now = clock.now()
            due = list(s.execute(select(Timer.id, Timer.spec_id).where(Timer.case_id == case_id,
                                                                         Timer.fire_at < now)))
            if not due:
                return 0
            deployed = self.registry.get(s, case.definition_id)
            workflow = deployed.load_workflow(case)
            with _engine_errors():
                runtime.fire_timers(workflow)
            save_case(s, case, workflow, deployed, "timer",
                      [("timer_fired", t.id, {"timer": t.spec_id}) for t in due])
            return len(due)

    def _record_failure(self, case_id: int, err: Exception) -> None:
        """The case becomes an incident (engine.incidents); the log names the element only."""
        message = str(err) if isinstance(err, RaflowError) else f"internal error ({type(err).__name__})"
        log.error("case %s: timer could not fire at %s; incident opened", case_id, message.split(":", 1)[0])
        with self.db.transaction() as s:
            incidents.open_incident(s, case_id, message)

    # -- reading -----------------------------------------------------------------------------
    def get_case(self, case_id: int, actor_name: str) -> dict:
        with self.db.transaction() as s:
            actor = access.load_actor(s, actor_name)
            case = self._case(s, case_id)
            access.check_view_case(s, actor, case)
            tasks = s.execute(select(Task.id, Task.title, Task.role, Task.assignee, Task.due_at)
                              .where(Task.case_id == case_id).order_by(Task.created_at)).all()
            events = s.execute(select(Event.at, Event.actor, Event.kind, Event.task_id, Event.detail)
                               .where(Event.case_id == case_id).order_by(Event.id)).all()
            summary = dict(case.summary or {})
            if summary.get("clock_state"):
                calendar = self.registry.get(s, case.definition_id).jurisdiction.calendar
                summary["clocks"] = clock_views(summary["clock_state"], calendar)
            return {"id": case.id, "title": case.title, "jurisdiction": case.jurisdiction,
                    "process_id": case.process_id, "status": case.status, "requester": case.requester,
                    "started_by": case.started_by, "created_at": case.created_at, "closed_at": case.closed_at,
                    "version": case.version, "summary": summary,
                    "tasks": [dict(r._mapping) for r in tasks], "history": [dict(r._mapping) for r in events]}

    def load_workflow(self, case_id: int):
        """The live workflow of a case (read-only use: tests, diagrams, diagnostics)."""
        with self.db.transaction() as s:
            case = self._case(s, case_id)
            return self.registry.get(s, case.definition_id).load_workflow(case)

    # -- internals ---------------------------------------------------------------------------
    def _open_case_for_event(self, s, case_id, actor_name, action):
        """Withdrawal and other case events: the requester, or staff who may see the case and whose role
        the jurisdiction's [permissions] allow the action (engine.permissions); on an open case only."""
        actor = access.load_actor(s, actor_name)
        case = self._case(s, case_id)
        deployed = self.registry.get(s, case.definition_id)
        permissions.check_action(s, actor, case, action, deployed.jurisdiction.config)
        if case.status != "open":
            raise Conflict(f"the case is {case.status}; withdrawal and case events go to open cases only")
        return actor, case, deployed, deployed.load_workflow(case)

    def _case(self, s, case_id):
        wanted = case_id_of(case_id)
        case = s.connection().execute(_SELECT_CASE, {"b_id": wanted}).first() if wanted else None
        if case is None:
            raise NotFound(f"no case {case_id}")
        return case

    def workable_task(self, s, task_id, actor):
        """The open task and its case for an actor who may work it: the one check every step view,
        draft and completion goes through (404 for a case they may not know, else 403)."""
        row, case = self._task_and_case(s, task_id, actor)
        access.check_can_work(actor, jurisdiction=case.jurisdiction, role=row.role, assignee=row.assignee,
                              requester=case.requester)
        return row, case

    def _task_and_case(self, s, task_id, actor):
        """The open task and its case; 404 when the actor may not see the case (the 404 rule)."""
        if not _is_uuid(task_id):
            raise NotFound(f"no open task {str(task_id)[:40]!r}")
        row = s.connection().execute(_SELECT_TASK, {"b_id": str(task_id)}).first()
        if row is None:
            done = s.execute(select(Event.case_id).where(Event.task_id == str(task_id),
                                                         Event.kind == "task_completed")).first()
            if done and access.can_view_case(s, actor, self._case(s, done.case_id)):
                raise Conflict("this task was already completed")
            raise NotFound(f"no open task {task_id}")
        case = self._case(s, row.case_id)
        if not access.can_view_case(s, actor, case) \
                and not access.can_work_task_only(s, actor, case, row.role, row.assignee):
            raise NotFound(f"no open task {task_id}")
        return row, case


_SELECT_CASE = Case.__table__.select().where(Case.__table__.c.id == bindparam("b_id"))
_SELECT_TASK = Task.__table__.select().where(Task.__table__.c.id == bindparam("b_id"))


def _is_uuid(value) -> bool:
    try:
        return str(UUID(str(value))) == str(value).lower()
    except ValueError:
        return False



def _check_start_data(data) -> dict:
    if not isinstance(data, dict):
        raise ValidationFailed({"_data": "data must be a JSON object of field values"})
    errors = {str(k): "field names must be snake_case and not a helper name" for k in data
              if not isinstance(k, str) or not _DATA_KEY.match(k) or k in HELPER_NAMES}
    if errors:
        raise ValidationFailed(errors)
    return dict(data)
