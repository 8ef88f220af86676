"""The diagram sandbox: what a policy author's script, condition or timer text may and may not do."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState
from support import copy_testland

from engine.definitions import lint_bundle, read_folder
from engine.errors import ScriptError
from engine.scripting import (
    FORBIDDEN_NAMES,
    SandboxEnvironment,
    SandboxScriptEngine,
    check_text,
    compile_text,
)

ENV = SandboxEnvironment()


def run(script: str, data: dict | None = None, helpers: dict | None = None) -> dict:
    """Run a script the way SpiffWorkflow does; returns the task data afterwards."""
    data = {} if data is None else data
    ENV.execute(script, data, helpers or {})
    return data


# -- escapes ------------------------------------------------------------------------------------------

ESCAPES = [
    ('__import__("os")', "'__import__' is not allowed"),
    ("import os", "import is not allowed"),
    ("from os import path", "import is not allowed"),
    ('open("/etc/passwd")', "'open' is not allowed"),
    ("().__class__.__base__.__subclasses__()", '"__class__" is an invalid attribute name'),
    ('getattr(1, "__class__")', "'getattr' is not allowed"),
    ('exec("x=1")', "'exec' is not allowed"),
    ('eval("1")', "'eval' is not allowed"),
    ("type(1)", "'type' is not allowed"),
    ("globals()", "'globals' is not allowed"),
]


@pytest.mark.parametrize(("source", "message"), ESCAPES, ids=[s for s, _ in ESCAPES])
def test_script_escape_is_refused_before_it_runs(source, message):
    with pytest.raises(ScriptError) as err:
        run(f"result = {source}" if not source.startswith(("import", "from")) else source)
    assert message in str(err.value)
    assert "Line 1" in str(err.value)


@pytest.mark.parametrize(("source", "message"),
                         [e for e in ESCAPES if not e[0].startswith(("import", "from"))],
                         ids=[s for s, _ in ESCAPES if not s.startswith(("import", "from"))])
def test_condition_escape_is_refused_before_it_runs(source, message):
    with pytest.raises(ScriptError) as err:
        ENV.evaluate(source, {}, {})
    assert message in str(err.value)


def test_lint_sees_the_same_refusal_as_the_runtime():
    assert "import is not allowed" in check_text("import os", "exec")
    assert "'__import__' is not allowed" in check_text('__import__("os").system("id")', "eval")
    assert check_text("amount * 2", "eval") is None


def test_refusal_names_the_line_of_the_offending_statement():
    with pytest.raises(ScriptError, match=r"Line 3: import is not allowed"):
        compile_text("a = 1\nb = 2\nimport os\n", "exec")


def test_every_forbidden_name_is_refused():
    for name in sorted(FORBIDDEN_NAMES):
        assert check_text(f"x = {name}", "exec"), name


def test_str_format_cannot_walk_to_dunder_attributes():
    with pytest.raises(NotImplementedError, match="format"):
        run('leak = "{0.__class__}".format(1)')
    with pytest.raises(NotImplementedError, match="format"):
        ENV.evaluate('"{0.__class__.__base__}".format(decision)', {"decision": "x"}, {})


def test_frame_attributes_are_refused():
    with pytest.raises(ScriptError, match="gi_frame"):
        run("g = (x for x in [1])\nf = g.gi_frame")


def test_helpers_cannot_be_unwrapped_to_reach_their_module():
    def today():
        return "2026-01-16"

    with pytest.raises(ScriptError, match="__globals__"):
        run("g = today.__globals__", helpers={"today": today})
    with pytest.raises(ScriptError, match="__self__"):
        run("s = today.__self__", helpers={"today": today})


def test_attribute_writes_on_helper_objects_are_refused():
    def today():
        return "2026-01-16"

    case = SimpleNamespace(status="open")
    with pytest.raises(TypeError, match="assign"):
        run('today.calendar = "none"', helpers={"today": today})
    with pytest.raises(TypeError, match="assign"):
        run('case.status = "closed"', helpers={"case": case})
    with pytest.raises(TypeError, match="del"):
        run("del case.status", helpers={"case": case})
    assert case.status == "open"


def test_class_definitions_cannot_run():
    with pytest.raises(NameError):
        run("class A:\n    pass")


def test_unsupported_in_place_operator_is_refused():
    with pytest.raises(ScriptError, match="<<="):
        run("x <<= 2", {"x": 1})


def test_misspelled_attribute_is_an_error_not_a_silent_none():
    # A typo in a condition must not quietly route the case down the wrong flow.
    with pytest.raises(AttributeError):
        ENV.evaluate('decision.value == "approve"', {"decision": "approve"}, {})
    with pytest.raises(AttributeError):
        run('shout = note.uper()', {"note": "hello"})


# -- what is allowed -----------------------------------------------------------------------------------

def test_arithmetic_and_comparisons_work():
    assert ENV.evaluate("(days + 3) * 2 - 1", {"days": 10}, {}) == 25
    assert ENV.evaluate("7 // 2 + 7 % 2 + 2 ** 3", {}, {}) == 12
    assert ENV.evaluate('cost > 500 and decision != "deny"', {"cost": 900, "decision": "approve"}, {}) is True
    assert ENV.evaluate("1 <= n < 10", {"n": 10}, {}) is False


def test_comprehensions_work():
    data = run("squares = [n * n for n in items if n > 1]\nby_name = {k: len(k) for k in names}",
               {"items": [1, 2, 3], "names": ["ab", "c"]})
    assert data["squares"] == [4, 9]
    assert data["by_name"] == {"ab": 2, "c": 1}


def test_in_place_addition_works():
    data = run("count += 1\ntotal -= 2.5\nlabel = 'a'\nlabel += 'b'", {"count": 1, "total": 10})
    assert data == {"count": 2, "total": 7.5, "label": "ab"}


def test_dict_item_assignment_and_list_methods_work():
    data = run('costs["chair"] = 350\nitems.append("desk")', {"costs": {}, "items": []})
    assert data == {"costs": {"chair": 350}, "items": ["desk"]}


def test_string_methods_work():
    data = run('shout = name.upper()\nparts = "a,b".split(",")\nclean = " x ".strip()', {"name": "ada"})
    assert data["shout"] == "ADA"
    assert data["parts"] == ["a", "b"]
    assert data["clean"] == "x"


def test_safe_builtins_work():
    assert ENV.evaluate("max(len(items), 1) + sum(sorted(items)) + round(abs(-2.6))", {"items": [3, 1]}, {}) == 9
    assert ENV.evaluate('isinstance(x, int) and str(x) == "4"', {"x": 4}, {}) is True


def test_helpers_passed_in_can_be_called():
    seen = []

    def track(name, value):
        seen.append((name, value))

    def add_calendar_days(d, n):
        return f"{d}+{n}"

    data = run('due = add_calendar_days(request_date, 45)\ntrack("decision", "approve")',
               {"request_date": "2026-01-16"}, {"add_calendar_days": add_calendar_days, "track": track})
    assert data["due"] == "2026-01-16+45"
    assert seen == [("decision", "approve")]
    assert ENV.evaluate("add_calendar_days('2026-01-01', 1)", {}, {"add_calendar_days": add_calendar_days}) \
        == "2026-01-01+1"


def test_script_reads_and_writes_task_data():
    data = {"amount": 100, "note": "keep"}
    ENV.execute("doubled = amount * 2\namount = 1", data, {})
    assert data == {"amount": 1, "note": "keep", "doubled": 200}


def test_script_deleting_a_name_removes_it_from_task_data():
    data = run("del scratch\nkept = 1", {"scratch": "temporary", "other": 2})
    assert data == {"other": 2, "kept": 1}


def test_helpers_and_functions_never_leak_into_task_data():
    def today():
        return "2026-01-16"

    data = run("d = today()\nalias = today\ndef local():\n    return 1\nx = local()", helpers={"today": today})
    assert data == {"d": "2026-01-16", "x": 1}


def test_task_data_named_like_a_helper_is_refused_with_its_name():
    def today():
        return "2026-01-16"

    with pytest.raises(ScriptError, match="today") as err:
        run("x = 1", {"today": "yesterday"}, {"today": today})
    assert "rename" in str(err.value)
    with pytest.raises(ScriptError, match="today"):
        ENV.evaluate("x == 1", {"today": "yesterday", "x": 1}, {"today": today})


def test_print_does_not_fail_or_pollute_task_data():
    assert run('print("hello")\nx = 1') == {"x": 1}


# -- a real SpiffWorkflow run ----------------------------------------------------------------------------

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  id="Defs_{pid}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="{pid}" name="Sandbox check" isExecutable="true">
    <bpmn:startEvent id="{pid}_start" />
    <bpmn:sequenceFlow id="{pid}_f1" sourceRef="{pid}_start" targetRef="compute" />
    <bpmn:scriptTask id="compute" name="Compute">
      <bpmn:script>total = amount * 2
label = shout(name)</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="{pid}_f2" sourceRef="compute" targetRef="{script_id}" />
    <bpmn:scriptTask id="{script_id}" name="Second step">
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="{pid}_f3" sourceRef="{script_id}" targetRef="{pid}_end" />
    <bpmn:endEvent id="{pid}_end" />
  </bpmn:process>
</bpmn:definitions>
"""

