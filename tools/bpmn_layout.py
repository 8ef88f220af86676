"""Lay out a raflow diagram: rewrite its BPMNDiagram (shapes, edges, labels) from the process itself.

Usage: python -m tools.bpmn_layout processes/navy/*.bpmn

Policy staff may still move things in the Camunda Modeler; this tool gives every shipped diagram the
same readable grid instead of hand-placed coordinates: one column per step (longest path from the
start), one row band per lane, task boxes sized to their names, event and gateway labels under their
shapes, timers on the lower edge of their task with their labels clear of the task's name, flows drawn
orthogonally between columns (loops back along the top of a row), event subprocesses in a band of
their own lane. Only the BPMNDiagram block of the file is replaced; the process XML stays byte for
byte as written, so edits to it merge cleanly.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tools.textmetrics import EXTERNAL_FONT, TASK_FONT, TASK_PADDING, text_height, wrap

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
TASKS = {"userTask", "scriptTask", "callActivity", "task", "manualTask", "serviceTask", "sendTask",
         "receiveTask", "businessRuleTask"}
EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway"}

ROW_H = 190          # one row band inside a lane
COL_GAP = 110        # room between columns for bends and flow labels
LANE_HEADER = 30
POOL_X, POOL_Y = 20, 20
LABEL_W = 100        # external labels
TASK_H = 80
TASK_H_TIMED = 90    # a task carrying timers is taller, so the timer sits below its name
SUB_PAD = 30


@dataclass
class Node:
    id: str
    kind: str
    name: str
    lane: str | None = None
    host: str | None = None          # boundary events: the task they sit on
    w: float = 36
    h: float = 36
    rank: int = 0
    row: int = 0
    x: float = 0                     # top-left
    y: float = 0
    label: tuple | None = None       # (x, y, w, h) of an external label
    children: list = field(default_factory=list)  # event subprocess: its own graph


def _local(el) -> str:
    return etree.QName(el).localname


def task_size(name: str, timed: bool) -> tuple[float, float]:
    max_lines = 3
    for w in range(100, 261, 10):
        lines = wrap(name, w - 2 * TASK_PADDING, TASK_FONT)
        if lines is not None and len(lines) <= max_lines:
            return w, TASK_H_TIMED if timed else TASK_H
    return 260, TASK_H_TIMED if timed else TASK_H


def label_size(name: str, width: float = LABEL_W) -> tuple[float, float]:
    lines = wrap(name, width, EXTERNAL_FONT) or [name]
    return width, round(text_height(len(lines), EXTERNAL_FONT) + 2, 1)


class Graph:
    """Flow nodes and sequence flows of one container (a process or an event subprocess)."""

    def __init__(self, container, lane_of: dict[str, str]):
        self.nodes: dict[str, Node] = {}
        self.flows: list[tuple[str, str, str, str]] = []  # id, source, target, name
        hosts = {el.get("attachedToRef") for el in container if _local(el) == "boundaryEvent"}
        for el in container:
            kind = _local(el)
            if kind == "sequenceFlow":
                self.flows.append((el.get("id"), el.get("sourceRef"), el.get("targetRef"), el.get("name") or ""))
                continue
            if kind not in TASKS | EVENTS | GATEWAYS | {"subProcess"}:
                continue
            n = Node(el.get("id"), kind, el.get("name") or "", lane_of.get(el.get("id")))
            if kind in TASKS:
                n.w, n.h = task_size(n.name, n.id in hosts)
            elif kind in GATEWAYS:
                n.w = n.h = 50
            if kind == "boundaryEvent":
                n.host = el.get("attachedToRef")
            if kind == "subProcess":
                n.children = Graph(el, lane_of)
            self.nodes[n.id] = n

    def rank(self) -> list[str]:
        """Columns by longest path from the start, ignoring flows that loop back (found by DFS)."""
        succ: dict[str, list[str]] = {k: [] for k in self.nodes}
        for _, s, t, _ in self.flows:
            succ[s].append(t)
        for n in self.nodes.values():
            if n.host:
                succ[n.host].append(n.id)
        starts = [k for k, n in self.nodes.items() if n.kind == "startEvent"] or list(self.nodes)[:1]
        order, back, state = [], set(), {}

        def visit(k):
            state[k] = 1
            for t in succ[k]:
                if state.get(t) == 1:
                    back.add((k, t))
                elif t not in state:
                    visit(t)
            state[k] = 2
            order.append(k)

        for s in starts + list(self.nodes):
            if s not in state:
                visit(s)
        self.back = back
        topo = list(reversed(order))
        for k in topo:
            n = self.nodes[k]
            for t in succ[k]:
                if (k, t) in back:
                    continue
                step = 0 if self.nodes[t].host == k else 1
                self.nodes[t].rank = max(self.nodes[t].rank, n.rank + step)
        self.discovery = topo
        return topo


def _rows(graph: Graph, lanes: list[str | None]) -> dict[str | None, int]:
    """Give each node a row in its lane: its predecessor's row when free, else the next free one."""
    pred: dict[str, list[str]] = {}
    for _, s, t, _ in graph.flows:
        if (s, t) not in graph.back:
            pred.setdefault(t, []).append(s)
    taken: set[tuple] = set()
    rows_used = {lane: 1 for lane in lanes}
    for k in sorted(graph.nodes, key=lambda k: (graph.nodes[k].rank, graph.discovery.index(k))):
        n = graph.nodes[k]
        if n.host or n.kind == "subProcess":
            continue
        want = 0
        for p in pred.get(k, []):
            pn = graph.nodes[p]
            if pn.host:  # the path out of a timer runs one row below its task
                host = graph.nodes[pn.host]
                want = host.row + 1 if host.lane == n.lane else 0
                break
            if pn.lane == n.lane:
                want = pn.row
                break
        row = want
        while (n.lane, row, n.rank) in taken:
            row += 1
        n.row = row
        taken.add((n.lane, row, n.rank))
        rows_used[n.lane] = max(rows_used.get(n.lane, 1), row + 1)
    return rows_used


