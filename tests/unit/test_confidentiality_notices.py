"""Whoever receives medical information is told in the task that it is confidential (Navy manual 1-5; California
§ 11068 and PAM II.13.A): every user task whose form has a field marked x-confidential says so in its instructions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "s": "http://spiffworkflow.org/bpmn/schema/1.0/core"}


def _medical_tasks():
    """(file, task id, instructions, medical fields) of every user task whose form asks for medical information."""
    out = []
    for path in sorted((ROOT / "processes").glob("*/*.bpmn")):
        for task in etree.parse(str(path)).getroot().iter(f"{{{NS['bpmn']}}}userTask"):
            key = task.find(".//s:property[@name='formKey']", NS).get("value")
            form = json.loads((ROOT / "forms" / path.parent.name / f"{key}.json").read_text())
            medical = [name for name, spec in form["properties"].items() if spec.get("x-confidential") == "medical"]
            if medical:
                out.append((path.name, task, medical))
    return out


MEDICAL = _medical_tasks()


def test_there_are_tasks_with_medical_fields():
    assert len(MEDICAL) > 10


@pytest.mark.parametrize("file,task,medical", MEDICAL, ids=[f"{f}:{t.get('id')}" for f, t, _ in MEDICAL])
def test_tasks_with_medical_fields_say_they_are_confidential(file, task, medical):
    instructions = task.findtext(".//s:instructionsForEndUser", namespaces=NS) or ""
    assert "confidential" in instructions.lower(), f"{file}: {task.get('id')} asks for {medical} without saying so"
