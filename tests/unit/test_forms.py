"""Task forms: what a form author is told about a broken form, and what a user is told about a bad submission."""

from __future__ import annotations

import json

import pytest

from engine.errors import ValidationFailed
from engine.forms import coerce_text_input, parse_form

SECRET = "DIAGNOSIS-SECRET"

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Decision",
    "type": "object",
    "required": ["decision"],
    "properties": {
        "decision": {"type": "string", "enum": ["approve", "deny"],
                     "x-ui": {"widget": "radio", "labels": {"approve": "Approve", "deny": "Deny"}}},
        "note": {"type": "string", "maxLength": 10},
        "received_date": {"type": "string", "format": "date"},
        "email": {"type": "string", "format": "email"},
        "days": {"type": "integer", "minimum": 0},
        "cost": {"type": "number"},
        "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "urgent": {"type": "boolean", "x-ui": {"widget": "checkbox"}},
        "confirmed": {"type": "boolean", "x-ui": {"widget": "radio"}},
        "aids": {"type": "array", "items": {"type": "string"}},
        "diagnosis": {"type": "string", "x-confidential": "medical"},
    },
    "x-ui": {"order": ["note", "decision"]},
}


def make_form(schema=None):
    form, problems = parse_form("decision", json.dumps(schema or SCHEMA))
    assert problems == []
    return form


def errors_of(form, data) -> dict:
    with pytest.raises(ValidationFailed) as err:
        form.validate(data)
    return err.value.errors


# -- parse_form --------------------------------------------------------------------------------------

def test_form_that_is_not_json_names_the_line():
    form, problems = parse_form("broken", '{\n  "type": "object",\n  "properties": {,}\n}')
    assert form is None
    assert problems == ["line 3: not valid JSON: Expecting property name enclosed in double quotes"]


def test_form_that_is_not_an_object_schema_is_refused():
    for text in ("[]", '{"type": "array", "items": {}}', '{"properties": {"a": {"type": "string"}}}'):
        form, problems = parse_form("x", text)
        assert form is None
        assert problems == ['a form schema must be an object with "type": "object"']


def test_form_that_is_not_a_valid_json_schema_names_the_path():
    form, problems = parse_form("x", '{"type": "object", "properties": {"a": {"type": "yes-or-no"}}}')
    assert form is None
    assert len(problems) == 1
    assert problems[0].startswith("not a valid JSON Schema at properties/a/type: ")


def test_form_without_fields_is_refused():
    form, problems = parse_form("x", '{"type": "object"}')
    assert form is None
    assert problems == ["the form declares no properties"]


def test_field_names_must_be_snake_case():
    text = json.dumps({"type": "object", "properties": {"Bad-Name": {"type": "string"},
                                                         "_hidden": {"type": "string"}, "ok_1": {}}})
    form, problems = parse_form("x", text)
    assert form is None
    assert problems == [
        "field name 'Bad-Name' must be snake_case (letters, digits, _; not starting with _)",
        "field name '_hidden' must be snake_case (letters, digits, _; not starting with _)",
    ]


def test_required_field_missing_from_properties_is_refused():
    text = json.dumps({"type": "object", "required": ["a", "ghost"], "properties": {"a": {"type": "string"}}})
    form, problems = parse_form("x", text)
    assert form is None
    assert problems == ["required field 'ghost' is not in properties"]


def test_valid_form_exposes_title_order_and_confidential_fields():
    form = make_form()
    assert form.key == "decision"
    assert form.title == "Decision"
    assert form.field_order()[:3] == ["note", "decision", "received_date"]
    assert form.confidential_fields == frozenset({"diagnosis"})


# -- validate --------------------------------------------------------------------------------------

def test_missing_required_field_is_reported_on_that_field():
    assert errors_of(make_form(), {"note": "hi"}) == {"decision": "this field is required"}


def test_value_outside_the_choices_lists_the_choices_by_label():
    assert errors_of(make_form(), {"decision": "maybe"}) == {"decision": "choose one of: Approve, Deny"}


def test_wrong_type_is_reported_in_words():
    errors = errors_of(make_form(), {"decision": "approve", "days": "ten", "cost": "a lot", "urgent": "yes",
                                     "note": 5, "aids": "chair"})
    assert errors == {"days": "enter a whole number", "cost": "enter a number", "urgent": "choose yes or no",
                      "note": "enter text", "aids": "choose from the list"}


def test_true_is_not_a_whole_number():
    assert errors_of(make_form(), {"decision": "approve", "days": True}) == {"days": "enter a whole number"}


def test_bad_date_is_reported_with_the_expected_format():
    for bad in ("16/01/2026", "2026-02-30", "20260116", "2026-1-6"):
        assert errors_of(make_form(), {"decision": "approve", "received_date": bad}) == {
            "received_date": "enter a date as YYYY-MM-DD"}, bad


