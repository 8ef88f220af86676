"""Invariants (`[[invariants]]` in jurisdiction.toml): every path of small diagrams, and the shipped folders.

A path that skips the required role is found through a gateway, through a call activity, through an event
subprocess and around a loop, and the violation names that path element by element (id and name).
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
from support import ROOT, run_cli

from engine.definitions import deploy, lint_bundle, read_folder
from engine.errors import DefinitionError
from engine.invariants import Graph, check, parse_invariants
from engine.lint import parse_xml_safely

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/'
        'MODEL" id="d" targetNamespace="http://example.org">\n')
ROLES = {"clerk": "Clerk", "counsel": "Counsel"}
DENIAL_RULE = """
[[invariants]]
id = "denial_passes_counsel"
section = "4-6"
kind = "passes"
to = { ids = ["end_denied"] }
through = { role = "counsel", type = "userTask" }
"""


def process(pid: str, lanes: dict[str, list[str]], body: str) -> str:
    """A <process> with lanes (lane name -> element ids) around the given flow elements."""
    lane_xml = "".join(f'<bpmn:lane id="lane_{name}_{pid}" name="{name}">'
                       + "".join(f"<bpmn:flowNodeRef>{e}</bpmn:flowNodeRef>" for e in ids) + "</bpmn:lane>"
                       for name, ids in lanes.items())
    return f'<bpmn:process id="{pid}" isExecutable="true"><bpmn:laneSet id="ls_{pid}">{lane_xml}</bpmn:laneSet>{body}' \
           "</bpmn:process>\n"


def flows(*pairs: str) -> str:
    out = []
    for pair in pairs:
        src, dst = pair.split(">")
        out.append(f'<bpmn:sequenceFlow id="f_{src}_{dst}" sourceRef="{src}" targetRef="{dst}"/>')
    return "".join(out)


def el(kind: str, eid: str, name: str = "", extra: str = "", inner: str = "") -> str:
    return f'<bpmn:{kind} id="{eid}" name="{name}" {extra}>{inner}</bpmn:{kind}>'


def violations(processes: str, rules: str = DENIAL_RULE, start=("main",)) -> list[str]:
    root, problems = parse_xml_safely(HEAD + processes + "</bpmn:definitions>", "t.bpmn")
    assert not problems
    config = tomllib.loads(rules)
    invariants, bad = parse_invariants(config, "jurisdiction.toml", rules)
    assert not bad, bad

    def role_for_lane(name):
        return next((k for k, v in ROLES.items() if v == name), None)

    return [str(p) for p in check(Graph({"t.bpmn": root}, role_for_lane), start, invariants, "jurisdiction.toml")]


def path_of(message: str) -> list[str]:
    """The element ids of the path a violation names, in order."""
    shown = re.split(r"\}: |watches: ", message, maxsplit=1)[1]
    return [step.split(" ", 1)[0] for step in shown.split(" -> ")]


REVIEW = el("userTask", "review", "Legal review")
DENIED = el("endEvent", "end_denied", "Denied")


def test_a_gateway_branch_that_skips_counsel_is_named_from_start_to_denial():
    body = (el("startEvent", "start", "Request") + el("exclusiveGateway", "gw", "Basis?") + REVIEW + DENIED
            + flows("start>gw", "gw>review", "review>end_denied", "gw>end_denied"))
    found = violations(process("main", {"Clerk": ["start", "gw", "end_denied"], "Counsel": ["review"]}, body))
    assert len(found) == 1
    assert found[0].startswith("t.bpmn:3: end_denied: invariant 'denial_passes_counsel' (4-6): a path reaches "
                               'end_denied "Denied" without passing')
    assert 'start "Request" -> gw "Basis?" -> end_denied "Denied"' in found[0]


def test_every_branch_through_counsel_holds():
    body = (el("startEvent", "start", "Request") + el("exclusiveGateway", "gw", "Basis?") + REVIEW + DENIED
            + el("endEvent", "end_ok", "Approved") + flows("start>gw", "gw>review", "review>end_denied", "gw>end_ok"))
    assert violations(process("main", {"Clerk": ["start", "gw", "end_denied", "end_ok"], "Counsel": ["review"]},
                              body)) == []


def test_a_timer_leaving_the_review_early_does_not_count_as_passing_it():
    timer = el("boundaryEvent", "t_review", "Review late", 'attachedToRef="review"',
               '<bpmn:timerEventDefinition><bpmn:timeDuration>"P5D"</bpmn:timeDuration></bpmn:timerEventDefinition>')
    body = (el("startEvent", "start", "Request") + REVIEW + timer + DENIED
            + flows("start>review", "review>end_denied", "t_review>end_denied"))
    found = violations(process("main", {"Clerk": ["start", "end_denied"], "Counsel": ["review", "t_review"]}, body))
    assert path_of(found[0]) == ["start", "review", "t_review", "end_denied"]


def test_a_non_interrupting_reminder_branch_ends_without_ending_the_called_process():
    """A reminder branch's end finishes nothing: the caller does not continue from it."""
    reminder = el("boundaryEvent", "t_remind", "Remind", 'cancelActivity="false" attachedToRef="review"',
                  '<bpmn:timerEventDefinition><bpmn:timeDuration>"P5D"</bpmn:timeDuration></bpmn:timerEventDefinition>')
    sub = process("sub", {"Counsel": ["s_start", "review", "t_remind", "s_end", "r_end"]},
                  el("startEvent", "s_start") + REVIEW + reminder + el("endEvent", "s_end") + el("endEvent", "r_end")
                  + flows("s_start>review", "review>s_end", "t_remind>r_end"))
    main = process("main", {"Clerk": ["start", "call", "end_denied"]},
                   el("startEvent", "start", "Request") + el("callActivity", "call", "Review", 'calledElement="sub"')
                   + DENIED + flows("start>call", "call>end_denied"))
    assert violations(main + sub) == []