def _columns(graph: Graph, x0: float) -> list[tuple[float, float]]:
    ncol = max((n.rank for n in graph.nodes.values()), default=0) + 1
    widths = [50.0] * ncol
    for n in graph.nodes.values():
        if n.host or n.kind == "subProcess":
            continue
        widths[n.rank] = max(widths[n.rank], n.w, LABEL_W if n.kind not in TASKS else 0)
    cols, x = [], x0
    for w in widths:
        cols.append((x, w))
        x += w + COL_GAP
    return cols


def _place_external_label(n: Node) -> None:
    if n.kind in TASKS or n.kind == "subProcess" or not n.name:
        return
    w, h = label_size(n.name)
    if n.host:  # below the task, left of the timer's outgoing flow
        n.label = (n.x + n.w / 2 - w - 6, n.y + n.h + 4, w, h)
    else:
        n.label = (n.x + n.w / 2 - w / 2, n.y + n.h + 5, w, h)


def _place_boundaries(graph: Graph) -> None:
    by_host: dict[str, list[Node]] = {}
    for n in graph.nodes.values():
        if n.host:
            by_host.setdefault(n.host, []).append(n)
    for host_id, events in by_host.items():
        host = graph.nodes[host_id]
        for i, ev in enumerate(events):
            ev.x = host.x + host.w - 50 - i * 46
            ev.y = host.y + host.h - 18
            ev.rank = host.rank
            _place_external_label(ev)


