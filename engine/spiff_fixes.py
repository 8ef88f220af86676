"""Fixes for SpiffWorkflow 3.2 behaviour that breaks a multi-case engine. Applied once by `apply()`.

`BpmnStartTask.trigger_wf` (a message-started event subprocess, e.g. withdrawal) connects the process's
start to the event subprocess *in the shared spec*. raflow parses a version once and runs every case on
it, so after one case caught the message every later case would start that event subprocess at once and
never complete. The fixed version adds the triggered task to this case's tree only; the link from the
event subprocess to the process end is made at parse time (`prepare_spec`), so nothing shared changes
while cases run.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.control import BpmnStartTask
from SpiffWorkflow.util.task import TaskState


def _link(start, task_spec) -> None:
    """Start is an input of the event subprocess (SpiffWorkflow checks that), but the event subprocess
    is never an output of start (that would start it in every new case)."""
    if start.name not in task_spec._inputs:
        task_spec._inputs.append(start.name)
    if start._wf_spec.end not in task_spec.outputs:
        task_spec.connect(start._wf_spec.end)


def _trigger_wf(self, my_task, spec_name):
    spec = self._wf_spec.task_specs.get(spec_name)
    _link(self, spec)  # a no-op on specs prepared by prepare_spec
    child = my_task._add_child(spec, TaskState.FUTURE)
    child.triggered = True
    child.task_spec._update(child)
    return child.id


def prepare_spec(spec) -> None:
    """Link each message-triggered event subprocess to the end once, before any case runs."""
    for name in spec.start.trigger_specs:
        _link(spec.start, spec.task_specs[name])


_applied = False


def apply() -> None:
    global _applied
    if not _applied:
        BpmnStartTask.trigger_wf = _trigger_wf
        _applied = True
