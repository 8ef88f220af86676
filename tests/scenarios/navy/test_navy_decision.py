"""Navy Step 4: deciding and implementing within 45 calendar days, expedited processing, delays, NEAT data
(manual 4-1 to 4-4, 1-4).

Day 0 is Friday 2026-01-16 (New York); day 45 is Monday 2026-03-02, whose end is 2026-03-03T05:00Z.
"""

from __future__ import annotations


def test_approval_on_day_30_meets_the_45_day_clock(navy):
    """Navy manual 4-1: approved and implemented within 45 calendar days of the initial request."""
    s = navy
    s.intake()
    s.interactive()
    s.qiwd()
    decision = s.task("supervisor", "task_decision")
    assert decision.due_at.isoformat() == "2026-03-03T05:00:00+00:00"  # end of day 45 in New York
    assert s.timers() == {"timer_decision_due": decision.due_at}

    s.day(30)  # Sunday 2026-02-15
    s.approve()
    implement = s.task("supervisor", "task_implement")
    assert implement.due_at.isoformat() == "2026-03-03T05:00:00+00:00"
    s.implement()

    clock = s.clocks("decision")
    assert (clock["due"], clock["stopped"], clock["elapsed"], clock["met"]) == ("2026-03-02", "2026-02-15", 30, True)
    tracking = s.tracking
    assert (tracking["decision"], tracking["decision_date"]) == ("approved", "2026-02-15")
    assert (tracking["days_to_process"], tracking["decision_deadline_met"]) == (30, True)
    # day 46: the delay timers are gone with their tasks; nothing fires
    s.day(46)
    assert s.fire() == 0
    assert "task_delay_notice_decision" not in {e["detail"]["task"] for e in s.history("task_opened")}


def test_effective_alternative_accommodation_is_recorded_as_provided(navy):
    """Navy manual 4-4: approval of an effective alternative documents what is provided instead."""
    s = navy
    s.intake()
    s.interactive()
    s.qiwd()
    s.day(12)
    s.approve(provided="Screen magnification software", alternative=True)
    tracking = s.tracking
    assert tracking["decision"] == "approved_alternative"
    assert tracking["accommodation_requested"] == "Screen reader software"
    assert tracking["accommodation_provided"] == "Screen magnification software"


def test_no_decision_by_day_45_gives_a_written_delay_notice(navy):
    """Navy manual 4-3: when the decision is late, the requester is told in writing why."""
    s = navy
    s.intake()
    s.interactive()
    s.qiwd()
    s.at("2026-03-02T23:30")  # day 45, still on time
    assert s.fire() == 0
    s.at("2026-03-03T00:30")
    assert s.fire() == 1
    assert s.open() == {"task_decision", "task_delay_notice_decision"}
    s.do("supervisor", "task_delay_notice_decision", delay_notice_date=s.today(),
         delay_reason="Equipment evaluation by the CIO", expected_date="2026-03-13")
    s.day(50)
    s.approve()
    s.implement()
    clock = s.clocks("decision")
    assert (clock["elapsed"], clock["met"]) == (50, False)
    assert s.tracking["decision_deadline_met"] is False


def test_expedited_case_follows_the_shorter_due_date(navy):
    """Navy manual 4-2: a time-bound need sets a due date shorter than 45 calendar days; the decision and
    implementation tasks and their timers follow it."""
    s = navy
    s.intake(expedited=True, expedited_due_date="2026-01-30",
             expedite_reason="Training course starting 2026-02-02 needs captioning")
    clock = s.clocks("decision")
    assert (clock["due"], clock["expedited"]) == ("2026-01-30", "2026-01-30")
    assert s.tracking["expedited_due_date"] == "2026-01-30"
    s.interactive()
    s.qiwd()
    decision = s.task("supervisor", "task_decision")
    assert decision.due_at.isoformat() == "2026-01-31T05:00:00+00:00"  # end of Friday 30th, New York
    assert s.timers() == {"timer_decision_due": decision.due_at}

    s.day(10)
    s.approve()
    implement = s.task("supervisor", "task_implement")
    assert implement.due_at.isoformat() == "2026-01-31T05:00:00+00:00"
    assert s.timers() == {"timer_implementation_due": implement.due_at}
    s.day(13)
    s.implement()
    clock = s.clocks("decision")
    assert (clock["stopped"], clock["elapsed"], clock["met"]) == ("2026-01-29", 13, True)
    assert (s.tracking["days_to_process"], s.tracking["decision_deadline_met"]) == (13, True)


