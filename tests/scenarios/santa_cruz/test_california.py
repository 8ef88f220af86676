"""California requirements built into the Santa Cruz County procedure: Cal. Code Regs. tit. 2, § 11068
(seeds/001) and the interactive-process article (seeds/000), alongside the county manual's Policy II
(preference given primary consideration) and its confidentiality of medical information."""

from __future__ import annotations

import pytest

from engine.errors import ValidationFailed


def test_preference_is_recorded_and_a_different_choice_needs_a_reason(sc):
    """PAM II.13.A Policy II.5 ("primary consideration" to the preference) and § 11068(e): the request
    records the requester's preference (it is required and shown in the case summary); choosing another
    effective option needs a reason, at the department's options step and at the committee."""
    sc.start("sc_ra_intake")
    REQUEST = sc.REQUEST
    with pytest.raises(ValidationFailed) as err:
        sc.do("requester", "submit_request", **{**REQUEST, "requester_preference": None},
              requester_type="employee", request_date=sc.today())
    assert "requester_preference" in err.value.errors
    sc.do("requester", "submit_request", **REQUEST, requester_type="employee", request_date=sc.today())
    assert sc.tracking["requester_preference"] == "Sit-stand workstation"
    sc.triage("industrial")
    sc.rights_notice()
    sc.per1100a()
    sc.evaluation()
    sc.meeting()
    with pytest.raises(ValidationFailed) as err:
        sc.options("current_position", preference_given="other_effective_option")
    assert "reason_preference_not_chosen" in err.value.errors
    sc.options("current_position", preference_given="other_effective_option",
               reason_preference_not_chosen="A lift assist is equally effective and available now")
    sc.department_decision(can=False)
    sc.committee_review(concurs=True)
    with pytest.raises(ValidationFailed) as err:
        sc.committee_finding("vacant_same_class_county", preference_given="other_effective_option")
    assert "reason_preference_not_chosen" in err.value.errors


def test_options_considered_include_leave_and_reassignment(sc):
    """§ 11068(c), (d) and (e), PAM II.13.A Policy II.2 (types of accommodation, leaves of absence and
    alternative placement included): the options form asks about each kind of accommodation, leave and
    reassignment among them."""
    sc.employee_to_options("non_industrial")
    task = sc.service.get_task(sc.task("eeo", "non_options_same_class").id, "eeo")
    fields = task["form"]["properties"]
    assert {"considered_leave", "considered_reassignment", "considered_job_restructuring",
            "considered_modified_schedule", "considered_auxiliary_aid", "considered_accessibility"} <= set(fields)
    assert {"leave_of_absence", "reassignment_vacant_position"} <= set(fields["chosen_accommodation_type"]["enum"])


def test_leave_as_accommodation_needs_an_end_date_and_a_return_plan(sc):
    """§ 11068(c) with PAM II.13.A Policy II.2 (leaves of absence) and Procedure II.5, III.6, IV: leave is a
    reasonable accommodation when it is likely to let the employee return at its end, never indefinite;
    choosing leave without an end date or the expected return is refused, at the options step and after
    a committee return."""
    sc.employee_to_options("industrial")
    with pytest.raises(ValidationFailed) as err:
        sc.options("current_position", chosen_accommodation_type="leave_of_absence",
                   accommodation_proposed="Eight weeks of leave for surgery and recovery")
    assert {"leave_end_date", "leave_return_plan"} <= set(err.value.errors)
    sc.options("current_position", chosen_accommodation_type="leave_of_absence",
               accommodation_proposed="Eight weeks of leave for surgery and recovery", leave_end_date=sc.date(56),
               leave_return_plan="Returns to the current position with a sit-stand workstation")
    sc.department_decision(can=False)
    sc.committee_review(concurs=False)
    sc.return_to_department()
    with pytest.raises(ValidationFailed) as err:
        sc.do("department", "com_department_reexamination", reexamination_date=sc.today(),
              options_assessment="Leave, then return", requester_preference="Leave",
              preference_given="preference_chosen", department_reexamination_result="can_accommodate",
              chosen_accommodation_type="leave_of_absence", accommodation_provided="Leave")
    assert {"leave_end_date", "leave_return_plan"} <= set(err.value.errors)


