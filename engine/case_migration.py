"""Move running cases to a newer deployed version of their jurisdiction (`raflow migrate`).

Publishing leaves running cases on the version they started on. Moving one uses SpiffWorkflow 3's
`SpiffWorkflow.bpmn.util.diff` (`diff_workflow` aligns the case's task specs with the new version's,
`migrate_workflow` re-points the tasks): a case whose current step (an open task or a waiting event, in
the main process or a called one) no longer exists, changed type, or whose called process is gone cannot
move, and the reason says which step. Open steps and waiting timers are kept as they are (no reset), so a
task keeps its id, assignee and due time; a waiting timer whose text changed is evaluated anew with the
new text, and timers on a case clock are re-read from the clock as on every save. Each move is one
transaction, recorded in the case's history with both versions.
"""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update

from . import serialization
from .errors import Conflict, NotFound
from .store import Case

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
# migrate_workflow resets and re-predicts tasks in its mask (READY|WAITING by default), which would drop
# stored timer fire times and re-open tasks under new ids; no task of ours is ever in ERROR, so this keeps them.
_KEEP_ACTIVE = TaskState.ERROR


@dataclass
class Move:
    case_id: int
    title: str
    from_version: int
    to_version: int
    can_move: bool
    reason: str = ""
    moved: bool = False

    def as_dict(self) -> dict:
        return dict(case_id=self.case_id, title=self.title, from_version=self.from_version,
                    to_version=self.to_version, can_move=self.can_move, reason=self.reason, moved=self.moved)

    def __str__(self) -> str:
        head = f"case {self.case_id} (version {self.from_version} -> {self.to_version})"
        if self.moved:
            return f"{head}: moved"
        return f"{head}: can move" if self.can_move else f"{head}: cannot move: {self.reason}"


def _registry():
    return serialization.embedded_serializer().registry


def _check(workflow, old, new, process_id):
    """(diffs or None, reason): whether `workflow` on `old` can move to `new`, and the diffs to do it."""
    if process_id not in new._parser.get_process_ids():
        return None, f"process {process_id!r} is not in version {new.version_id}"
    spec, subs = new.specs(process_id)
    top, sub_diffs = diff_workflow(_registry(), workflow, spec, subs)
    diff_of = {id(workflow): top}
    for sp_id, sp in workflow.subprocesses.items():
        if sub_diffs.get(sp_id) is None and sp.spec.name not in subs:
            return None, f"called process {sp.spec.name!r} is not in version {new.version_id}"
        diff_of[id(sp)] = sub_diffs.get(sp_id)
    for task in workflow.get_tasks(state=ACTIVE):
        diff = diff_of.get(id(task.workflow))
        name = f'{task.task_spec.bpmn_id} "{task.task_spec.bpmn_name or ""}"'.replace(' ""', "")
        if diff is None:
            continue
        if task.task_spec.bpmn_id is None:
            continue  # SpiffWorkflow's own bookkeeping specs (start, end, boundary split)
        if task in diff.removed or diff.alignment.get(task) is None:
            return None, f"its current step {name} is not in version {new.version_id}"
        if type(diff.alignment[task]) is not type(task.task_spec):
            return None, f"its current step {name} changed type in version {new.version_id}"
    return (top, sub_diffs, spec, subs), ""


def _migrate(workflow, diffs, new):
    top, sub_diffs, spec, subs = diffs
    changed_timers = _changed_timer_specs(workflow, top, sub_diffs)
    migrate_workflow(top, workflow, spec, reset_mask=_KEEP_ACTIVE)
    workflow.subprocess_specs = subs
    for sp_id, sp in workflow.subprocesses.items():
        if sub_diffs.get(sp_id) is not None:
            migrate_workflow(sub_diffs[sp_id], sp, subs[sp.spec.name], reset_mask=_KEEP_ACTIVE)
    workflow.script_engine = new.script_engine
    for task in workflow.get_tasks(state=TaskState.WAITING):
        if task.id in changed_timers:
            task.internal_data.pop("event_value", None)
            task.internal_data.pop("event_fired", None)
            task.task_spec.event_definition.has_fired(task)  # stores the fire time of the new text
    return sorted(changed_timers.values())


