"""`raflow lint` and deploy: every broken diagram, form or config is reported as FILE:LINE: ELEMENT: message."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from support import TESTLAND, copy_testland, run_cli

from engine import clock
from engine.definitions import deploy, lint_bundle, list_versions, read_folder
from engine.errors import DefinitionError
from engine.lint import parse_xml_safely

PROBLEM_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<element>\S+): (?P<message>.+)$")


# -- helpers -------------------------------------------------------------------------------------------

@pytest.fixture
def folder(tmp_path) -> Path:
    """A writable copy of the clean fixture jurisdiction."""
    return copy_testland(tmp_path)


def form_path(folder: Path, key: str) -> Path:
    return folder.parent.parent / "forms" / folder.name / f"{key}.json"


def edit(path: Path, old: str, new: str) -> str:
    """Replace one snippet of a fixture file; returns the new text."""
    text = path.read_text()
    assert old in text, f"{old!r} is no longer in {path.name}"
    text = text.replace(old, new, 1)
    path.write_text(text)
    return text


def line_of(text: str, needle: str) -> int:
    assert needle in text, needle
    return text[: text.index(needle)].count("\n") + 1


def lint(folder: Path) -> list[str]:
    return [str(p) for p in lint_bundle(read_folder(folder))]


def assert_problem(problems: list[str], file: Path, line: int, element: str, *fragments: str) -> None:
    prefix = f"{file}:{line}: {element}: "
    found = [p for p in problems if p.startswith(prefix) and all(f in p for f in fragments)]
    assert found, f"no problem starting {prefix!r} containing {fragments}; got:\n" + "\n".join(problems)


# -- the clean fixture ------------------------------------------------------------------------------

def test_clean_fixture_has_no_problems():
    assert lint(TESTLAND) == []


# -- XML ------------------------------------------------------------------------------------------------

def test_xml_that_is_not_well_formed_is_reported_at_its_line(folder):
    bpmn = folder / "tl_review.bpmn"
    text = edit(bpmn, '<bpmn:endEvent id="review_end" name="Reviewed" />',
                '<bpmn:endEvent id="review_end" name="Reviewed & closed" />')
    assert_problem(lint(folder), bpmn, line_of(text, 'id="review_end"'), "-", "not well-formed XML")


BILLION_LAUGHS = """<!-- exported by the policy office -->
<!DOCTYPE bpmn:definitions [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""


def test_doctype_with_entity_bomb_is_refused_without_expanding_it(folder):
    bpmn = folder / "tl_review.bpmn"
    declaration = '<?xml version="1.0" encoding="UTF-8"?>\n'
    text = edit(bpmn, declaration, declaration + BILLION_LAUGHS)
    text = edit(bpmn, 'name="Reviewed"', 'name="&lol9;"')
    started = time.monotonic()
    problems = lint(folder)
    assert time.monotonic() - started < 10
    assert_problem(problems, bpmn, line_of(text, "<!DOCTYPE"), "-",
                   "DOCTYPE/ENTITY declarations are not allowed")
    root, refused = parse_xml_safely(text, "tl_review.bpmn")
    assert root is None
    assert [str(p) for p in refused] == [
        f"tl_review.bpmn:{line_of(text, '<!DOCTYPE')}: -: DOCTYPE/ENTITY declarations are not allowed in diagrams"]


def test_entity_declared_anywhere_is_refused():
    text = '<?xml version="1.0"?>\n<a>\n' + " " * 5000 + '\n<!ENTITY x "y">\n</a>\n'
    root, problems = parse_xml_safely(text, "late.bpmn")
    assert root is None
    assert str(problems[0]) == "late.bpmn:4: -: DOCTYPE/ENTITY declarations are not allowed in diagrams"


def test_bpmn_schema_error_names_the_element_and_line(folder):
    bpmn = folder / "tl_review.bpmn"
    end = '<bpmn:endEvent id="review_end" name="Reviewed" />'
    text = edit(bpmn, end, end + '\n    <bpmn:task id="bad_task" name="Colourful" colour="red" />')
    assert_problem(lint(folder), bpmn, line_of(text, 'id="bad_task"'), "bad_task", "BPMN schema", "colour")


# -- user tasks and forms ---------------------------------------------------------------------------

def test_user_task_without_form_key_is_reported(folder):
    bpmn = folder / "tl_review.bpmn"
    text = edit(bpmn, '<spiffworkflow:property name="formKey" value="review" />', "")
    assert_problem(lint(folder), bpmn, line_of(text, '<bpmn:userTask id="legal_review"'), "legal_review",
                   "user task has no formKey property")


def test_form_key_without_a_form_file_is_reported(folder):
    bpmn = folder / "tl_review.bpmn"
    text = edit(bpmn, 'value="review"', 'value="no_such_form"')
    assert_problem(lint(folder), bpmn, line_of(text, '<bpmn:userTask id="legal_review"'), "legal_review",
                   "form 'no_such_form' not found", str(form_path(folder, "no_such_form")))


def test_form_file_with_invalid_json_is_reported_at_its_line(folder):
    text = '{\n  "title": "Broken",\n  "type": "object",\n  "properties": {"x": {"type": "string",}}\n}\n'
    path = form_path(folder, "broken")
    path.write_text(text)
    assert_problem(lint(folder), path, 4, "broken", "line 4: not valid JSON")


def test_form_file_that_is_not_a_json_schema_is_reported(folder):
    path = form_path(folder, "review")
    edit(path, '"type": "boolean"', '"type": "yes-or-no"')
    problems = lint(folder)
    assert_problem(problems, path, 1, "review", "not a valid JSON Schema at properties/sufficient/type")
    bpmn = folder / "tl_review.bpmn"
    assert_problem(problems, bpmn, line_of(bpmn.read_text(), '<bpmn:userTask id="legal_review"'), "legal_review",
                   "form 'review' is not a valid form")


def test_lane_whose_name_is_not_a_role_is_reported(folder):
    bpmn = folder / "tl_review.bpmn"
    text = edit(bpmn, '<bpmn:lane id="Lane_review_reviewer" name="Reviewer">',
                '<bpmn:lane id="Lane_review_reviewer" name="Janitor">')
    assert_problem(lint(folder), bpmn, line_of(text, 'id="Lane_review_reviewer"'), "Lane_review_reviewer",
                   "lane 'Janitor' is not a role", "requester, clerk, reviewer")


def test_user_task_in_no_lane_is_reported(folder):
    bpmn = folder / "tl_review.bpmn"
    text = edit(bpmn, "<bpmn:flowNodeRef>legal_review</bpmn:flowNodeRef>", "")
    assert_problem(lint(folder), bpmn, line_of(text, '<bpmn:userTask id="legal_review"'), "legal_review",
                   "user task is not in a lane")


# -- scripts, conditions, timers, call activities --------------------------------------------------------

def test_script_task_refused_by_the_sandbox_is_reported(folder):
    bpmn = folder / "tl_main.bpmn"
    text = edit(bpmn, '<bpmn:script>clock_hold("decision", "documents requested")</bpmn:script>',
                "<bpmn:script>import os</bpmn:script>")
    assert_problem(lint(folder), bpmn, line_of(text, '<bpmn:scriptTask id="hold"'), "hold",
                   "script refused by the sandbox", "import is not allowed")


def test_gateway_condition_with_syntax_error_is_reported(folder):
    bpmn = folder / "tl_main.bpmn"
    text = edit(bpmn, '>decision == "deny"<', '>decision == = "deny"<')
    assert_problem(lint(folder), bpmn, line_of(text, '<bpmn:sequenceFlow id="f_deny"'), "f_deny",
                   "condition refused by the sandbox", "syntax error")


def test_timer_expression_refused_by_the_sandbox_is_reported(folder):
    bpmn = folder / "tl_main.bpmn"
    text = edit(bpmn, '>clock_due("decision")</bpmn:timeDate>', '>__import__("os")</bpmn:timeDate>')
    assert_problem(lint(folder), bpmn, line_of(text, '<bpmn:boundaryEvent id="deadline_timer"'), "deadline_timer",
                   "timer refused by the sandbox", "'__import__' is not allowed")


def test_timer_without_expression_is_reported(folder):
    bpmn = folder / "tl_main.bpmn"
    text = edit(bpmn, '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">clock_due("decision")</bpmn:timeDate>', "")
    assert_problem(lint(folder), bpmn, line_of(text, '<bpmn:timerEventDefinition id="TimerDef_deadline"'),
                   "deadline_timer", "timer has no timeDate, timeDuration or timeCycle")


def test_timer_with_empty_expression_is_reported(folder):
    bpmn = folder / "tl_main.bpmn"
    text = edit(bpmn, '>clock_due("decision")</bpmn:timeDate>', ">  </bpmn:timeDate>")
    assert_problem(lint(folder), bpmn, line_of(text, '<bpmn:boundaryEvent id="deadline_timer"'), "deadline_timer",
                   "empty timer")


def test_call_activity_to_a_missing_process_names_the_call_activity(folder):
    bpmn = folder / "tl_main.bpmn"
    text = edit(bpmn, 'calledElement="tl_review"', 'calledElement="tl_nowhere"')
    assert_problem(lint(folder), bpmn, line_of(text, '<bpmn:callActivity id="review"'), "review", "tl_nowhere")


# -- jurisdiction.toml -------------------------------------------------------------------------------

def test_invalid_toml_is_reported_at_its_line(folder):
    toml = folder / "jurisdiction.toml"
    text = edit(toml, "decision_days = 45", "decision_days = = 45")
    assert_problem(lint(folder), toml, line_of(text, "decision_days"), "config", "not valid TOML")


def test_missing_key_is_reported(folder):
    toml = folder / "jurisdiction.toml"
    edit(toml, 'key = "testland"\n', "")
    assert_problem(lint(folder), toml, 1, "key", "key must be a lower-case identifier")


def test_key_differing_from_folder_name_is_reported(folder):
    toml = folder / "jurisdiction.toml"
    text = edit(toml, 'key = "testland"', 'key = "otherland"')
    assert_problem(lint(folder), toml, line_of(text, "key ="), "key", "must equal the folder name 'testland'")


def test_missing_timezone_is_reported(folder):
    toml = folder / "jurisdiction.toml"
    edit(toml, 'timezone = "America/New_York"\n', "")
    assert_problem(lint(folder), toml, 1, "timezone", "is not an IANA time zone")


def test_unknown_timezone_is_reported_at_its_line(folder):
    toml = folder / "jurisdiction.toml"
    text = edit(toml, 'timezone = "America/New_York"', 'timezone = "Mars/Olympus_Mons"')
    assert_problem(lint(folder), toml, line_of(text, "timezone ="), "timezone",
                   "'Mars/Olympus_Mons' is not an IANA time zone")


def test_need_to_know_role_not_in_roles_is_reported(folder):
    toml = folder / "jurisdiction.toml"
    text = edit(toml, 'need_to_know = ["reviewer"]', 'need_to_know = ["doctor"]')
    assert_problem(lint(folder), toml, line_of(text, "need_to_know"), "need_to_know",
                   "need_to_know role 'doctor' is not in [roles]")


def test_start_process_not_in_any_diagram_is_reported_at_its_line(folder):
    toml = folder / "jurisdiction.toml"
    text = edit(toml, 'start_processes = ["tl_main"]', 'start_processes = ["tl_main", "tl_gone"]')
    assert_problem(lint(folder), toml, line_of(text, "start_processes"), "start_processes",
                   "process 'tl_gone' is not defined in any diagram")


def test_emergency_only_role_not_in_roles_is_reported(folder):
    toml = folder / "jurisdiction.toml"
    text = edit(toml, 'need_to_know = ["reviewer"]', 'need_to_know = ["reviewer"]\nemergency_only = ["firefighter"]')
    assert_problem(lint(folder), toml, line_of(text, "emergency_only"), "emergency_only",
                   "emergency_only role 'firefighter' is not in [roles]")


def test_reopen_process_not_in_any_diagram_is_reported_at_its_line(folder):
    toml = folder / "jurisdiction.toml"
    text = toml.read_text() + '\n[reopen]\nprocess = "tl_revision"\nevents = ["note"]\n'
    toml.write_text(text)
    assert_problem(lint(folder), toml, line_of(text, "[reopen]"), "reopen",
                   "[reopen] process 'tl_revision' is not defined in any diagram")


def test_event_permissions_must_name_known_roles(folder):
    toml = folder / "jurisdiction.toml"
    text = edit(toml, 'case_event = ["reviewer"]', 'case_event = ["reviewer"]\nevents = { note = ["nurse"] }')
    assert_problem(lint(folder), toml, line_of(text, "events ="), "events",
                   "events.note must list role keys of [roles]")


# -- the command line ---------------------------------------------------------------------------------

@pytest.fixture
def cli(monkeypatch, tmp_path):
    """Run `raflow ...`; returns (exit code, stdout, stderr). The CLI sets the global clock: restore it."""
    monkeypatch.delenv("RAFLOW_CLOCK", raising=False)
    monkeypatch.setenv("RAFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    previous = clock.get_clock()

    yield run_cli
    clock.set_clock(previous)


def test_raflow_lint_prints_one_problem_per_line_and_exits_1(folder, cli, capsys):
    bpmn = folder / "tl_main.bpmn"
    text = edit(bpmn, '<bpmn:script>clock_hold("decision", "documents requested")</bpmn:script>',
                "<bpmn:script>import os</bpmn:script>")
    toml = folder / "jurisdiction.toml"
    edit(toml, 'need_to_know = ["reviewer"]', 'need_to_know = ["doctor"]')
    code, out, _ = cli(capsys, "lint", str(folder))
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2, out
    for line in lines:
        assert PROBLEM_LINE.match(line), line
    hold_line = line_of(text, '<bpmn:scriptTask id="hold"')
    assert f"{bpmn}:{hold_line}: hold: script refused by the sandbox" in out
    assert f"{toml}:" in out


def test_raflow_lint_of_a_diagram_file_lints_its_folder(folder, cli, capsys):
    edit(folder / "tl_review.bpmn", 'name="Reviewer"', 'name="Janitor"')
    code, out, _ = cli(capsys, "lint", str(folder / "tl_review.bpmn"))
    assert code == 1
    assert "Lane_review_reviewer: lane 'Janitor' is not a role" in out


def test_raflow_lint_exits_0_on_the_clean_fixture(cli, capsys):
    code, out, err = cli(capsys, "lint", str(TESTLAND))
    assert code == 0
    assert out == ""
    assert "ok:" in err


# -- deploy -------------------------------------------------------------------------------------------

def test_deploy_refuses_a_broken_bundle_and_stores_nothing(folder, sqlite_db):
    bpmn = folder / "tl_main.bpmn"
    text = edit(bpmn, '<bpmn:script>clock_hold("decision", "documents requested")</bpmn:script>',
                "<bpmn:script>import os</bpmn:script>")
    with pytest.raises(DefinitionError) as err:
        deploy(sqlite_db, read_folder(folder))
    problems = [str(p) for p in err.value.problems]
    assert_problem(problems, bpmn, line_of(text, '<bpmn:scriptTask id="hold"'), "hold", "import is not allowed")
    assert list_versions(sqlite_db) == []


def test_deploying_the_same_files_twice_is_a_no_op(folder, sqlite_db):
    first, created = deploy(sqlite_db, read_folder(folder))
    assert created
    again, created_again = deploy(sqlite_db, read_folder(folder))
    assert not created_again
    assert (again.id, again.content_hash) == (first.id, first.content_hash)
    assert [v.id for v in list_versions(sqlite_db)] == [first.id]
    assert first.jurisdiction == "testland"


def test_changing_one_byte_deploys_a_new_version(folder, sqlite_db):
    first, _ = deploy(sqlite_db, read_folder(folder))
    edit(form_path(folder, "review"), '"title": "Review"', '"title": "Reviey"')
    changed = read_folder(folder)
    assert changed.content_hash != first.content_hash
    second, created = deploy(sqlite_db, changed)
    assert created
    assert second.id != first.id
    assert [v.content_hash for v in list_versions(sqlite_db, "testland")] == [first.content_hash,
                                                                                changed.content_hash]


def test_lane_listing_a_missing_element_is_reported_at_its_line(tmp_path):
    folder = copy_testland(tmp_path)
    main = folder / "tl_main.bpmn"
    ghost = "        <bpmn:flowNodeRef>ghost</bpmn:flowNodeRef>"
    text = main.read_text().replace("<bpmn:flowNodeRef>setup</bpmn:flowNodeRef>",
                                    "<bpmn:flowNodeRef>setup</bpmn:flowNodeRef>\n" + ghost)
    main.write_text(text)
    line = text.splitlines().index(ghost) + 1
    problems = [str(p) for p in lint_bundle(read_folder(folder))]
    assert_problem(problems, main, line, "Lane_clerk", "ghost")
