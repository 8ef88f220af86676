"""A clock change moves every timer watching it and the task due dates, in the same transaction."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.helpers import CaseHelpers
from engine.projections import save_case
from engine.store import Case, Task, Timer


def _change_clock(service, db, case_id, change):
    """What a diagram script does (through the helpers), persisted the way the service persists."""
    with db.transaction() as s:
        case = s.execute(select(Case).where(Case.id == case_id)).scalar()
        deployed = service.registry.get(s, case.definition_id)
        workflow = deployed.load_workflow(case)
        j = deployed.jurisdiction
        change(CaseHelpers(j.calendar, j.parameters, workflow.data))
        save_case(s, case, workflow, deployed, "test", [])


def _stored(db, case_id):
    with db.transaction() as s:
        timer = s.execute(select(Timer.fire_at)
                          .where(Timer.case_id == case_id, Timer.spec_id == "deadline_timer")).scalar()
        due = s.execute(select(Task.due_at).where(Task.case_id == case_id, Task.spec_id == "intake")).scalar()
    return timer.isoformat(), due.isoformat()


def test_expedite_hold_and_resume_move_the_watching_timer_and_task_due(service, db, frozen):
    case_id = service.start_case("testland", "tl_main", "rob")
    # 45 calendar days from Friday 2026-01-16: Monday 2026-03-02, fires when it ends in New York.
    assert _stored(db, case_id) == ("2026-03-03T05:00:00+00:00", "2026-01-22T05:00:00+00:00")

    _change_clock(service, db, case_id, lambda h: h.clock_expedite("decision", "2026-01-20", "time-bound need"))
    assert _stored(db, case_id) == ("2026-01-21T05:00:00+00:00", "2026-01-21T05:00:00+00:00")

    frozen.advance(timedelta(days=1))
    _change_clock(service, db, case_id, lambda h: h.clock_hold("decision", "medical documentation"))
    timer, due = _stored(db, case_id)
    assert timer.startswith("9999-12-31")  # held: no deadline runs while waiting on the requester
    assert due == "2026-01-22T05:00:00+00:00"  # the reminder is still the earliest

    # Held 10 days across MLK Day: a calendar-day clock counts every day held, holiday or not.
    frozen.advance(timedelta(days=10))
    _change_clock(service, db, case_id, lambda h: h.clock_resume("decision"))
    assert _stored(db, case_id) == ("2026-01-31T05:00:00+00:00", "2026-01-22T05:00:00+00:00")
    clock = service.get_case(case_id, "clara")["summary"]["clocks"]["decision"]
    assert clock["due"] == "2026-01-30" and clock["days_held"] == 10 and clock["expedited"] == "2026-01-20"
