"""What raflow reads from and does to a running SpiffWorkflow workflow, with no database involved.

Projections (open user tasks with role, form and due date; waiting timers with fire time), moving
timers that watch a case clock, completing a task, firing timers and delivering case events.
"""

from __future__ import annotations

import ast
import time
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from .clock import parse_instant


@dataclass(frozen=True)
class OpenTask:
    id: str
    spec_id: str
    process_id: str
    title: str
    lane: str | None
    form_key: str | None
    due_at: datetime | None


@dataclass(frozen=True)
class WaitingTimer:
    id: str
    spec_id: str
    fire_at: datetime
    interrupting: bool


def open_user_tasks(workflow: BpmnWorkflow) -> list[OpenTask]:
    out = []
    for task in workflow.get_tasks(state=TaskState.READY, manual=True):
        spec = task.task_spec
        props = spec.extensions.get("properties", {}) if hasattr(spec, "extensions") else {}
        out.append(OpenTask(
            id=str(task.id), spec_id=spec.bpmn_id, process_id=task.workflow.spec.name,
            title=spec.bpmn_name or spec.bpmn_id, lane=spec.lane, form_key=props.get("formKey"),
            due_at=_due_of(task)))
    return out


def instructions_of(task) -> str:
    spec = task.task_spec
    return (getattr(spec, "extensions", {}) or {}).get("instructionsForEndUser") or ""


def _due_of(task) -> datetime | None:
    """A task is due when the earliest timer on its boundary fires; a non-interrupting timer that has
    already fired (an overdue notice went out) still marks when the task was due."""
    parent = task.parent
    if parent is None:
        return None
    times = [t.fire_at for t in (_timer(s, fired_too=True) for s in parent.children if s is not task)
             if t is not None]
    return min(times) if times else None


def waiting_timers(workflow: BpmnWorkflow) -> list[WaitingTimer]:
    timers = []
    for task in list(workflow.event_manager.tasks.values()):
        timer = _timer(task)
        if timer is not None:
            timers.append(timer)
    return timers


def _timer(task, fired_too: bool = False) -> WaitingTimer | None:
    spec = task.task_spec
    definition = getattr(spec, "event_definition", None)
    states = TaskState.WAITING | TaskState.COMPLETED if fired_too else TaskState.WAITING
    if not isinstance(definition, TimerEventDefinition) or not task.state & states:
        return None
    value = task._get_internal_data("event_value")
    if value is None:
        return None
    if isinstance(definition, CycleTimerEventDefinition):
        if not isinstance(value, dict) or value.get("cycles") == 0:
            return None
        value = value["next"]
    elif isinstance(definition, TimeDateEventDefinition):
        value = TimerEventDefinition.parse_time_or_duration(value).isoformat()
    return WaitingTimer(str(task.id), spec.bpmn_id, parse_instant(value), bool(getattr(spec, "cancel_activity", True)))


@lru_cache(maxsize=1024)
def watched_clocks(expression: str) -> frozenset[str]:
    """Clock names a timer text watches: literal arguments of clock_due("name")."""
    if "clock_due" not in expression:
        return frozenset()
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return frozenset()
    names = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "clock_due"
                and node.args and isinstance(node.args[0], ast.Constant)):
            names.add(str(node.args[0].value))
    return frozenset(names)


def sync_clock_timers(workflow: BpmnWorkflow) -> list[str]:
    """Re-evaluate every waiting timer that watches a case clock, so no stale deadline remains.

    SpiffWorkflow evaluates a timer text once and stores the fire time; when a clock is held,
    resumed or expedited, this rewrites that stored time. Returns the ids of timers that moved.
    """
    moved = []
    for task in list(workflow.event_manager.tasks.values()):
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, TimeDateEventDefinition) or task.state != TaskState.WAITING:
            continue
        if not watched_clocks(definition.expression):
            continue
        value = workflow.script_engine.evaluate(task, definition.expression)
        if value != task._get_internal_data("event_value"):
            task._set_internal_data(event_value=value)
            moved.append(str(task.id))
    return moved


def complete_user_task(workflow: BpmnWorkflow, task, data: dict) -> None:
    task.set_data(**data)
    task.run()
    workflow.do_engine_steps()


def find_task(workflow: BpmnWorkflow, task_id):
    from uuid import UUID

    try:
        return workflow.get_task_from_id(UUID(str(task_id)))
    except (ValueError, KeyError, TypeError):
        return None


def timers_fired_since(workflow: BpmnWorkflow, since: float) -> list[tuple[str, str]]:
    """(task id, element id) of timer events that completed at or after `since` (time.time())."""
    out = []
    for task in workflow.get_tasks(state=TaskState.COMPLETED):
        if isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition) \
                and task.last_state_change >= since:
            out.append((str(task.id), task.task_spec.bpmn_id))
    return out


def mark_loaded(workflow: BpmnWorkflow) -> BpmnWorkflow:
    """Remember when this run began, so timers fired during it are recorded (timers_fired_since)."""
    workflow.raflow_loaded_at = time.time()
    return workflow


def fire_timers(workflow: BpmnWorkflow) -> None:
    workflow.refresh_timers()
    workflow.do_engine_steps()


def catches_message(workflow: BpmnWorkflow, name: str) -> bool:
    """Whether the diagram has a message event named `name` that could catch now."""
    for process in [workflow.spec, *workflow.subprocess_specs.values()]:
        for spec in process.task_specs.values():
            definition = getattr(spec, "event_definition", None)
            if isinstance(spec, CatchingEvent) and isinstance(definition, MessageEventDefinition) \
                    and definition.name == name:
                return True
    return False


def send_message(workflow: BpmnWorkflow, name: str, payload: dict, interrupting: bool = False) -> bool:
    """Deliver a case event (e.g. withdrawal) to the diagram; False if nothing was waiting for it.

    SpiffWorkflow 3.2 ignores `isInterrupting` on event subprocess start events, so for an interrupting
    one we cancel the rest of the process ourselves, as BPMN requires (Navy 1-7: withdrawal closes it).
    """
    caught = workflow.event_manager.catch(BpmnEvent(MessageEventDefinition(name), payload), internal=False)
    if not caught:
        return False
    workflow.do_engine_steps()
    if interrupting:
        _interrupt_for(workflow, name)
        workflow.do_engine_steps()
    return True


def _interrupt_for(workflow: BpmnWorkflow, message: str) -> None:
    keep = {sp.parent_task_id for sp in workflow.get_active_subprocesses()
            if sp.parent_workflow is workflow and _starts_on(sp.spec, message)}
    active = TaskState.READY | TaskState.WAITING | TaskState.STARTED
    for task in list(workflow.get_tasks(state=active)):
        if task.workflow is workflow and task.id not in keep and task.state & active:
            task.cancel()


def _starts_on(spec, message: str) -> bool:
    for ts in spec.task_specs.values():
        definition = getattr(ts, "event_definition", None)
        if isinstance(definition, MessageEventDefinition) and definition.name == message \
                and type(ts).__name__ == "StartEvent":
            return True
    return False
