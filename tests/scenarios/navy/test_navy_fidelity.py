"""Navy manual: the reviews, decisions and clocks of issue 10, each through the real diagrams with a frozen clock.

Day 0 is Friday 2026-01-16 (New York); Monday 2026-01-19 is Martin Luther King Jr. Day; the 45-day decision
clock is due Monday 2026-03-02 (day 45), so its timers fire after midnight New York time (05:00Z on 03-03).
"""

from __future__ import annotations


def _medical_denial_proposed(s):
    """Documentation requested on day 5 and never provided; on day 40 the supervisor decides to deny (2-7)."""
    s.intake()
    s.interactive(medical=True)
    s.day(5)
    s.request_medical()
    s.day(40)
    s.do("coordinator", "task_docs_received", medical_response="not_provided",
         non_provision_notes="No reply to the request or the follow-up")
    s.do("supervisor", "task_may_deny", not_provided_decision="deny", not_provided_reason="No documentation")


def test_denial_for_missing_documentation_goes_back_when_counsel_finds_it_insufficient(navy):
    """Navy manual 4-6, Responsibilities 15b: OGC reviews the denial for documentation not provided (2-7) too;
    "insufficient" sends it to the RA Coordinator to address OGC's findings, and only a resubmitted denial
    that OGC finds sufficient reaches the letter."""
    s = navy
    _medical_denial_proposed(s)
    assert s.open() == {"task_ogc_denial_review"}
    s.ogc_denial_review(ok=False)
    assert s.open() == {"task_revise_denial"}
    assert s.task("coordinator", "task_revise_denial").role == "coordinator"
    assert "decision" not in s.tracking and not s.has("supervisor", "task_denial_letter")
    s.day(41)
    s.do("coordinator", "task_revise_denial", revision_action="resubmit",
         ogc_findings_addressed="Added the written follow-up of day 21 to the file")
    assert s.open() == {"task_ogc_denial_review"}
    s.ogc_denial_review(ok=True)
    assert s.open() == {"task_denial_letter"}
    s.denial_letter()  # the denial is dated by its letter (7-3)
    t = s.tracking
    assert (t["decision"], t["denial_basis"], t["denial_date"]) == ("denied", "medical_documentation_not_provided",
                                                                    "2026-02-26")


def test_counsel_insufficient_and_reconsidered_returns_to_the_qiwd_analysis(navy):
    """Navy manual 4-6: the coordinator may reconsider a denial OGC found insufficient: the request goes back to
    the QIWD analysis (3-2) instead of being denied."""
    s = navy
    _medical_denial_proposed(s)
    s.ogc_denial_review(ok=False)
    s.do("coordinator", "task_revise_denial", revision_action="reconsider",
         ogc_findings_addressed="Process on the information at hand")
    assert s.open() == {"task_qiwd"}
    assert "denial_date" not in s.tracking


def test_may_deny_is_a_decision_extend_gives_a_new_reply_date(navy):
    """Navy manual 2-7: documentation not provided in a reasonable time "may" be denied: the supervisor with the
    coordinator decides; "extend" sets a new reply date (Friday 2026-02-20), watched by the reply timer again."""
    s = navy
    s.intake()
    s.interactive(medical=True)
    s.day(5)
    s.request_medical()
    s.day(25)
    s.do("coordinator", "task_docs_received", medical_response="not_provided", non_provision_notes="No reply yet")
    may = s.task("supervisor", "task_may_deny")
    assert may.role == "supervisor"
    assert "decision" not in s.tracking and s.clocks("decision")["held"] is True
    s.do("supervisor", "task_may_deny", not_provided_decision="extend", extended_reply_date="2026-02-20",
         not_provided_reason="Doctor's appointment on 2026-02-18")
    assert s.open() == {"task_docs_received"}
    assert s.task("coordinator", "task_docs_received").due_at == s.end_of_day("2026-02-20")


def test_may_deny_go_on_without_documents_resumes_the_clock(navy):
    """Navy manual 2-7, 4-1: the supervisor may go on without the documentation: the clock resumes (days held
    from the request on day 5 to day 25 stay excluded) and the QIWD analysis opens, no denial."""
    s = navy
    s.intake()
    s.interactive(medical=True)
    s.day(5)
    s.request_medical()
    s.day(25)
    s.do("coordinator", "task_docs_received", medical_response="not_provided", non_provision_notes="No reply")
    s.do("supervisor", "task_may_deny", not_provided_decision="proceed", not_provided_reason="Need is evident")
    assert s.open() == {"task_qiwd"}
    clock = s.clocks("decision")
    assert (clock["held"], clock["days_held"], clock["due"]) == (False, 20, "2026-03-22")
    assert "decision" not in s.tracking


