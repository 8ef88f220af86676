"""Issue 11: every Navy letter issued through the real diagrams at a frozen clock, its PDF parsed (tagged,
language, title) and the dates it states, in words, computed from the letter date on the federal calendar;
the same dates drive the case's clocks and timers.

Day 0 is Friday 2026-01-16 (New York), the Friday before Martin Luther King Jr. Day.
"""

from __future__ import annotations

import pytest
from letterkit import issued, read_pdf

from engine import letters
from engine.errors import Forbidden, ValidationFailed


def _letter(s, kind, reader="requester"):
    return read_pdf(s.service, s.case_id, reader, kind)


def test_withdrawal_confirmation_letter(navy):
    """Navy manual 1-7, Attachment 4: the withdrawal is confirmed in writing."""
    s = navy
    s.intake()
    s.day(4)  # Tuesday 2026-01-20
    s.withdraw(reason="No longer needed")
    s.do("coordinator", "task_withdrawal_letter", withdrawal_date=s.date(4), withdrawal_mode="written",
         withdrawal_letter_date=s.today())
    info, pdf = _letter(s, "withdrawal_confirmation")
    assert info.letter_date == "2026-01-20"
    assert "January 20, 2026" in pdf["text"] and "withdrew your request" in pdf["text"]
    assert "Screen reader software" in pdf["text"] and "January 16, 2026" in pdf["text"]


def test_interim_accommodation_letter(navy):
    """Navy manual 2-6, Attachment 6: the interim accommodation is documented and given to the requester."""
    s = navy
    s.intake()
    s.essential_functions()
    s.do("supervisor", "task_interim", interim_decision="provide", interim_accommodation="Magnifier software")
    s.day(3)  # Monday 2026-01-19 (MLK Day) is not a business day, but a letter may be dated on it
    s.do("supervisor", "task_interim_letter", interim_letter_date=s.today(), interim_accommodation="Magnifier software",
         interim_start_date=s.date(4))
    info, pdf = _letter(s, "interim_accommodation")
    assert info.letter_date == "2026-01-19"
    assert "Magnifier software" in pdf["text"] and "beginning January 20, 2026" in pdf["text"]


def _to_medical_request(s):
    s.intake()
    s.interactive(medical=True)


def test_medical_request_states_the_reply_date_and_the_timer_fires_after_it(navy):
    """Navy manual 2-7, Attachments 7-9: 15 calendar days to reply, from the letter date (Wednesday January 21 ->
    Thursday February 5, across the month end); the follow-up opens only after that day ends in New York."""
    s = navy
    _to_medical_request(s)
    s.day(5)  # Wednesday 2026-01-21
    s.request_medical()
    info, pdf = _letter(s, "medical_request")
    assert info.medical and info.dates == {"medical_reply_date": "2026-02-05"}
    assert "by February 5, 2026" in pdf["text"] and "January 21, 2026" in pdf["text"]
    assert "Authorization for Release of Medical Information" in pdf["text"]
    assert "Questions for the Health Care Professional" in pdf["text"] and pdf["pages"] >= 3
    assert s.tracking["medical_requested_date"] == "2026-01-21"
    assert s.timers()["timer_reply_due"] == s.end_of_day("2026-02-05")

    s.at("2026-02-05T23:30")
    assert s.fire() == 0 and not s.has("coordinator", "task_followup")
    s.at("2026-02-06T00:30")
    assert s.fire() == 1
    assert s.has("coordinator", "task_followup")

    # 2-7: the written follow-up restates the request and the date it was due
    s.day(21)
    s.do("coordinator", "task_followup", followup_date=s.today(), followup_method="letter")
    info, pdf = _letter(s, "medical_followup")
    assert info.letter_date == "2026-02-06"
    assert "On January 21, 2026 we asked you" in pdf["text"] and "due on February 5, 2026" in pdf["text"]


def test_a_medical_letter_is_for_need_to_know_roles_and_the_requester(navy):
    """Navy manual 1-5: a letter with medical information is a medical document: the supervisor does not see it."""
    s = navy
    _to_medical_request(s)
    s.request_medical()
    assert [r.kind for r in issued(s.service, s.case_id, "coordinator")] == ["medical_request"]
    assert issued(s.service, s.case_id, "supervisor") == []
    letter_id = issued(s.service, s.case_id, "requester")[0].id
    _letter(s, "medical_request")  # the requester downloads it
    with pytest.raises(Forbidden):
        letters.open_letter(s.service, s.case_id, letter_id, "supervisor", "pdf")
    viewed = [e for e in s.history("confidential_viewed") if e["detail"].get("what") == "letter"]
    assert [e["actor"] for e in viewed] == ["requester"]


