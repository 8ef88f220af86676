"""Incidents: cases the timer worker could not move on, kept for people to fix and retry.

Issue 8: one broken case (a diagram step that fails or goes over a limit) must never stop the
deadlines of every other case. The worker marks the case (status "error"), removes its timers so it
is not retried every pass, and opens an incident with the located message; `raflow case retry ID`
(after a fix, e.g. a higher [limits] or corrected data) runs its due timers again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from . import access, clock, permissions, runtime
from .errors import Conflict, Forbidden, NotFound
from .history import record_event
from .projections import save_case
from .security_store import Incident
from .step_errors import engine_errors
from .store import Case, Timer

STATUS = "error"  # the case status while an incident is open


@dataclass(frozen=True)
class IncidentRow:
    id: int
    case_id: int
    jurisdiction: str
    opened_at: datetime
    message: str
    attempts: int
    case_title: str


def open_incident(session, case_id: int, message: str) -> None:
    """Mark the case and record (or update) its open incident, in the caller's transaction."""
    jurisdiction = session.execute(select(Case.jurisdiction).where(Case.id == case_id)).scalar()
    if jurisdiction is None:
        return
    session.execute(update(Case).where(Case.id == case_id).values(status=STATUS, next_due=None))
    session.execute(Timer.__table__.delete().where(Timer.case_id == case_id))
    found = session.execute(select(Incident).where(Incident.case_id == case_id, Incident.resolved_at.is_(None))
                            ).scalar()
    if found is None:
        session.add(Incident(case_id=case_id, jurisdiction=jurisdiction, opened_at=clock.now(),
                             message=message[:1000], attempts=1))
    else:
        found.message, found.attempts = message[:1000], found.attempts + 1
    record_event(session, case_id, "timer", "engine_error", None, {"error": message[:500]})


def may_see_incidents(actor: access.Actor, config: dict) -> bool:
    """Coordinators (the roles allowed `incidents` in [permissions], default RA/ADA Coordinator)."""
    return bool(actor.roles & permissions.roles_for(config, "incidents"))


def list_open(db, jurisdiction: str | None = None) -> list[IncidentRow]:
    with db.transaction() as s:
        q = (select(Incident.id, Incident.case_id, Incident.jurisdiction, Incident.opened_at, Incident.message,
                    Incident.attempts, Case.title).join(Case, Case.id == Incident.case_id)
             .where(Incident.resolved_at.is_(None)).order_by(Incident.opened_at, Incident.id))
        if jurisdiction:
            q = q.where(Incident.jurisdiction == jurisdiction)
        return [IncidentRow(*r) for r in s.execute(q)]


def list_for(service, actor_name: str) -> list[IncidentRow]:
    """The open incidents of the actor's jurisdiction, if their role may see incidents (else 403)."""
    with service.db.transaction() as s:
        actor = access.load_actor(s, actor_name)
        config = service.registry.current(s, actor.jurisdiction).jurisdiction.config
    if not may_see_incidents(actor, config):
        raise Forbidden("your role may not see incidents (see [permissions] incidents)")
    return list_open(service.db, actor.jurisdiction)


def retry(service, case_id: int, actor: str = "admin") -> None:
    """Run an incident case's due timers again; on success the case is open again and the incident
    resolved. On failure the incident keeps the new message and the error is raised."""
    try:
        with service.db.transaction() as s:
            case = s.execute(select(Case).where(Case.id == case_id)).scalar()
            if case is None:
                raise NotFound(f"no case {case_id}")
            incident = s.execute(select(Incident).where(Incident.case_id == case_id,
                                                        Incident.resolved_at.is_(None))).scalar()
            if incident is None or case.status != STATUS:
                raise Conflict(f"case {case_id} has no open incident")
            deployed = service.registry.get(s, case.definition_id)
            workflow = deployed.load_workflow(case)
            with engine_errors():
                runtime.fire_timers(workflow)
            save_case(s, case, workflow, deployed, actor,
                      [("incident_retried", None, {"incident": incident.id})], status="open")
            incident.resolved_at, incident.resolved_by = clock.now(), actor
    except (Conflict, NotFound):
        raise
    except Exception as err:
        with service.db.transaction() as s:
            open_incident(s, case_id, str(err))
        raise
