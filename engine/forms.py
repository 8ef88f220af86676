"""Task forms: JSON Schema files with `x-ui` hints and `x-confidential` fields.

Submissions are validated on the server against the schema and come back as field-by-field
errors; nothing is stored unless every field is right. Unknown fields are refused, so a form can
never overwrite case data (or a helper name) it does not declare.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cached_property

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from .errors import ValidationFailed
from .form_rules import RuleContext, check_form_rules, rule_errors

CONFIDENTIAL = "x-confidential"
_FIELD = re.compile(r"^[a-z][a-z0-9_]*$")
_FORMAT_CHECKER = FormatChecker(("date", "email"))


@dataclass(frozen=True)
class Form:
    key: str
    schema: dict

    @cached_property
    def validator(self) -> Draft202012Validator:
        return Draft202012Validator(self.schema, format_checker=_FORMAT_CHECKER)

    @property
    def title(self) -> str:
        return self.schema.get("title") or self.key

    @property
    def fields(self) -> dict:
        return self.schema.get("properties", {})

    @cached_property
    def confidential_fields(self) -> frozenset[str]:
        return frozenset(n for n, p in self.fields.items() if p.get(CONFIDENTIAL))

    def field_order(self) -> list[str]:
        order = [n for n in self.schema.get("x-ui", {}).get("order", []) if n in self.fields]
        return order + [n for n in self.fields if n not in order]

    def validate(self, data, context: RuleContext | None = None) -> dict:
        """Return the cleaned submission or raise ValidationFailed with one message per field.

        `context` (today, the case's data) lets the `x-` date rules compare with what the case holds."""
        if not isinstance(data, dict):
            raise ValidationFailed({"_form": "the submission must be an object of field values"})
        errors: dict[str, str] = {}
        for name in data:
            if name not in self.fields:
                errors[str(name)] = "unknown field for this form"
            elif isinstance(data[name], float) and not math.isfinite(data[name]):
                errors[name] = "enter a number"
        for err in self.validator.iter_errors(data):
            name = _field_of(err)
            if name and name not in errors:
                errors[name] = _message(err, self.fields.get(name, {}))
        for name, message in rule_errors(self.schema, data, context or RuleContext()).items():
            errors.setdefault(name, message)
        if errors:
            raise ValidationFailed(errors)
        return dict(data)


def parse_form(key: str, text: str) -> tuple[Form | None, list[str]]:
    """Parse a form file; returns (form or None, problems as messages)."""
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as err:
        return None, [f"line {err.lineno}: not valid JSON: {err.msg}"]
    problems = []
    if not isinstance(schema, dict) or schema.get("type") != "object":
        return None, ["a form schema must be an object with \"type\": \"object\""]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as err:
        where = "/".join(str(p) for p in err.path) or "(root)"
        problems.append(f"not a valid JSON Schema at {where}: {err.message}")
    props = schema.get("properties", {})
    if not isinstance(props, dict) or not props:
        problems.append("the form declares no properties")
        props = {}
    for name in props:
        if not _FIELD.match(name):
            problems.append(f"field name {name!r} must be snake_case (letters, digits, _; not starting with _)")
    for name in schema.get("required", []):
        if name not in props:
            problems.append(f"required field {name!r} is not in properties")
    for field_name, message in check_form_rules(schema):
        problems.append(f"line {line_of_field(text, field_name)}: {message}")
    return (None if problems else Form(key, schema)), problems


def line_of_field(text: str, name: str) -> int:
    """The line where a field is declared (its `"name": {`), for located lint messages."""
    m = re.search(r'"' + re.escape(name) + r'"\s*:\s*\{', text)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def coerce_text_input(form: Form, raw: dict[str, str | list[str]]) -> dict:
    """Turn HTML form strings into the JSON types the schema wants; blanks are left out.

    Values that do not convert are passed through as text so validation reports them per field.
    """
    out: dict = {}
    for name, spec in form.fields.items():
        kind = spec.get("type")
        if kind == "boolean":
            if name in raw:
                out[name] = str(_one(raw[name])).lower() in ("on", "true", "yes", "1")
            elif spec.get("x-ui", {}).get("widget", "checkbox") == "checkbox":
                out[name] = False
            continue
        if kind == "array":
            values = raw.get(name, [])
            values = values if isinstance(values, list) else [values]
            if values:
                out[name] = [v for v in values if v != ""]
            continue
        value = _one(raw.get(name, ""))
        if value is None or str(value).strip() == "":
            continue
        value = str(value).strip()
        if kind in ("integer", "number"):
            try:
                out[name] = int(value) if kind == "integer" else float(value)
            except ValueError:
                out[name] = value
        else:
            out[name] = value
    return out


def _one(value):
    return value[0] if isinstance(value, list) else value


def _field_of(err) -> str | None:
    if err.validator == "required":
        m = re.match(r"'([^']+)' is a required property", err.message)
        return m.group(1) if m else None
    if err.validator == "dependentRequired":
        m = re.match(r"'([^']+)' is a dependency of", err.message)
        return m.group(1) if m else "_form"
    if err.path:
        return str(err.path[0])
    return "_form"


def _message(err, spec: dict) -> str:
    v = err.validator
    if v == "required":
        return "this field is required"
    if v == "dependentRequired":
        m = re.search(r"is a dependency of '([^']+)'", err.message)
        other = m.group(1) if m else ""
        return f"this field is required when {other.replace('_', ' ')} is filled in"
    if v == "enum":
        labels = spec.get("x-ui", {}).get("labels", {})
        choices = ", ".join(str(labels.get(c, c)) for c in spec.get("enum", []))
        return f"choose one of: {choices}"
    if v == "format":
        return {"date": "enter a date as YYYY-MM-DD", "email": "enter an email address"}.get(
            spec.get("format"), f"not a valid {spec.get('format')}")
    if v == "type":
        return {"integer": "enter a whole number", "number": "enter a number", "boolean": "choose yes or no",
                "string": "enter text", "array": "choose from the list"}.get(err.validator_value, "wrong type")
    if v == "maxLength":
        return f"at most {err.validator_value} characters"
    if v == "minLength":
        return "this field is required" if err.validator_value == 1 else f"at least {err.validator_value} characters"
    if v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        word = "at least" if "inimum" in v else "at most"
        return f"must be {word} {err.validator_value}"
    # Never echo the submitted value: it may be medical information.
    return f"not valid ({v})"