def test_supplemental_medical_request_with_a_new_reply_date(navy):
    """Navy manual 2-8: insufficient information: a written supplemental request, the clock held again, 15 days."""
    s = navy
    _to_medical_request(s)
    s.request_medical()
    s.day(10)
    s.documents_received()
    s.sufficient(ok=False)
    s.day(12)  # Wednesday 2026-01-28
    s.do("coordinator", "task_supplemental", supplemental_information_requested="Expected duration of the limits")
    info, pdf = _letter(s, "medical_supplemental")
    assert info.dates == {"medical_reply_date": "2026-02-12"}
    assert "Expected duration of the limits" in pdf["text"] and "by February 12, 2026" in pdf["text"]
    assert s.timers()["timer_reply_due"] == s.end_of_day("2026-02-12")
    assert s.clocks("decision")["held"]


def test_delay_notice_letter(navy):
    """Navy manual 4-3: a late decision: written notice with the reasons for the delay."""
    s = navy
    s.intake()
    s.interactive()
    s.qiwd()
    s.at("2026-03-03T00:30")  # the 45-day due date, Monday March 2, has passed
    assert s.fire() == 1
    s.do("supervisor", "task_delay_notice_decision", delay_notice_date=s.today(),
         delay_reason="The screen reader must be tested with our systems", expected_date="2026-03-16")
    info, pdf = _letter(s, "delay_notice")
    assert info.letter_date == "2026-03-03"
    assert "March 3, 2026" in pdf["text"] and "must be tested with our systems" in pdf["text"]
    assert "by March 16, 2026" in pdf["text"]


def test_approval_letter_is_issued_by_the_supervisors_decision(navy):
    """Navy manual 4-1, Attachment 10: the supervisor's decision step issues the approval; its date is the
    decision date recorded for NEAT (1-4)."""
    s = navy
    s.intake()
    s.interactive()
    s.qiwd()
    s.day(10)
    s.approve()
    info, pdf = _letter(s, "approval")
    assert info.letter_date == "2026-01-26" and s.tracking["decision_date"] == "2026-01-26"
    assert "is approved" in pdf["text"] and "Screen reader software" in pdf["text"]
    assert "Supervisor / Deciding Official" in pdf["text"]


def test_approval_of_an_effective_alternative(navy):
    """Navy manual 4-4: an effective alternative to what was asked is approved with the same letter."""
    s = navy
    s.intake()
    s.interactive()
    s.qiwd()
    s.approve(provided="Text-to-speech tool", alternative=True)
    info, pdf = _letter(s, "approval")
    assert "effective alternative accommodation" in pdf["text"] and "Text-to-speech tool" in pdf["text"]
    assert "Equally effective for reading logs" in pdf["text"]


def test_no_approval_letter_when_the_decision_is_cannot_accommodate(navy):
    """Navy manual 4-7: "cannot accommodate" is no approval: the decision step issues no letter."""
    s = navy
    s.to_cannot_accommodate()
    assert issued(s.service, s.case_id, "coordinator") == []


def _to_offer(s):
    s.to_cannot_accommodate()
    s.analysis()
    s.ogc_analysis()
    s.deeo_review()


def test_reassignment_offer_states_the_elections_due_date_the_timer_uses(navy):
    """Navy manual 4-7, Attachments 16-17: 7 calendar days to return the elections: letter of Friday January 30
    -> Friday February 6, across the month end; the elections timer fires when that day ends."""
    s = navy
    _to_offer(s)
    s.day(14)  # Friday 2026-01-30
    s.offer()
    info, pdf = _letter(s, "reassignment_offer")
    assert info.dates == {"elections_due_date": "2026-02-06"}
    assert "by February 6, 2026" in pdf["text"] and "Reassignment Elections" in pdf["text"]
    assert s.timers()["timer_elections"] == s.end_of_day("2026-02-06")
    assert s.tracking["elections_due_date"] == "2026-02-06"


def test_approval_after_a_reassignment_placement(navy):
    """Navy manual 5, 4-1, Att. 10: once the employee accepts the job offer, the supervisor's placement step
    issues the approval letter: the accommodation is the reassignment, in writing."""
    s = navy
    _to_offer(s)
    s.offer()
    s.elections(accept=True)
    s.reassignment_counseling()
    s.preliminary_qualifications()
    s.do("hr", "task_hr_search", search_start_date=s.today(), search_end_date=s.today(), search_summary="Found one",
         search_outcome="placed", placement_position="IT Specialist, GS-12, NAVSUP", meets_position_requirements="yes",
         can_perform_position_functions="yes", placement_effective_date=s.date(30))
    s.job_offer("IT Specialist, GS-12, NAVSUP")
    s.accept_job_offer()
    assert s.open() == {"task_placement_letter"}
    s.placement_letter()
    info, pdf = _letter(s, "approval")
    assert "reassignment to a vacant funded position" in pdf["text"] and "NAVSUP" in pdf["text"]
    assert "Supervisor / Deciding Official" in pdf["text"]


