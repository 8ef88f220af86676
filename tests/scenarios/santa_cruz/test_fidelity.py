"""Santa Cruz County PAM II.13.A and California § 11068: the gates, evaluations, committee rules and California
points of issue 10, each through the real diagrams with a frozen clock (day 0: Friday 2026-01-16, Pacific)."""

from __future__ import annotations

import pytest

from engine.errors import ValidationFailed


def test_industrial_injury_does_not_automatically_qualify(sc):
    """PAM II.13.A Procedure II (intro) and Policy I: the procedure is for an industrially injured employee who
    is also a qualified person with a disability; the WC Program Manager determines it after the medical
    evaluation, and a worker found not qualified is told so and the case ends with that outcome."""
    sc.intake("industrial")
    sc.per1100a()
    sc.job_analysis()
    sc.medical_evaluation()
    assert sc.task("wc_manager", "ind_qpwd_determination").form_key == "qpwd_determination"
    sc.industrial_qpwd("not_qualified")
    assert sc.open() == {"ind_notice_not_qualified"}
    sc.do("wc_manager", "ind_notice_not_qualified", notice_date=sc.today(),
          notice_reason="Limitations do not substantially limit a major life activity", complaint_rights_given=True)
    assert sc.status == "closed"
    assert sc.outcome == "Not a qualified person with a disability"
    assert sc.tracking["outcome"] == "not_qualified"
    assert not [e for e in sc.history("task_opened") if e["detail"]["task"].startswith("Coordinate")]


def test_applicant_found_not_qualified_takes_that_branch(sc):
    """PAM II.13.A Procedure I.2 and Policy I: the OHP and ADA Coordinator find the applicant is not a
    qualified individual with a disability: the applicant is notified, and the department never starts on
    accommodations for this request."""
    sc.intake("applicant")
    sc.applicant_job_analysis()
    sc.ohp_exam()
    sc.do("ada_coordinator", "app_qualification_discussion", qualified_individual="no", discussion_date=sc.today(),
          qualification_notes="(medical)")
    assert sc.open() == {"app_notice_not_qualified"}
    sc.do("ada_coordinator", "app_notice_not_qualified", notice_date=sc.today(), notice_reason="Not qualified",
          complaint_rights_given=True)
    assert sc.status == "closed"
    assert sc.outcome == "Applicant: not a qualified person with a disability"
    assert not sc.has("ada_coordinator", "app_ada_department_discussion")


def test_pre_offer_request_goes_to_ohp_without_an_examination(sc):
    """PAM II.13.A Procedure I.1: "any applicant pre-offer requests for accommodation should be communicated to
    the OHP by the ADA Coordinator": no post-offer examination (PER3592) opens; the ADA Coordinator and the
    department then discuss the request (I.3)."""
    sc.request(requester_type="applicant")
    sc.triage("applicant_pre_offer")
    sc.rights_notice()
    sc.applicant_job_analysis()
    assert sc.open() == {"app_pre_offer_to_ohp"}
    sc.do("ada_coordinator", "app_pre_offer_to_ohp", communicated_date=sc.today(),
          accommodation_requested_pre_offer="Sign language interpreter at the interview")
    assert sc.task("ohp", "app_ohp_pre_offer_advice").role == "ohp"
    sc.do("ohp", "app_ohp_pre_offer_advice", advice="Interpreter is effective", advice_date=sc.today())
    assert sc.open() == {"app_ada_department_discussion"}
    assert not [e for e in sc.history("task_opened") if e["detail"]["task"].startswith("Post-offer medical")]


@pytest.mark.parametrize("path", ["industrial", "non_industrial"])
def test_undue_hardship_is_weighed_with_the_four_factors(sc, path):
    """PAM II.13.A Policy III (III.2 factors: nature and cost with outside funding, County resources, the
    individual's offset, the MOU), on Procedures II and III: the department weighs the chosen accommodation
    before it reports whether it can accommodate; every factor is required."""
    sc.employee_to_options(path)
    sc.options("current_position")
    assert sc.open() == {"dep_undue_hardship"}
    with pytest.raises(ValidationFailed) as err:
        sc.do("department", "dep_undue_hardship", chosen_accommodation="Sit-stand workstation",
              factor_nature_cost="$650", undue_hardship_conclusion="no_undue_hardship")
    assert {"factor_county_resources", "factor_individual_offset", "factor_mou"} <= set(err.value.errors)
    sc.undue_hardship()
    assert sc.open() == {"dep_department_decision"}


