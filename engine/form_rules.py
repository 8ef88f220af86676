"""Cross-field rules and prefill in form files (docs/authoring.md, "Rules between fields").

JSON Schema's own `if/then/else` and `dependentRequired` are enforced by the validator; this module
adds what JSON Schema cannot say about dates (`x-not-future`, `x-not-before`, `x-not-after`), works
out which fields are required *for the values at hand* (so the page marks exactly those), and fills
a step's fields from what the case already knows (`x-prefill`). Rules are checked before the engine
runs, so a rule a diagram script also enforces fails as a field error with the entries kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from jsonschema import Draft202012Validator

DATE_RULES = ("x-not-future", "x-not-before", "x-not-after")
PREFILL = "x-prefill"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_MAX_DAYS = 3660


@dataclass(frozen=True)
class RuleContext:
    """What a rule may compare with: today in the jurisdiction, the case's data, its parameters."""

    today: date | None = None
    case: dict = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)


def show_date(d: date) -> str:
    """A date as people read it: "Tue 1 Dec 2026"."""
    return f"{d:%a} {d.day} {d:%b %Y}"


def _date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value not in (None, "") else None
    except ValueError:
        return None


def _bound(rule) -> tuple[str | None, object]:
    """(other field, days) of an `x-not-before`/`x-not-after` value: "field" or {"field", "calendar_days"}."""
    if isinstance(rule, str):
        return rule, 0
    if isinstance(rule, dict):
        return rule.get("field"), rule.get("calendar_days", 0)
    return None, 0


def _days(days, parameters: dict) -> int | None:
    """A whole number of days, or the name of a jurisdiction parameter holding one."""
    if isinstance(days, str):
        days = parameters.get(days)
    return days if isinstance(days, int) and not isinstance(days, bool) else None


def rule_errors(schema: dict, data: dict, ctx: RuleContext) -> dict[str, str]:
    """Field errors of the `x-` date rules for a submission that already passed the schema."""
    props = schema.get("properties", {})
    errors: dict[str, str] = {}
    for name, spec in props.items():
        value = _date(data.get(name))
        if value is None:
            continue
        if spec.get("x-not-future") and ctx.today and value > ctx.today:
            errors[name] = f"must not be in the future (today is {show_date(ctx.today)})"
            continue
        for keyword, word in (("x-not-before", "before"), ("x-not-after", "after")):
            if keyword not in spec:
                continue
            other, days = _bound(spec[keyword])
            base = _date(data.get(other, ctx.case.get(other)))
            n = _days(days, ctx.parameters)
            if base is None or n is None:
                continue
            limit = base + timedelta(days=n)
            if (value < limit) if word == "before" else (value > limit):
                label = props.get(other, {}).get("title") or other.replace("_", " ")
                offset = f"{n} calendar days after " if n else ""
                bound = "on or after" if word == "before" else "on or before"
                errors[name] = f"must be {bound} {show_date(limit)} ({offset}{label})"
                break
    return errors


def required_now(schema: dict, values: dict) -> set[str]:
    """The fields a submission with these values must fill: `required`, plus every `then`/`else`
    `required` whose `if` holds (or fails), plus `dependentRequired` of fields that are filled. A checkbox
    is never among them: leaving it unticked is an answer."""
    props = schema.get("properties", {})
    filled = {k: v for k, v in values.items() if v not in (None, "", [])}
    needed = set(schema.get("required", []))
    for part in [schema, *[p for p in schema.get("allOf", []) if isinstance(p, dict)]]:
        cond = part.get("if")
        if isinstance(cond, dict):
            branch = part.get("then") if Draft202012Validator(cond).is_valid(filled) else part.get("else")
            needed |= set((branch or {}).get("required", []))
        for trigger, names in (part.get("dependentRequired") or {}).items():
            if trigger in filled and filled[trigger] is not False:
                needed |= set(names)
    return {n for n in needed if n in props and not _is_checkbox(props[n])}


def _is_checkbox(spec: dict) -> bool:
    return spec.get("type") == "boolean" and (spec.get("x-ui") or {}).get("widget", "checkbox") == "checkbox"


def prefill(schema: dict, values: dict, sources: dict) -> dict:
    """`values` with each empty field that names an `x-prefill` source filled from it.

    Sources: `case.<name>` (a value an earlier step recorded), `requester.name` / `requester.email`
    (the case's requester), `today` (the jurisdiction's date)."""
    out = dict(values)
    for name, spec in schema.get("properties", {}).items():
        path = spec.get(PREFILL)
        if not isinstance(path, str) or out.get(name) not in (None, ""):
            continue
        head, _, rest = path.partition(".")
        value = sources.get("today") if head == "today" else (sources.get(head) or {}).get(rest)
        if value not in (None, ""):
            out[name] = value
    return out


def check_form_rules(schema: dict) -> list[tuple[str, str]]:
    """Lint (field, message) pairs for the `x-` rule and prefill keywords of a form."""
    props = schema.get("properties", {})
    if not isinstance(props, dict):
        return []
    problems: list[tuple[str, str]] = []
    for name, spec in props.items():
        if not isinstance(spec, dict):
            continue
        problems.extend((name, m) for m in _field_problems(name, spec, props))
    return problems


def param_names(schema: dict) -> list[tuple[str, str]]:
    """(field, parameter name) of each rule whose days are a jurisdiction parameter (lint checks they exist)."""
    out = []
    for name, spec in (schema.get("properties") or {}).items():
        for keyword in DATE_RULES[1:]:
            _, days = _bound(spec.get(keyword)) if isinstance(spec, dict) else (None, 0)
            if isinstance(days, str):
                out.append((name, days))
    return out


def _field_problems(name: str, spec: dict, props: dict) -> list[str]:
    problems = []
    is_date = spec.get("format") == "date"
    for keyword in DATE_RULES:
        if keyword not in spec:
            continue
        where = f"field {name!r}: {keyword}"
        if not is_date:
            problems.append(f"{where} applies only to a field with \"format\": \"date\"")
        if keyword == "x-not-future":
            if spec[keyword] is not True:
                problems.append(f"{where} must be true")
            continue
        other, days = _bound(spec[keyword])
        if not isinstance(other, str) or not _NAME.match(other):
            problems.append(f"{where} must name a date field: \"field\" or {{\"field\": ..., "
                            "\"calendar_days\": N}")
        elif other == name:
            problems.append(f"{where} compares the field with itself")
        elif other in props and props[other].get("format") != "date":
            problems.append(f"{where}: {other!r} is not a date field")
        if isinstance(spec[keyword], dict):
            extra = set(spec[keyword]) - {"field", "calendar_days"}
            if extra:
                problems.append(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        ok_days = (isinstance(days, str) and _NAME.match(days)) or (
            isinstance(days, int) and not isinstance(days, bool) and 0 <= days <= _MAX_DAYS)
        if not ok_days:
            problems.append(f"{where}: calendar_days must be a whole number 0-{_MAX_DAYS} or a parameter name")
    if PREFILL in spec:
        path = spec[PREFILL]
        head, _, rest = path.partition(".") if isinstance(path, str) else ("", "", "")
        valid = (head == "today" and not rest) or (head == "case" and _NAME.match(rest)) or (
            head == "requester" and rest in ("name", "email"))
        if not valid:
            problems.append(f"field {name!r}: {PREFILL} must be \"case.<field>\", \"requester.name\", "
                            f"\"requester.email\" or \"today\", not {path!r}")
        elif head == "today" and not is_date:
            problems.append(f"field {name!r}: {PREFILL} \"today\" needs \"format\": \"date\"")
    return problems