def test_temporary_assignment_during_the_interactive_process_is_reviewed(sc):
    """§ 11068(d)(3) during PAM II.13.A Procedure II.4 (the meeting): a temporary assignment may be offered
    during the interactive process and the employee may accept or reject it; an accepted one is tracked
    and, if the department has not decided after temporary_assignment_review_days (30), the department
    reviews it with the employee; a reminder fires once its due day is over in Santa Cruz."""
    sc.intake("industrial")
    sc.per1100a()
    sc.evaluation()
    sc.day(2)
    with pytest.raises(ValidationFailed) as err:
        sc.meeting(temporary_assignment="offered_accepted", temporary_assignment_start=None)
    assert "temporary_assignment_start" in err.value.errors
    sc.meeting(temporary_assignment="offered_accepted")  # starts today, day 2 = 2026-01-18
    assert sc.tracking["temporary_assignment"] is True
    sc.options("not_possible")
    sc.lower_class("not_possible")
    sc.undue_hardship()
    assert sc.timers()["dep_temp_review_due"] == sc.end_of_day("2026-02-17")

    sc.at("2026-02-17T23:59:59")
    sc.fire()
    assert not sc.has("department", "dep_review_temp_assignment")
    sc.at("2026-02-18T00:00:01")
    sc.fire()
    review = sc.task("department", "dep_review_temp_assignment")
    assert review.form_key == "temporary_assignment_review"
    assert sc.has("department", "dep_department_decision")  # the process goes on
    sc.do("department", "dep_review_temp_assignment", temporary_assignment_review_date=sc.today(),
          temporary_assignment_review_result="continue")
    assert sc.has("department", "dep_department_decision")


def test_declined_temporary_assignment_is_allowed_and_not_tracked(sc):
    """§ 11068(d)(3) and (f) during PAM II.13.A Procedure III.5: the employee may reject a temporary
    assignment; the process continues."""
    sc.employee_to_options("non_industrial", temporary_assignment="offered_declined")
    assert "temporary_assignment" not in sc.tracking
    assert sc.has("eeo", "non_options_same_class")


def test_written_notice_that_refusal_is_allowed_and_retaliation_prohibited_comes_first(sc):
    """§ 11068(f) (no forced accommodation; refusing is allowed) and (k) (no retaliation for requesting):
    the ADA Coordinator sends the written notice before PAM II.13.A Procedure III (or any procedure)
    starts, and it must say both."""
    sc.request()
    sc.triage("non_industrial")
    assert sc.open() == {"send_rights_notice"}
    with pytest.raises(ValidationFailed) as err:
        sc.do("ada_coordinator", "send_rights_notice", rights_notice_date=sc.today(), rights_notice_method="mail",
              rights_notice_no_forced_accommodation=True, rights_notice_no_retaliation=False)
    assert "rights_notice_no_retaliation" in err.value.errors
    assert sc.open() == {"send_rights_notice"}
    sc.rights_notice()
    assert sc.open() == {"non_complete_per1100a"}


@pytest.mark.parametrize("how", ["department", "committee"])
def test_approved_accommodation_continues_without_a_new_request(sc, how):
    """The article (seeds/000: once granted, the employer has a duty to provide it; the employee has no
    ongoing duty to ask again) and § 11068(a): an approved accommodation, by the department (PAM II.13.A
    Procedure II.5) or the committee (IV.5), is recorded as recurring, and the closed case leaves nothing
    for the employee to do or renew (no task, no timer)."""
    if how == "department":
        sc.employee_to_options("industrial")
        sc.options("same_class_department")
        sc.department_decision(can=True, accommodation_placement="same_class_department")
        sc.confirm_accommodation()
    else:
        sc.refer_to_committee("non_industrial")
        sc.committee("current_position")
    assert sc.status == "closed"
    assert sc.tracking["recurring"] is True
    assert sc.tasks() == [] and sc.timers() == {}


def test_medical_information_is_confidential(sc):
    """PAM II.13.A Procedure I.2, II.2, III.3 and California (medical records kept apart, need to know):
    the PER3592 results and the medical evaluation never appear in the case history or summary, and the
    department is not among those who may read them."""
    sc.applicant_to_evaluation()
    exam = next(e for e in sc.history("task_completed") if e["actor"] == "ohp")
    assert exam["detail"]["data"]["ohp_findings"] == "(confidential)"
    assert exam["detail"]["data"]["medical_restrictions"] == "(confidential)"
    assert "department" not in sc.config.need_to_know
    assert {"ohp", "ada_coordinator", "wc_manager", "eeo", "committee"} <= sc.config.need_to_know
    assert "(medical)" not in repr(sc.case("department")["summary"])
