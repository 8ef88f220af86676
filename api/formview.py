"""Turn a form file (JSON Schema with x-ui hints) into what the page template draws: one entry per
field with its label, help, required mark, widget, choices, current value and error, and the ids
that tie help and error text to the input (aria-describedby).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from engine.casefile import REDACTED
from engine.form_rules import required_now, show_date
from engine.forms import Form, coerce_text_input


@dataclass
class Choice:
    value: str
    label: str
    checked: bool


@dataclass
class FieldView:
    name: str
    label: str
    help: str
    widget: str
    required: bool
    value: str = ""
    checked: bool = False
    choices: list[Choice] = field(default_factory=list)
    error: str | None = None
    confidential: bool = False
    hidden: bool = False
    recorded: bool = False  # an earlier step's value, shown as text (`readOnly` in the form file)
    shown: str = ""  # the recorded value as people read it
    attrs: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"f-{self.name}"

    @property
    def describedby(self) -> str:
        ids = []
        if self.help or self.confidential:
            ids.append(f"{self.id}-help")
        if self.error:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


def widget_of(spec: dict) -> str:
    ui = spec.get("x-ui") or {}
    kind = spec.get("type")
    if ui.get("widget"):
        return ui["widget"]
    if "enum" in spec:
        return "radio" if len(spec["enum"]) <= 5 else "select"
    if kind == "boolean":
        return "checkbox"
    if kind == "array":
        return "checkboxes"
    if spec.get("format") == "date":
        return "date"
    if kind in ("integer", "number"):
        return "number"
    if kind == "string" and (spec.get("maxLength") or 0) > 200:
        return "textarea"
    return "text"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def build_fields(form: Form, values: dict | None = None, errors: dict | None = None, raw: dict | None = None,
                 hide_confidential: bool = False) -> list[FieldView]:
    """`values` are typed (from the case); `raw` are the strings just posted (kept on errors)."""
    values, errors = values or {}, errors or {}
    typed = coerce_text_input(form, raw) if raw is not None else values
    required = required_now(form.schema, {**values, **typed})  # marks follow the rules for these values
    out = []
    for name in form.field_order():
        spec = form.fields[name]
        ui = spec.get("x-ui") or {}
        widget = widget_of(spec)
        secret = bool(spec.get("x-confidential"))
        hidden = secret and hide_confidential
        f = FieldView(name=name, label=spec.get("title") or name.replace("_", " ").capitalize(),
                      help=ui.get("help") or spec.get("description") or "", widget=widget, required=name in required,
                      error=errors.get(name), confidential=secret, hidden=hidden)
        if raw is not None:
            posted = raw.get(name, [])
            posted = posted if isinstance(posted, list) else [posted]
            current = posted
        else:
            value = values.get(name)
            if hidden or value == REDACTED:
                value = None
            current = value if isinstance(value, list) else ([] if value is None else [value])
        strings = [_text(v) for v in current]
        f.value = strings[0] if strings else ""
        kind = spec.get("type")
        if kind == "boolean":
            if widget in ("radio", "select"):
                labels = ui.get("labels") or {}
                f.choices = [Choice("true", labels.get("true", "Yes"), f.value in ("true", "on")),
                             Choice("false", labels.get("false", "No"), f.value == "false")]
            else:
                f.checked = f.value in ("true", "on", "yes", "1")
        elif "enum" in spec or kind == "array":
            options = spec.get("enum") or (spec.get("items") or {}).get("enum") or []
            labels = ui.get("labels") or {}
            f.choices = [Choice(_text(o), str(labels.get(str(o), o)), _text(o) in strings) for o in options]
        if spec.get("readOnly") and values.get(name) not in (None, "", REDACTED) and not hidden:
            f.recorded, f.required, f.error = True, False, None
            f.shown = _shown(spec, values[name], f.choices)
        if widget == "number":
            f.attrs["step"] = "1" if kind == "integer" else "any"
            for bound in ("minimum", "maximum"):
                if bound in spec:
                    f.attrs[bound[:3]] = spec[bound]
            f.attrs["inputmode"] = "numeric" if kind == "integer" else "decimal"
        if widget == "text" and spec.get("format") == "email":
            f.widget = "email"
        if kind == "string" and spec.get("maxLength") and widget in ("text", "textarea"):
            limit = f"Up to {spec['maxLength']} characters."
            f.help = f"{f.help} {limit}".strip() if spec["maxLength"] < 4000 else f.help
        out.append(f)
    return out


def _shown(spec: dict, value, choices: list[Choice]) -> str:
    """A recorded value in words: its choice title, a date as "Tue 1 Dec 2026", Yes/No."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    titles = {c.value: c.label for c in choices}
    if isinstance(value, list):
        return ", ".join(titles.get(_text(v), _text(v)) for v in value)
    if spec.get("format") == "date":
        try:
            return show_date(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    return titles.get(_text(value), _text(value))


def form_errors(form: Form | None, errors: dict) -> dict[str, str]:
    """Errors not tied to a field of the form (shown at the top)."""
    names = set(form.fields) if form else set()
    return {k: v for k, v in (errors or {}).items() if k not in names}
