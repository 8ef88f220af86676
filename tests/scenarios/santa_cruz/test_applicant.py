"""Procedure I (applicants and new hires), Santa Cruz County Personnel Administrative Manual II.13.A,
through the real diagrams: every outcome, each step worked by the role the manual names."""

from __future__ import annotations

import pytest

from engine.errors import ValidationFailed


def test_intake_routes_an_applicant_to_procedure_one(sc):
    """PAM II.13.A Procedure I (applicants direct requests to the hiring department or Personnel) and
    I.1: after intake and the rights notice the ADA Coordinator gives the OHP the job analysis and the
    physical requirements matrix."""
    sc.request(requester_type="applicant")
    assert sc.task("ada_coordinator", "intake_triage").form_key == "ra_intake"
    sc.triage("applicant")
    sc.rights_notice()
    task = sc.task("ada_coordinator", "app_provide_job_analysis")
    assert (task.role, task.form_key) == ("ada_coordinator", "job_analysis")
    assert sc.open() == {"app_provide_job_analysis"}
    assert sc.tracking["path"] == "applicant"


def test_applicant_accommodated(sc):
    """PAM II.13.A Procedure I.1-I.6: job analysis to the OHP, post-offer examination on PER3592,
    qualification with the OHP, ADA Coordinator and department, the department meets the applicant,
    reasonableness and undue hardship (Policy II, III), the department tells the applicant the
    accommodation and the ADA Coordinator documents it; California: the accommodation continues
    without a new request."""
    sc.intake("applicant")
    sc.applicant_job_analysis()
    exam = sc.task("ohp", "app_ohp_exam")
    assert (exam.role, exam.form_key) == ("ohp", "PER3592")
    sc.ohp_exam()
    assert sc.task("ada_coordinator", "app_qualification_discussion").form_key == "applicant_qualification"
    sc.applicant_review()
    assert sc.task("department", "app_weigh_reasonableness").form_key == "applicant_evaluation"
    sc.applicant_evaluation("accommodated")
    sc.do("department", "app_accommodation_notice", notice_date=sc.today(),
            accommodation_scope="Sit-stand workstation from the first day", employment_conditions="Standard probation")
    sc.do("ada_coordinator", "app_document_accommodation", accommodation_provided="Sit-stand workstation",
            accommodation_start_date=sc.today(), accommodation_confirmed_in_writing=True)

    assert sc.status == "closed"
    assert sc.outcome == "Applicant accommodated"
    assert sc.tracking["outcome"] == "accommodated"
    assert sc.tracking["recurring"] is True
    assert sc.clocks("decision")["stopped"] == sc.date(0)
    assert sc.clocks("decision")["met"] is True


def test_applicant_not_this_position_stays_on_the_eligible_list(sc):
    """PAM II.13.A Procedure I.7: the department cannot accommodate the applicant in this position;
    the department tells them their name stays on the eligible list for other openings in the class."""
    sc.applicant_to_evaluation()
    sc.applicant_evaluation("not_this_position", preference_given="no_effective_option",
                            reason_preference_not_chosen="Lifting 50 lb is an essential function of this position")
    notice = sc.task("department", "app_notice_not_this_position")
    assert notice.form_key == "applicant_notice_position"
    with pytest.raises(ValidationFailed) as err:
        sc.do("department", "app_notice_not_this_position", notice_date=sc.today(),
                notice_reason="Lifting 50 lb daily", remains_on_eligible_list=False)
    assert "remains_on_eligible_list" in err.value.errors
    sc.do("department", "app_notice_not_this_position", notice_date=sc.today(),
            notice_reason="Lifting 50 lb daily", remains_on_eligible_list=True)

    assert sc.status == "closed"
    assert sc.outcome == "Not this position: stays on the eligible list"
    assert sc.tracking["outcome"] == "not_this_position"
    assert "recurring" not in sc.tracking


def test_applicant_not_any_position_in_class_removed_with_civil_service_appeal_notice(sc):
    """PAM II.13.A Procedure I.8: no position in the class can be accommodated; Personnel removes the
    name from the eligible list and notifies the applicant of the right to appeal the removal to the
    Civil Service Commission (the notice cannot be recorded without the appeal rights)."""
    sc.applicant_to_evaluation()
    sc.applicant_evaluation("not_any_position_in_class", preference_given="no_effective_option",
                            reason_preference_not_chosen="Every position in the class requires it")
    task = sc.task("personnel", "app_notify_list_removal")
    assert (task.role, task.form_key) == ("personnel", "eligible_list_removal")
    assert not sc.has("department", "app_notify_list_removal")
    with pytest.raises(ValidationFailed) as err:
        sc.do("personnel", "app_notify_list_removal", notice_date=sc.today(),
                removal_reason="Every position in the class requires lifting 50 lb", appeal_rights_given=False)
    assert "appeal_rights_given" in err.value.errors
    sc.do("personnel", "app_notify_list_removal", notice_date=sc.today(),
            removal_reason="Every position in the class requires lifting 50 lb", appeal_rights_given=True)

    assert sc.status == "closed"
    assert sc.outcome == "Removed from the eligible list: appeal rights given"
    assert sc.tracking["outcome"] == "not_any_position_in_class"
    completed = [e["detail"]["task"] for e in sc.history("task_completed") if e["actor"] == "personnel"]
    assert completed == ["Notify removal from the eligible list and appeal rights"]


def test_applicant_accommodated_needs_the_accommodation_named(sc):
    """PAM II.13.A Procedure I.6: the results of the accommodation effort are documented; an
    'accommodated' outcome without the accommodation is refused."""
    sc.applicant_to_evaluation()
    with pytest.raises(ValidationFailed) as err:
        sc.applicant_evaluation("accommodated", accommodation_provided=None)
    assert "accommodation_provided" in err.value.errors
    assert sc.open() == {"app_weigh_reasonableness"}
