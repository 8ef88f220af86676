"""The case history: append-only events (who, what, when). Details carry names, never medical values."""

from __future__ import annotations

from sqlalchemy import insert

from . import clock
from .store import Event


def record_event(session, case_id: int, actor: str, kind: str, task_id: str | None = None,
                 detail: dict | None = None, at=None) -> None:
    """Append one event to a case's history, in the caller's transaction."""
    session.execute(insert(Event).values(case_id=case_id, at=at or clock.now(), actor=actor, kind=kind,
                                         task_id=task_id, detail=detail or {}))
