"""The overdue dashboard: every open case with an overdue or due-soon step or clock, oldest first.

The page a coordinator opens each morning (Navy 6c: timeliness evaluated continually). Steps come
from the open-task projection through its due_at index; case clocks from the report facts' due date
(one query in `clock_rows`, so moving it to a stored `ra_case.next_due` is a one-query change).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from . import clock
from .queries import DUE_SOON_DAYS, deadline_of, display_names
from .report_models import ReportFact
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


def step_rows(conn, jurisdiction: str, horizon: datetime):
    t, c = Task.__table__, Case.__table__
    return conn.execute(select(t.c.case_id, c.c.title.label("case_title"), t.c.title, t.c.role, t.c.assignee,
                               t.c.due_at)
                        .join(c, c.c.id == t.c.case_id)
                        .where(t.c.due_at.is_not(None), t.c.due_at <= horizon, c.c.jurisdiction == jurisdiction,
                               c.c.status == "open")
                        .order_by(t.c.due_at, t.c.case_id)).all()


def clock_rows(conn, jurisdiction: str, horizon: date):
    """Decision clocks due by the horizon on pending, not-held cases (one indexed query)."""
    f, c = ReportFact.__table__, Case.__table__
    return conn.execute(select(f.c.case_id, c.c.title.label("case_title"), f.c.due_on)
                        .join(c, c.c.id == f.c.case_id)
                        .where(f.c.jurisdiction == jurisdiction, f.c.state == "pending", f.c.held.is_(False),
                               f.c.due_on.is_not(None), f.c.due_on <= horizon, c.c.status == "open")
                        .order_by(f.c.due_on, f.c.case_id)).all()


def dashboard(db, jurisdiction, soon_days: int = DUE_SOON_DAYS) -> list[tuple[tuple[str, str], list[DueItem]]]:
    """[((step, role title), [items oldest first]), ...] with the group holding the oldest item first."""
    cal = jurisdiction.calendar
    now = clock.now()
    today = cal.local_date(now)
    horizon_day = today + timedelta(days=soon_days)
    items: list[DueItem] = []
    with db.engine.connect() as conn:
        steps = step_rows(conn, jurisdiction.key, cal.end_of_day(horizon_day))
        clocks = clock_rows(conn, jurisdiction.key, horizon_day)
    with db.transaction() as s:
        names = display_names(s, {r.assignee for r in steps if r.assignee})
    roles = jurisdiction.roles
    for r in steps:
        d = deadline_of(cal, r.due_at, now, soon_days)
        title = roles.get(r.role, r.role)
        holder = names.get(r.assignee, r.assignee) if r.assignee else f"unclaimed ({title} queue)"
        items.append(DueItem("step", r.case_id, r.case_title, r.title, r.role, title, holder, d.due_date,
                             -d.days_left, d.overdue))
    for r in clocks:
        d = deadline_of(cal, r.due_on, now, soon_days)
        items.append(DueItem("clock", r.case_id, r.case_title, "Decision deadline (case clock)", "", "Case clock",
                             "the open steps of the case", r.due_on, -d.days_left, d.overdue))
    groups: dict[tuple[str, str], list[DueItem]] = {}
    for item in sorted(items, key=lambda i: (i.due, i.case_id)):
        groups.setdefault((item.step, item.role_title), []).append(item)
    return list(groups.items())
