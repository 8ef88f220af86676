"""A jurisdiction's config (`processes/<key>/jurisdiction.toml`): roles, calendar, policy parameters."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import permissions
from .calendars import Calendar
from .errors import Problem
from .limits import limits_problems

CONFIG_NAME = "jurisdiction.toml"
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Jurisdiction:
    key: str
    name: str
    timezone: str
    roles: dict[str, str]
    need_to_know: frozenset[str]
    parameters: dict
    tracking_fields: tuple[str, ...]
    start_processes: tuple[str, ...]
    forms_dir: str
    config: dict = field(repr=False)

    @cached_property
    def calendar(self) -> Calendar:
        return Calendar.from_config(self.config)

    def role_for_lane(self, lane_name: str | None) -> str | None:
        """The role key a lane stands for: its name is the key or the display title."""
        if not lane_name:
            return None
        wanted = lane_name.strip().casefold()
        for key, title in self.roles.items():
            if wanted in (key.casefold(), str(title).casefold()):
                return key
        return None


def parse_config(text: str, filename: str, folder_name: str | None = None) -> tuple[Jurisdiction | None, list]:
    """Parse and check a jurisdiction config; returns (jurisdiction or None, problems)."""
    problems: list[Problem] = []

    def bad(msg, key=None):
        problems.append(Problem(filename, _line_of(text, key), key or "config", msg))

    try:
        cfg = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        m = re.search(r"line (\d+)", str(err))
        problems.append(Problem(filename, int(m.group(1)) if m else 1, "config", f"not valid TOML: {err}"))
        return None, problems
    key = cfg.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        bad("key must be a lower-case identifier like 'navy'", "key")
    elif folder_name and key != folder_name:
        bad(f"key {key!r} must equal the folder name {folder_name!r}", "key")
    if not isinstance(cfg.get("name"), str) or not cfg.get("name"):
        bad("name is required", "name")
    tz = cfg.get("timezone")
    if not _is_zone(tz):
        bad(f"timezone {tz!r} is not an IANA time zone like America/New_York", "timezone")
    roles = cfg.get("roles")
    if not isinstance(roles, dict) or not roles:
        bad("[roles] must list at least one role", "roles")
        roles = {}
    for rk in roles:
        if not _KEY.match(rk):
            bad(f"role key {rk!r} must be a lower-case identifier", rk)
    ntk = cfg.get("confidential", {}).get("need_to_know", [])
    for role in ntk:
        if role not in roles:
            bad(f"need_to_know role {role!r} is not in [roles]", "need_to_know")
    for role in cfg.get("confidential", {}).get("emergency_only", []):
        if role not in roles:
            bad(f"emergency_only role {role!r} is not in [roles]", "emergency_only")
    params = cfg.get("parameters", {})
    if not isinstance(params, dict):
        bad("[parameters] must be a table", "parameters")
        params = {}
    starts = cfg.get("start_processes", [])
    if not isinstance(starts, list) or not starts:
        bad("start_processes must list the process ids a user may start", "start_processes")
        starts = []
    problems.extend(permissions.check_config(cfg, roles, filename, lambda k: _line_of(text, k)))
    problems.extend(limits_problems(cfg, filename, lambda k: _line_of(text, k)))
    try:
        Calendar.from_config(cfg) if not problems else None
    except (ValueError, KeyError, NotImplementedError, AttributeError) as err:
        bad(f"holiday calendar: {err}", "holidays")
    if problems:
        return None, problems
    return Jurisdiction(
        key=key, name=cfg["name"], timezone=tz, roles={k: str(v) for k, v in roles.items()},
        need_to_know=frozenset(ntk), parameters=dict(params),
        tracking_fields=tuple(cfg.get("tracking", {}).get("fields", [])),
        start_processes=tuple(starts), forms_dir=cfg.get("forms", f"../../forms/{key}"), config=cfg,
    ), problems


def _line_of(text: str, key: str | None) -> int:
    if key:
        for number, line in enumerate(text.splitlines(), 1):
            if re.match(rf"\s*\[?{re.escape(key)}\]?\s*(=|$)", line):
                return number
    return 1


def _is_zone(name) -> bool:
    if not isinstance(name, str) or not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
