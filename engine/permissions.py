"""Who may act on a case: the `[permissions]` table of a jurisdiction's config.

Issue 8 / Navy 1-5: acting on a case is allowed to its requester, or to staff who may *see* the
case (engine.access) and hold a role the jurisdiction allows for that action. Seeing comes first,
so a case the actor may not know exists answers 404 before any 403.

    [permissions]
    withdraw = ["coordinator"]        # withdraw the request on the requester's behalf
    case_event = ["coordinator"]      # deliver a case event such as ada_complaint
    upload = ["*"]                    # "*": any staff member who may see the case
    download = ["*"]
    incidents = ["coordinator"]       # who sees the incidents page (cases the worker could not move on)
    assign = ["coordinator"]          # who may give an open step to a colleague holding its role
    events = { reevaluation = ["supervisor", "coordinator"] }  # per case event, instead of case_event

Without a table the RA Coordinator (`coordinator`) / ADA Coordinator (`ada_coordinator`) roles may
withdraw and send case events, and any staff member who may see the case may add and read documents.
"""

from __future__ import annotations

from . import access
from .errors import Forbidden, Problem

ANY_STAFF = "*"
COORDINATORS = ("coordinator", "ada_coordinator")
DEFAULTS: dict[str, tuple[str, ...]] = {
    "withdraw": COORDINATORS,
    "case_event": COORDINATORS,
    "upload": (ANY_STAFF,),
    "download": (ANY_STAFF,),
    "incidents": COORDINATORS,  # see the incidents page and `raflow incidents` (not a case action)
    "assign": COORDINATORS,  # give an open step to a person who holds its role (engine.assignment)
}
VERBS = {"withdraw": "withdraw", "case_event": "send case events to", "upload": "add documents to",
         "download": "download documents of",
         "incidents": "see incidents of", "assign": "assign steps of"}


def roles_for(config: dict, action: str) -> frozenset[str]:
    """The roles allowed an action by a jurisdiction's config (ANY_STAFF for every staff role)."""
    table = config.get("permissions") if isinstance(config.get("permissions"), dict) else {}
    return frozenset(table.get(action, DEFAULTS[action]))


def roles_for_event(config: dict, event: str) -> frozenset[str]:
    """Roles that may send one case event: `events.<name>` if listed (Navy 6-2: the employee or the
    supervisor may ask for a reevaluation), else the `case_event` roles."""
    table = config.get("permissions") if isinstance(config.get("permissions"), dict) else {}
    events = table.get("events") if isinstance(table.get("events"), dict) else {}
    return frozenset(events[event]) if event in events else roles_for(config, "case_event")


def may_act(actor: access.Actor, case, action: str, config: dict, event: str | None = None) -> bool:
    """Role rule only: the caller has already checked that the actor may see the case."""
    if actor.name == case.requester:
        return True
    if not access.is_staff(actor, case.jurisdiction):
        return False
    allowed = roles_for_event(config, event) if event else roles_for(config, action)
    return ANY_STAFF in allowed or bool(actor.roles & allowed)


def check_action(session, actor: access.Actor, case, action: str, config: dict, event: str | None = None) -> None:
    """404 when the actor may not see the case, 403 when their role may not take the action."""
    access.check_view_case(session, actor, case)
    if not may_act(actor, case, action, config, event):
        allowed = sorted(roles_for_event(config, event) if event else roles_for(config, action))
        what = f" ({event!r})" if event else ""
        raise Forbidden(f"your role may not {VERBS[action]} this case{what} (allowed: the requester"
                        f"{', ' + ', '.join(allowed) if allowed else ''})")


def check_config(cfg: dict, roles: dict, filename: str, line_of) -> list[Problem]:
    """Lint the [permissions] table: known actions, lists of configured role keys or "*"."""
    table = cfg.get("permissions", {})
    if not isinstance(table, dict):
        return [Problem(filename, line_of("permissions"), "permissions", "[permissions] must be a table")]
    problems = []
    for action, allowed in table.items():
        if action == "events" and isinstance(allowed, dict):
            problems.extend(_check_event_roles(allowed, roles, filename, line_of))
        elif action not in DEFAULTS:
            problems.append(Problem(filename, line_of(action), action,
                                    f"unknown permission {action!r} (known: {', '.join(DEFAULTS)})"))
        elif not isinstance(allowed, list) or any(r != ANY_STAFF and r not in roles for r in allowed):
            problems.append(Problem(filename, line_of(action), action,
                                    f"{action} must list role keys of [roles] or \"*\" (roles: {', '.join(roles)})"))
    return problems


def _check_event_roles(table: dict, roles: dict, filename: str, line_of) -> list[Problem]:
    return [Problem(filename, line_of("events"), "events",
                    f"events.{event} must list role keys of [roles] or \"*\" (roles: {', '.join(roles)})")
            for event, allowed in table.items()
            if not isinstance(allowed, list) or any(r != ANY_STAFF and r not in roles for r in allowed)]
