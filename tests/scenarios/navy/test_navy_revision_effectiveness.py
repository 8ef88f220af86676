"""Navy manual 6-1 for a revised accommodation: a closed request reopened for reevaluation (6-2) is revised in a
linked revision case, and the revised accommodation, like any implemented one, is checked with the employee
"no later than 90 calendar days after implementation".

The closed request (test_navy_reopen._closed) closed on Monday 2026-04-27. The revision is implemented on
Tuesday 2026-06-09, so day 75 is Sunday 2026-08-23 and day 90 is Monday 2026-09-07, Labor Day: the 90 days are
calendar days, so the check is due on the holiday itself, not moved to the next business day.
"""

from __future__ import annotations

from test_navy_reopen import _closed, _revision


def _revised_on_tuesday_9_june(s):
    old = _closed(s)
    s.at("2026-06-09T10:00")
    new = s.service.send_event(old, "reevaluation", "requester", {"change": "New limitation at the keyboard"})
    _revision(s, old, new)
    s.do("supervisor", "task_reevaluation_request", reevaluation_reason="limitations_changed",
         reevaluation_outcome="revision", revised_accommodation="Interpreter and captioning",
         reassessment_letter_date=s.today())
    s.do("supervisor", "task_implement_revision", accommodation_provided="Interpreter and captioning",
         implemented_date=s.today())
    return old, new


def test_a_revised_accommodation_is_checked_by_day_90_even_when_it_is_labor_day(navy):
    """Navy manual 6-1, 6-2: the revision case stays open after the revised accommodation is implemented; the
    check opens after day 75 and is due by the end of day 90 (Labor Day); done late, it is recorded as late,
    and the revision case closes "Accommodation revised" once the check finds it effective."""
    s = navy
    old, new = _revised_on_tuesday_9_june(s)
    case = s.case()
    assert (case["status"], s.tasks()) == ("open", [])
    assert case["summary"]["tracking"]["implemented_date"] == "2026-06-09"
    assert {k: v.isoformat() for k, v in s.timers().items()} == {"timer_effectiveness": "2026-08-24T04:00:00+00:00"}

    s.at("2026-08-23T23:59")
    assert s.fire() == 0 and s.tasks() == []
    s.at("2026-08-24T08:00")
    assert s.fire() == 1
    check = s.task("coordinator", "task_effectiveness")
    assert check.due_at.isoformat() == "2026-09-08T04:00:00+00:00"  # end of Monday 2026-09-07, Labor Day
    s.at("2026-09-08T00:30")
    assert s.fire() == 1
    assert [e["detail"]["timer"] for e in s.history("timer_fired")][-1] == "timer_effectiveness_due"
    assert s.open() == {"task_effectiveness"}

    s.at("2026-09-09T10:00")
    s.do("coordinator", "task_effectiveness", effectiveness_check_date=s.today(), effectiveness="effective",
         employee_feedback="Captioning works")
    case = s.case()
    assert (case["status"], case["summary"]["outcome"]) == ("closed", "Accommodation revised")
    t = case["summary"]["tracking"]
    assert (t["effectiveness_check_due_date"], t["effectiveness_check_deadline_met"]) == ("2026-09-07", False)
    assert t["reopens_case"] == old and new != old


def test_a_revision_found_not_effective_is_reevaluated_and_may_need_a_new_request(navy):
    """Navy manual 6-1, 6-2: a check in time (day 80) that finds the revision not effective leads to a
    reevaluation; when it finds a new request is needed, the revision case closes with that outcome."""
    s = navy
    _revised_on_tuesday_9_june(s)
    s.at("2026-08-24T08:00")
    assert s.fire() == 1
    s.at("2026-08-28T10:00")
    s.do("coordinator", "task_effectiveness", effectiveness_check_date=s.today(), effectiveness="reevaluate")
    assert s.tracking["effectiveness_check_deadline_met"] is True
    s.do("supervisor", "task_reevaluate", reevaluation_reason="not_effective", reevaluation_outcome="new_request",
         reassessment_letter_date=s.today())
    case = s.case()
    assert (case["status"], case["summary"]["outcome"]) == ("closed", "New request needed (6-2)")
