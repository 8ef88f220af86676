"""Letter templates (issue 11): sandboxed, bounded, strict about names, dates in words; `raflow lint` reports
an undefined name, a syntax error or a sandbox refusal in a template as FILE:LINE, and a user task naming a
letter that does not exist at the task."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.definitions import lint_bundle, read_folder
from engine.letter_templates import LetterTemplateError, long_date, render_html

ROOT = Path(__file__).resolve().parents[2]
LAYOUT = '<html lang="en"><head><title>T</title></head><body>{% block body %}{% endblock %}</body></html>'


def render(body: str, **ctx) -> str:
    files = {"layout.html": LAYOUT, "x.html": '{% extends "layout.html" %}{% block body %}' + body + "{% endblock %}"}
    return render_html(files, "x.html", ctx)


@pytest.mark.parametrize("value,words", [("2026-07-25", "July 25, 2026"), ("2026-12-31", "December 31, 2026"),
                                          ("2027-01-01", "January 1, 2027"), ("2028-02-29", "February 29, 2028")])
def test_dates_print_in_words(value, words):
    assert long_date(value) == words
    assert render("{{ d | long_date }}", d=value).count(words) == 1


@pytest.mark.parametrize("body,message", [
    ("{{ ''.__class__.__mro__ }}", "refused by the sandbox"),
    ("{{ cycler.__init__.__globals__ }}", "refused by the sandbox"),
    ("{{ '{:>99999999}'.format(1) }}", "refused by the sandbox"),
    ("{{ 'x' * 100000000 }}", "limited to 1000 times"),
    ("{{ '%99999999s' % 'x' }}", "not available"),
    ("{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}", "too long"),
    ("{{ 2 ** 99999999 }}", "not available"),
    ("{% for i in range(10) %}{{ 'y' * 1000 }}{% endfor %}" * 60, "longer than"),
    ("{{ missing_name }}", "undefined name"),
])
def test_the_sandbox_refuses_tricks_and_unbounded_work(body, message):
    with pytest.raises(LetterTemplateError) as err:
        render(body)
    assert message in str(err.value)


def test_values_are_escaped():
    assert "&lt;script&gt;" in render("{{ reason }}", reason="<script>alert(1)</script>")


@pytest.fixture
def navy_copy(tmp_path):
    target = tmp_path / "processes" / "navy"
    shutil.copytree(ROOT / "processes" / "navy", target)
    shutil.copytree(ROOT / "forms" / "navy", tmp_path / "forms" / "navy")
    return target


def _lint(folder) -> list[str]:
    return [str(p) for p in lint_bundle(read_folder(folder))]


def test_shipped_letters_lint_clean():
    for j in ("navy", "santa_cruz"):
        assert _lint(ROOT / "processes" / j) == []


def test_lint_reports_an_undefined_name_with_file_and_line(navy_copy):
    path = navy_copy / "letters" / "denial.html"
    lines = path.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if "eeo_counselor_date" in line)
    lines[at] = lines[at].replace("dates.eeo_counselor_date", "eeo_counsellor_date")
    path.write_text("\n".join(lines) + "\n")
    problems = _lint(navy_copy)
    assert problems == [f"{path}:{at + 1}: denial: undefined name: 'eeo_counsellor_date' is undefined"]


def test_lint_reports_syntax_errors_and_sandbox_refusals(navy_copy):
    (navy_copy / "letters" / "approval.html").write_text('{% extends "layout.html" %}\n{% block body %}\n'
                                                         '{% if %}\n{% endblock %}\n')
    (navy_copy / "letters" / "delay_notice.html").write_text('{% extends "layout.html" %}\n{% block body %}\n\n'
                                                             '{{ delay_reason.__class__ }}\n{% endblock %}\n')
    problems = _lint(navy_copy)
    assert any(p.startswith(f"{navy_copy}/letters/approval.html:3: ") and "syntax error" in p for p in problems)
    assert any(p.startswith(f"{navy_copy}/letters/delay_notice.html:4: delay_notice: refused by the sandbox")
               for p in problems), problems


def test_a_user_task_naming_a_missing_letter_is_an_error_at_the_task(navy_copy):
    path = navy_copy / "navy_denial.bpmn"
    path.write_text(path.read_text().replace('value="denial" />', 'value="denial_notice" />'))
    problems = _lint(navy_copy)
    assert len(problems) == 1 and ": task_denial_letter: letter 'denial_notice' is not defined" in problems[0]
    assert problems[0].startswith(f"{path}:")


def test_a_letter_printing_a_medical_field_must_be_a_medical_letter(navy_copy):
    path = navy_copy / "letters" / "delay_notice.html"
    path.write_text(path.read_text().replace("{{ delay_reason }}", "{{ delay_reason }} {{ diagnosis }}"))
    problems = _lint(navy_copy)
    assert any("prints the medical field 'diagnosis'" in p for p in problems), problems


def test_letter_kinds_that_are_not_a_table_are_a_problem_not_a_crash():
    from engine.letter_templates import parse_letters

    cfg = {"letters": {"office": "EEO", "address": ["1 Main St"], "contact": "Call us", "kinds": ["denial"]}}
    letters, problems = parse_letters(cfg)
    assert letters.kinds == {} and ("kinds", "[letters.kinds] must be a table of letter kinds") in problems
