"""The overdue dashboard: every open case with an overdue or due-soon step or clock, oldest first.

The page a coordinator opens each morning (Navy 6c: timeliness evaluated continually). Steps come
from the open-task projection through its due_at index; case clocks from the cases whose stored
`ra_case.next_due` (the nearest step or running-clock deadline, kept by engine.projections) falls by
the horizon, read through its index, their clocks taken from the summary the writer stored. Nothing
is recomputed and both queries stop at `limit` rows, so the page costs O(limit) however many cases
are open: the oldest `limit` items are shown (a case's next_due is never later than any of its items,
so the first `limit` cases by next_due hold every clock among the oldest `limit` items).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from . import clock
from .queries import DUE_SOON_DAYS, deadline_of, display_names
from .store import Case, Task


@dataclass
class DueItem:
    kind: str            # "step" or "clock"
    case_id: int
    case_title: str
    step: str
    role: str
    role_title: str
    holder: str          # who holds it: the assignee's name, or the role's queue
    due: date
    days_late: int       # > 0 overdue by that many days; <= 0 due in -days_late days
    overdue: bool        # the deadline has passed (a step's: the end of its due day)


MAX_ITEMS = 500  # the oldest this many items are listed


def step_rows(conn, jurisdiction: str, horizon: datetime, limit: int = MAX_ITEMS):
    t, c = Task.__table__, Case.__table__
    return conn.execute(select(t.c.case_id, c.c.title.label("case_title"), t.c.title, t.c.role, t.c.assignee,
                               t.c.due_at)
                        .join(c, c.c.id == t.c.case_id)
                        .where(t.c.due_at.is_not(None), t.c.due_at <= horizon, c.c.jurisdiction == jurisdiction,
                               c.c.status == "open")
                        .order_by(t.c.due_at, t.c.case_id).limit(limit)).all()


def clock_title(name: str) -> str:
    return f"{name.replace('_', ' ').capitalize()} deadline (case clock)"


def clock_rows(conn, jurisdiction: str, horizon_day: date, horizon: datetime, limit: int = MAX_ITEMS) -> list[tuple]:
    """[(case id, case title, clock name, due date)] of the running, not-held clocks due by horizon_day,
    from the first `limit` open cases by their stored next_due (ix_case_jurisdiction_status_next_due)."""
    c = Case.__table__
    out = []
    for r in conn.execute(select(c.c.id, c.c.title, c.c.summary)
                          .where(c.c.jurisdiction == jurisdiction, c.c.status == "open", c.c.next_due.is_not(None),
                                 c.c.next_due <= horizon)
                          .order_by(c.c.next_due, c.c.id).limit(limit)):
        for name, view in sorted(((r.summary or {}).get("clocks") or {}).items()):
            due = date.fromisoformat(view["due"]) if view.get("due") else None
            if due and due <= horizon_day and not view.get("held") and not view.get("stopped"):
                out.append((r.id, r.title, name, due))
    return out


def dashboard(db, jurisdiction, soon_days: int = DUE_SOON_DAYS,
              limit: int = MAX_ITEMS) -> list[tuple[tuple[str, str], list[DueItem]]]:
    """[((step, role title), [items oldest first]), ...] of the oldest `limit` items, the group holding
    the oldest item first."""
    cal = jurisdiction.calendar
    now = clock.now()
    today = cal.local_date(now)
    horizon_day = today + timedelta(days=soon_days)
    items: list[DueItem] = []
    with db.engine.connect() as conn:
        horizon = cal.end_of_day(horizon_day)
        steps = step_rows(conn, jurisdiction.key, horizon, limit)
        clocks = clock_rows(conn, jurisdiction.key, horizon_day, horizon, limit)
    with db.transaction() as s:
        names = display_names(s, {r.assignee for r in steps if r.assignee})
    roles = jurisdiction.roles
    for r in steps:
        d = deadline_of(cal, r.due_at, now, soon_days)
        title = roles.get(r.role, r.role)
        holder = names.get(r.assignee, r.assignee) if r.assignee else f"unclaimed ({title} queue)"
        items.append(DueItem("step", r.case_id, r.case_title, r.title, r.role, title, holder, d.due_date,
                             -d.days_left, d.overdue))
    for case_id, case_title, name, due in clocks:
        d = deadline_of(cal, due, now, soon_days)
        items.append(DueItem("clock", case_id, case_title, clock_title(name), "", "Case clock",
                             "the open steps of the case", due, -d.days_left, d.overdue))
    groups: dict[tuple[str, str], list[DueItem]] = {}
    for item in sorted(items, key=lambda i: (i.due, i.case_id))[:limit]:
        groups.setdefault((item.step, item.role_title), []).append(item)
    return list(groups.items())
