"""Lay out a raflow diagram: rewrite its BPMNDiagram (shapes, edges, labels) from the process itself.

Usage: python -m tools.bpmn_layout processes/navy/*.bpmn

Policy staff may still move things in the Camunda Modeler; this tool gives every shipped diagram the
same readable grid instead of hand-placed coordinates: one column per step (longest path from the
start), one row band per lane, task boxes sized to their names, event and gateway labels under their
shapes, timers on the lower edge of their task with their labels clear of the task's name, flows drawn
orthogonally between columns (loops back along the top of a row), event subprocesses in a band of
their own lane. Only the BPMNDiagram block of the file is replaced; the process XML stays byte for
byte as written, so edits to it merge cleanly.

A diagram that would come out wider than MAX_WIDTH (two screens at 100 %) is drawn compact instead:
narrower gaps between columns, and event subprocesses side by side below their lane's steps rather
than to the right of the main flow. Diagrams that fit keep the roomier drawing.
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
MAX_WIDTH = 4000     # px at 100 %: two 1920 px screens (tests/unit/test_diagram_width.py)
COMPACT_COL_GAP = 70


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


def task_size(name: str, timed: bool, called: bool = False) -> tuple[float, float]:
    """Narrowest box (100-260 px) holding the name in 3 lines; 2 for a call activity, whose marker sits below."""
    max_lines = 2 if called else 3
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
                n.w, n.h = task_size(n.name, n.id in hosts, kind == "callActivity")
                if sum(1 for b in container if _local(b) == "boundaryEvent" and b.get("attachedToRef") == n.id) > 1:
                    n.w = max(n.w, 290)
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


def _columns(graph: Graph, x0: float, gap: float = COL_GAP) -> list[tuple[float, float]]:
    ncol = max((n.rank for n in graph.nodes.values()), default=0) + 1
    widths = [50.0] * ncol
    for n in graph.nodes.values():
        if n.host or n.kind == "subProcess":
            continue
        widths[n.rank] = max(widths[n.rank], n.w, LABEL_W if n.kind not in TASKS else 0)
    cols, x = [], x0
    for w in widths:
        cols.append((x, w))
        x += w + gap
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
        below = host.y + host.h + 22
        for i, ev in enumerate(events):
            ev.x = host.x + host.w - 50 if i % 2 == 0 else host.x + 14
            ev.y = host.y + host.h - 18
            ev.rank = host.rank
            w, h = label_size(ev.name, 100)
            cx = ev.x + ev.w / 2
            ev.label = (cx - w - 6, below, w, h) if i % 2 == 0 else (cx + 6, below, w, h)


def _seg_hits(p, q, box, slack=2.0) -> bool:
    (x1, y1), (x2, y2) = p, q
    x, y, w, h = box
    return min(x1, x2) < x + w - slack and max(x1, x2) > x + slack and min(y1, y2) < y + h - slack \
        and max(y1, y2) > y + slack


def _cost(pts, obstacles, skip) -> int:
    return sum(1 for p, q in zip(pts, pts[1:], strict=False) for oid, box in obstacles
               if oid not in skip and _seg_hits(p, q, box))


def _edges(graph: Graph, cols, channels) -> dict[str, tuple[list, tuple | None]]:
    """Orthogonal waypoints (and a label box) for every flow: the candidate route crossing fewest shapes and labels.

    Forward flows bend in the gap after their source column or before their target column, or run along the
    free strip at the top of a row band; flows looping back and flows out of timers use those strips too.
    """
    obstacles = []
    for n in graph.nodes.values():
        if n.kind == "subProcess":
            obstacles.append((n.id, (n.x, n.y, n.w, n.h)))
            continue
        obstacles.append((n.id, (n.x, n.y, n.w, n.h)))
        if n.label:
            obstacles.append((n.id, n.label))
    routes = {}
    for fid, s, t, name in graph.flows:
        a, b = graph.nodes[s], graph.nodes[t]
        skip = {s, t} | ({a.host} if a.host else set())
        ay, by, bx = a.y + a.h / 2, b.y + b.h / 2, b.x
        s_right = cols[a.rank][0] + cols[a.rank][1]
        t_left = cols[b.rank][0]
        ins = [t_left - 30, t_left - 45, t_left - 22]
        cands = []
        if a.host:
            ex, ey = a.x + a.w / 2, a.y + a.h
            if by > ey + 10 and bx > ex:
                cands.append([(ex, ey), (ex, by), (bx, by)])
            for cy in channels:
                if cy > ey + 8:
                    for x2 in ins + [s_right + 20]:
                        if x2 > ex:
                            cands.append([(ex, ey), (ex, cy), (x2, cy), (x2, by), (bx, by)])
                for g in (s_right + 20, s_right + 35):
                    for x2 in ins:
                        if x2 > g:
                            cands.append([(ex, ey), (ex, ey + 18), (g, ey + 18), (g, cy), (x2, cy), (x2, by), (bx, by)])
            for g in (s_right + 20, s_right + 35):
                cands.append([(ex, ey), (ex, ey + 18), (g, ey + 18), (g, by), (bx, by)])
        elif (s, t) in graph.back or b.rank <= a.rank:
            cx = a.x + a.w / 2
            for cy in channels:
                start = (cx, a.y) if cy < a.y else (cx, a.y + a.h)
                for x2 in ins:
                    cands.append([start, (cx, cy), (x2, cy), (x2, by), (bx, by)])
        else:
            sx = a.x + a.w
            if abs(ay - by) < 1:
                cands.append([(sx, ay), (bx, by)])
            for x1 in [s_right + 20, s_right + 35] + ins:
                cands.append([(sx, ay), (x1, ay), (x1, by), (bx, by)])
            for cy in channels:
                for x1 in (s_right + 20, s_right + 35):
                    for x2 in ins:
                        cands.append([(sx, ay), (x1, ay), (x1, cy), (x2, cy), (x2, by), (bx, by)])
        if not cands:
            cands = [[(a.x + a.w, ay), (bx, by)]]

        def score(pts, skip=skip):
            length = sum(abs(p[0] - q[0]) + abs(p[1] - q[1]) for p, q in zip(pts, pts[1:], strict=False))
            return (_cost(pts, obstacles, skip), len(pts), length)

        routes[fid] = (min(cands, key=score), name)
    # flow labels last, clear of every route, shape and label
    out, placed = {}, []
    segments = [(fid, p, q) for fid, (pts, _) in routes.items() for p, q in zip(pts, pts[1:], strict=False)]
    for fid, (pts, name) in routes.items():
        label = None
        if name:
            w, h = label_size(name, 80)
            x2, y2 = pts[-1]
            f1, g1 = pts[0]
            spots = [(x2 - w - 6, y2 - h - 3), (f1 + 6, g1 - h - 3), (x2 - w - 6, y2 + 4), (f1 + 6, g1 + 4)]
            for (p, q) in zip(pts, pts[1:], strict=False):
                if p[1] == q[1] and abs(p[0] - q[0]) > w + 10:
                    mx = (p[0] + q[0]) / 2
                    spots += [(mx - w / 2, p[1] - h - 3), (mx - w / 2, p[1] + 4)]
                if p[0] == q[0]:
                    mid = (p[1] + q[1]) / 2
                    spots += [(p[0] + 4, mid - h / 2), (p[0] - w - 4, mid - h / 2)]

            def bad(spot, w=w, h=h, fid=fid):
                box = (spot[0], spot[1], w, h)
                n = sum(1 for oid, p, q in segments if oid != fid and _seg_hits(p, q, box, 0))
                n += sum(1 for oid, ob in obstacles if _overlap(box, ob))
                n += sum(1 for ob in placed if _overlap(box, ob))
                return n

            best = min(spots, key=bad)
            label = (best[0], best[1], w, h)
            placed.append(label)
        out[fid] = (pts, label)
    return out


def _overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _layout_subprocess(sub: Node, gap: float = COL_GAP) -> None:
    """An event subprocess: its own small graph in one row, inside the box at sub.x, sub.y."""
    g = sub.children
    g.rank()
    _rows(g, [None])
    cols = _columns(g, sub.x + SUB_PAD, gap)
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
    g.edge_geometry = _edges(g, cols, [sub.y + 32, sub.y + 40])


def layout(path: Path) -> str:
    """The file's text with a new BPMNDiagram block: the roomy drawing, or the compact one if that is too wide."""
    text, width = _layout(path, compact=False)
    if width > MAX_WIDTH:
        text, width = _layout(path, compact=True)
    return text


