"""Navy 4-7 and Step 5: the employee cannot be accommodated in the position of record: analysis reviewed by
OGC, Director EEO sufficiency review, offer of reassignment with 7 calendar days for elections, HR search.

Day 0 is Friday 2026-01-16 (New York); day 45 is Monday 2026-03-02.
"""

from __future__ import annotations


def _to_offer(s):
    """Cannot accommodate on day 2; analysis, OGC and DEEO reviews sufficient by day 12."""
    s.intake()
    s.interactive()
    s.qiwd()
    s.day(2)
    s.cannot_accommodate()
    s.day(5)
    s.analysis()
    s.day(8)
    s.ogc_analysis()
    s.day(12)
    s.deeo_review()
    assert s.open() == {"task_offer"}


def test_deeo_sends_an_insufficient_case_back_to_the_coordinator(navy):
    """Navy manual 4-7: the DEEO's sufficiency review (with OGC's legal review) comes before any reassignment
    offer; a request not sufficiently processed goes back to the servicing RA Coordinator."""
    s = navy
    s.intake()
    s.interactive()
    s.qiwd()
    s.day(2)
    s.cannot_accommodate()
    assert s.open() == {"task_analysis"} and s.task("coordinator", "task_analysis").role == "coordinator"
    s.day(5)
    s.analysis("direct_threat")
    assert s.open() == {"task_ogc_analysis_review"}
    s.day(8)
    s.ogc_analysis()
    assert s.open() == {"task_deeo_review"}
    assert not s.has("supervisor", "task_offer")

    s.day(12)
    s.deeo_review(ok=False)
    assert s.open() == {"task_analysis"}  # back to the RA Coordinator
    assert s.service.list_tasks("deeo") == [] and not s.has("supervisor", "task_offer")
    s.day(15)
    s.analysis("undue_hardship")
    s.day(16)
    s.ogc_analysis()
    s.day(18)
    s.deeo_review()
    assert s.open() == {"task_offer"}
    opened = [e["detail"]["task"] for e in s.history("task_opened")]
    assert opened.count("Document the undue hardship or direct threat analysis (4-7, Att. 12-14)") == 2
    assert opened.count("Sufficiency review of the RA case file (4-7, Att. 15)") == 2


def test_elections_not_returned_in_7_days_end_in_denial(navy):
    """Navy manual 4-7: 7 calendar days from receipt of the offer to return the elections; not returned
    counts as declining, and the request is denied with the EEO counselor date (7-3)."""
    s = navy
    _to_offer(s)
    s.day(20)  # letters issued Thursday 2026-02-05, received Friday 2026-02-06
    s.offer(received_on="2026-02-06")
    assert (s.tracking["offer_letter_date"], s.tracking["offer_deadline_met"]) == ("2026-02-05", True)
    elections = s.task("requester", "task_elections")
    assert elections.due_at.isoformat() == "2026-02-14T05:00:00+00:00"  # end of Friday 13th, New York
    assert s.timers() == {"timer_elections": elections.due_at}

    s.at("2026-02-13T23:30")
    assert s.fire() == 0
    assert s.open() == {"task_elections"}
    s.at("2026-02-14T00:30")
    assert s.fire() == 1
    assert s.open() == {"task_ogc_denial_review"}  # counsel reviews every denial before it is issued (4-6)
    assert "decision" not in s.tracking
    s.ogc_denial_review()
    assert s.open() == {"task_denial_letter"}
    t = s.tracking
    assert (t["decision"], t["denial_basis"]) == ("denied", "reassignment_declined")
    assert "denial_date" not in t  # recorded from the denial letter's date, when it is issued
    s.denial_letter()  # Saturday 2026-02-14; the EEO counselor date crosses the end of February
    t = s.tracking
    assert (t["denial_date"], t["eeo_counselor_deadline"]) == ("2026-02-14", "2026-03-31")


