"""Check a jurisdiction bundle before it can be deployed; every problem names file, line and element.

Checks: safe, well-formed XML (no DOCTYPE, so no external entities or entity bombs); BPMN schema and
SpiffWorkflow parsing; every user task in a lane that is a configured role and naming an existing,
valid form; every script, condition and timer text compiling in the sandbox.
"""

from __future__ import annotations

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from . import letter_lint, mailtemplates
from .errors import Problem
from .form_rules import param_names
from .forms import line_of_field, parse_form
from .invariants import check_roots
from .jurisdiction import CONFIG_NAME, Jurisdiction, _line_of, parse_config
from .limits import MAX_CYCLE_REPEATS, MIN_CYCLE_SECONDS
from .scripting import check_text

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_xml_safely(data: str, filename: str):
    """Parse diagram XML, refusing DOCTYPEs outright; returns (root or None, problems)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    head = raw[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in raw.upper():
        line = raw.count(b"\n", 0, min(i for i in map(raw.upper().find, (b"<!DOCTYPE", b"<!ENTITY")) if i >= 0)) + 1
        return None, [Problem(filename, line, None, "DOCTYPE/ENTITY declarations are not allowed in diagrams")]
    try:
        root = etree.fromstring(raw, _XML_PARSER)
    except etree.XMLSyntaxError as err:
        return None, [Problem(filename, err.lineno, None, f"not well-formed XML: {err.msg}")]
    return root, []


def form_key_of(node) -> str | None:
    for prop in node.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS):
        if prop.get("name") == "formKey":
            return (prop.get("value") or "").strip() or None
    return None


def _lane_of(node, lane_of):
    """A node's lane, or the lane of the (event) subprocess it sits in, as SpiffWorkflow reads it."""
    while node is not None:
        if node.get("id") in lane_of:
            return lane_of[node.get("id")]
        node = node.getparent()
        if node is None or etree.QName(node).localname == "process":
            return None
    return None


def interrupting_messages(root) -> set[str]:
    """Message names that start an interrupting event subprocess (BPMN's isInterrupting defaults to true)."""
    names = {m.get("id"): m.get("name") for m in root.iterfind(".//bpmn:message", NS)}
    found = set()
    for sub in root.iterfind(".//bpmn:subProcess[@triggeredByEvent='true']", NS):
        for start in sub.iterfind("bpmn:startEvent", NS):
            if start.get("isInterrupting", "true") != "true":
                continue
            for definition in start.iterfind("bpmn:messageEventDefinition", NS):
                if definition.get("messageRef") in names:
                    found.add(names[definition.get("messageRef")])
    return found


def condition_flows(root) -> dict[tuple[str, str], str]:
    """(source element id, condition text) -> sequence flow id, so an error in a gateway's condition
    can name the flow it sits on (SpiffWorkflow keeps only the condition and the target)."""
    return {(flow.get("sourceRef"), (cond.text or "").strip()): flow.get("id")
            for flow in root.iterfind(".//bpmn:sequenceFlow", NS)
            for cond in flow.iterfind("bpmn:conditionExpression", NS)}