def test_a_call_activity_whose_process_skips_counsel_is_followed_into_the_call_and_back():
    sub = process("sub", {"Clerk": ["s_start", "s_task", "s_end"]},
                  el("startEvent", "s_start", "Sub start") + el("userTask", "s_task", "Write the letter")
                  + el("endEvent", "s_end", "Sub done") + flows("s_start>s_task", "s_task>s_end"))
    main = process("main", {"Clerk": ["start", "call", "end_denied"]},
                   el("startEvent", "start", "Request") + el("callActivity", "call", "Prepare", 'calledElement="sub"')
                   + DENIED + flows("start>call", "call>end_denied"))
    found = [f for f in violations(main + sub) if "a path" in f]
    assert path_of(found[0]) == ["start", "call", "s_start", "s_task", "s_end", "end_denied"]
    # the same called process with counsel's review in it keeps the rule
    sub_ok = sub.replace('<bpmn:flowNodeRef>s_task</bpmn:flowNodeRef>', "").replace(
        '</bpmn:laneSet>', "").replace('<bpmn:laneSet id="ls_sub">', '<bpmn:laneSet id="ls_sub"><bpmn:lane id="lc" '
                                       'name="Counsel"><bpmn:flowNodeRef>s_task</bpmn:flowNodeRef></bpmn:lane>') \
        .replace('</bpmn:lane><bpmn:startEvent', '</bpmn:lane></bpmn:laneSet><bpmn:startEvent')
    assert violations(main + sub_ok) == []


def test_a_called_process_returns_to_the_caller_that_called_it():
    """Called from a reviewed and an unreviewed place: only the unreviewed caller's path breaks the rule."""
    sub = process("sub", {"Clerk": ["s_start", "s_end"]},
                  el("startEvent", "s_start") + el("endEvent", "s_end") + flows("s_start>s_end"))
    lanes = {"Clerk": ["start", "gw", "call_a", "call_b", "end_denied", "end_ok"], "Counsel": ["review"]}
    main = process("main", lanes,
                   el("startEvent", "start", "Request") + el("exclusiveGateway", "gw")
                   + el("callActivity", "call_a", "A", 'calledElement="sub"')
                   + el("callActivity", "call_b", "B", 'calledElement="sub"') + REVIEW + DENIED
                   + el("endEvent", "end_ok", "Closed")
                   + flows("start>gw", "gw>call_a", "gw>review", "review>call_b", "call_b>end_denied", "call_a>end_ok"))
    assert violations(main + sub) == []