def test_declining_reassignment_ends_in_denial_with_the_eeo_counselor_date(navy):
    """Navy manual 4-7, 7-3: an employee who declines reassignment is denied; the letter gives the EEO counselor
    date, 45 calendar days after the denial."""
    s = navy
    _to_offer(s)
    s.day(20)
    s.offer()
    s.day(24)  # Monday 2026-02-09
    s.elections(accept=False)
    assert s.open() == {"task_ogc_denial_review"}  # counsel reviews every denial before it is issued (4-6)
    s.ogc_denial_review()
    assert s.open() == {"task_denial_letter"}
    letter = s.data("task_denial_letter")
    assert letter["denial_basis"] == "reassignment_declined"
    s.denial_letter()
    assert (s.tracking["denial_date"], s.tracking["eeo_counselor_deadline"]) == ("2026-02-09", "2026-03-26")
    case = s.case()
    assert (case["status"], case["summary"]["outcome"]) == ("closed", "Denied")
    t = case["summary"]["tracking"]
    assert (t["days_to_process"], t["decision_deadline_met"]) == (24, True)
    assert t["eeo_counselor_deadline"] == "2026-03-26"


def test_reassignment_to_a_vacant_position_is_implemented_as_the_accommodation(navy):
    """Navy manual 5-1, 5-2, 3-3, Responsibilities 13c-f: the employee elects reassignment; HR counsels them,
    documents preliminary qualifications and finds a vacant funded position in the command; the employee accepts
    the job offer and the approval letter is issued; the placement is the approved accommodation, implemented
    within 45 days."""
    s = navy
    _to_offer(s)
    s.day(20)
    s.offer()
    s.day(24)
    s.elections(accept=True)
    assert s.open() == {"task_reassignment_counseling"} and s.task("hr", "task_reassignment_counseling").role == "hr"
    s.reassignment_counseling()
    s.preliminary_qualifications()
    search = s.task("hr", "task_hr_search")
    assert search.role == "hr"
    s.day(40)
    s.do("hr", "task_hr_search", counseling_date=s.date(25), search_start_date=s.date(25), search_end_date=s.today(),
         search_summary="Internal search within the command", search_outcome="placed",
         placement_position="Management Analyst GS-0343-12", meets_position_requirements="yes",
         can_perform_position_functions="yes", placement_effective_date="2026-03-01")
    assert s.open() == {"task_job_offer"}
    s.job_offer("Management Analyst GS-0343-12")
    assert s.open() == {"task_offer_acceptance"}
    assert s.task("requester", "task_offer_acceptance").role == "requester"
    s.accept_job_offer()
    assert s.open() == {"task_placement_letter"}
    s.placement_letter()
    implement = s.task("supervisor", "task_implement")
    assert implement.due_at.isoformat() == "2026-03-03T05:00:00+00:00"
    t = s.tracking
    assert t["decision"] == "approved_reassignment"
    assert t["accommodation_provided"] == "Reassignment to Management Analyst GS-0343-12"
    s.day(44)
    s.implement(cost=0)
    t = s.tracking
    assert (t["days_to_process"], t["decision_deadline_met"]) == (44, True)
    assert s.clocks("decision")["met"] is True


def test_applicant_is_not_reassigned_and_is_denied(navy):
    """Navy manual 5-1: reassignment applies to current employees only; an applicant who cannot be accommodated
    is denied on the documented basis after the OGC and DEEO reviews."""
    s = navy
    s.intake(requester_type="applicant", how="applicant_via_hr")
    s.interactive()
    s.qiwd(("yes", "yes", "yes", "no"))  # cannot perform the essential functions of the position desired
    assert s.open() == {"task_analysis"}
    s.analysis("undue_hardship")
    s.ogc_analysis()
    s.day(9)
    s.deeo_review()
    assert s.open() == {"task_ogc_denial_review"}  # the applicant's denial also passes counsel (4-6)
    s.ogc_denial_review()
    assert s.open() == {"task_denial_letter"}
    t = s.tracking
    assert (t["decision"], t["denial_basis"], t["requester_type"]) == ("denied", "undue_hardship", "applicant")