def _changed_timer_specs(workflow, top, sub_diffs) -> dict:
    """Waiting timer tasks whose timer text differs in the new version: task id -> BPMN id."""
    found = {}
    diffs = [top, *[d for d in sub_diffs.values() if d is not None]]
    for diff in diffs:
        for task in diff.changed:
            new_spec = diff.alignment.get(task)
            old_def = getattr(task.task_spec, "event_definition", None)
            new_def = getattr(new_spec, "event_definition", None)
            if (task.state == TaskState.WAITING and old_def is not None and new_def is not None
                    and getattr(old_def, "expression", None) != getattr(new_def, "expression", None)):
                found[task.id] = task.task_spec.bpmn_id
    return found


def plan(db, registry, jurisdiction: str, case_id=None) -> list[Move]:
    """Each open case of an older version of `jurisdiction` (or just `case_id`): can it move, or why not."""
    with db.transaction() as s:
        target = registry.current(s, jurisdiction)
        query = select(Case).where(Case.jurisdiction == jurisdiction, Case.status == "open",
                                   Case.definition_id != target.version_id).order_by(Case.id)
        if case_id is not None:
            query = select(Case).where(Case.id == int(case_id), Case.jurisdiction == jurisdiction)
        cases = list(s.execute(query).scalars())
        if case_id is not None and not cases:
            raise NotFound(f"no case {case_id} in {jurisdiction}")
        moves = []
        for case in cases:
            moves.append(_plan_one(s, registry, case, target))
        return moves


def _plan_one(session, registry, case, target) -> Move:
    move = Move(case.id, case.title, case.definition_id, target.version_id, False)
    if case.status != "open":
        move.reason = f"the case is {case.status}"
    elif case.definition_id == target.version_id:
        move.reason = f"already on version {target.version_id}"
    else:
        old = registry.get(session, case.definition_id)
        diffs, move.reason = _check(old.load_workflow(case), old, target, case.process_id)
        move.can_move = diffs is not None
    return move


def migrate(db, registry, jurisdiction: str, actor: str, case_ids=None) -> list[Move]:
    """Move every case that can move (or the given ones), each in its own transaction; returns the moves."""
    from .projections import save_case

    wanted = None if case_ids is None else {int(c) for c in case_ids}
    candidates = plan(db, registry, jurisdiction) if wanted is None else \
        [m for c in sorted(wanted) for m in plan(db, registry, jurisdiction, c)]
    done = []
    for move in candidates:
        if not move.can_move:
            done.append(move)
            continue
        with db.transaction() as s:
            case = s.execute(select(Case).where(Case.id == move.case_id)).scalar()
            target = registry.current(s, jurisdiction)
            if case.definition_id != move.from_version or target.version_id != move.to_version:
                raise Conflict(f"case {case.id} or its jurisdiction changed while moving; run migrate again")
            old = registry.get(s, case.definition_id)
            workflow = old.load_workflow(case)
            diffs, reason = _check(workflow, old, target, case.process_id)
            if diffs is None:
                move.can_move, move.reason = False, reason
                done.append(move)
                continue
            retimed = _migrate(workflow, diffs, target)
            detail = {"from_version": old.version_id, "to_version": target.version_id,
                      "from": old.content_hash[:12], "to": target.content_hash[:12]}
            if retimed:
                detail["timers_changed"] = retimed
            save_case(s, case, workflow, target, actor, [("case_migrated", None, detail)])
            s.execute(update(Case).where(Case.id == case.id).values(definition_id=target.version_id))
            move.moved = True
        done.append(move)
    return done