def test_text_longer_than_allowed_is_reported():
    assert errors_of(make_form(), {"decision": "approve", "note": "x" * 11}) == {"note": "at most 10 characters"}


def test_number_below_minimum_is_reported():
    assert errors_of(make_form(), {"decision": "approve", "days": -1}) == {"days": "must be at least 0"}


def test_unknown_field_is_refused():
    errors = errors_of(make_form(), {"decision": "approve", "case_status": "closed", "today": "2020-01-01"})
    assert errors == {"case_status": "unknown field for this form", "today": "unknown field for this form"}


def test_submission_that_is_not_an_object_is_refused():
    assert errors_of(make_form(), ["approve"]) == {"_form": "the submission must be an object of field values"}


def test_error_messages_never_repeat_the_submitted_value():
    data = {"decision": SECRET, "note": SECRET, "received_date": SECRET, "email": SECRET,
            "days": SECRET, "cost": SECRET, "code": SECRET, "urgent": SECRET, "aids": [SECRET, 3],
            "diagnosis": 42}
    with pytest.raises(ValidationFailed) as err:
        make_form().validate(data)
    assert set(err.value.errors) == set(data)
    for field, message in err.value.errors.items():
        assert SECRET not in message, field
        assert "42" not in message
    assert SECRET not in str(err.value)
    assert str(err.value) == "The form has errors"


def test_valid_submission_is_returned():
    data = {"decision": "approve", "note": "fine", "received_date": "2026-01-16", "email": "a@example.org",
            "days": 3, "cost": 12.5, "code": "ABC", "urgent": False, "confirmed": True, "aids": ["chair"],
            "diagnosis": "private"}
    assert make_form().validate(data) == data


def test_not_a_number_is_not_accepted_as_a_number():
    # NaN and infinity pass JSON Schema's "number" in Python but are not JSON: storing them fails later
    # (PostgreSQL refuses NaN in json) or silently breaks comparisons in gateway conditions.
    form = make_form()
    for raw in ("nan", "inf", "-Infinity"):
        errors = errors_of(form, coerce_text_input(form, {"decision": "approve", "cost": raw}))
        assert set(errors) == {"cost"}, raw
    assert set(errors_of(form, {"decision": "approve", "cost": float("nan")})) == {"cost"}


# -- coerce_text_input ---------------------------------------------------------------------------------

def test_html_strings_become_numbers():
    form = make_form()
    assert coerce_text_input(form, {"days": " 7 ", "cost": "12.5"}) == {"days": 7, "cost": 12.5, "urgent": False}


def test_text_that_is_not_a_number_is_passed_through_for_validation_to_report():
    form = make_form()
    out = coerce_text_input(form, {"decision": "approve", "days": "seven", "cost": "1,5"})
    assert out["days"] == "seven"
    assert out["cost"] == "1,5"
    assert errors_of(form, out) == {"days": "enter a whole number", "cost": "enter a number"}


def test_checkbox_is_true_when_ticked_and_false_when_absent():
    form = make_form()
    assert coerce_text_input(form, {"urgent": "on"})["urgent"] is True
    assert coerce_text_input(form, {"urgent": "true"})["urgent"] is True
    assert coerce_text_input(form, {"urgent": "off"})["urgent"] is False
    assert coerce_text_input(form, {})["urgent"] is False


def test_unanswered_yes_no_radio_is_left_out():
    form = make_form()
    assert "confirmed" not in coerce_text_input(form, {})
    assert coerce_text_input(form, {"confirmed": "yes"})["confirmed"] is True
    assert coerce_text_input(form, {"confirmed": "no"})["confirmed"] is False


def test_blank_fields_are_left_out_so_required_ones_are_reported():
    form = make_form()
    out = coerce_text_input(form, {"decision": "  ", "note": "", "days": "", "cost": " "})
    assert out == {"urgent": False}
    assert errors_of(form, out) == {"decision": "this field is required"}


def test_text_is_trimmed_and_lists_take_their_first_value():
    form = make_form()
    assert coerce_text_input(form, {"decision": [" approve ", "deny"], "note": "  hi  "}) == {
        "decision": "approve", "note": "hi", "urgent": False}


def test_multi_select_keeps_every_non_blank_choice():
    form = make_form()
    assert coerce_text_input(form, {"aids": ["chair", "", "desk"]})["aids"] == ["chair", "desk"]
    assert coerce_text_input(form, {"aids": "chair"})["aids"] == ["chair"]
    assert "aids" not in coerce_text_input(form, {})


def test_fields_not_in_the_form_are_dropped():
    form = make_form()
    assert "case_status" not in coerce_text_input(form, {"case_status": "closed"})