def test_the_45_days_watch_counsels_review_of_a_denial(navy):
    """Navy manual 4-3, 4-6: a denial still with OGC when the 45 days end (Monday 2026-03-02) opens the written
    delay notice at once, while the review goes on."""
    s = navy
    s.intake()
    s.interactive()
    s.day(30)
    s.qiwd(("no", "no", "yes", "yes"))
    review = s.task("ogc", "task_ogc_denial_review")
    assert review.due_at == s.end_of_day("2026-03-02")
    s.at("2026-03-02T23:59")
    assert s.fire() == 0
    s.at("2026-03-03T00:30")
    assert s.fire() == 1
    assert s.open() == {"task_ogc_denial_review", "task_delay_notice_denial"}
    assert s.task("supervisor", "task_delay_notice_denial").role == "supervisor"
    s.do("supervisor", "task_delay_notice_denial", delay_notice_date=s.today(), delay_reason="Legal review pending")
    s.ogc_denial_review()
    s.denial_letter()
    assert s.tracking["decision_deadline_met"] is False


def test_the_45_days_watch_the_deeo_review_and_the_offer(navy):
    """Navy manual 4-3, 4-7: the Director EEO's sufficiency review still open after day 45 opens the delay
    notice; the offer, issued after it, is recorded late."""
    s = navy
    s.intake()
    s.interactive()
    s.qiwd()
    s.day(20)
    s.cannot_accommodate()
    s.analysis()
    s.ogc_analysis()
    assert s.task("deeo", "task_deeo_review").due_at == s.end_of_day("2026-03-02")
    s.at("2026-03-03T08:00")
    assert s.fire() == 1
    assert s.open() == {"task_deeo_review", "task_delay_notice_cannot"}
    s.deeo_review()
    s.offer()
    assert s.tracking["offer_deadline_met"] is False


def test_the_confirmation_form_does_not_hold_up_the_interactive_process(navy):
    """Navy manual 2-2, 1-3: while the requester has not confirmed on SECNAV 12306/1, essential functions,
    interim accommodation and the medical-need decision go on; a reminder opens after 5 calendar days
    (Wednesday 2026-01-21, past the holiday weekend) and after 10 (Monday 2026-01-26) the coordinator documents
    the request; the QIWD analysis starts once the request is documented."""
    s = navy
    s.request(how="supervisor")
    s.forward()
    assert s.open() == {"task_confirm_requester", "task_essential_functions"}
    assert s.timers()["timer_confirmation_reminder"] == s.end_of_day("2026-01-21")
    assert s.task("requester", "task_confirm_requester").due_at == s.end_of_day("2026-01-21")
    s.interactive()  # essential functions, interim accommodation, medical documentation not needed
    assert s.open() == {"task_confirm_requester"}  # the analysis waits for the documented request
    s.at("2026-01-22T00:30")
    assert s.fire() == 1
    assert s.open() == {"task_confirm_requester", "task_confirmation_reminder"}
    s.do("coordinator", "task_confirmation_reminder", reminder_date=s.today(), reminder_method="email")
    s.at("2026-01-26T23:00")
    assert s.fire() == 0
    s.at("2026-01-27T00:30")
    assert s.fire() == 1
    assert s.open() == {"task_document_official"}
    s.document_for_requester("coordinator")
    assert s.open() == {"task_qiwd"}


