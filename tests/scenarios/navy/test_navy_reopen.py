"""Navy manual 6-2 (reevaluation at any time) and 1-6 (recurring accommodations) after the request closed:
the employee or the supervisor reopens it, and a revision case linked to the closed one runs.

Day 0 is Friday 2026-01-16 (New York); the accommodation is implemented on day 25, Wednesday 2026-02-10; the
6-1 check task opens 75 days later and the case closes when it finds the accommodation effective.
"""

from __future__ import annotations

import pytest

from engine.errors import Conflict, Forbidden, NotFound


def _closed(s, recurring=False):
    s.intake()
    s.interactive()
    s.qiwd()
    s.day(20)
    s.do("supervisor", "task_decision", decision="approve", deciding_official="Sam Supervisor",
         accommodation_provided="Sign language interpreter for staff meetings", approval_letter_date=s.today(),
         estimated_cost=300, recurring=recurring)
    s.day(25)
    s.implement(cost=300)
    s.at("2026-04-27T09:00")
    assert s.fire() == 1
    s.do("coordinator", "task_effectiveness", effectiveness_check_date=s.today(), effectiveness="effective",
         employee_feedback="Works well")
    assert s.case()["status"] == "closed"
    return s.case_id


def _revision(s, old_id, new_id):
    assert new_id != old_id
    s.s.case_id = new_id
    case = s.case()
    assert (case["process_id"], case["status"], case["requester"]) == ("navy_revision", "open", "requester")
    assert case["summary"]["tracking"]["reopens_case"] == old_id
    return case


def test_employee_reopens_a_closed_request_for_reevaluation_as_a_linked_revision(navy):
    """Navy manual 6-2: after the request closed, the employee's limitations change; she asks to reevaluate. A
    revision case linked to the closed one goes straight to the supervisor (no new intake), who revises and
    implements the accommodation, whose 6-1 check then waits; the closed case keeps its decision and records
    the reopening."""
    s = navy
    old = _closed(s)
    s.at("2026-06-01T10:00")
    new = s.service.send_event(old, "reevaluation", "requester", {"change": "New limitation at the keyboard"})
    case = _revision(s, old, new)
    assert case["summary"]["tracking"]["accommodation_provided"] == "Sign language interpreter for staff meetings"
    assert s.open() == {"task_reevaluation_request"}
    s.do("supervisor", "task_reevaluation_request", reevaluation_reason="limitations_changed",
         reevaluation_outcome="revision", revised_accommodation="Interpreter and captioning",
         reassessment_letter_date=s.today())
    assert [e["detail"]["kind"] for e in s.history("letter_issued")] == ["reassessment"]
    s.do("supervisor", "task_implement_revision", accommodation_provided="Interpreter and captioning",
         implemented_date=s.today())
    t = s.case()
    # 6-1: the revised accommodation is checked again (test_navy_revision_effectiveness.py); the case waits for it
    assert t["status"] == "open" and set(s.timers()) == {"timer_effectiveness"}
    assert (t["summary"]["tracking"]["accommodation_provided"], t["summary"]["tracking"]["implemented_date"]) \
        == ("Interpreter and captioning", "2026-06-01")
    s.s.case_id = old
    closed = s.case()
    assert closed["status"] == "closed" and closed["summary"]["outcome"] == "Approved and implemented"
    assert closed["summary"]["tracking"]["accommodation_provided"] == "Sign language interpreter for staff meetings"
    assert [e["detail"] for e in s.history("case_reopened")] == [{"event": "reevaluation", "case": new}]


def test_supervisor_may_reopen_but_a_clerk_may_not_and_strangers_get_404(navy):
    """Navy manual 6-2: "the employee or supervisor" may ask; HR (involved in no step) may not even learn that
    the case exists; a denied or never-implemented request has no accommodation to revise."""
    s = navy
    old = _closed(s)
    new = s.service.send_event(old, "reevaluation", "supervisor", {"change": "Essential functions changed"})
    assert _revision(s, old, new)["started_by"] == "supervisor"
    with pytest.raises(NotFound):
        s.service.send_event(old, "reevaluation", "hr", {})
    s.user("ogc_clerk", ["facilities"])
    with pytest.raises(NotFound):
        s.service.send_event(old, "reevaluation", "ogc_clerk", {})


def test_recurring_instance_after_closure_needs_no_new_request(navy):
    """Navy manual 1-6: the closed request's accommodation is recurring; a later occasion is a recurring instance
    the supervisor provides in a linked revision case, with no new request and no interactive process."""
    s = navy
    old = _closed(s, recurring=True)
    s.at("2026-06-03T10:00")
    new = s.service.send_event(old, "recurring_instance", "requester", {"occasion": "All-hands meeting"})
    case = _revision(s, old, new)
    assert case["summary"]["tracking"]["recurring"] is True
    assert s.open() == {"task_recurring_instance"}
    s.do("supervisor", "task_recurring_instance", occasion_date=s.today(), occasion="All-hands meeting")
    assert s.tracking["last_recurring_instance_date"] == "2026-06-03"
    assert s.case()["status"] == "closed"


def test_a_closed_request_not_recorded_as_recurring_is_not_reopened_for_an_instance(navy):
    """Navy manual 1-6: only an accommodation recorded as recurring is provided again without a new request;
    other events (a discussion) go to open requests only."""
    s = navy
    old = _closed(s, recurring=False)
    with pytest.raises(Conflict, match="recurring"):
        s.service.send_event(old, "recurring_instance", "requester", {})
    with pytest.raises(Conflict, match="only an open case"):
        s.service.send_event(old, "discussion", "coordinator", {})
    with pytest.raises(Forbidden):
        s.service.send_event(old, "discussion", "supervisor", {})
    assert s.history("case_reopened") == []
