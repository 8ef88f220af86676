"""The stored next deadline (ra_case.next_due) that the overdue and due-soon filters compare in SQL agrees
with the marks computed from the live clocks and open steps, after a hold, a resume, an expedited date, a
timer firing and a case closing (Navy 2-7, 4-1, 4-2, 4-3).

Day 0 is Friday 2026-01-16 in New York. At each stage the clock is moved to instants around the stored
deadline (and around its due-soon window); at every one, the case is in the SQL-filtered list exactly when
the case read (engine.queries.case_row, from clock_views and the open steps) marks it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from engine import clock, queries
from engine.access import load_actor
from engine.store import Case

SECOND, DAY = timedelta(seconds=1), timedelta(days=1)


def stored(s) -> datetime | None:
    with s.db.transaction() as t:
        return t.execute(select(Case.next_due).where(Case.id == s.case_id)).scalar()


def agree(s) -> datetime | None:
    """Check the SQL filters against the live marks at instants around the stored deadline; return it."""
    due = stored(s)
    with s.db.transaction() as t:
        actor = load_actor(t, s.staff)
    now = clock.now()
    probes = [now, now + 30 * DAY]
    if due is not None:
        probes += [due - 4 * DAY - SECOND, due - 4 * DAY, due - 3 * DAY, due - SECOND, due, due + DAY]
    try:
        for at in probes:
            s.clock.set(at)
            row = queries.case_row(s.service, actor, s.case_id)
            overdue_ids = {r.id for r in queries.list_cases(s.service, actor, overdue=True, page_size=200)}
            calm_ids = {r.id for r in queries.list_cases(s.service, actor, overdue=False, page_size=200)}
            soon_ids = {r.id for r in queries.list_cases(s.service, actor, due_soon=True, page_size=200)}
            live_soon = bool(row.next_deadline and row.next_deadline.due_soon and not row.overdue)
            assert (s.case_id in overdue_ids) == row.overdue, (at, due, row.next_deadline)
            assert (s.case_id in calm_ids) == (not row.overdue), (at, due)
            assert (s.case_id in soon_ids) == live_soon, (at, due, row.next_deadline)
            if due is not None and row.next_deadline is not None:
                assert row.next_deadline.due_date == s.config.calendar.local_date(due - timedelta(microseconds=1))
    finally:
        s.clock.set(now)
    return due


def z(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_hold_and_resume_move_the_stored_deadline(navy):
    """2-7, 4-1: while the decision clock is held only the open step's deadline counts (a held clock has no
    running due date); on resume the clock's new due date (day 65, after the switch to daylight time) does."""
    s = navy
    s.intake()
    first = agree(s)
    assert first is not None
    s.interactive(medical=True)
    s.day(5)
    s.request_medical()
    assert s.clocks("decision")["held"] is True
    wait = s.task("coordinator", "task_docs_received")
    assert agree(s) == wait.due_at == z("2026-02-06T05:00:00")  # 15 days from Wednesday 21st, end of day

    s.day(25)  # 2026-02-10: the documents arrive, the clock resumes with 20 days held
    s.documents_received()
    assert s.clocks("decision")["due"] == "2026-03-22"
    due = agree(s)
    assert due == min([z("2026-03-23T04:00:00")] + [t.due_at for t in s.tasks() if t.due_at])


def test_expedited_date_and_a_timer_firing(navy):
    """4-2, 4-3: the expedited due date (Friday 30th) is the deadline; once its timer fires the delay notice
    opens and the case stays overdue by the same stored instant."""
    s = navy
    s.intake(expedited=True, expedited_due_date="2026-01-30", expedite_reason="Deployment on 2026-02-02")
    assert agree(s) <= z("2026-01-31T05:00:00")
    s.interactive()
    s.qiwd()
    assert agree(s) == z("2026-01-31T05:00:00")  # the end of Friday 30th in New York
    s.at("2026-01-31T00:01")
    assert s.fire() == 1
    assert s.open() == {"task_decision", "task_delay_notice_decision"}
    assert agree(s) == z("2026-01-31T05:00:00")
    with s.db.transaction() as t:
        actor = load_actor(t, s.staff)
    assert [r.id for r in queries.list_cases(s.service, actor, overdue=True)] == [s.case_id]


def test_stopped_clock_timer_firing_and_closing(navy):
    """4-1, 6-1: once implemented the decision clock is stopped and no step is open: nothing is due (a
    waiting timer is not a deadline); when the 90-day timer fires, the effectiveness check's end of day
    (2026-05-16, daylight time) is stored; completing it closes the case, never overdue again."""
    s = navy
    s.intake()
    s.interactive()
    s.qiwd()
    s.day(30)
    s.approve()
    assert agree(s) == z("2026-03-03T05:00:00")  # the implementation step: end of day 45
    s.implement()
    assert s.clocks("decision")["stopped"] == "2026-02-15" and s.tasks() == []
    assert agree(s) is None
    s.at("2026-05-02T08:00")
    assert s.fire() == 1
    assert agree(s) == z("2026-05-17T04:00:00")
    s.at("2026-05-20T09:00")  # late: overdue by the stored instant
    assert agree(s) == z("2026-05-17T04:00:00")
    s.do("coordinator", "task_effectiveness", effectiveness_check_date=s.today(), effectiveness="effective",
         employee_feedback="Works well")
    assert s.case()["status"] == "closed"
    assert agree(s) is None
    s.day(200)
    assert agree(s) is None


def test_withdrawal_clears_the_stored_deadline(navy):
    """1-7: a withdrawn request has no deadline left."""
    s = navy
    s.intake()
    assert agree(s) is not None
    s.withdraw(reason="No longer needed")
    assert s.case()["status"] == "withdrawn"
    assert agree(s) is None