def test_committee_needs_its_quorum_and_records_each_members_view(sc):
    """PAM II.13.A Procedure IV (seven members) with policy parameter committee_quorum (4): a review with
    three members present, or whose views do not add up to those present, is no finding: the committee
    meets again; each member's view is kept in the case history."""
    sc.refer_to_committee("non_industrial")
    base = dict(review_date=sc.today(), facts_considered="All", members_present="ADA Coord., OSH PM, OHP",
                member_views="ADA Coord.: concur; OSH PM: concur; OHP: concur", committee_concurs="concurs",
                commission_on_disabilities_consulted=False)
    sc.do("committee", "com_committee_review", members_present_count=3, members_concurring=3,
          members_not_concurring=0, **base)
    assert sc.open() == {"com_committee_review"}
    sc.do("committee", "com_committee_review", members_present_count=5, members_concurring=3,
          members_not_concurring=1, **base)
    assert sc.open() == {"com_committee_review"}
    sc.committee_review(concurs=True)
    assert sc.open() == {"com_placement_search"}
    reviews = [e["detail"]["data"] for e in sc.history("task_completed")
               if e["detail"]["task"].startswith("Review the case")]
    assert [r["members_present_count"] for r in reviews] == [3, 5, 7]
    assert "OHP: concur" in reviews[-1]["member_views"]


def test_lower_class_finding_records_that_no_comparable_vacancy_exists(sc):
    """Cal. Code Regs. tit. 2, § 11068(d)(2) with PAM II.13.A IV.7, IV.9: placement in a lower class only when
    no comparable vacant position exists; a lower-class finding that does not record it goes back to the
    committee, and the recorded finding says so in the tracking data."""
    sc.refer_to_committee("industrial")
    sc.committee_review(concurs=True)
    sc.committee_finding("vacant_equivalent_lower_county", comparable_vacancy="exists")
    assert sc.open() == {"com_findings"}
    sc.committee_finding("vacant_equivalent_lower_county")
    sc.eeo_officer("proceed")
    sc.committee_notice()
    assert sc.tracking["no_comparable_vacancy"] is True
    searches = [e for e in sc.history("task_completed") if e["detail"]["task"].startswith("Search vacant")]
    assert searches[0]["detail"]["data"]["preferential_consideration"] == "given"  # § 11068(d)(5)


def test_temporary_assignment_review_keeps_running_during_the_committee_review(sc):
    """Cal. Code Regs. tit. 2, § 11068(d)(3): a temporary assignment given at the meeting on day 2 (Sunday
    2026-01-18) is due for review 30 days later (Tuesday 2026-02-17); the case is with the committee by then,
    and the review still opens for the department after that day ends in Santa Cruz."""
    sc.intake("industrial")
    sc.per1100a()
    sc.evaluation()
    sc.day(2)
    sc.meeting(temporary_assignment="offered_accepted")
    sc.options("not_possible")
    sc.lower_class("not_possible")
    sc.department_decision(can=False)
    assert sc.timers()["com_temp_review_due"] == sc.end_of_day("2026-02-17")
    sc.at("2026-02-17T23:59:59")
    assert not sc.has("department", "com_review_temp_assignment")
    sc.fire()
    sc.at("2026-02-18T00:00:01")
    sc.fire()
    assert sc.task("department", "com_review_temp_assignment").role == "department"
    assert sc.has("committee", "com_committee_review")


def test_residual_effects_are_a_basis_at_intake(sc):
    """Cal. Code Regs. tit. 2, § 11068(g): the residual effects of a disability are a recognised basis for a
    request; it is recorded in the case summary."""
    sc.request(requester_type="employee", disability_basis="residual_effects")
    assert sc.tracking["disability_basis"] == "residual_effects"


def test_outside_specialists_and_emergency_information_are_recorded(sc):
    """PAM II.13.A Policy II.3.b.1: the consultation of the State Vocational Rehabilitation Services Agency or
    the Job Accommodation Network is a recorded step; the article: safety personnel may be told what emergency
    treatment is needed, and their task holds nothing else of the case."""
    sc.intake("non_industrial")
    sc.s.service.send_event(sc.case_id, "specialist_consultation", "ada_coordinator", {})
    sc.do("ada_coordinator", "record_specialist_consultation", specialist="job_accommodation_network",
          consultation_date=sc.today(), suggestions="Sit-stand workstation, anti-fatigue mat")
    sc.s.service.send_event(sc.case_id, "emergency_information", "ada_coordinator",
                            {"emergency_needs": "Evacuation assistance from the 2nd floor"})
    task = sc.task("safety", "plan_emergency_response")
    assert task.role == "safety"
    data = sc.data("plan_emergency_response")
    assert data["emergency_needs"] == "Evacuation assistance from the 2nd floor"
    assert data["emergency_request"] is None
    assert "accommodation_requested" not in data and "requester_name" not in data
    done = [e["detail"]["task"] for e in sc.history("task_completed")]
    assert "Record the consultation of outside specialists (II.3.b.1)" in done
    assert sc.has("requester", "non_complete_per1100a")  # the request goes on
