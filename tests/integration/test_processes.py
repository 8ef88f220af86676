"""The procedures we ship: each jurisdiction lints clean, passes bpmnlint's recommended rules, and has
a full diagram layout (a shape for every flow element, lane and pool; an edge for every flow), so it
opens and reads well in the Camunda Modeler and bpmn.io."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from support import ROOT, unavailable

from engine.definitions import lint_bundle, read_folder

JURISDICTIONS = sorted(p.parent for p in (ROOT / "processes").glob("*/jurisdiction.toml"))
BPMN_FILES = sorted((ROOT / "processes").glob("*/*.bpmn"))
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI"}
FLOW_NODES = ("task", "userTask", "scriptTask", "serviceTask", "manualTask", "callActivity", "subProcess",
              "startEvent", "endEvent", "boundaryEvent", "intermediateCatchEvent", "intermediateThrowEvent",
              "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway")


def test_there_are_jurisdictions_to_check():
    assert {p.name for p in JURISDICTIONS} >= {"navy", "santa_cruz"}


@pytest.mark.parametrize("folder", JURISDICTIONS, ids=lambda p: p.name)
def test_jurisdiction_lints_clean(folder):
    assert [str(p) for p in lint_bundle(read_folder(folder))] == []


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_element_has_a_layout(path: Path):
    root = etree.parse(str(path)).getroot()
    shapes = {s.get("bpmnElement") for s in root.iterfind(".//bpmndi:BPMNShape", NS)}
    edges = {e.get("bpmnElement") for e in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    nodes = [n.get("id") for tag in FLOW_NODES for n in root.iterfind(f".//bpmn:{tag}", NS)]
    nodes += [n.get("id") for n in root.iterfind(".//bpmn:lane", NS)]
    nodes += [n.get("id") for n in root.iterfind(".//bpmn:participant", NS)]
    flows = [f.get("id") for f in root.iterfind(".//bpmn:sequenceFlow", NS)]
    assert nodes and flows
    assert [n for n in nodes if n not in shapes] == [], "elements without a shape"
    assert [f for f in flows if f not in edges] == [], "sequence flows without an edge"


def test_bpmnlint_recommended_rules_pass():
    npx = shutil.which("npx")
    if not npx or not (ROOT / "node_modules" / "bpmnlint").is_dir():
        unavailable("bpmnlint is not installed (make installs it with npm ci)")
    proc = subprocess.run([npx, "--no-install", "bpmnlint", *map(str, BPMN_FILES)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
