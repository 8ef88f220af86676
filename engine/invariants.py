"""Invariants: rules a procedure must keep on every path, declared in `jurisdiction.toml` as `[[invariants]]`.

A hand-edited diagram can silently drop a review the law requires (a denial that skips counsel). Lint
and deploy therefore walk the diagram graph from each start process, through call activities (with a
call stack, so a called process returns to its caller), embedded and event subprocesses and boundary
events, and report every rule a path breaks, naming that path element by element. Loops are handled
by visiting each (element, call stack) state once; the walk is breadth-first, so the path shown is the
shortest one that breaks the rule.

Two kinds (see docs/authoring.md):
- `kind = "passes"`: every path that reaches an element matching `to` first completes an element
  matching `through` (a boundary event leaving that element early does not count as passing it).
- `kind = "timer"`: every element matching `tasks` that a path reaches is watched by a boundary timer
  on itself, on an enclosing subprocess or on a call activity it was called from.
Selectors are tables of `ids`, `type`, `role`, `name` (a case-insensitive regular expression) and
`process`; an element matches when every given key does.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

from lxml import etree

from .errors import Problem

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {"bpmn": BPMN}
KINDS = ("passes", "timer")
SELECTOR_KEYS = ("ids", "type", "role", "name", "process")
MAX_CALL_DEPTH = 12
_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_FLOW_NODES = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
               "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
               "businessRuleTask", "callActivity", "subProcess", "exclusiveGateway", "parallelGateway",
               "inclusiveGateway", "eventBasedGateway", "complexGateway"}


@dataclass
class Invariant:
    id: str
    kind: str
    description: str = ""
    section: str = ""
    to: dict = field(default_factory=dict)
    through: dict = field(default_factory=dict)
    tasks: dict = field(default_factory=dict)
    enabled: bool = True

    @property
    def title(self) -> str:
        where = f" ({self.section})" if self.section else ""
        return f"invariant {self.id!r}{where}"


def parse_invariants(config: dict, filename: str, text: str) -> tuple[list[Invariant], list[Problem]]:
    """The `[[invariants]]` of a parsed config, and a located problem for each malformed one."""
    raw = config.get("invariants", [])
    problems: list[Problem] = []
    if not isinstance(raw, list):
        return [], [Problem(filename, _line(text, "invariants"), "invariants",
                            "invariants must be [[invariants]] tables")]
    found, seen = [], set()
    for number, item in enumerate(raw, 1):
        where = f"invariant #{number}"
        if not isinstance(item, dict):
            problems.append(Problem(filename, _line(text, "[[invariants]]", number), where, "must be a table"))
            continue
        iid = item.get("id")
        line = _line(text, f'id = "{iid}"') if isinstance(iid, str) else _line(text, "[[invariants]]", number)

        def bad(message, iid=iid, line=line, where=where):
            problems.append(Problem(filename, line, iid if isinstance(iid, str) else where, message))

        if not isinstance(iid, str) or not _ID.match(iid):
            bad("id is required: an identifier like 'denial_passes_counsel'")
            continue
        if iid in seen:
            bad(f"id {iid!r} is used by two invariants")
        seen.add(iid)
        unknown = set(item) - {"id", "kind", "description", "section", "to", "through", "tasks", "enabled"}
        if unknown:
            bad(f"unknown key(s) {', '.join(sorted(unknown))} (allowed: id, kind, description, section, to, through, "
                "tasks, enabled)")
        kind = item.get("kind")
        if kind not in KINDS:
            bad(f"kind {kind!r} must be one of {', '.join(KINDS)}")
            continue
        needed = ("to", "through") if kind == "passes" else ("tasks",)
        ok = True
        for key in needed:
            message = _selector_problem(item.get(key))
            if message:
                bad(f"{key}: {message}")
                ok = False
        if not isinstance(item.get("enabled", True), bool):
            bad("enabled must be true or false")
            ok = False
        if ok:
            found.append(Invariant(iid, kind, str(item.get("description", "")), str(item.get("section", "")),
                                   dict(item.get("to", {})), dict(item.get("through", {})),
                                   dict(item.get("tasks", {})), item.get("enabled", True)))
    return found, problems


def _selector_problem(sel) -> str | None:
    if not isinstance(sel, dict) or not sel:
        return "a table like { role = \"ogc\", type = \"userTask\" } or { ids = [\"end_denied\"] } is required"
    unknown = set(sel) - set(SELECTOR_KEYS)
    if unknown:
        return f"unknown selector key(s) {', '.join(sorted(unknown))} (allowed: {', '.join(SELECTOR_KEYS)})"
    if "ids" in sel and (not isinstance(sel["ids"], list) or not all(isinstance(i, str) for i in sel["ids"])):
        return "ids must be a list of element ids"
    if "type" in sel and not isinstance(sel["type"], (str, list)):
        return "type must be a BPMN element type like \"userTask\" or a list of them"
    if "name" in sel:
        try:
            re.compile(str(sel["name"]))
        except re.error as err:
            return f"name is not a valid regular expression: {err}"
    return None


def _line(text: str, needle: str, occurrence: int = 1) -> int:
    count = 0
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            count += 1
            if count == occurrence:
                return number
    return 1


@dataclass
class Node:
    id: str
    type: str
    name: str
    process: str
    file: str
    line: int
    role: str | None
    container: str          # key of the process or subprocess it sits in
    el: object = field(repr=False, default=None)
    key: str = ""           # "process/element": ids need only be unique within one process

    def shown(self) -> str:
        return f'{self.id} "{self.name}"' if self.name else self.id


class Graph:
    """The flow graph of a bundle's diagrams: nodes, sequence flows, boundaries, subprocesses, calls."""

    def __init__(self, roots: dict[str, object], role_for_lane):
        self.nodes: dict[str, Node] = {}
        self.succ: dict[str, list[str]] = {}
        self.boundaries: dict[str, list[str]] = {}
        self.starts: dict[str, list[str]] = {}        # container id -> its (non-event) start events
        self.event_starts: dict[str, list[str]] = {}  # container id -> start events of its event subprocesses
        self.parent: dict[str, str | None] = {}       # container id -> enclosing container (None for a process)
        self.interrupting: dict[str, bool] = {}       # event subprocess id -> its start interrupts
        self.esp: set[str] = set()
        for name, root in roots.items():
            for process in root.iterfind(".//bpmn:process", NS):
                lanes = {}
                for lane in process.iterfind(".//bpmn:lane", NS):
                    for ref in lane.iterfind("bpmn:flowNodeRef", NS):
                        lanes[(ref.text or "").strip()] = role_for_lane(lane.get("name"))
                self._container(process, process.get("id"), None, name, lanes, None)

    def _container(self, el, cid, parent, file, lanes, inherited_role):
        self.parent[cid] = parent
        self.starts.setdefault(cid, [])
        self.event_starts.setdefault(cid, [])
        pid = cid if parent is None else self.nodes[cid].process

        def key(element_id):
            return f"{pid}/{element_id}"
        for child in el:
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            if tag == "sequenceFlow":
                self.succ.setdefault(key(child.get("sourceRef")), []).append(key(child.get("targetRef")))
                continue
            if tag not in _FLOW_NODES or not child.get("id"):
                continue
            nid = child.get("id")
            role = lanes.get(nid, inherited_role)
            k = key(nid)
            self.nodes[k] = Node(nid, tag, (child.get("name") or "").strip(), pid, file, child.sourceline,
                                 role, cid, child, k)
            if tag == "boundaryEvent":
                self.boundaries.setdefault(key(child.get("attachedToRef")), []).append(k)
            elif tag == "startEvent":
                self.starts[cid].append(k)
            elif tag == "subProcess":
                self._container(child, k, cid, file, lanes, role)
                if child.get("triggeredByEvent") == "true":
                    self.esp.add(k)
                    self.event_starts[cid].extend(self.starts.pop(k))
                    first = next(iter(child.iterfind("bpmn:startEvent", NS)), None)
                    self.interrupting[k] = first is None or first.get("isInterrupting", "true") == "true"

    def has_timer(self, nid: str) -> bool:
        return any(self.nodes[b].el.find("bpmn:timerEventDefinition", NS) is not None
                   for b in self.boundaries.get(nid, []))

    def enclosing(self, nid: str):
        """Containers around a node, innermost first, stopping at its process."""
        cid = self.nodes[nid].container
        while cid is not None:
            yield cid
            cid = self.parent.get(cid)

    def process_starts(self, process_id: str) -> list[str]:
        return list(self.starts.get(process_id, []))