def _layout(path: Path, compact: bool) -> tuple[str, float]:
    gap = COMPACT_COL_GAP if compact else COL_GAP
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
    cols = _columns(g, x0, gap)
    # lane bands: the lane's rows; its event subprocesses sit to the right of the main flow, clear of it
    for sub in subs:
        sub.children.rank()
        _rows(sub.children, [None])
    lane_top, y = {}, POOL_Y
    sub_band = {}
    main_right = cols[-1][0] + cols[-1][1] + 80
    if compact:
        for sub in subs:  # their sizes; laid out again where they land
            sub.x = sub.y = 0
            _layout_subprocess(sub, gap)
    for lid in lane_ids:
        lane_top[lid] = y
        mine = [s for s in subs if s.lane == lid]
        if compact:
            sub_band[lid] = y + rows_used.get(lid, 1) * ROW_H
            y = sub_band[lid] + (max(s.h for s in mine) + 40 if mine else 0)
            continue
        stacked = sum(170 + max((n.row for n in s.children.nodes.values()), default=0) * ROW_H for s in mine)
        sub_band[lid] = y
        y += max(rows_used.get(lid, 1) * ROW_H, stacked + 20 if mine else 0)
    pool_h = y - POOL_Y
    for n in g.nodes.values():
        if n.host or n.kind == "subProcess":
            continue
        x, w = cols[n.rank]
        n.x = x + (w - n.w) / 2
        n.y = lane_top[n.lane] + n.row * ROW_H + (ROW_H - n.h) / 2 - 15
        _place_external_label(n)
    _place_boundaries(g)
    channels = sorted({lane_top[lid] + r * ROW_H + off for lid in lane_ids for r in range(rows_used.get(lid, 1))
                       for off in (14, 22, 30)})
    if compact:
        _place_below(g, subs, cols, channels, sub_band, x0, main_right, gap)
    else:
        sy = {}  # event subprocesses stack down their lane, to the right of the main flow
        for sub in subs:
            sub.x = main_right
            sub.y = sy.get(sub.lane, sub_band[sub.lane] + 20)
            _layout_subprocess(sub)
            sy[sub.lane] = sub.y + sub.h + 20
    right = max([cols[-1][0] + cols[-1][1]] + [s.x + s.w for s in subs]) + 40
    edges = _edges(g, cols, channels)
    return _write(text, root, process, participant, collaboration, lanes, g, edges, subs, lane_top,
                  rows_used, sub_band, right, pool_h), right - POOL_X


