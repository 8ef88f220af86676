"""Workflow (de)serialization with the spec stored by reference to the deployed version.

SpiffWorkflow embeds the whole spec in every serialized instance (most of its size and load time).
Our converter leaves the spec out; on load the caller hands over the cached specs of the case's
definition version. The script engine is not serialized: it is attached after every load.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

_specs: ContextVar[tuple] = ContextVar("raflow_specs")


class _SpecByReference(BpmnWorkflowConverter):
    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct):
        spec, subprocess_specs = _specs.get()
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_config = dict(SPIFF_CONFIG)
_config[BpmnWorkflow] = _SpecByReference
_serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config))
_embedded = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


def dumps(workflow: BpmnWorkflow) -> str:
    return _serializer.serialize_json(workflow)


def loads(text: str, spec, subprocess_specs, script_engine) -> BpmnWorkflow:
    dct = json.loads(text)
    _serializer.migrate(dct)
    token = _specs.set((spec, subprocess_specs))
    try:
        workflow = _serializer.from_dict(dct)
    finally:
        _specs.reset(token)
    workflow.script_engine = script_engine
    return workflow


def embedded_serializer() -> BpmnWorkflowSerializer:
    """SpiffWorkflow's stock serializer (spec embedded): the baseline the benchmark compares with."""
    return _embedded
