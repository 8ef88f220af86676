"""A new variant's settings (key, name, time zone, holiday calendar and closure dates, roles) applied to a
copy of another jurisdiction's folder, from form fields rather than by editing its config by hand.

The config is rewritten with tomlkit, a well-kept style-preserving TOML library, so every comment (the
documented meaning of each parameter, the manual section of each rule) survives. A renamed role is renamed
everywhere the folder names it: the `[roles]` table, the role lists and `role`/`signed_by` values of the
config, the `[letters.signatures]` table, and the diagram lanes that stand for it (a lane's name is its
role's title). Errors come back by form field; the finished folder must then pass lint and its
invariants, or nothing is created.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import tomlkit
from holidays import registry

from .jurisdiction import CONFIG_NAME

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_LANE = re.compile(r'(<(?:bpmn:)?lane\b[^>]*?\bname=")([^"]*)(")')
_NOT_ROLES = ("tracking", "parameters", "roles", "limits", "holidays")  # tables whose strings are not role keys
MAX_ROLES = 60
MAX_DATES = 100


@dataclass
class Role:
    key: str
    title: str
    old: str | None = None  # the source role this row edits (None: a new role)
    remove: bool = False


@dataclass
class VariantSpec:
    key: str
    name: str
    timezone: str
    country: str
    subdiv: str
    dates: list[str]
    roles: list[Role]
    lanes: dict[str, list[str]] = field(default_factory=dict)  # role key -> "file: lane name" (shown)


def countries() -> list[tuple[str, str]]:
    """(code, name) of every holiday calendar the holidays package has, by name."""
    out = {info[1]: module.replace("_", " ").title() for module, info in registry.COUNTRIES.items()}
    return sorted(out.items(), key=lambda item: item[1])


def from_files(files: dict[str, str]) -> VariantSpec:
    """The source folder's settings, the starting point of the form."""
    cfg = tomlkit.parse(files[CONFIG_NAME]).unwrap()
    h = cfg.get("holidays") or {}
    roles = {str(k): str(v) for k, v in (cfg.get("roles") or {}).items()}
    return VariantSpec(key="", name="", timezone=str(cfg.get("timezone", "")), country=str(h.get("country", "US")),
                       subdiv=str(h.get("subdiv") or ""), dates=[str(d) for d in h.get("extra", [])],
                       roles=[Role(k, t, old=k) for k, t in roles.items()], lanes=_lanes_by_role(files, roles))


