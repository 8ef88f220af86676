"""Who may do what: task roles, assignment, and need-to-know for confidential (medical) data.

Navy 1-5 and California § 11068: medical information goes only to those with a need to know; a
supervisor may learn restrictions and the accommodation, never diagnoses or medical documents.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from sqlalchemy import bindparam, exists, literal, or_, select

from .database import connection_of
from .errors import Forbidden, NotFound
from .tables import app_user, definition_version, event, ra_case, task

REQUESTER = "requester"


@dataclass(frozen=True)
class Actor:
    name: str
    display_name: str
    jurisdiction: str
    roles: frozenset[str]


_SELECT_USER = select(app_user.c.name, app_user.c.display_name, app_user.c.jurisdiction,
                      app_user.c.roles).where(app_user.c.name == bindparam("b_name"))


def load_actor(session, name: str) -> Actor:
    row = connection_of(session).execute(_SELECT_USER, {"b_name": name}).first()
    if row is None:
        raise Forbidden(f"unknown user {name!r}")
    return Actor(row.name, row.display_name, row.jurisdiction, frozenset(row.roles or ()))


def can_work(actor: Actor, *, jurisdiction: str, role: str, assignee: str | None, requester: str) -> bool:
    """A task is worked by its assignee, or by a holder of its lane role in the case's jurisdiction.

    The requester lane is the case's own requester, never every user holding a requester role.
    """
    if assignee is not None:
        return assignee == actor.name
    if role == REQUESTER:
        return actor.name == requester
    return actor.jurisdiction == jurisdiction and role in actor.roles


def check_can_work(actor: Actor, **task) -> None:
    if not can_work(actor, **task):
        if task.get("assignee") and task["assignee"] != actor.name:
            raise Forbidden(f"this task is assigned to {task['assignee']}")
        raise Forbidden(f"this task is for the {task['role']} role, which {actor.name} does not hold")


def is_staff(actor: Actor, jurisdiction: str) -> bool:
    """Holds a role other than requester in the case's jurisdiction."""
    return actor.jurisdiction == jurisdiction and bool(actor.roles - {REQUESTER})


def may_see_confidential(actor: Actor, *, jurisdiction: str, need_to_know: frozenset[str], requester: str) -> bool:
    if actor.name == requester:
        return True
    return actor.jurisdiction == jurisdiction and bool(actor.roles & need_to_know)


def redact(data: dict, confidential: frozenset[str] | set[str], allowed: bool) -> dict:
    if allowed:
        return dict(data)
    return {k: ("(confidential)" if k in confidential else v) for k, v in data.items()}


# -- seeing a case ------------------------------------------------------------------------------
# Navy 1-5: disclosing that someone has an accommodation case discloses a disability. So only the
# requester, the jurisdiction's need-to-know roles, and staff involved in the case may see it.
# Only working a step makes someone involved: claiming, releasing, uploading, withdrawing or viewing
# does not (issue 8: a withdrawal by an uninvolved person must not open the case to them).
INVOLVING_EVENTS = ("task_completed",)


def involvement(actor: Actor, emergency_only: frozenset[str] = frozenset()):
    """SQL condition on Case: the actor started it, completed a step of it, or has an open task on it.

    Navy 2-4, 1-5: a role the jurisdiction lists as `emergency_only` (Safety) is told what an emergency
    needs in its own task and nothing else, so neither its open task nor its completed one involves it.
    """
    working = sorted(actor.roles - {REQUESTER} - emergency_only)
    own = [ra_case.c.started_by == actor.name, ra_case.c.requester == actor.name]
    if not working:
        return or_(*own)
    return or_(*own,
               exists().where(event.c.case_id == ra_case.c.id, event.c.actor == actor.name,
                              event.c.kind.in_(INVOLVING_EVENTS)),
               exists().where(task.c.case_id == ra_case.c.id,
                              or_(task.c.assignee == actor.name, task.c.role.in_(working))))


def emergency_only(config: dict) -> frozenset[str]:
    """`[confidential] emergency_only`: roles that learn only what an emergency needs (Navy 1-5, 2-4)."""
    return frozenset((config.get("confidential") or {}).get("emergency_only", []))


_CONFIDENTIAL: dict[tuple[str, int], tuple[frozenset[str], frozenset[str]]] = {}  # per database and version


def _confidential_of(session, definition_id: int) -> tuple[frozenset[str], frozenset[str]]:
    """(need_to_know, emergency_only) roles of a deployed version; versions never change, so cached."""
    key = (str(session.get_bind().url), definition_id)
    found = _CONFIDENTIAL.get(key)
    if found is None:
        bundle = session.execute(select(definition_version.c.bundle)
                                 .where(definition_version.c.id == definition_id)).scalar() or {}
        config = tomllib.loads(bundle.get("files", {}).get("jurisdiction.toml", ""))
        found = _CONFIDENTIAL[key] = (frozenset(config.get("confidential", {}).get("need_to_know", [])),
                                      emergency_only(config))
    return found


def need_to_know_of(session, definition_id: int) -> frozenset[str]:
    return _confidential_of(session, definition_id)[0]


def can_view_case(session, actor: Actor, case) -> bool:
    if actor.name == case.requester:
        return True
    if not is_staff(actor, case.jurisdiction):
        return False
    need_to_know, emergency = _confidential_of(session, case.definition_id)
    if actor.roles & need_to_know:
        return True
    return session.execute(select(literal(1)).where(ra_case.c.id == case.id, involvement(actor, emergency))) \
        .first() is not None


def can_work_task_only(session, actor: Actor, case, role: str, assignee: str | None) -> bool:
    """Navy 2-4, 1-5: an emergency-only role (Safety) opens and works its own task of a case it may not see."""
    if actor.jurisdiction != case.jurisdiction or role not in _confidential_of(session, case.definition_id)[1]:
        return False
    return can_work(actor, jurisdiction=case.jurisdiction, role=role, assignee=assignee, requester=case.requester)


def check_view_case(session, actor: Actor, case) -> None:
    """Navy 1-5: a case the actor may not see is answered as if it did not exist (404, never 403)."""
    if not can_view_case(session, actor, case):
        raise NotFound(f"no case {case.id}")