def test_an_event_subprocess_that_denies_without_counsel_is_found():
    esp = el("subProcess", "esp", "Case event", 'triggeredByEvent="true"',
             el("startEvent", "esp_start", "Message arrives", "", "<bpmn:messageEventDefinition/>")
             + el("scriptTask", "esp_deny", "Record denial") + DENIED
             + flows("esp_start>esp_deny", "esp_deny>end_denied"))
    body = (el("startEvent", "start", "Request") + REVIEW + el("endEvent", "end_ok", "Done") + esp
            + flows("start>review", "review>end_ok"))
    found = violations(process("main", {"Clerk": ["start", "end_ok", "esp"], "Counsel": ["review"]}, body))
    assert len(found) == 1
    assert path_of(found[0]) == ["start", "esp_start", "esp_deny", "end_denied"]


def test_a_loop_is_walked_once_and_its_exit_that_skips_counsel_is_found():
    body = (el("startEvent", "start", "Request") + el("exclusiveGateway", "join", "Again")
            + el("userTask", "gather", "Gather facts") + el("exclusiveGateway", "gw", "Enough?") + REVIEW + DENIED
            + flows("start>join", "join>gather", "gather>gw", "gw>join", "gw>review", "review>end_denied"))
    lanes = {"Clerk": ["start", "join", "gather", "gw", "end_denied"], "Counsel": ["review"]}
    assert violations(process("main", lanes, body)) == []
    looped = body.replace('targetRef="review"', 'targetRef="end_denied"')
    found = violations(process("main", lanes, looped))
    assert path_of(found[0]) == ["start", "join", "gather", "gw", "end_denied"]


TIMER_RULE = """
[[invariants]]
id = "deadline_steps_timed"
kind = "timer"
tasks = { role = "clerk", type = "userTask" }
"""


def test_a_deadline_step_without_a_timer_is_named_and_a_timer_on_the_calling_activity_counts():
    timer = ('<bpmn:timerEventDefinition><bpmn:timeDuration>"P5D"</bpmn:timeDuration>'
             "</bpmn:timerEventDefinition>")
    sub = process("sub", {"Clerk": ["s_start", "s_task", "s_end"]},
                  el("startEvent", "s_start") + el("userTask", "s_task", "Decide") + el("endEvent", "s_end")
                  + flows("s_start>s_task", "s_task>s_end"))
    main = process("main", {"Clerk": ["start", "t1", "b1", "call", "end"]},
                   el("startEvent", "start", "Request") + el("userTask", "t1", "Record")
                   + el("boundaryEvent", "b1", "Late", 'cancelActivity="false" attachedToRef="t1"', timer)
                   + el("callActivity", "call", "Decide", 'calledElement="sub"') + el("endEvent", "end")
                   + flows("start>t1", "t1>call", "call>end"))
    found = violations(main + sub, TIMER_RULE)
    assert len(found) == 1 and found[0].startswith("t.bpmn:4: s_task: invariant 'deadline_steps_timed': a path "
                                                   'reaches s_task "Decide", which no boundary timer watches')
    watched = main.replace('<bpmn:endEvent id="end"',
                           el("boundaryEvent", "b2", "Late", 'attachedToRef="call"', timer) + '<bpmn:endEvent id="end"')
    assert violations(watched + sub, TIMER_RULE) == []