def _edges(graph: Graph, cols, row_top) -> dict[str, tuple[list, tuple | None]]:
    """Orthogonal waypoints (and a label box) for every flow of the graph."""
    out = {}
    back_count: dict[float, int] = {}
    for fid, s, t, name in graph.flows:
        a, b = graph.nodes[s], graph.nodes[t]
        ay, by = a.y + a.h / 2, b.y + b.h / 2
        bx = b.x
        col_right = cols[a.rank][0] + cols[a.rank][1]
        if a.host:
            ex, ey = a.x + a.w / 2, a.y + a.h
            if by > ey + 10 and bx > ex:
                pts = [(ex, ey), (ex, by), (bx, by)]
            else:
                pts = [(ex, ey), (ex, ey + 20), (col_right + 20, ey + 20), (col_right + 20, by), (bx, by)]
        elif (s, t) in graph.back or b.rank <= a.rank:
            top = min(row_top(a), row_top(b))
            k = back_count.get(top, 0)
            back_count[top] = k + 1
            cy = top + 14 + 7 * k
            sx = a.x + a.w / 2
            pts = [(sx, a.y), (sx, cy), (bx - 22 - 4 * k, cy), (bx - 22 - 4 * k, by), (bx, by)]
        elif abs(ay - by) < 1:
            pts = [(a.x + a.w, ay), (bx, by)]
        else:
            first = [(a.x + a.w, ay), (col_right + 20, ay), (col_right + 20, by), (bx, by)]
            late_x = cols[b.rank][0] - 30
            second = [(a.x + a.w, ay), (late_x, ay), (late_x, by), (bx, by)]
            pts = first if b.rank == a.rank + 1 or not _hits(graph, first, {s, t}) else second
        label = None
        if name:
            lw = max(60.0, min(COL_GAP - 34, bx - pts[-2][0] - 12))
            w, h = label_size(name, lw)
            label = (bx - w - 6, by - h - 3, w, h)
        out[fid] = (pts, label)
    return out


def _hits(graph: Graph, pts, skip) -> bool:
    for (x1, y1), (x2, y2) in zip(pts, pts[1:], strict=False):
        for n in graph.nodes.values():
            if n.id in skip or n.host or n.kind == "subProcess":
                continue
            if min(x1, x2) < n.x + n.w and max(x1, x2) > n.x and min(y1, y2) < n.y + n.h and max(y1, y2) > n.y:
                return True
    return False


def _layout_subprocess(sub: Node) -> None:
    """An event subprocess: its own small graph in one row, inside the box at sub.x, sub.y."""
    g = sub.children
    g.rank()
    _rows(g, [None])
    cols = _columns(g, sub.x + SUB_PAD)
    for n in g.nodes.values():
        if n.host:
            continue
        x, w = cols[n.rank]
        n.x = x + (w - n.w) / 2
        n.y = sub.y + 40 + n.row * ROW_H + (ROW_H - 40 - n.h) / 2 - 30
        _place_external_label(n)
    _place_boundaries(g)
    rows = max((n.row for n in g.nodes.values()), default=0) + 1
    sub.w = max(cols[-1][0] + cols[-1][1] + SUB_PAD - sub.x,
                (wrap(sub.name, 10_000, TASK_FONT) and 40 + len(sub.name) * 7.5) or 200)
    sub.h = 150 + (rows - 1) * ROW_H
    g.edge_geometry = _edges(g, cols, lambda n: sub.y + 10)


