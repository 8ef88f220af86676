"""The form-file rule keywords (x-not-future, x-not-before, x-not-after, x-prefill): `raflow lint` reports a
broken one at its file and line, and which fields a submission must fill follows if/then and dependentRequired."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from support import copy_testland, run_cli

from engine.definitions import lint_bundle, read_folder
from engine.form_rules import RuleContext, required_now
from engine.forms import Form


def _write_form(folder: Path, schema: dict) -> Path:
    path = folder.parent.parent / "forms" / folder.name / "received.json"
    path.write_text(json.dumps(schema, indent=2))
    return path


BASE = {"type": "object", "required": ["received_date"], "properties": {
    "received_date": {"type": "string", "format": "date", "title": "Received on"},
    "note": {"type": "string", "title": "Note"}}}


@pytest.mark.parametrize("rule, message", [
    ({"x-not-future": "yes"}, "x-not-future must be true"),
    ({"x-not-before": "received_date"}, "compares the field with itself"),
    ({"x-not-after": {"field": "note"}}, "'note' is not a date field"),
    ({"x-not-after": {"field": "request_date", "calendar_days": -3}}, "calendar_days must be a whole number"),
    ({"x-not-after": {"field": "request_date", "days": 3}}, "unknown key(s) days"),
    ({"x-not-after": {"field": "request_date", "calendar_days": "no_such_days"}}, "parameter 'no_such_days'"),
    ({"x-prefill": "case.Bad-Name"}, "x-prefill must be"),
    ({"x-prefill": "requester.phone"}, "x-prefill must be"),
])
def test_lint_names_file_line_and_field(tmp_path, rule, message):
    folder = copy_testland(tmp_path)
    schema = json.loads(json.dumps(BASE))
    schema["properties"]["received_date"].update(rule)
    path = _write_form(folder, schema)
    problems = [str(p) for p in lint_bundle(read_folder(folder))]
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if '"received_date": {' in t)
    assert any(f"forms/testland/received.json:{line}: received: " in p and "field 'received_date'" in p
               and message in p for p in problems), problems


def test_lint_cli_exits_non_zero_on_a_broken_rule(tmp_path, capsys):
    folder = copy_testland(tmp_path)
    schema = json.loads(json.dumps(BASE))
    schema["properties"]["received_date"]["x-not-future"] = 1
    _write_form(folder, schema)
    code, out, err = run_cli(capsys, "lint", str(folder))
    assert code != 0 and "received.json:" in out + err and "x-not-future must be true" in out + err


def test_shipped_forms_lint_clean():
    root = Path(__file__).resolve().parents[2] / "processes"
    for folder in ("navy", "santa_cruz"):
        assert not lint_bundle(read_folder(root / folder))


SCHEMA = {"type": "object", "required": ["kind", "agreed"], "properties": {
    "kind": {"type": "string", "enum": ["a", "b"]}, "agreed": {"type": "boolean"},
    "detail": {"type": "string"}, "phone": {"type": "string"}, "when": {"type": "string", "format": "date"}},
    "allOf": [{"if": {"properties": {"kind": {"const": "b"}}, "required": ["kind"]}, "then": {"required": ["detail"]}}],
    "dependentRequired": {"phone": ["when"]}}


def test_required_follows_the_values():
    assert required_now(SCHEMA, {}) == {"kind"}  # the checkbox is never marked
    assert required_now(SCHEMA, {"kind": "b"}) == {"kind", "detail"}
    assert required_now(SCHEMA, {"kind": "a", "phone": "555"}) == {"kind", "when"}


def test_not_after_a_parameter_counts_calendar_days_over_the_month_end():
    """45 calendar days from Fri 16 Jan 2026 is Mon 2 Mar 2026 (February has 28 days)."""
    form = Form("x", {"type": "object", "properties": {
        "start": {"type": "string", "format": "date", "title": "Start"},
        "due": {"type": "string", "format": "date", "x-not-after": {"field": "start", "calendar_days": "days"}}}})
    ctx = RuleContext(today=date(2026, 1, 16), parameters={"days": 45})
    assert form.validate({"start": "2026-01-16", "due": "2026-03-02"}, ctx)
    with pytest.raises(Exception) as err:
        form.validate({"start": "2026-01-16", "due": "2026-03-03"}, ctx)
    assert err.value.errors == {"due": "must be on or before Mon 2 Mar 2026 (45 calendar days after Start)"}
    # the earlier field may come from the case instead of this step
    with pytest.raises(Exception) as err:
        form.validate({"due": "2026-03-03"}, RuleContext(case={"start": "2026-01-16"}, parameters={"days": 45}))
    assert "due" in err.value.errors