def test_reassignment_searches_don_wide_and_hr_director_sends_an_incomplete_search_back(navy):
    """Navy Step 5, Responsibilities 9a, 11d, 13c-f, 14b: HR counsels and documents preliminary qualifications;
    no position in the command, so the OCHR Operations Center searches DON-wide (the ARAL); the HR Director finds
    the search incomplete and sends it back; a second round finds a position, the employee declines the job
    offer, and the declined reassignment is denied only after OGC's review (4-6)."""
    s = navy
    s.to_cannot_accommodate()
    s.analysis()
    s.ogc_analysis()
    s.deeo_review()
    s.offer()
    s.elections(accept=True)  # search_scope don_wide
    s.reassignment_counseling()
    s.preliminary_qualifications()
    s.hr_search()
    assert s.open() == {"task_don_wide_search"} and s.task("ochr", "task_don_wide_search").role == "ochr"
    s.do("ochr", "task_don_wide_search", aral_listed_date=s.today(), don_wide_summary="None in the elected areas",
         don_wide_outcome="none_found")
    assert s.task("hrd", "task_search_review").role == "hrd"
    s.do("hrd", "task_search_review", search_review="incomplete", search_review_notes="Series 0301 not searched")
    assert s.open() == {"task_hr_search"}
    s.hr_search()
    s.do("ochr", "task_don_wide_search", aral_listed_date=s.today(), don_wide_summary="0301 at NAVSUP",
         don_wide_outcome="found", placement_position="Program Analyst GS-0301-12")
    s.job_offer("Program Analyst GS-0301-12")
    s.accept_job_offer(accept=False)
    assert s.open() == {"task_ogc_denial_review"}
    s.ogc_denial_review()
    assert s.tracking["denial_basis"] == "reassignment_declined"


def test_no_vacant_position_after_a_complete_search_is_denied_after_counsel(navy):
    """Navy Step 5, 11d, 4-6: the HR Director confirms the command-only search was complete and found nothing:
    the denial for no vacant position passes OGC's review before the letter."""
    s = navy
    s.to_cannot_accommodate()
    s.analysis()
    s.ogc_analysis()
    s.deeo_review()
    s.offer()
    s.do("requester", "task_elections", reassignment_election="accept", search_scope="internal",
         resume_provided=True, retirement_interest="none", election_date=s.today())
    s.reassignment_counseling()
    s.preliminary_qualifications()
    s.hr_search()
    s.do("hrd", "task_search_review", search_review="complete", search_review_notes="All series searched")
    assert s.open() == {"task_ogc_denial_review"}
    s.ogc_denial_review()
    assert s.open() == {"task_denial_letter"}
    assert s.tracking["denial_basis"] == "no_vacant_position"


def _implemented(s, recurring=False):
    s.intake()
    s.interactive()
    s.qiwd()
    s.day(20)
    s.s.do("supervisor", "task_decision", decision="approve", deciding_official="Sam Supervisor",
           accommodation_provided="Sign language interpreter for staff meetings", approval_letter_date=s.today(),
           estimated_cost=300, recurring=recurring)
    s.day(25)
    s.implement(cost=300)


def test_reevaluation_asked_at_any_time_after_implementation(navy):
    """Navy manual 6-2: the employee asks to reevaluate (limitations changed) on day 40, long before the 6-1
    check; the supervisor decides a revision and implements it; the 75-day check still waits."""
    s = navy
    _implemented(s)
    s.day(40)
    s.service.send_event(s.case_id, "reevaluation", "requester", {"change": "New limitation at the keyboard"})
    assert s.open() == {"task_reevaluation_request"}
    s.do("supervisor", "task_reevaluation_request", reevaluation_reason="limitations_changed",
         reevaluation_outcome="revision", revised_accommodation="Interpreter and captioning",
         reassessment_letter_date=s.today())
    s.do("supervisor", "task_implement_revision", accommodation_provided="Interpreter and captioning",
         implemented_date=s.today())
    assert s.open() == set() and s.case()["status"] == "open"
    assert "timer_effectiveness" in s.timers()


def test_recurring_accommodation_is_recorded_and_provided_again_without_a_new_request(navy):
    """Navy manual 1-6: a recurring accommodation is recorded as such in the tracking data; each later instance
    is a case event that the supervisor provides, with no new request."""
    s = navy
    _implemented(s, recurring=True)
    assert s.tracking["recurring"] is True
    s.day(50)
    s.service.send_event(s.case_id, "recurring_instance", "requester", {"occasion": "All-hands meeting"})
    s.do("supervisor", "task_recurring_instance", occasion_date=s.today(), occasion="All-hands meeting")
    assert s.tracking["last_recurring_instance_date"] == "2026-03-07"
    assert [e["detail"] for e in s.history("case_event")] == [{"event": "recurring_instance"}]
    assert s.case()["status"] == "open"


