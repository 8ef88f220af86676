"""Navy 1-7: withdrawal at any point closes the request, with a confirmation letter (Attachment 4).

Day 0 is Friday 2026-01-16 (New York).
"""

from __future__ import annotations

import pytest


def _before_forwarding(s):
    s.request(how="supervisor")
    assert s.open() == {"task_forward"}


def _during_medical_documentation(s):
    s.intake()
    s.interactive(medical=True)
    s.day(5)
    s.request_medical()
    assert s.open() == {"task_docs_received"} and s.clocks("decision")["held"] is True


def _during_reassignment(s):
    s.intake()
    s.interactive()
    s.qiwd()
    s.cannot_accommodate()
    s.analysis()
    s.ogc_analysis()
    s.deeo_review()
    s.day(5)
    s.offer()
    assert s.open() == {"task_elections"}


@pytest.mark.parametrize("point, withdrawn_day, days_to_process", [
    (_before_forwarding, 1, 1),
    (_during_medical_documentation, 9, 5),  # held from day 5: abeyance is not processing time
    (_during_reassignment, 8, 8),
], ids=["before_forwarding", "during_medical_call_activity", "during_reassignment_call_activity"])
def test_withdrawal_closes_the_request_from_any_point(navy, point, withdrawn_day, days_to_process):
    """Navy manual 1-7: the requester withdraws at any point; only the withdrawal confirmation remains, no
    deadline keeps running, and the case closes as Withdrawn."""
    s = navy
    point(s)
    s.day(withdrawn_day)
    s.withdraw("requester", "No longer needed: new position elsewhere")
    assert s.open() == {"task_withdrawal_letter"}
    assert s.task("coordinator", "task_withdrawal_letter").due_at is None
    assert s.timers() == {}  # forwarding, medical reply and elections timers all gone
    case = s.case()
    assert case["status"] == "withdrawn" and case["summary"]["outcome"] is None
    assert [e["detail"]["reason"] for e in s.history("case_withdrawn")] == ["No longer needed: new position elsewhere"]
    assert s.data("task_withdrawal_letter")["withdrawal_request"] == {
        "withdrawal_reason": "No longer needed: new position elsewhere"}

    s.day(withdrawn_day + 1)
    s.do("coordinator", "task_withdrawal_letter", withdrawal_date=s.date(withdrawn_day), withdrawal_mode="written",
         withdrawal_letter_date=s.today())
    case = s.case()
    assert (case["status"], case["summary"]["outcome"]) == ("withdrawn", "Withdrawn")
    assert case["closed_at"] is not None and s.tasks() == [] and s.timers() == {}
    t = case["summary"]["tracking"]
    assert (t["decision"], t["withdrawal_date"]) == ("withdrawn", s.date(withdrawn_day))
    assert t["days_to_process"] == days_to_process
    clock = case["summary"]["clocks"]["decision"]
    assert (clock["held"], clock["stopped"], clock["days_left"]) == (False, s.date(withdrawn_day), None)
    s.day(60)
    assert s.fire() == 0


def test_withdrawal_before_the_request_is_recorded(navy):
    """Navy manual 1-7: a request withdrawn before it was even recorded closes with no clock to stop."""
    s = navy
    s.start("navy_ra")
    s.withdraw("requester", "Asked by mistake")
    assert s.open() == {"task_withdrawal_letter"}
    s.do("coordinator", "task_withdrawal_letter", withdrawal_date=s.today(), withdrawal_letter_date=s.today())
    case = s.case()
    assert (case["status"], case["summary"]["outcome"]) == ("withdrawn", "Withdrawn")
    assert case["summary"]["clocks"] == {}
    assert case["summary"]["tracking"]["decision"] == "withdrawn"
