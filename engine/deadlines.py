"""A case's next deadline as one stored instant, so "overdue" and "due soon" are SQL comparisons.

The marks the lists show (engine.queries) come from two kinds of deadline: an open step is overdue
from the instant its boundary timer fires (`task.due_at`); a running case clock is overdue from the
start of the local day after its due date. Both become instants, and the case keeps the earliest
(`ra_case.next_due`): the case is overdue when `next_due <= now`, due soon when `next_due <=
end of the local day today + DUE_SOON_DAYS`. A held clock has no running due date (how long the
requester takes is unknown) and a stopped clock, like a closed case, counts down no more: neither
gives a deadline, the same rule the case read applies.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

DUE_SOON_DAYS = 3


def next_due(calendar, task_dues, clock_state: dict | None, is_open: bool = True) -> datetime | None:
    """The earliest overdue instant of an open case's steps and running clocks, or None."""
    if not is_open:
        return None
    from .calendars import LegalClock  # not at import: the CLI's list commands never need it

    found = [d for d in task_dues if d is not None]
    for state in (clock_state or {}).values():
        lc = LegalClock.from_dict(state)
        due = lc.due_date()
        if due is not None and lc.stopped is None:
            found.append(calendar.end_of_day(due))
    return min(found) if found else None


def soon_limit(calendar, now: datetime, days: int = DUE_SOON_DAYS) -> datetime:
    """Deadlines at or before this instant are overdue or due within `days` local days of today."""
    return calendar.end_of_day(calendar.local_date(now) + timedelta(days=days))


def due_date_of(calendar, instant: datetime) -> date:
    """The local date a deadline instant falls due on (the day that ends at that instant)."""
    return calendar.local_date(instant - timedelta(microseconds=1))