@pytest.mark.parametrize("rule, message", [
    ('[[invariants]]\nid = "x"\nkind = "always"\n', "kind 'always' must be one of passes, timer"),
    ('[[invariants]]\nid = "x"\nkind = "passes"\nto = { ids = ["a"] }\n', "through: a table like"),
    ('[[invariants]]\nid = "x"\nkind = "timer"\ntasks = { lane = "clerk" }\n', "unknown selector key(s) lane"),
    ('[[invariants]]\nkind = "timer"\n', "id is required"),
])
def test_a_malformed_invariant_is_a_located_config_problem(rule, message):
    text = 'key = "x"\n\n' + rule
    invariants, problems = parse_invariants(tomllib.loads(text), "jurisdiction.toml", text)
    assert invariants == [] and len(problems) == 1
    assert str(problems[0]).startswith("jurisdiction.toml:")
    assert message in problems[0].message
    assert problems[0].line >= 3


def test_a_selector_that_matches_nothing_is_reported():
    body = el("startEvent", "start") + el("endEvent", "end") + flows("start>end")
    rule = DENIAL_RULE.replace('"end_denied"', '"end_gone"')
    found = violations(process("main", {"Clerk": ["start", "end"]}, body), rule)
    assert any("no element of the diagrams matches {ids = ['end_gone']}" in f for f in found)


# -- the shipped folders -------------------------------------------------------------------------------------

@pytest.mark.parametrize("jurisdiction, at_least", [("navy", 3), ("santa_cruz", 3)])
def test_the_shipped_folders_declare_and_keep_their_invariants(jurisdiction, at_least):
    folder = ROOT / "processes" / jurisdiction
    config = tomllib.loads((folder / "jurisdiction.toml").read_text())
    enabled = [i for i in config["invariants"] if i.get("enabled", True)]
    assert len(enabled) >= at_least
    assert lint_bundle(read_folder(folder)) == []


def navy_copy(tmp_path: Path) -> Path:
    """A copy of the shipped Navy folder (and forms): every denial passes counsel there (issue 10)."""
    target = tmp_path / "processes" / "navy"
    shutil.copytree(ROOT / "processes" / "navy", target)
    shutil.copytree(ROOT / "forms" / "navy", tmp_path / "forms" / "navy")
    return target


def test_a_navy_copy_with_a_denial_rerouted_around_counsel_fails_with_that_path_named(tmp_path, capsys):
    folder = navy_copy(tmp_path)
    assert lint_bundle(read_folder(folder)) == []
    diagram = folder / "navy_ra.bpmn"
    text = diagram.read_text()
    old = 'sourceRef="script_basis_not_disabled" targetRef="join_ogc_review"'
    assert old in text
    # the denial goes straight to navy_ra's "Denied" end instead of calling navy_denial (OGC's review, the letter)
    diagram.write_text(text.replace(old, 'sourceRef="script_basis_not_disabled" targetRef="end_denied"'))

    code, out, err = run_cli(capsys, "invariants", str(folder))
    assert code == 1
    lines = out.strip().splitlines()
    assert len(lines) == 1
    line = lines[0]
    assert line.startswith(f"{diagram}:")
    assert ": end_denied: invariant 'denial_passes_counsel' (Navy manual 4-6): a path reaches end_denied" in line
    assert path_of(line)[-2:] == ["script_basis_not_disabled", "end_denied"]
    assert path_of(line)[0] == "start_request"
    assert 'script_basis_not_disabled "Basis: not an individual with a disability (4-6)"' in line
    # lint and deploy refuse it too
    assert [p.element for p in lint_bundle(read_folder(folder))] == ["end_denied"]
    with pytest.raises(DefinitionError):
        deploy(None, read_folder(folder))


def test_raflow_invariants_says_which_hold_and_which_are_disabled(capsys, tmp_path):
    code, out, err = run_cli(capsys, "invariants", str(ROOT / "processes" / "navy"))
    assert code == 0 and out == ""
    assert "ok: 5 invariant(s) hold" in err and "disabled" not in err
    folder = navy_copy(tmp_path)
    config = folder / "jurisdiction.toml"
    config.write_text(config.read_text().replace('id = "denial_passes_counsel"\n',
                                                 'id = "denial_passes_counsel"\nenabled = false\n'))
    code, out, err = run_cli(capsys, "invariants", str(folder))
    assert code == 0 and "ok: 4 invariant(s) hold" in err and "1 disabled: denial_passes_counsel" in err