def _lanes_by_role(files: dict[str, str], roles: dict[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name in sorted(n for n in files if n.endswith(".bpmn")):
        for m in _LANE.finditer(files[name]):
            role = _role_of_lane(html.unescape(m.group(2)), roles)
            if role:
                out.setdefault(role, []).append(f"{name}: {html.unescape(m.group(2))}")
    return out


def _role_of_lane(lane: str, roles: dict[str, str]) -> str | None:
    wanted = lane.strip().casefold()
    return next((k for k, t in roles.items() if wanted in (k.casefold(), t.casefold())), None)


def check(spec: VariantSpec, exists) -> dict[str, str]:
    """Field errors (field name -> message) of the form; `exists(key)` tells a key already taken."""
    errors: dict[str, str] = {}
    if not _KEY.match(spec.key):
        errors["new_key"] = "the key must be a lower-case identifier like 'navy_pacific'"
    elif exists(spec.key):
        errors["new_key"] = f"jurisdiction {spec.key!r} already exists: choose another key"
    if not spec.name.strip():
        errors["name"] = "give the jurisdiction a name (it heads every page and letter)"
    try:
        ZoneInfo(spec.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = f"{spec.timezone!r} is not an IANA time zone like America/Los_Angeles"
    supported = holidays.list_supported_countries()
    if spec.country not in dict(countries()):
        errors["country"] = "choose a holiday calendar from the list"
    elif spec.subdiv and spec.subdiv not in supported.get(spec.country, []):
        known = ", ".join(supported.get(spec.country, [])[:60]) or "none"
        errors["subdiv"] = f"{spec.subdiv!r} is not a subdivision of {spec.country} (known: {known})"
    if len(spec.dates) > MAX_DATES:
        errors["holidays"] = f"at most {MAX_DATES} closure dates"
    for i, text in enumerate(spec.dates):
        try:
            date.fromisoformat(text)
        except ValueError:
            errors[f"holiday-{i}"] = f"{text!r} is not a date (YYYY-MM-DD)"
    _check_roles(spec, errors)
    return errors


def _check_roles(spec: VariantSpec, errors: dict[str, str]) -> None:
    kept = [r for r in spec.roles if not r.remove]
    if not kept:
        errors["roles"] = "keep at least one role"
    if len(spec.roles) > MAX_ROLES:
        errors["roles"] = f"at most {MAX_ROLES} roles"
    seen: set[str] = set()
    titles: set[str] = set()
    for i, role in enumerate(spec.roles):
        if role.remove:
            if role.old and spec.lanes.get(role.old):
                errors[f"role-{i}"] = (f"role {role.old!r} stands for lanes ({'; '.join(spec.lanes[role.old][:3])}): "
                                       "keep it or rename it")
            continue
        if not _KEY.match(role.key):
            errors[f"role-{i}"] = f"role key {role.key!r} must be a lower-case identifier like 'hr'"
        elif role.key in seen:
            errors[f"role-{i}"] = f"role key {role.key!r} is listed twice"
        elif not role.title.strip():
            errors[f"role-{i}"] = f"give role {role.key!r} a title (its lanes carry it as their name)"
        elif role.title.strip().casefold() in titles:
            errors[f"role-{i}"] = f"another role is titled {role.title.strip()!r}: a lane could not tell them apart"
        seen.add(role.key)
        titles.add(role.title.strip().casefold())


def apply(files: dict[str, str], spec: VariantSpec) -> dict[str, str]:
    """The copied folder with the new settings (call `check` first)."""
    doc = tomlkit.parse(files[CONFIG_NAME])
    old_roles = {str(k): str(v) for k, v in doc.get("roles", {}).items()}
    doc["key"], doc["name"], doc["timezone"] = spec.key, spec.name.strip(), spec.timezone
    if "forms" in doc:
        doc["forms"] = f"../../forms/{spec.key}"
    if "holidays" not in doc:
        doc["holidays"] = tomlkit.table()
    doc["holidays"]["country"], doc["holidays"]["subdiv"] = spec.country, spec.subdiv
    doc["holidays"]["extra"] = sorted(set(spec.dates))
    renamed = {r.old: r.key for r in spec.roles if r.old and not r.remove and r.old != r.key}
    removed = {r.old for r in spec.roles if r.old and r.remove}
    _set_roles(doc, spec)
    for name, item in doc.items():
        if name not in _NOT_ROLES:
            _rename_in(item, renamed, removed)
    signatures = (doc.get("letters") or {}).get("signatures")
    if signatures is not None:
        for old, new in renamed.items():
            if old in signatures:
                signatures[new] = signatures.pop(old)
        for old in removed:
            signatures.pop(old, None)
    out = {**files, CONFIG_NAME: tomlkit.dumps(doc)}
    titles = {r.old: r.title.strip() for r in spec.roles if r.old and not r.remove}
    for name in [n for n in files if n.endswith(".bpmn")]:
        out[name] = _LANE.sub(lambda m: _lane(m, old_roles, titles, renamed), files[name])
    return out


def _set_roles(doc, spec: VariantSpec) -> None:
    """Rewrite [roles] in place: kept rows keep their comment, renamed ones their position, new ones last."""
    table = doc["roles"]
    by_old = {r.old: r for r in spec.roles if r.old}
    for old in list(table.keys()):
        row = by_old.get(old)
        if row is None or row.remove:
            del table[old]
        elif row.key != old or row.title.strip() != str(table[old]):
            comment = getattr(table[old].trivia, "comment", "")
            value = tomlkit.item(row.title.strip())
            if comment:
                value.comment(comment.lstrip("# "))
            if row.key == old:
                table[old] = value
            else:
                del table[old]
                table[row.key] = value
    for row in spec.roles:
        if not row.old and not row.remove and row.key:
            table[row.key] = row.title.strip()


def _rename_in(item, renamed: dict[str, str], removed: set[str]) -> None:
    """Role keys in arrays and in `role` / `signed_by` values, at any depth (invariants, permissions, ...)."""
    if isinstance(item, list):
        for i in range(len(item) - 1, -1, -1):
            value = item[i]
            if isinstance(value, str) and value in removed:
                del item[i]
            elif isinstance(value, str) and value in renamed:
                item[i] = renamed[value]
            else:
                _rename_in(value, renamed, removed)
    elif isinstance(item, dict):
        for k in list(item.keys()):
            value = item[k]
            if k in ("role", "signed_by", "policy_role") and isinstance(value, str) and value in renamed:
                item[k] = renamed[value]
            else:
                _rename_in(value, renamed, removed)


def _lane(m: re.Match, old_roles: dict[str, str], titles: dict[str, str], renamed: dict[str, str]) -> str:
    """A lane named by a role's title takes the new title; one named by its key, the new title if renamed."""
    lane = html.unescape(m.group(2))
    role = _role_of_lane(lane, old_roles)
    if role is None or role not in titles:
        return m.group(0)
    if lane.strip().casefold() == role.casefold() and role not in renamed:
        return m.group(0)
    return m.group(1) + html.escape(titles[role], quote=True) + m.group(3)