def test_discussions_are_logged_at_any_point(navy):
    """Navy manual 2-1, 2-3, 2-9: a discussion with the requester is logged on the case while the request is at
    the essential-functions step; the step and its timers are untouched."""
    s = navy
    s.intake()
    before, timers = s.task("supervisor", "task_essential_functions").id, s.timers()
    s.service.send_event(s.case_id, "discussion", "coordinator", {})
    s.do("coordinator", "task_record_discussion", discussion_date=s.today(), participants="Pat Doe, Casey Coordinator",
         topics="Screen reader options", discussion_summary="Pat prefers JAWS; trial next week")
    assert s.task("supervisor", "task_essential_functions").id == before and s.timers() == timers
    done = [e for e in s.history("task_completed") if e["detail"]["task"].startswith("Record the discussion")]
    assert done and done[0]["detail"]["data"]["topics"] == "Screen reader options"


def test_coordinator_asks_others_for_input_and_safety_learns_only_the_emergency_needs(navy):
    """Navy manual 2-4, Responsibilities 12c: the RA Coordinator asks HR and Safety for input; each gets a task
    in their own queue. 1-5: Safety and first-aid staff may be told what an emergency needs and nothing else:
    the Safety task holds the emergency needs only, neither the question nor anything of the case."""
    s = navy
    s.intake()
    s.service.send_event(s.case_id, "consultation", "coordinator",
                         {"consult_with": "hr", "question": "Any vacant 2210 positions on the base?"})
    s.service.send_event(s.case_id, "consultation", "coordinator",
                         {"consult_with": "safety", "question": "Diagnosis: (medical)",
                          "emergency_needs": "Needs help to evacuate from the 3rd floor"})
    assert s.task("hr", "task_input_hr").role == "hr"
    safety = s.task("safety", "task_input_safety")
    assert safety.role == "safety"
    data = s.data("task_input_safety")
    assert data["emergency_needs"] == "Needs help to evacuate from the 3rd floor"
    assert data["question"] == "" and "(medical)" not in repr(data)
    assert "requester_name" not in data and "accommodation_requested" not in data
    view = s.service.get_task(safety.id, "safety")
    assert "confidential" in view["instructions"]
    s.do("safety", "task_input_safety", emergency_plan="Evacuation chair and buddy", plan_date=s.today())
    s.do("hr", "task_input_hr", input_given="Two vacancies at NAVSEA", input_date=s.today())
    assert not s.has("safety", "task_input_safety")
    assert s.has("supervisor", "task_essential_functions")  # the request went on meanwhile


def test_a_denial_proposed_again_after_reconsidering_ends_denied_once_its_late_delay_notice_is_sent(navy):
    """Navy manual 4-6, 4-3: counsel finds a "not a disability" denial insufficient (day 30), the QIWD analysis is
    redone and the denial proposed again (day 31); counsel's second review is still open when the 45 days end
    (Monday 2026-03-02), so the delay notice opens. The letter is issued before the notices are sent: the case closes
    "Denied" once the notices are sent, not back at the QIWD analysis (the call returns only then, with the decision
    clock stopped by the letter)."""
    s = navy
    s.intake()
    s.interactive()
    s.day(30)
    s.qiwd(("no", "no", "yes", "yes"))
    s.ogc_denial_review(ok=False)
    assert s.open() == {"task_qiwd"}
    s.day(31)
    s.qiwd(("no", "no", "yes", "yes"))
    assert s.open() == {"task_ogc_denial_review"}
    s.at("2026-03-03T00:30")
    assert s.fire() == 1
    assert s.open() == {"task_ogc_denial_review", "task_delay_notice_denial"}
    s.ogc_denial_review()
    s.denial_letter()
    # the letter, issued after day 45 too, opened its own notice beside the review's (4-3: each overrun)
    notices = [t for t in s.tasks() if t.spec_id == "task_delay_notice_denial"]
    assert len(notices) == 2 and s.open() == {"task_delay_notice_denial"} and s.case()["status"] == "open"
    for notice in notices:
        assert s.case()["status"] == "open"
        s.service.complete(notice.id, "supervisor", {"delay_notice_date": s.today(),
                                                     "delay_reason": "Legal review pending"})
    case = s.case()
    assert (case["status"], case["summary"]["outcome"]) == ("closed", "Denied")
    assert (s.tracking["decision"], s.tracking["denial_date"]) == ("denied", "2026-03-03")
