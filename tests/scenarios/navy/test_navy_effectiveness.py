"""Navy Step 6: engaging with the employee no later than 90 calendar days after implementation (6-1), and
reevaluating an accommodation that is not effective (6-2).

Day 0 is Friday 2026-01-16 (New York); the accommodation is implemented on day 30, Sunday 2026-02-15.
"""

from __future__ import annotations


def _implemented_on_day_30(s):
    s.intake()
    s.interactive()
    s.qiwd()
    s.day(30)
    s.approve()
    s.implement()


def test_effectiveness_check_is_due_90_days_after_implementation(navy):
    """Navy manual 6-1: the effectiveness check is due by the end of the 90th calendar day after implementation
    (2026-05-16); the task opens after day 75 so that it can be done in time; the case then closes approved."""
    s = navy
    _implemented_on_day_30(s)
    assert s.tasks() == [] and s.case()["status"] == "open"
    assert {k: v.isoformat() for k, v in s.timers().items()} == {"timer_effectiveness": "2026-05-02T04:00:00+00:00"}

    s.at("2026-05-01T23:59")
    assert s.fire() == 0 and s.tasks() == []
    s.at("2026-05-02T08:00")
    assert s.fire() == 1
    check = s.task("coordinator", "task_effectiveness")
    assert check.due_at.isoformat() == "2026-05-17T04:00:00+00:00"  # end of 2026-05-16, daylight time
    assert s.timers() == {"timer_effectiveness_due": check.due_at}

    s.at("2026-05-11T14:00")
    s.do("coordinator", "task_effectiveness", effectiveness_check_date=s.today(), effectiveness="effective",
         employee_feedback="Works well")
    case = s.case()
    assert (case["status"], case["summary"]["outcome"]) == ("closed", "Approved and implemented")
    t = case["summary"]["tracking"]
    assert (t["effectiveness"], t["effectiveness_check_date"]) == ("effective", "2026-05-11")
    assert (t["effectiveness_check_due_date"], t["effectiveness_check_deadline_met"]) == ("2026-05-16", True)


def test_late_effectiveness_check_and_reevaluation_restart_the_90_days(navy):
    """Navy manual 6-1, 6-2: a check not done by the 90th day is recorded as overdue; an accommodation found not
    effective is reevaluated and the revised one is checked again within 90 days of its implementation."""
    s = navy
    _implemented_on_day_30(s)
    s.at("2026-05-02T08:00")
    s.fire()
    s.at("2026-05-17T00:30")
    assert s.fire() == 1
    assert s.open() == {"task_effectiveness"}  # still to do, now late
    assert [e["detail"]["timer"] for e in s.history("timer_fired")][-1] == "timer_effectiveness_due"

    s.at("2026-05-20T10:00")
    s.do("coordinator", "task_effectiveness", effectiveness_check_date=s.today(), effectiveness="reevaluate")
    assert s.tracking["effectiveness_check_deadline_met"] is False
    s.do("supervisor", "task_reevaluate", reevaluation_reason="not_effective", reevaluation_outcome="revision",
         revised_accommodation="Screen reader with braille display", reassessment_letter_date=s.today())
    s.at("2026-05-25T10:00")
    s.do("supervisor", "task_revised_implementation", accommodation_provided="Screen reader with braille display",
         implemented_date=s.today(), cost=2400)
    assert s.tracking["accommodation_provided"] == "Screen reader with braille display"
    assert {k: v.isoformat() for k, v in s.timers().items()} == {"timer_effectiveness": "2026-08-09T04:00:00+00:00"}
    s.at("2026-08-09T09:00")
    assert s.fire() == 1
    assert s.task("coordinator", "task_effectiveness").due_at.isoformat() == "2026-08-24T04:00:00+00:00"
    assert s.case()["status"] == "open"
