"""Navy Step 2: medical documentation (manual 2-7, 2-8) and the decision clock held in abeyance (4-1).

Day 0 is Friday 2026-01-16 (New York). Without abeyance the decision is due on day 45 (2026-03-02).
"""

from __future__ import annotations


def _to_medical_request(s, request_day):
    s.intake()
    s.interactive(medical=True)
    s.day(request_day)
    s.request_medical()


def test_documents_requested_day_5_received_day_25_move_the_decision_to_day_65(navy):
    """Navy manual 2-7, 4-1: the 45-day clock is held from the written request (day 5) until the coordinator
    receives the documents (day 25): the decision is due on day 65, and the decision and implementation tasks
    and their stored timers carry that date; nothing fires at the old day 45."""
    s = navy
    _to_medical_request(s, 5)
    clock = s.clocks("decision")
    assert (clock["held"], clock["held_since"], clock["due"]) == (True, "2026-01-21", None)
    assert s.tracking["medical_requested_date"] == "2026-01-21"

    s.day(25)  # 2026-02-10
    s.documents_received()
    clock = s.clocks("decision")
    assert (clock["held"], clock["days_held"], clock["due"], clock["elapsed"]) == (False, 20, "2026-03-22", 5)
    assert s.tracking["documents_received_date"] == "2026-02-10"
    s.sufficient()
    s.qiwd()

    # day 65 is Sunday 2026-03-22, after the switch to daylight time: its end is 04:00Z
    decision = s.task("supervisor", "task_decision")
    assert decision.due_at.isoformat() == "2026-03-23T04:00:00+00:00"
    assert s.timers() == {"timer_decision_due": decision.due_at}
    s.at("2026-03-03T01:00")  # the day after the unheld 45th day
    assert s.fire() == 0
    assert s.open() == {"task_decision"}

    s.day(50)
    s.approve()
    implement = s.task("supervisor", "task_implement")
    assert implement.due_at.isoformat() == "2026-03-23T04:00:00+00:00"
    assert s.timers() == {"timer_implementation_due": implement.due_at}
    s.at("2026-03-22T23:59")
    assert s.fire() == 0
    s.at("2026-03-23T00:01")
    assert s.fire() == 1
    assert s.open() == {"task_implement", "task_delay_notice_impl"}


def test_no_reply_within_15_days_brings_a_written_follow_up(navy):
    """Navy manual 2-7: no reply within the 15 calendar days of the request: written follow-up, which appears
    the day after the 15th day ends; the clock stays in abeyance."""
    s = navy
    _to_medical_request(s, 0)
    wait = s.task("coordinator", "task_docs_received")
    assert wait.due_at.isoformat() == "2026-02-01T05:00:00+00:00"  # end of Saturday 31st, day 15

    s.at("2026-01-31T23:59")
    assert s.fire() == 0
    assert s.open() == {"task_docs_received"}
    s.at("2026-02-01T00:01")
    assert s.fire() == 1
    assert s.open() == {"task_docs_received", "task_followup"}
    s.do("coordinator", "task_followup", followup_date=s.today(), followup_method="letter")
    assert s.open() == {"task_docs_received"}
    assert s.clocks("decision")["held"] is True

    s.day(22)
    s.documents_received()
    assert s.clocks("decision")["due"] == "2026-03-24"  # 22 days held


def test_extension_granted_sets_a_new_reply_date(navy):
    """Navy manual 2-7: the requester needs more time; the supervisor, with the coordinator, approves a new
    reply date: the waiting task is due then, no follow-up on the 15th day, follow-up after the new date."""
    s = navy
    _to_medical_request(s, 0)
    s.day(10)
    s.do("coordinator", "task_docs_received", medical_response="extension_requested",
         extension_reason="Specialist appointment on 2026-02-10", requested_reply_date="2026-02-15")
    assert s.open() == {"task_extension"}
    s.do("supervisor", "task_extension", extension_decision="approved", extended_reply_date="2026-02-15",
         coordinator_consulted=True, extension_notes="Extenuating circumstances; no undue hardship")
    wait = s.task("coordinator", "task_docs_received")
    assert wait.due_at.isoformat() == "2026-02-16T05:00:00+00:00"  # end of the new reply date
    assert s.timers() == {"timer_reply_due": wait.due_at}

    s.day(16, hour=1)
    assert s.fire() == 0  # the original day-15 date no longer applies
    s.at("2026-02-16T00:30")
    assert s.fire() == 1
    assert s.open() == {"task_docs_received", "task_followup"}
    assert s.clocks("decision")["held"] is True


def test_supplemental_medical_information_holds_the_clock_again(navy):
    """Navy manual 2-8, 4-1: insufficient documentation: a written supplemental request holds the clock again
    until the new information arrives; both holds extend the due date."""
    s = navy
    _to_medical_request(s, 5)
    s.day(10)
    s.documents_received()
    s.sufficient(ok=False)
    s.day(12)
    s.do("coordinator", "task_supplemental", supplemental_information_requested="Limitations at the keyboard",
         supplemental_insufficiency="No functional limitations given")
    clock = s.clocks("decision")
    assert (clock["held"], clock["held_since"]) == (True, "2026-01-28")
    assert s.task("coordinator", "task_docs_received").due_at.isoformat() == "2026-02-13T05:00:00+00:00"
    s.day(22)
    s.documents_received()
    s.sufficient()
    clock = s.clocks("decision")
    assert (clock["days_held"], clock["due"]) == (15, "2026-03-17")  # (10 - 5) + (22 - 12) days held
    s.qiwd()
    assert s.task("supervisor", "task_decision").due_at.isoformat() == "2026-03-18T04:00:00+00:00"


def test_documents_not_provided_lead_to_denial_with_abeyance_counted(navy):
    """Navy manual 2-7, 4-6, 7-3: documentation not provided in a reasonable time: the supervisor with the
    coordinator may deny (2-7), and OGC reviews that denial before it is issued (4-6); the held days are not
    days to process; the letter states the EEO counselor date (denial + 45 days)."""
    s = navy
    _to_medical_request(s, 5)
    s.at("2026-02-06T09:00")
    assert s.fire() == 1  # day 21: follow-up
    s.do("coordinator", "task_followup", followup_date=s.today(), followup_method="email")
    s.day(40)  # 2026-02-25
    s.do("coordinator", "task_docs_received", medical_response="not_provided",
         non_provision_notes="No reply to the request of 2026-01-21 or the follow-up of 2026-02-06")
    assert s.open() == {"task_may_deny"}  # "may deny" is the supervisor's decision, not automatic (2-7)
    assert "decision" not in s.tracking
    s.do("supervisor", "task_may_deny", not_provided_decision="deny",
         not_provided_reason="No reply to the request or the written follow-up")
    assert s.open() == {"task_ogc_denial_review"}
    s.ogc_denial_review()
    assert s.open() == {"task_denial_letter"}
    t = s.tracking
    assert (t["decision"], t["denial_basis"]) == ("denied", "medical_documentation_not_provided")
    s.denial_letter()
    t = s.tracking
    assert (t["denial_date"], t["eeo_counselor_deadline"]) == ("2026-02-25", "2026-04-11")
    assert (t["days_to_process"], t["decision_deadline_met"]) == (5, True)
    case = s.case()
    assert (case["status"], case["summary"]["outcome"]) == ("closed", "Denied")


def test_case_summary_counts_abeyance_up_to_today(navy):
    """Navy manual 4-1: on day 25, with documents requested on day 5, the clock shows 20 days held."""
    s = navy
    _to_medical_request(s, 5)
    s.day(25)
    assert s.clocks("decision")["days_held"] == 20