def node_attr(node: Node, name: str, default: str) -> str:
    return node.el.get(name, default)


def matches(node: Node, sel: dict) -> bool:
    if "ids" in sel and node.id not in sel["ids"]:
        return False
    if "type" in sel:
        types = [sel["type"]] if isinstance(sel["type"], str) else sel["type"]
        if node.type not in types:
            return False
    if "role" in sel and node.role != sel["role"]:
        return False
    if "process" in sel and node.process != sel["process"]:
        return False
    return not ("name" in sel and not re.search(str(sel["name"]), node.name, re.IGNORECASE))


class Walker:
    """Breadth-first walk of (at|after, element, call stack) states, with parents to rebuild paths."""

    def __init__(self, graph: Graph, start_processes):
        self.g = graph
        self.start_processes = start_processes

    def walk(self, stop_at, passes=lambda node: False):
        """Yield (node id, stack, path) for each state `at` a node where stop_at(node, stack) holds.

        A path stops at a node for which `passes(node)` holds, except through its boundary events. A
        state is (at|after, node, call stack of (caller, side), side); `side` marks a branch that a
        non-interrupting boundary or event subprocess started, whose end finishes nothing.
        """
        g = self.g
        queue, parent = deque(), {}
        for pid in self.start_processes:
            for sid in g.process_starts(pid):
                state = ("at", sid, (), False)
                parent[state] = None
                queue.append(state)
        while queue:
            state = queue.popleft()
            mode, nid, stack, _side = state
            node = g.nodes.get(nid)
            if node is None:
                continue
            if mode == "at" and stop_at(node, tuple(f[0] for f in stack)):
                yield nid, stack, self._path(state, parent)
                continue
            for nxt in self._next(state, node, passes):
                if nxt not in parent and len(nxt[2]) <= MAX_CALL_DEPTH:
                    parent[nxt] = state
                    queue.append(nxt)

    def _next(self, state, node, passes):
        g = self.g
        mode, _nid, stack, side = state
        if mode == "at":
            for b in g.boundaries.get(node.key, []):
                yield ("at", b, stack, side or node_attr(g.nodes[b], "cancelActivity", "true") != "true")
            for cid in g.enclosing(node.key):
                for s in g.event_starts.get(cid, []):
                    yield ("at", s, stack, side or not g.interrupting.get(g.nodes[s].container, True))
            if passes(node):
                return
            if node.type == "callActivity":
                for s in g.process_starts(node.el.get("calledElement")):
                    yield ("at", s, stack + ((node.key, side),), False)
            elif node.type == "subProcess" and node.key not in g.esp:
                for s in g.starts.get(node.key, []):
                    yield ("at", s, stack + ((node.key, side),), False)
            else:
                yield ("after", node.key, stack, side)
            return
        targets = g.succ.get(node.key, [])
        for t in targets:
            yield ("at", t, stack, side)
        if targets or node.type == "boundaryEvent" or side:
            return
        # an end: the container finishes and control returns to whoever entered it
        if stack:
            caller, caller_side = stack[-1]
            yield ("after", caller, stack[:-1], caller_side)

    def _path(self, state, parent) -> list[str]:
        out = []
        while state is not None:
            if state[0] == "at":
                out.append(state[1])
            state = parent[state]
        return out[::-1]


