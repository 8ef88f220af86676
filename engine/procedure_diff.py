"""What changed between two versions of a jurisdiction bundle, in words policy staff read (`raflow diff`).

Compares what raflow reads, not XML text: steps added, removed or renamed; steps moved to another lane
(role); timer texts, conditions, scripts, form keys, instructions, called processes and messages changed;
arrows added or removed; parameters, roles and other config changed; forms and their fields added,
removed or changed; any other file of the bundle (letters, ...) added, removed or changed. Layout (the
diagram's picture) is ignored.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass

from lxml import etree

from .jurisdiction import CONFIG_NAME
from .lint import NS, SPIFF, form_key_of, parse_xml_safely

_SKIP = {"laneSet", "lane", "flowNodeRef", "sequenceFlow", "extensionElements", "incoming", "outgoing",
         "documentation", "property", "properties", "dataObject", "dataObjectReference", "textAnnotation",
         "association"}


@dataclass
class Change:
    kind: str           # added, removed, renamed, lane, timer, condition, script, form_key, instructions, ...
    file: str
    element: str | None
    message: str
    before: object = None
    after: object = None

    def __str__(self) -> str:
        return f"{self.file}: {self.element or '-'}: {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


def _text(node) -> str | None:
    return " ".join((node.text or "").split()) if node is not None else None


def _elements(files: dict[str, str], role_for_lane) -> tuple[dict, dict]:
    """(flow nodes, sequence flows) of every diagram: (file, id) -> facts."""
    nodes, flows = {}, {}
    for name in sorted(n for n in files if n.endswith(".bpmn") and "/" not in n):
        root, problems = parse_xml_safely(files[name], name)
        if root is None:
            continue
        messages = {m.get("id"): m.get("name") for m in root.iterfind(".//bpmn:message", NS)}
        for process in root.iterfind(".//bpmn:process", NS):
            lanes = {}
            for lane in process.iterfind(".//bpmn:lane", NS):
                for ref in lane.iterfind("bpmn:flowNodeRef", NS):
                    lanes[(ref.text or "").strip()] = lane.get("name")
            for node in process.iter():
                if not isinstance(node.tag, str) or not node.get("id"):
                    continue
                tag = etree.QName(node).localname
                if tag == "sequenceFlow":
                    flows[(name, node.get("id"))] = {
                        "from": node.get("sourceRef"), "to": node.get("targetRef"), "name": node.get("name") or "",
                        "condition": _text(node.find("bpmn:conditionExpression", NS))}
                    continue
                if tag in _SKIP or tag.endswith("Definition") or etree.QName(node).namespace != NS["bpmn"]:
                    continue
                if tag in ("script", "conditionExpression", "timeDate", "timeDuration", "timeCycle"):
                    continue
                parent = node
                while parent is not None and parent.get("id") not in lanes:
                    parent = parent.getparent()
                    if parent is not None and etree.QName(parent).localname == "process":
                        parent = None
                lane = lanes.get(parent.get("id")) if parent is not None else None
                timer = node.find("bpmn:timerEventDefinition", NS)
                timer_text = None
                if timer is not None:
                    timer_text = next((_text(c) for c in timer if isinstance(c.tag, str)), None)
                msg = node.find("bpmn:messageEventDefinition", NS)
                nodes[(name, node.get("id"))] = {
                    "type": tag, "name": (node.get("name") or "").strip(), "process": process.get("id"),
                    "role": role_for_lane(lane) if lane else None, "lane": lane,
                    "timer": timer_text, "script": _text(node.find("bpmn:script", NS)),
                    "pre_script": _text(node.find(f".//{{{SPIFF}}}preScript")),
                    "post_script": _text(node.find(f".//{{{SPIFF}}}postScript")),
                    "form_key": form_key_of(node) if tag == "userTask" else None,
                    "instructions": _text(node.find(f".//{{{SPIFF}}}instructionsForEndUser")),
                    "called": node.get("calledElement"),
                    "message": messages.get(msg.get("messageRef")) if msg is not None else None,
                    "interrupting": node.get("cancelActivity", node.get("isInterrupting")),
                }
    return nodes, flows


_WORDS = {"timer": "timer", "script": "script", "pre_script": "script before the step",
          "post_script": "script after the step", "form_key": "form", "instructions": "instructions",
          "called": "called process", "message": "message", "interrupting": "interrupting",
          "type": "element type"}


def _show(node) -> str:
    return f"{node['type']} \"{node['name']}\"" if node["name"] else node["type"]


def diff_bundles(old_files: dict[str, str], new_files: dict[str, str], role_for_lane=lambda lane: lane) -> list[Change]:
    """Every change from `old_files` to `new_files` (bundle file name -> text), in file and element order."""
    changes: list[Change] = []
    old_nodes, old_flows = _elements(old_files, role_for_lane)
    new_nodes, new_flows = _elements(new_files, role_for_lane)
    for key in sorted(set(old_nodes) | set(new_nodes)):
        file, eid = key
        old, new = old_nodes.get(key), new_nodes.get(key)
        if old is None:
            where = f" in lane {new['lane']!r}" if new["lane"] else ""
            changes.append(Change("added", file, eid, f"step added: {_show(new)}{where}", None, new["name"]))
            continue
        if new is None:
            changes.append(Change("removed", file, eid, f"step removed: {_show(old)}", old["name"], None))
            continue
        if old["name"] != new["name"]:
            changes.append(Change("renamed", file, eid, f"renamed {old['name']!r} -> {new['name']!r}",
                                  old["name"], new["name"]))
        if old["lane"] != new["lane"]:
            changes.append(Change("lane", file, eid, f"moved from lane {old['lane']!r} to {new['lane']!r}",
                                  old["lane"], new["lane"]))
        for fact, word in _WORDS.items():
            if old[fact] != new[fact]:
                changes.append(Change(fact, file, eid, f"{word} changed: {old[fact]!r} -> {new[fact]!r}",
                                      old[fact], new[fact]))
    for key in sorted(set(old_flows) | set(new_flows)):
        file, fid = key
        old, new = old_flows.get(key), new_flows.get(key)
        if old is None:
            changes.append(Change("flow_added", file, fid, f"arrow added: {new['from']} -> {new['to']}"
                                  + (f" ({new['name']})" if new["name"] else ""), None, new))
        elif new is None:
            changes.append(Change("flow_removed", file, fid, f"arrow removed: {old['from']} -> {old['to']}", old, None))
        else:
            if (old["from"], old["to"]) != (new["from"], new["to"]):
                changes.append(Change("flow_moved", file, fid, f"arrow {old['from']} -> {old['to']} now goes "
                                      f"{new['from']} -> {new['to']}", old, new))
            if old["condition"] != new["condition"]:
                changes.append(Change("condition", file, fid, f"condition changed: {old['condition']!r} -> "
                                      f"{new['condition']!r}", old["condition"], new["condition"]))
    changes.extend(_config_changes(old_files.get(CONFIG_NAME), new_files.get(CONFIG_NAME)))
    changes.extend(_form_changes(old_files, new_files))
    for name in sorted(set(old_files) | set(new_files)):
        if name == CONFIG_NAME or name.endswith(".bpmn") and "/" not in name or name.startswith("forms/"):
            continue
        if name not in old_files:
            changes.append(Change("file_added", name, None, "file added"))
        elif name not in new_files:
            changes.append(Change("file_removed", name, None, "file removed"))
        elif old_files[name] != new_files[name]:
            changes.append(Change("file_changed", name, None, "file changed"))
    return changes


def _config_changes(old_text, new_text) -> list[Change]:
    def load(text):
        try:
            return tomllib.loads(text or "")
        except tomllib.TOMLDecodeError:
            return {}

    old, new = load(old_text), load(new_text)
    out = []
    for table, word in (("parameters", "parameter"), ("roles", "role")):
        a, b = old.get(table, {}) or {}, new.get(table, {}) or {}
        for key in sorted(set(a) | set(b)):
            if key not in a:
                out.append(Change(f"{word}_added", CONFIG_NAME, key, f"{word} added: {key} = {b[key]!r}", None, b[key]))
            elif key not in b:
                out.append(Change(f"{word}_removed", CONFIG_NAME, key, f"{word} removed: {key}", a[key], None))
            elif a[key] != b[key]:
                out.append(Change(word, CONFIG_NAME, key, f"{word} {key} changed: {a[key]!r} -> {b[key]!r}",
                                  a[key], b[key]))
    for key in sorted((set(old) | set(new)) - {"parameters", "roles"}):
        if old.get(key) != new.get(key):
            out.append(Change("config", CONFIG_NAME, key, f"{key} changed", old.get(key), new.get(key)))
    return out


def _form_changes(old_files, new_files) -> list[Change]:
    out = []
    names = sorted({n for n in (*old_files, *new_files) if n.startswith("forms/") and n.endswith(".json")})
    for name in names:
        key = name[len("forms/"):-len(".json")]
        if name not in old_files:
            out.append(Change("form_added", name, key, f"form {key!r} added"))
            continue
        if name not in new_files:
            out.append(Change("form_removed", name, key, f"form {key!r} removed"))
            continue
        if old_files[name] == new_files[name]:
            continue
        try:
            a, b = json.loads(old_files[name]), json.loads(new_files[name])
        except json.JSONDecodeError:
            out.append(Change("form_changed", name, key, f"form {key!r} changed"))
            continue
        fa, fb = a.get("properties", {}) or {}, b.get("properties", {}) or {}
        ra, rb = set(a.get("required", []) or []), set(b.get("required", []) or [])
        for field in sorted(set(fa) | set(fb)):
            if field not in fa:
                out.append(Change("field_added", name, field, f"form {key!r}: field {field!r} added"))
            elif field not in fb:
                out.append(Change("field_removed", name, field, f"form {key!r}: field {field!r} removed"))
            elif fa[field] != fb[field]:
                out.append(Change("field_changed", name, field, f"form {key!r}: field {field!r} changed",
                                  fa[field], fb[field]))
            if field in fa and field in fb and (field in ra) != (field in rb):
                now = "now required" if field in rb else "no longer required"
                out.append(Change("field_required", name, field, f"form {key!r}: field {field!r} {now}"))
        rest = {k for k in set(a) | set(b) if k not in ("properties", "required") and a.get(k) != b.get(k)}
        if rest:
            out.append(Change("form_changed", name, key, f"form {key!r}: {', '.join(sorted(rest))} changed"))
    return out
