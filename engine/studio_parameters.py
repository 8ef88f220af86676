"""The `[parameters]` of a jurisdiction config as form fields: each value with its documented meaning (the
comment beside it), edited in place by tomlkit so every comment and the rest of the file stay as written.

A value keeps its type: a number stays a number (days cannot become "two"), a yes/no stays true or false.
"""

from __future__ import annotations

import tomlkit
from tomlkit.exceptions import TOMLKitError


def parameters(config_text: str) -> list[dict]:
    """[{name, value (as shown in a field), meaning, kind}] in file order; [] if the config does not parse."""
    try:
        table = tomlkit.parse(config_text).get("parameters") or {}
    except TOMLKitError:
        return []
    out = []
    for name, item in table.items():
        value = item.unwrap() if hasattr(item, "unwrap") else item
        comment = getattr(getattr(item, "trivia", None), "comment", "") or ""
        out.append({"name": name, "value": _shown(value), "meaning": comment.lstrip("#").strip(),
                    "kind": _kind(value)})
    return out


def _kind(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "text" if isinstance(value, str) else "other"


def _shown(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def set_parameters(config_text: str, values: dict[str, str]) -> tuple[str, dict[str, str]]:
    """(new config text, field errors by parameter name); the text is unchanged when there are errors."""
    doc = tomlkit.parse(config_text)
    table = doc.get("parameters")
    if table is None:
        return config_text, {"parameters": "the config has no [parameters] table"}
    errors: dict[str, str] = {}
    for name, raw in values.items():
        if name not in table:
            errors[name] = f"{name!r} is not a parameter of this jurisdiction"
            continue
        item = table[name]
        old = item.unwrap() if hasattr(item, "unwrap") else item
        try:
            new = _parse(_kind(old), raw.strip())
        except ValueError as err:
            errors[name] = str(err)
            continue
        if new == old:
            continue
        replacement = tomlkit.item(new)
        trivia = getattr(item, "trivia", None)
        if trivia is not None and trivia.comment:  # the meaning stays, aligned as it was
            pad = len(trivia.comment_ws) + len(item.as_string()) - len(replacement.as_string())
            replacement.trivia.comment_ws = " " * max(1, pad)
            replacement.trivia.comment = trivia.comment
        table[name] = replacement
    if errors:
        return config_text, errors
    return tomlkit.dumps(doc), {}


def _parse(kind: str, raw: str):
    if kind == "integer":
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a whole number") from None
    if kind == "number":
        try:
            return float(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a number") from None
    if kind == "boolean":
        if raw not in ("true", "false"):
            raise ValueError("choose true or false")
        return raw == "true"
    if kind == "text":
        if not raw:
            raise ValueError("give a value")
        return raw
    raise ValueError("a list or table: edit it in jurisdiction.toml")
