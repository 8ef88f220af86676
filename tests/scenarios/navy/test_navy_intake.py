"""Navy Step 1: receiving, documenting and forwarding a request (manual 1-3, 1-4).

Day 0 is Friday 2026-01-16, 10:00 in New York; Monday 2026-01-19 is Martin Luther King Jr. Day.
"""

from __future__ import annotations


def test_friday_request_before_a_monday_holiday_is_forwarded_by_wednesday(navy):
    """Navy manual 1-4: forwarded to the RA Coordinator within 2 business days of the initial request.

    Friday 2026-01-16 + 2 business days, Monday 19th being a federal holiday, is Wednesday 21st: the
    deadline ends at midnight New York time (05:00Z). The overdue notice to the RA Coordinator and the
    Director EEO appears on Thursday at 01:00 New York time, not before.
    """
    s = navy
    s.request(how="supervisor")
    forward = s.task("supervisor", "task_forward")
    assert forward.due_at.isoformat() == "2026-01-22T05:00:00+00:00"
    # the forwarding deadline, and the 45-day decision clock that watches every step (4-1, 4-3): due Monday 2 March
    assert s.timers() == {"timer_forward_overdue": forward.due_at,
                          "timer_45_forward": s.end_of_day("2026-03-02")}

    s.at("2026-01-21T23:59")  # Wednesday, one minute before the deadline ends
    assert s.fire() == 0
    assert s.open() == {"task_forward"}

    s.at("2026-01-22T01:00")  # Thursday 01:00 in New York
    assert s.fire() == 1
    assert s.open() == {"task_forward", "task_overdue_forwarding", "task_overdue_forwarding_deeo"}
    assert s.task("coordinator", "Overdue forwarding notice (1-4)").role == "coordinator"
    assert s.task("deeo", "Review the late forwarding (1-4)").role == "deeo"
    assert [e["detail"]["timer"] for e in s.history("timer_fired")] == ["timer_forward_overdue"]

    s.do("coordinator", "task_overdue_forwarding", official_contacted="Sam Supervisor", contact_date=s.today(),
         delay_reason="Supervisor on leave", corrective_action="Alternate designated")
    s.do("deeo", "task_overdue_forwarding_deeo", deeo_review_date=s.today(), deeo_action="guidance_to_official")
    s.forward()  # forwarded on Thursday: one day late
    tracking = s.tracking
    assert tracking["forwarded_date"] == "2026-01-22"
    assert tracking["forwarding_due_date"] == "2026-01-21"
    assert tracking["forwarding_deadline_met"] is False
    # 2-2: the requester's SECNAV 12306/1 runs beside the interactive process, which starts at once
    assert s.open() == {"task_confirm_requester", "task_essential_functions"}


def test_request_forwarded_on_the_second_business_day_is_on_time(navy):
    """Navy manual 1-4: forwarding on the second business day (Wednesday after the holiday) is on time."""
    s = navy
    s.request(how="hr")
    s.at("2026-01-21T16:30")
    assert s.fire() == 0
    s.forward()
    assert s.tracking["forwarding_deadline_met"] is True
    timers = s.timers()  # the overdue timer went with the forwarding task
    assert "timer_forward_overdue" not in timers and "timer_45_forward" not in timers
    assert set(timers) == {"timer_45_essential_functions", "timer_confirmation_reminder", "timer_confirmation_due"}
    assert "task_overdue_forwarding" not in {e["detail"]["task"] for e in s.history("task_opened")}


def test_request_received_by_the_coordinator_who_documents_it_for_the_requester(navy):
    """Navy manual 1-3, 1-4: a request made to the RA Coordinator needs no forwarding; when the requester does
    not complete SECNAV 12306/1, the supervisor or RA Coordinator documents the request."""
    s = navy
    s.request(how="coordinator", who="requester")
    assert s.open() == {"task_confirm_requester", "task_essential_functions"}
    assert s.tracking["forwarded_date"] == "2026-01-16"
    assert s.tracking["forwarding_deadline_met"] is True

    s.day(3)
    s.do("requester", "task_confirm_requester", requester_confirmation="not_completed")
    assert s.open() == {"task_document_official", "task_essential_functions"}
    s.document_for_requester("coordinator")
    assert s.open() == {"task_essential_functions"}
    tracking = s.tracking
    assert (tracking["requester_name"], tracking["purpose"]) == ("Pat Doe", "perform_essential_functions")
    assert (tracking["job_series"], tracking["grade"], tracking["component"]) == ("2210", "GS-12", "NAVSEA")
    # the 45-day clock started at the initial request, not when the form was completed
    assert s.clocks("decision")["start"] == "2026-01-16"
    assert s.clocks("decision")["due"] == "2026-03-02"