def check(graph: Graph, start_processes, invariants: list[Invariant], config_file: str) -> list[Problem]:
    """Problems for every enabled invariant a path breaks (one per offending element)."""
    problems = []
    walker = Walker(graph, start_processes)
    for inv in invariants:
        if not inv.enabled:
            continue
        selectors = (inv.to, inv.through) if inv.kind == "passes" else (inv.tasks,)
        for sel in selectors:
            if not any(matches(n, sel) for n in graph.nodes.values()):
                problems.append(Problem(config_file, None, inv.id,
                                        f"{inv.title}: no element of the diagrams matches {_show_sel(sel)}"))
        if inv.kind == "passes":
            hits = walker.walk(lambda n, _s, inv=inv: matches(n, inv.to), lambda n, inv=inv: matches(n, inv.through))
            broken = "reaches {target} without passing " + _show_sel(inv.through)
        else:
            def unwatched(n, stack, inv=inv):
                return matches(n, inv.tasks) and not (
                    any(graph.has_timer(c) for c in (n.key, *graph.enclosing(n.key)) if c in graph.nodes)
                    or any(graph.has_timer(c) for c in stack))  # stack: caller ids
            hits = walker.walk(unwatched)
            broken = "reaches {target}, which no boundary timer watches"
        reported = set()
        for nid, _stack, path in hits:
            if nid in reported:
                continue
            reported.add(nid)
            node = graph.nodes[nid]
            shown = " -> ".join(graph.nodes[p].shown() for p in path)
            problems.append(Problem(node.file, node.line, node.id,
                                    f"{inv.title}: a path {broken.replace('{target}', node.shown())}: {shown}"))
    return problems


def _show_sel(sel: dict) -> str:
    return "{" + ", ".join(f"{k} = {sel[k]!r}" for k in SELECTOR_KEYS if k in sel) + "}"


def check_roots(roots: dict[str, object], jurisdiction, text: str, config_file: str, display=None) -> list[Problem]:
    """Parse the config's invariants and check them on parsed diagram roots (file name -> lxml root)."""
    invariants, problems = parse_invariants(jurisdiction.config, config_file, text)
    if problems or not invariants:
        return problems
    graph = Graph(roots, jurisdiction.role_for_lane)
    found = check(graph, jurisdiction.start_processes, invariants, config_file)
    if display:
        for p in found:
            p.file = display.get(p.file, p.file)
    return found


def check_bundle(bundle, include_disabled: bool = False) -> tuple[list[Invariant], list[Problem]]:
    """Lint a bundle and check its invariants (the disabled ones too, if asked); (invariants, problems)."""
    from .jurisdiction import CONFIG_NAME
    from .lint import BundleLinter

    linter = BundleLinter(bundle)
    problems = linter.run()
    j = linter.jurisdiction
    if j is None:
        return [], problems
    text = bundle.files[CONFIG_NAME]
    invariants, config_problems = parse_invariants(j.config, bundle.display.get(CONFIG_NAME, CONFIG_NAME), text)
    if problems or not include_disabled:
        return invariants, problems
    graph = Graph(linter.roots, j.role_for_lane)
    disabled = [Invariant(**{**i.__dict__, "enabled": True}) for i in invariants if not i.enabled]
    found = check(graph, j.start_processes, disabled, bundle.display.get(CONFIG_NAME, CONFIG_NAME))
    for p in found:
        p.file = bundle.display.get(p.file, p.file)
    return invariants, config_problems + found
