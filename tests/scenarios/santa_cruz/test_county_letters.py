"""Issue 11: every Santa Cruz County notice issued through the real diagrams at a frozen clock, its PDF parsed
(tagged, language, title) with its date in words, and readable by the requester.

Day 0 is Friday 2026-01-16 (Santa Cruz, America/Los_Angeles).
"""

from __future__ import annotations

from letterkit import read_pdf


def _letter(sc, kind):
    return read_pdf(sc.s.service, sc.s.case_id, "requester", kind)


def test_rights_notice_says_an_accommodation_may_be_refused_without_retaliation(sc):
    """Cal. Code Regs. tit. 2, § 11068(f), (k): the written rights notice that starts the county process."""
    sc.intake("applicant")
    info, pdf = _letter(sc, "rights_notice")
    assert info.letter_date == "2026-01-16" and "January 16, 2026" in pdf["text"]
    assert "§ 11068(f)" in pdf["text"] and "§ 11068(k)" in pdf["text"] and "retaliate" in pdf["text"]
    assert "County of Santa Cruz" in pdf["text"] and "Alex Rivera" in pdf["text"]


def test_applicant_accommodation_notice(sc):
    """PAM II.13.A Procedure I.6: the department tells the applicant the accommodation and its conditions."""
    sc.applicant_to_evaluation()
    sc.applicant_evaluation("accommodated")
    sc.day(4)  # Tuesday 2026-01-20
    sc.do("department", "app_accommodation_notice", notice_date=sc.today(),
          accommodation_scope="Sit-stand workstation from the first day", employment_conditions="Standard probation")
    info, pdf = _letter(sc, "applicant_accommodation")
    assert "January 20, 2026" in pdf["text"] and "Sit-stand workstation from the first day" in pdf["text"]
    assert "Standard probation" in pdf["text"] and "Senior Account Clerk" in pdf["text"]


def test_applicant_not_continued_stays_on_the_eligible_list(sc):
    """PAM II.13.A Procedure I.7: not this position; the name stays on the eligible list."""
    sc.applicant_to_evaluation()
    sc.applicant_evaluation("not_this_position", preference_given="no_effective_option",
                            reason_preference_not_chosen="Lifting 50 lb is an essential function of this position")
    sc.do("department", "app_notice_not_this_position", notice_date=sc.today(), notice_reason="Lifting 50 lb daily",
          remains_on_eligible_list=True)
    info, pdf = _letter(sc, "applicant_not_continued")
    assert "remains on the eligible list" in pdf["text"] and "Lifting 50 lb daily" in pdf["text"]


def test_eligible_list_removal_with_civil_service_appeal_rights(sc):
    """PAM II.13.A Procedure I.8: removal from the eligible list with appeal rights to the Civil Service
    Commission, issued by Personnel."""
    sc.applicant_to_evaluation()
    sc.applicant_evaluation("not_any_position_in_class", preference_given="no_effective_option",
                            reason_preference_not_chosen="Every position in the class requires it")
    sc.do("personnel", "app_notify_list_removal", notice_date=sc.today(),
          removal_reason="Every position in the class requires lifting 50 lb", appeal_rights_given=True)
    info, pdf = _letter(sc, "eligible_list_removal")
    assert "removed from the eligible list" in pdf["text"] and "Civil Service Commission" in pdf["text"]
    assert "Personnel Department" in pdf["text"]


def test_committee_notice_to_the_department_and_the_employee(sc):
    """PAM II.13.A Procedure IV.3: after consulting the EEO Officer the committee notifies both of its action."""
    sc.refer_to_committee("industrial")
    sc.committee_review(concurs=True)
    sc.committee_finding("vacant_same_class_county")
    sc.eeo_officer("proceed")
    sc.committee_notice()
    info, pdf = _letter(sc, "committee_notice")
    assert "same class elsewhere in the County" in pdf["text"]
    assert "found a placement that meets your restrictions" in pdf["text"]
    assert "For the Reasonable Accommodation Committee" in pdf["text"]


def test_qualification_determination_notice(sc):
    """PAM II.13.A Policy I.1, Procedure III: EEO staff's determination that the employee is not a qualified
    person with a disability, in writing with the complaint route of Procedure V."""
    sc.intake("non_industrial")
    sc.per1100a()
    sc.notify_eeo()
    sc.qpwd("not_qualified")
    sc.do("eeo", "non_notice_not_qualified", notice_date=sc.today(),
          notice_reason="Can perform the essential functions without restriction", complaint_rights_given=True)
    info, pdf = _letter(sc, "qualification_notice")
    assert "Can perform the essential functions without restriction" in pdf["text"]
    assert "Personnel Regulation 193" in pdf["text"]
