"""Issue 11: a template that fails at issue time (it passed lint, but the case lacks a value it prints) is a
field error on the step's form naming the template and line; nothing is issued and the step stays open."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from letterkit import issued

from engine.errors import ValidationFailed

ROOT = Path(__file__).resolve().parents[3]


def test_a_template_failing_at_issue_time_stores_nothing(navy, scenario, tmp_path):
    folder = tmp_path / "processes" / "navy"
    shutil.copytree(ROOT / "processes" / "navy", folder)
    shutil.copytree(ROOT / "forms" / "navy", tmp_path / "forms" / "navy")
    approval = folder / "letters" / "approval.html"
    text = approval.read_text()
    line = text.splitlines().index("{% endblock %}") + 1
    unguarded = "{{ expected_implementation_date | long_date }}\n{% endblock %}"
    approval.write_text(text.replace("{% endblock %}", unguarded))
    s = type(navy)(scenario("navy", folder))  # the Navy driver on the changed copy, deployed last
    s.intake()
    s.interactive()
    s.qiwd()
    with pytest.raises(ValidationFailed) as err:
        s.approve()  # no expected implementation date given: the template cannot print it
    message = err.value.errors["_form"]
    assert message.startswith("the letter could not be drafted: approval.html:")
    assert f"approval.html:{line}:" in message and "expected_implementation_date" in message
    assert issued(s.service, s.case_id, "coordinator") == []
    assert s.open() == {"task_decision"} and "decision_date" not in s.tracking