def layout(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    root = etree.fromstring(text.encode("utf-8"))
    process = root.find("bpmn:process", NS)
    participant = root.find("bpmn:collaboration/bpmn:participant", NS)
    collaboration = root.find("bpmn:collaboration", NS)
    lanes = [(ln.get("id"), ln.get("name"), [r.text.strip() for r in ln.findall("bpmn:flowNodeRef", NS)])
             for ln in process.findall("bpmn:laneSet/bpmn:lane", NS)]
    lane_of = {ref: lid for lid, _, refs in lanes for ref in refs}
    g = Graph(process, lane_of)
    g.rank()
    lane_ids = [lid for lid, _, _ in lanes]
    rows_used = _rows(g, lane_ids)
    subs = [n for n in g.nodes.values() if n.kind == "subProcess"]
    x0 = POOL_X + 30 + LANE_HEADER + 40
    cols = _columns(g, x0)
    # lane bands: the lane's rows, then a band for its event subprocesses
    for sub in subs:
        sub.children.rank()
        _rows(sub.children, [None])
    lane_top, y = {}, POOL_Y
    sub_band = {}
    for lid in lane_ids:
        lane_top[lid] = y
        y += rows_used.get(lid, 1) * ROW_H
        mine = [s for s in subs if s.lane == lid]
        if mine:
            sub_band[lid] = y
            tallest = max(max((n.row for n in s.children.nodes.values()), default=0) for s in mine)
            y += 190 + tallest * ROW_H
    pool_h = y - POOL_Y
    for n in g.nodes.values():
        if n.host or n.kind == "subProcess":
            continue
        x, w = cols[n.rank]
        n.x = x + (w - n.w) / 2
        n.y = lane_top[n.lane] + n.row * ROW_H + (ROW_H - n.h) / 2 - 15
        _place_external_label(n)
    _place_boundaries(g)
    sx = {}
    for sub in subs:
        sub.x = sx.get(sub.lane, x0)
        sub.y = sub_band[sub.lane] + 20
        _layout_subprocess(sub)
        sx[sub.lane] = sub.x + sub.w + 40
    right = max([cols[-1][0] + cols[-1][1]] + [s.x + s.w for s in subs]) + 40
    edges = _edges(g, cols, lambda n: lane_top[n.lane] + n.row * ROW_H)
    return _write(text, root, process, participant, collaboration, lanes, g, edges, subs, lane_top,
                  rows_used, sub_band, right, pool_h)


def _b(x, y, w, h) -> str:
    return f'<dc:Bounds x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}" />'


def _write(text, root, process, participant, collaboration, lanes, g, edges, subs, lane_top, rows_used,
           sub_band, right, pool_h) -> str:
    pid = process.get("id")
    out = [f'  <bpmndi:BPMNDiagram id="BPMNDiagram_{pid}">',
           f'    <bpmndi:BPMNPlane id="BPMNPlane_{pid}" bpmnElement="{collaboration.get("id")}">']
    out.append(f'      <bpmndi:BPMNShape id="{participant.get("id")}_di" bpmnElement="{participant.get("id")}" '
               f'isHorizontal="true">')
    out.append(f"        {_b(POOL_X, POOL_Y, right - POOL_X, pool_h)}")
    out.append("      </bpmndi:BPMNShape>")
    ids = [lid for lid, _, _ in lanes]
    for i, lid in enumerate(ids):
        top = lane_top[lid]
        bottom = lane_top[ids[i + 1]] if i + 1 < len(ids) else POOL_Y + pool_h
        out.append(f'      <bpmndi:BPMNShape id="{lid}_di" bpmnElement="{lid}" isHorizontal="true">')
        out.append(f"        {_b(POOL_X + 30, top, right - POOL_X - 30, bottom - top)}")
        out.append("      </bpmndi:BPMNShape>")

    def shapes(graph):
        for n in graph.nodes.values():
            if n.kind == "subProcess":
                out.append(f'      <bpmndi:BPMNShape id="{n.id}_di" bpmnElement="{n.id}" isExpanded="true">')
                out.append(f"        {_b(n.x, n.y, n.w, n.h)}")
                out.append("      </bpmndi:BPMNShape>")
                shapes(n.children)
                continue
            marker = ' isMarkerVisible="true"' if n.kind == "exclusiveGateway" else ""
            out.append(f'      <bpmndi:BPMNShape id="{n.id}_di" bpmnElement="{n.id}"{marker}>')
            out.append(f"        {_b(n.x, n.y, n.w, n.h)}")
            if n.label:
                out.append(f"        <bpmndi:BPMNLabel>{_b(*n.label)}</bpmndi:BPMNLabel>")
            out.append("      </bpmndi:BPMNShape>")

    def flows(geometry):
        for fid, (pts, label) in geometry.items():
            out.append(f'      <bpmndi:BPMNEdge id="{fid}_di" bpmnElement="{fid}">')
            for x, y in pts:
                out.append(f'        <di:waypoint x="{x:.0f}" y="{y:.0f}" />')
            if label:
                out.append(f"        <bpmndi:BPMNLabel>{_b(*label)}</bpmndi:BPMNLabel>")
            out.append("      </bpmndi:BPMNEdge>")

    shapes(g)
    flows(edges)
    for sub in subs:
        flows(sub.children.edge_geometry)
    out.append("    </bpmndi:BPMNPlane>")
    out.append("  </bpmndi:BPMNDiagram>")
    block = "\n".join(out)
    new, count = re.subn(r"  <bpmndi:BPMNDiagram .*?</bpmndi:BPMNDiagram>", lambda _m: block, text, flags=re.S)
    if count != 1:
        raise SystemExit("expected exactly one BPMNDiagram block")
    return new


def main(argv: list[str]) -> int:
    for name in argv:
        path = Path(name)
        path.write_text(layout(path), encoding="utf-8")
        print(f"laid out {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