def test_expedited_case_late_gets_the_delay_notice_after_the_shorter_date(navy):
    """Navy manual 4-2, 4-3: the written delay notice is due once the expedited date has passed, not day 45."""
    s = navy
    s.intake(expedited=True, expedited_due_date="2026-01-30", expedite_reason="Deployment on 2026-02-02")
    s.interactive()
    s.qiwd()
    s.at("2026-01-30T23:59")
    assert s.fire() == 0
    assert s.open() == {"task_decision"}
    s.at("2026-01-31T00:01")
    assert s.fire() == 1
    assert s.open() == {"task_decision", "task_delay_notice_decision"}
    s.day(16)
    s.approve()
    s.implement()
    assert s.clocks("decision")["met"] is False
    assert (s.tracking["days_to_process"], s.tracking["decision_deadline_met"]) == (16, False)


def test_neat_tracking_data_after_the_decision(navy):
    """Navy manual 1-4: NEAT data in the case summary: requester, accommodation requested and provided, job,
    purpose, dates, decision and deciding official, cost, days to process less abeyance, deadlines met."""
    s = navy
    s.intake()
    s.interactive(medical=True)
    s.day(5)
    s.request_medical()
    s.day(25)
    s.documents_received()
    s.sufficient()
    s.qiwd()
    s.day(40)
    s.approve()
    s.day(44)
    s.implement(cost=1150)

    t = s.tracking
    assert (t["requester_name"], t["requester_type"], t["how_received"]) == ("Pat Doe", "employee", "supervisor")
    assert t["accommodation_requested"] == "Screen reader software"
    assert t["accommodation_provided"] == "Screen reader software"
    assert (t["job_series"], t["grade"], t["component"]) == ("2210", "GS-12", "NAVSEA")
    assert t["purpose"] == "perform_essential_functions"
    assert (t["decision"], t["deciding_official"]) == ("approved", "Sam Supervisor")
    assert t["cost"] == 1150
    assert "denial_basis" not in t
    # dates of the process
    assert (t["request_date"], t["forwarded_date"]) == ("2026-01-16", "2026-01-16")
    assert (t["medical_requested_date"], t["documents_received_date"]) == ("2026-01-21", "2026-02-10")
    assert (t["decision_date"], t["implemented_date"]) == ("2026-02-25", "2026-03-01")
    # days to process, less 20 days of abeyance, and each deadline
    assert (t["days_to_decision"], t["days_to_process"]) == (20, 24)
    assert t["forwarding_deadline_met"] is True
    assert t["decision_deadline_met"] is True
    clock = s.clocks("decision")
    assert (clock["due"], clock["days_held"], clock["elapsed"], clock["met"]) == ("2026-03-22", 20, 24, True)
    # medical details never reach the summary (1-5)
    assert not {"diagnosis", "functional_limitations", "provider_name"} & set(t)


def test_overdue_decision_task_keeps_its_due_date_after_the_delay_notice(navy):
    """Navy manual 4-1, 4-3: a decision task past day 45 still shows the day it was due (it is overdue)."""
    s = navy
    s.intake()
    s.interactive()
    s.qiwd()
    s.at("2026-03-03T00:30")
    assert s.fire() == 1
    assert s.task("supervisor", "task_decision").due_at.isoformat() == "2026-03-03T05:00:00+00:00"