def _place_below(g: Graph, subs: list[Node], cols, channels, sub_band, x0, main_right, gap) -> None:
    """Compact drawing: each lane's event subprocesses side by side in a band below the lane's steps, each in a
    stretch of x that no flow of the main process crosses (found by routing the main flows without them first);
    one that finds no such stretch goes to the right of the main flow."""
    for sub in subs:
        sub.x, sub.y = -100_000, -100_000  # out of the way of the first routing
    routes = _edges(g, cols, channels)
    taken: dict[str, list[tuple[float, float]]] = {}
    for sub in subs:
        top = sub_band[sub.lane]
        bottom = top + sub.h + 40
        blocked = sorted(p[0] for pts, _ in routes.values() for p, q in zip(pts, pts[1:], strict=False)
                         if p[0] == q[0] and min(p[1], q[1]) < bottom and max(p[1], q[1]) > top)
        spans = [(b - 20, b + 20) for b in blocked] + taken.get(sub.lane, [])
        x = x0
        for a, b in sorted(spans):
            if x + sub.w <= a:
                break
            x = max(x, b)
        if x + sub.w > main_right and x > x0:
            x = max([main_right] + [b for _, b in taken.get(sub.lane, []) if b > main_right])
        sub.x, sub.y = x, top + 20
        taken.setdefault(sub.lane, []).append((x - 30, x + sub.w + 30))
        _layout_subprocess(sub, gap)


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