def test_denial_states_the_eeo_counselor_date_45_days_after_the_letter_date(navy):
    """Navy manual 4-6, 7-1 to 7-4, Attachment 11: the denial letter of Tuesday January 27 gives the EEO counselor
    date Friday March 13 (45 calendar days, across February), says other procedures do not toll it, and the
    case records the letter date as the denial date."""
    s = navy
    s.intake()
    s.interactive()
    s.qiwd(("no", "no", "yes", "yes"))
    s.day(10)
    s.ogc_denial_review()
    s.day(11)
    s.denial_letter()
    info, pdf = _letter(s, "denial")
    assert info.dates == {"eeo_counselor_date": "2026-03-13"}
    text = pdf["text"]
    assert "January 27, 2026" in text and "by March 13, 2026" in text
    assert "does not toll" in text and "Alternative Dispute Resolution" in text and "grievance" in text
    assert "not an individual with a disability" in text or "does not establish that you are an individual" in text
    t = s.tracking
    assert (t["denial_date"], t["eeo_counselor_deadline"]) == ("2026-01-27", "2026-03-13")


def test_reassessment_letter(navy):
    """Navy manual 6-2, Attachment 24: the reevaluation's outcome, here a revision, in writing."""
    s = navy
    s.intake()
    s.interactive()
    s.qiwd()
    s.approve()
    s.implement()
    s.at("2026-04-02T08:00")  # 75 days after implementation on day 0: the check opens
    assert s.fire() == 1
    s.do("coordinator", "task_effectiveness", effectiveness_check_date=s.today(), effectiveness="reevaluate")
    s.do("supervisor", "task_reevaluate", reevaluation_reason="not_effective", reevaluation_outcome="revision",
         revised_accommodation="Screen reader with a log plug-in", reassessment_letter_date=s.today())
    info, pdf = _letter(s, "reassessment")
    assert "revision of your existing request" in pdf["text"] and "log plug-in" in pdf["text"]


def test_bad_letter_input_is_a_field_error_and_nothing_is_stored(navy):
    """Issue 11: a future letter date, one before the step opened, or empty free text: a field error, no letter."""
    s = navy
    s.intake()
    s.interactive()
    s.qiwd(("no", "no", "yes", "yes"))
    s.day(10)
    s.ogc_denial_review()
    s.day(12)
    for dated, field in ((s.date(13), "denial_letter_date"), (s.date(9), "denial_letter_date")):
        with pytest.raises(ValidationFailed) as err:
            s.denial_letter(dated=dated)
        assert field in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        s.do("supervisor", "task_denial_letter", denial_letter_date=s.today(), deciding_official="Sam Supervisor",
             denial_reason_statement="   ", redress_notice_included=True)
    assert "denial_reason_statement" in err.value.errors
    assert issued(s.service, s.case_id, "coordinator") == []
    assert s.open() == {"task_denial_letter"} and "denial_date" not in s.tracking


def test_a_correction_issues_a_new_version_and_keeps_the_old_one(navy):
    """Issue 11: a corrected letter is a new version; the first stays in the file, marked superseded."""
    s = navy
    s.intake()
    s.interactive()
    s.qiwd(("no", "no", "yes", "yes"))
    s.ogc_denial_review()
    s.denial_letter()
    first = issued(s.service, s.case_id, "requester", "denial")[0]
    s.day(3)
    with pytest.raises(ValidationFailed):
        letters.reissue(s.service, s.case_id, first.id, "supervisor", {"denial_reason_statement": ""})
    new_id = letters.reissue(s.service, s.case_id, first.id, "supervisor",
                             {"denial_reason_statement": "The documentation shows no substantial limitation."})
    both = issued(s.service, s.case_id, "requester", "denial")
    assert [(r.id, r.version, r.superseded) for r in both] == [(first.id, 1, True), (new_id, 2, False)]
    assert both[1].letter_date == first.letter_date and both[1].dates == first.dates
    assert both[0].sha256 != both[1].sha256
    info, pdf = _letter(s, "denial")
    assert "no substantial limitation" in pdf["text"] and "corrected letter (version 2)" in pdf["text"]
    _, old, _ = letters.open_letter(s.service, s.case_id, first.id, "requester", "html")
    assert b"See the enclosed analysis" in old
    assert [e["detail"]["version"] for e in s.history("letter_reissued")] == [2]
