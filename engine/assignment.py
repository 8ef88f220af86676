"""Assigning an open step to a person (issue 12): a coordinator hands a step to a colleague who holds its role.

Who may assign: the roles of `assign` in the jurisdiction's [permissions] (default the RA / ADA
Coordinator), on a case they may see (else 404). The assignee must be an active user of the case's
jurisdiction holding the step's role; a requester's step belongs to the requester and is never assigned.
The change, its history row and the "a step was assigned to you" mail (engine.notify, immediate or in the
assignee's daily digest) are one transaction. Claiming a step yourself mails nobody: you know already.
"""

from __future__ import annotations

from sqlalchemy import select, update

from . import access, notify, permissions
from .errors import Forbidden, ValidationFailed
from .history import record_event
from .store import Task, User
from .users import may_hold


def candidates(session, jurisdiction: str, role: str) -> list[tuple[str, str]]:
    """(name, display name) of the active users of a jurisdiction who hold a role."""
    rows = session.execute(select(User.name, User.display_name, User.roles).where(
        User.jurisdiction == jurisdiction, User.disabled_at.is_(None), may_hold(role)).order_by(User.display_name))
    return [(r.name, r.display_name) for r in rows if role in (r.roles or ())]


def may_assign(actor: access.Actor, jurisdiction: str, config: dict) -> bool:
    allowed = permissions.roles_for(config, "assign")
    return access.is_staff(actor, jurisdiction) and (permissions.ANY_STAFF in allowed or bool(actor.roles & allowed))


def assign(service, task_id: str, actor_name: str, assignee: str) -> None:
    """Give an open step to `assignee` (from the queue or from another person) and tell them by mail."""
    assignee = (assignee or "").strip()
    with service.db.transaction() as s:
        actor = access.load_actor(s, actor_name)
        row, case = service._task_and_case(s, task_id, actor)  # 404 when the case may not be seen
        deployed = service.registry.get(s, case.definition_id)
        if not may_assign(actor, case.jurisdiction, deployed.jurisdiction.config):
            allowed = ", ".join(sorted(permissions.roles_for(deployed.jurisdiction.config, "assign")))
            raise Forbidden(f"your role may not assign steps (allowed: {allowed})")
        if row.role == access.REQUESTER:
            raise ValidationFailed({"assignee": "this step is the requester's own: it cannot be assigned"})
        if assignee not in {name for name, _ in candidates(s, case.jurisdiction, row.role)}:
            title = deployed.jurisdiction.roles.get(row.role, row.role)
            raise ValidationFailed({"assignee": f"choose an active user who holds the {title} role"})
        if row.assignee == assignee:
            return
        s.execute(update(Task).where(Task.id == row.id).values(assignee=assignee))
        record_event(s, case.id, actor.name, "task_assigned", row.id,
                     {"task": row.title, "assignee": assignee, "previous": row.assignee})
        if assignee != actor.name:
            notify.task_assigned(s.connection(), deployed, case.id,
                                 {"id": row.id, "title": row.title, "due_at": row.due_at}, assignee)
