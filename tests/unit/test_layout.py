"""Every shipped diagram is readable as drawn: read from its diagram interchange (BPMN DI) shapes, labels and edges.

Text widths are estimated with DejaVu Sans metrics (tools/textmetrics.py), the font bpmn-js falls back to on
Debian and wider than Arial, so a label that fits here fits on screen. What a reader would notice: a task name
broken mid-word or spilling out of its box, a timer sitting on a task's name, an event subprocess whose title is
hidden, an end event whose label floats away from it, a flow drawn through a shape or a label, an empty lane.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tools.textmetrics import EXTERNAL_FONT, TASK_FONT, TASK_PADDING, text_height, text_width, wrap

ROOT = Path(__file__).resolve().parents[2]
DIAGRAMS = sorted((ROOT / "processes").glob("*/*.bpmn"))
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC", "di": "http://www.omg.org/spec/DD/20100524/DI"}
TASKS = {"userTask", "scriptTask", "callActivity", "task", "manualTask", "serviceTask", "sendTask", "receiveTask",
         "businessRuleTask"}
EXTERNAL = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
            "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway"}


def _bounds(el):
    b = el.find("dc:Bounds", NS)
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))


def _overlap(a, b, slack=0.0) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax + slack < bx + bw and bx + slack < ax + aw and ay + slack < by + bh and by + slack < ay + ah


def _segment_hits(p, q, box, slack=2.0) -> bool:
    (x1, y1), (x2, y2) = p, q
    x, y, w, h = box
    return min(x1, x2) < x + w - slack and max(x1, x2) > x + slack and min(y1, y2) < y + h - slack \
        and max(y1, y2) > y + slack


class Diagram:
    def __init__(self, path: Path):
        self.path = path
        root = etree.parse(str(path)).getroot()
        self.elements = {el.get("id"): el for el in root.iter() if el.get("id")}
        self.shapes, self.labels, self.edges = {}, {}, {}
        for s in root.iter(f"{{{NS['bpmndi']}}}BPMNShape"):
            self.shapes[s.get("bpmnElement")] = _bounds(s)
            label = s.find("bpmndi:BPMNLabel", NS)
            if label is not None and label.find("dc:Bounds", NS) is not None:
                self.labels[s.get("bpmnElement")] = _bounds(label)
        for e in root.iter(f"{{{NS['bpmndi']}}}BPMNEdge"):
            pts = [(float(w.get("x")), float(w.get("y"))) for w in e.findall("di:waypoint", NS)]
            label = e.find("bpmndi:BPMNLabel", NS)
            self.edges[e.get("bpmnElement")] = (pts, _bounds(label) if label is not None else None)
            if label is not None:
                self.labels[e.get("bpmnElement")] = _bounds(label)

    def kind(self, eid) -> str:
        return etree.QName(self.elements[eid]).localname

    def name(self, eid) -> str:
        return self.elements[eid].get("name") or ""

    def flow_nodes(self):
        return [eid for eid in self.shapes if self.kind(eid) in TASKS | EXTERNAL | {"subProcess"}]


@pytest.fixture(scope="module", params=DIAGRAMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def diagram(request):
    return Diagram(request.param)


def test_every_element_is_drawn(diagram):
    """Every flow node has a shape and every sequence flow an edge, so the file opens in any modeler."""
    d = diagram
    missing = [eid for eid, el in d.elements.items()
               if etree.QName(el).localname in TASKS | EXTERNAL | {"subProcess"} and eid not in d.shapes]
    missing += [eid for eid, el in d.elements.items()
                if etree.QName(el).localname == "sequenceFlow" and eid not in d.edges]
    assert not missing, f"{d.path.name}: not drawn: {missing}"


def test_task_names_fit_their_boxes(diagram):
    """No task name is broken mid-word or runs out of its box."""
    d = diagram
    bad = []
    for eid in d.flow_nodes():
        if d.kind(eid) not in TASKS:
            continue
        x, y, w, h = d.shapes[eid]
        lines = wrap(d.name(eid), w - 2 * TASK_PADDING, TASK_FONT)
        room = h - 10 if d.kind(eid) != "callActivity" else h - 40  # a call activity's marker sits at the bottom
        if lines is None or text_height(len(lines), TASK_FONT) > room:
            bad.append((eid, d.name(eid), w, h))
    assert not bad, f"{d.path.name}: names that do not fit: {bad}"


def _task_text_box(d, eid):
    x, y, w, h = d.shapes[eid]
    lines = wrap(d.name(eid), w - 2 * TASK_PADDING, TASK_FONT) or [d.name(eid)]
    tw = max(text_width(line, TASK_FONT) for line in lines)
    th = text_height(len(lines), TASK_FONT)
    return (x + (w - tw) / 2, y + (h - th) / 2, tw, th)


def test_timers_do_not_cover_a_task_name(diagram):
    """A boundary event (timer, message) sits on its task's edge, clear of the task's name."""
    d = diagram
    bad = []
    for eid in d.flow_nodes():
        if d.kind(eid) != "boundaryEvent":
            continue
        host = d.elements[eid].get("attachedToRef")
        if _overlap(d.shapes[eid], _task_text_box(d, host)):
            bad.append((eid, host))
    assert not bad, f"{d.path.name}: timers over task names: {bad}"


def test_external_labels_fit_and_sit_next_to_their_shapes(diagram):
    """Event and gateway names are drawn in full, within 40 px of their shape (end events included)."""
    d = diagram
    bad = []
    for eid in d.flow_nodes():
        if d.kind(eid) not in EXTERNAL or not d.name(eid):
            continue
        label = d.labels.get(eid)
        if label is None:
            bad.append((eid, "no label bounds"))
            continue
        lines = wrap(d.name(eid), label[2], EXTERNAL_FONT)
        if lines is None or text_height(len(lines), EXTERNAL_FONT) > label[3] + 1:
            bad.append((eid, "text does not fit its label", label))
        x, y, w, h = d.shapes[eid]
        lx, ly, lw, lh = label
        gap_x = max(lx - (x + w), x - (lx + lw), 0)
        gap_y = max(ly - (y + h), y - (ly + lh), 0)
        if max(gap_x, gap_y) > 40:
            bad.append((eid, "label far from its shape", label))
    assert not bad, f"{d.path.name}: {bad}"


def test_event_subprocess_titles_are_visible(diagram):
    """An event subprocess (withdrawal, complaint, ...) is wide enough for its title and nothing covers it."""
    d = diagram
    bad = []
    for eid in d.flow_nodes():
        if d.kind(eid) != "subProcess":
            continue
        x, y, w, h = d.shapes[eid]
        if text_width(d.name(eid), TASK_FONT) + 20 > w:
            bad.append((eid, "title wider than the box"))
        title = (x, y, w, 28)
        children = [c.get("id") for c in d.elements[eid] if c.get("id") in d.shapes]
        if any(_overlap(d.shapes[c], title) for c in children):
            bad.append((eid, "a step covers the title"))
    assert not bad, f"{d.path.name}: {bad}"


def test_no_flow_runs_through_a_shape_or_a_label(diagram):
    """Each flow's segments cross no shape but its own ends (and the task a timer sits on) and no other label."""
    d = diagram
    bad = []
    nodes = [n for n in d.flow_nodes() if d.kind(n) != "subProcess"]
    for fid, (pts, _label) in d.edges.items():
        el = d.elements[fid]
        ends = {el.get("sourceRef"), el.get("targetRef")}
        for end in list(ends):
            if d.kind(end) == "boundaryEvent":
                ends.add(d.elements[end].get("attachedToRef"))
        for p, q in zip(pts, pts[1:], strict=False):
            for n in nodes:
                if n not in ends and _segment_hits(p, q, d.shapes[n]):
                    bad.append((fid, "shape", n))
            for owner, box in d.labels.items():
                if owner != fid and owner not in ends and _segment_hits(p, q, box):
                    bad.append((fid, "label of", owner))
    assert not bad, f"{d.path.name}: {sorted(set(bad))}"


def test_no_lane_is_empty_and_steps_stay_in_their_lane(diagram):
    """Each lane holds at least one step, and each step is drawn inside the lane it belongs to."""
    d = diagram
    bad = []
    for lane in [eid for eid in d.elements if d.kind(eid) == "lane"]:
        refs = [r.text.strip() for r in d.elements[lane].findall("bpmn:flowNodeRef", NS)]
        if not refs:
            bad.append((lane, "empty"))
        lx, ly, lw, lh = d.shapes[lane]
        for r in refs:
            if d.kind(r) in ("boundaryEvent",) or r not in d.shapes:
                continue
            parent = d.elements[r].getparent()
            if etree.QName(parent).localname == "subProcess":
                continue
            x, y, w, h = d.shapes[r]
            if not (ly <= y and y + h <= ly + lh):
                bad.append((lane, r))
    assert not bad, f"{d.path.name}: {bad}"