class BundleLinter:
    """Lints one bundle (see definitions.Bundle); `display` maps bundle names to shown paths."""

    def __init__(self, bundle):
        self.bundle = bundle
        self.problems: list[Problem] = []
        self.jurisdiction: Jurisdiction | None = None
        self.forms: dict = {}
        self.roots: dict[str, object] = {}

    def shown(self, name: str) -> str:
        return self.bundle.display.get(name, name)

    def add(self, name, line, element, message):
        self.problems.append(Problem(self.shown(name), line, element, message))

    def run(self) -> list[Problem]:
        self._config()
        self._forms()
        self.problems.extend(mailtemplates.check(self.bundle.files, self.shown))
        for name in self.bundle.bpmn_names():
            root, problems = parse_xml_safely(self.bundle.files[name], self.shown(name))
            self.problems.extend(problems)
            if root is not None:
                self.roots[name] = root
                self._schema(name, root)
                self._elements(name, root)
        if not self.bundle.bpmn_names():
            self.add(CONFIG_NAME, 1, None, "the folder has no .bpmn files")
        if self.roots and not any(p.message.startswith("BPMN schema") for p in self.problems):
            self._spiff()
        letter_lint.check_letters(self)
        if self.jurisdiction is not None and self.roots and not self.problems:
            self.problems.extend(check_roots(self.roots, self.jurisdiction, self.bundle.files[CONFIG_NAME],
                                             CONFIG_NAME, {n: self.shown(n) for n in self.bundle.files}))
        return self.problems

    def _config(self):
        text = self.bundle.files.get(CONFIG_NAME)
        if text is None:
            self.add(CONFIG_NAME, 1, None, f"missing {CONFIG_NAME} (name, timezone, roles, ...)")
            return
        self.jurisdiction, problems = parse_config(text, self.shown(CONFIG_NAME), self.bundle.folder_name)
        self.problems.extend(problems)

    def _forms(self):
        for name in self.bundle.form_names():
            key = name[len("forms/"):-len(".json")]
            form, problems = parse_form(key, self.bundle.files[name])
            for message in problems:
                line = int(message.split(":")[0][5:]) if message.startswith("line ") else 1
                self.add(name, line, key, message)
            if form is not None:
                self.forms[key] = form
                self._form_params(name, form)

    def _form_params(self, name, form):
        """A date rule's `calendar_days` naming a parameter needs it in the config's [parameters]."""
        params = self.jurisdiction.parameters if self.jurisdiction else None
        for field_name, param in param_names(form.schema):
            if params is not None and not isinstance(params.get(param), int):
                self.add(name, line_of_field(self.bundle.files[name], field_name), form.key,
                         f"field {field_name!r}: calendar_days names parameter {param!r}, which is not a whole "
                         f"number in [parameters] of {CONFIG_NAME}")

    def _schema(self, name, root):
        try:
            VALIDATOR.validate(root, self.shown(name))
        except ValidationException as err:
            self.add(name, err.line_number or 1, next((n.get("id") for n in root.iter() if isinstance(n.tag, str)
                     and n.sourceline == err.line_number and n.get("id")), None), f"BPMN schema: {err}")

    def _elements(self, name, root):
        j = self.jurisdiction
        for process in root.iterfind(".//bpmn:process", NS):
            ids = {n.get("id") for n in process.iter() if isinstance(n.tag, str) and n.get("id")}
            lane_of = {}
            for lane in process.iterfind(".//bpmn:lane", NS):
                if j is not None and j.role_for_lane(lane.get("name")) is None:
                    roles = ", ".join(j.roles)
                    self.add(name, lane.sourceline, lane.get("id"),
                             f"lane {lane.get('name')!r} is not a role of this jurisdiction ({roles})")
                for ref in lane.iterfind("bpmn:flowNodeRef", NS):
                    target = (ref.text or "").strip()
                    if target not in ids:
                        self.add(name, ref.sourceline, lane.get("id"),
                                 f"lane lists {target!r}, which is not an element of this process")
                    lane_of[target] = lane
            for task in process.iterfind(".//bpmn:userTask", NS):
                self._user_task(name, task, lane_of)
            for script in process.iterfind(".//bpmn:scriptTask", NS):
                body = script.find("bpmn:script", NS)
                self._text(name, script, body.text if body is not None else None, "exec", "script")
        for node in root.iter():
            tag = etree.QName(node).localname if isinstance(node.tag, str) else ""
            owner = node.getparent()
            if tag in ("preScript", "postScript") and etree.QName(node).namespace == SPIFF:
                self._text(name, owner.getparent(), node.text, "exec", tag)
            elif tag == "conditionExpression":
                self._text(name, owner, node.text, "eval", "condition")
            elif tag == "timerEventDefinition":
                exprs = [c for c in node if isinstance(c.tag, str)
                         and etree.QName(c).localname in ("timeDate", "timeDuration", "timeCycle")]
                if not exprs:
                    self.add(name, node.sourceline, owner.get("id"), "timer has no timeDate, timeDuration or timeCycle")
                for expr in exprs:
                    self._text(name, owner, expr.text, "eval", "timer")
                    if etree.QName(expr).localname == "timeCycle":
                        problem = cycle_problem(expr.text)
                        if problem:
                            self.add(name, expr.sourceline, owner.get("id"), problem)

    def _user_task(self, name, task, lane_of):
        tid = task.get("id")
        if _lane_of(task, lane_of) is None:
            self.add(name, task.sourceline, tid, "user task is not in a lane: every step needs a role")
        key = form_key_of(task)
        if key is None:
            self.add(name, task.sourceline, tid, "user task has no formKey property")
        elif f"forms/{key}.json" not in self.bundle.files:
            self.add(name, task.sourceline, tid, f"form {key!r} not found ({self.bundle.forms_shown}/{key}.json)")
        elif key not in self.forms:
            self.add(name, task.sourceline, tid, f"form {key!r} is not a valid form (see its own errors)")
        letter_lint.check_task(self, name, task, NS)

    def _text(self, name, element, text, mode, what):
        eid = element.get("id") if element is not None else None
        if text is None or not text.strip():
            self.add(name, element.sourceline if element is not None else 1, eid, f"empty {what}")
            return
        refusal = check_text(text, mode)
        if refusal:
            self.add(name, element.sourceline, eid, f"{what} refused by the sandbox: {refusal}")

    def _spiff(self):
        parser = SpiffBpmnParser()
        lines = {}
        for name, root in self.roots.items():
            for node in root.iter():
                if isinstance(node.tag, str) and node.get("id"):
                    lines[node.get("id")] = (name, node.sourceline)
            try:
                parser.add_bpmn_xml(root, self.shown(name))
            except ValidationException as err:
                self._spiff_problem(err, lines, name)
                return
            except Exception as err:  # noqa: BLE001 - SpiffWorkflow raises plain errors on odd diagrams
                self.add(name, 1, None, f"SpiffWorkflow could not read the diagram: {err}")
                return
        starts = self.jurisdiction.start_processes if self.jurisdiction else ()
        for pid in starts:
            if pid not in parser.get_process_ids():
                self.add(CONFIG_NAME, _line_of(self.bundle.files[CONFIG_NAME], "start_processes"), "start_processes",
                         f"process {pid!r} is not defined in any diagram")
        reopen = (self.jurisdiction.config.get("reopen") or {}) if self.jurisdiction else {}
        if isinstance(reopen, dict) and reopen and reopen.get("process") not in parser.get_process_ids():
            self.add(CONFIG_NAME, _line_of(self.bundle.files[CONFIG_NAME], "reopen"), "reopen",
                     f"[reopen] process {reopen.get('process')!r} is not defined in any diagram")
        known = set(parser.get_process_ids())
        missing = False
        for name, root in self.roots.items():
            for call in root.iterfind(".//bpmn:callActivity", NS):
                if call.get("calledElement") not in known:
                    missing = True
                    self.add(name, call.sourceline, call.get("id"),
                             f"call activity calls process {call.get('calledElement')!r}, which no diagram defines "
                             f"({', '.join(sorted(known))})")
        if missing:
            return
        for pid in parser.get_process_ids():
            try:
                parser.get_subprocess_specs(pid)
            except ValidationException as err:
                self._spiff_problem(err, lines, None)
            except Exception as err:  # noqa: BLE001
                name, line = lines.get(pid, (next(iter(self.roots)), 1))
                self.add(name, line, pid, f"SpiffWorkflow could not build the process: {err}")

    def _spiff_problem(self, err, lines, fallback):
        eid = getattr(err, "id", "") or None
        name, line = lines.get(eid, (fallback or next(iter(self.roots)), err.line_number or 1))
        self.add(name, line, eid, str(err).splitlines()[0])


def cycle_problem(text: str | None) -> str | None:
    """A literal timeCycle ("R3/PT1H") must repeat a bounded number of times, at least a minute apart."""
    import ast

    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    try:
        node = ast.parse((text or "").strip(), mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
        return None  # computed at run time; the sandbox bounds its evaluation
    try:
        cycles, _, duration = TimerEventDefinition.parse_iso_recurring_interval(node.value)
    except Exception:  # noqa: BLE001 - SpiffWorkflow raises plain errors on a bad interval
        return f"timer cycle {node.value!r} is not an ISO 8601 repeating interval like \"R3/PT1H\""
    if cycles < 0 or cycles > MAX_CYCLE_REPEATS:
        return f"timer cycle {node.value!r} must give a repeat count from 1 to {MAX_CYCLE_REPEATS} (R3/...)"
    if duration.total_seconds() < MIN_CYCLE_SECONDS:
        return f"timer cycle {node.value!r} repeats more often than once a minute"
    return None
