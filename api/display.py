"""Values as people read them on pages: a choice by its title from the form files, a date as
"Tue 1 Dec 2026", money as "$1,250.00", Yes/No; never a raw code (issue 12). Built once per deployed
version from its forms, so every page of a case speaks the words its procedure's forms use."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CODE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_MONEY = re.compile(r"(^|_)(cost|amount|price|fee)(_|$)|\b(usd|cost)\b", re.I)


def humanize(code) -> str:
    """`not_individual_with_disability` -> "Not individual with disability" (when no title is known)."""
    text = str(code or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


@dataclass
class Labels:
    """Titles and choice titles of every field of a deployed version's forms."""

    titles: dict[str, str] = field(default_factory=dict)
    choices: dict[str, dict[str, str]] = field(default_factory=dict)
    any_choice: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    elements: dict[str, str] = field(default_factory=dict)  # diagram element id -> its name

    @classmethod
    def of(cls, forms) -> Labels:
        out = cls()
        for form in forms:
            if form is None:
                continue
            for name, spec in form.fields.items():
                out.titles.setdefault(name, spec.get("title") or humanize(name))
                ui = spec.get("x-ui") or {}
                named = {str(k): str(v) for k, v in (ui.get("labels") or {}).items()}
                codes = spec.get("enum") or (spec.get("items") or {}).get("enum") or []
                for code in codes:
                    named.setdefault(str(code), humanize(code))
                out.choices.setdefault(name, {}).update(named)
                for code, title in named.items():
                    out.any_choice.setdefault(code, title)
                kind = "date" if spec.get("format") == "date" else (
                    "money" if spec.get("type") in ("number", "integer") and (
                        ui.get("format") == "money" or _MONEY.search(f"{name} {spec.get('title', '')}")) else "")
                if kind:
                    out.kinds.setdefault(name, kind)
        return out

    def title(self, name: str) -> str:
        return self.titles.get(name) or humanize(name)

    def code(self, value) -> str:
        """A code outside a known field (an outcome, a path): its title in any form, else in words."""
        return self.any_choice.get(str(value)) or humanize(value)

    def value(self, name: str, value) -> str:
        """A recorded or tracked value in words."""
        if value is True:
            return "Yes"
        if value is False:
            return "No"
        if value is None or value == "":
            return ""
        if isinstance(value, list):
            return ", ".join(self.value(name, v) for v in value)
        kind = self.kinds.get(name)
        if kind == "money" and isinstance(value, (int, float)):
            return f"${value:,.2f}"
        text = str(value)
        if (kind == "date" or _ISO_DATE.match(text)) and _ISO_DATE.match(text[:10]):
            try:
                return day(date.fromisoformat(text[:10]))
            except ValueError:
                return text
        choices = self.choices.get(name)
        if choices and text in choices:
            return choices[text]
        if text in self.any_choice and _CODE.match(text):
            return self.any_choice[text]
        # a code a script recorded that no form names: in words rather than raw
        return humanize(text) if _CODE.match(text) and (choices or "_" in text) else text