SNEAKY = DIAGRAM.format(pid="sneaky", script_id="sneaky_import", script='import os\nlisting = os.listdir("/")')


def start_workflow(path, pid, data):
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(path))
    engine = SandboxScriptEngine(lambda task: {"shout": lambda text: text.upper()})
    workflow = BpmnWorkflow(parser.get_spec(pid), parser.get_subprocess_specs(pid), script_engine=engine)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.set_data(**data)
    return workflow


def test_workflow_scripts_run_in_the_sandbox_with_helpers(tmp_path):
    path = tmp_path / "fine.bpmn"
    path.write_text(DIAGRAM.format(pid="fine", script_id="adjust", script="total += 1\ndel name"))
    workflow = start_workflow(path, "fine", {"amount": 21, "name": "ada"})
    workflow.do_engine_steps()
    assert workflow.is_completed()
    assert workflow.last_task.data["total"] == 43
    assert workflow.last_task.data["label"] == "ADA"
    assert "name" not in workflow.last_task.data
    assert "shout" not in workflow.last_task.data


def test_workflow_script_importing_os_fails_naming_the_element(tmp_path):
    path = tmp_path / "sneaky.bpmn"
    path.write_text(SNEAKY)
    workflow = start_workflow(path, "sneaky", {"amount": 1, "name": "ada"})
    with pytest.raises(WorkflowTaskException) as err:
        workflow.do_engine_steps()
    assert err.value.task.task_spec.bpmn_id == "sneaky_import"
    assert "import is not allowed" in str(err.value)
    assert "listing" not in err.value.task.data
    assert not workflow.is_completed()


def test_workflow_data_clashing_with_a_helper_fails_naming_the_helper(tmp_path):
    path = tmp_path / "clash.bpmn"
    path.write_text(DIAGRAM.format(pid="clash", script_id="adjust", script="x = 1"))
    workflow = start_workflow(path, "clash", {"amount": 1, "name": "ada", "shout": "loud"})
    with pytest.raises(WorkflowTaskException) as err:
        workflow.do_engine_steps()
    assert err.value.task.task_spec.bpmn_id == "compute"
    assert "shout" in str(err.value)


def test_lint_refuses_the_diagram_that_imports_os(tmp_path):
    folder = copy_testland(tmp_path)
    (folder / "sneaky.bpmn").write_text(SNEAKY)
    line = SNEAKY[: SNEAKY.index('<bpmn:scriptTask id="sneaky_import"')].count("\n") + 1
    problems = [str(p) for p in lint_bundle(read_folder(folder))]
    expected = f"{folder / 'sneaky.bpmn'}:{line}: sneaky_import: script refused by the sandbox: "
    assert any(p.startswith(expected) and "import is not allowed" in p for p in problems), problems
