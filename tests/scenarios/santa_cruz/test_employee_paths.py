"""Procedures II (accepted industrial injury) and III (non-industrial disability and contested workers'
compensation claims), Santa Cruz County Personnel Administrative Manual II.13.A, through the real
diagrams: each outcome, each step worked by the role the manual names."""

from __future__ import annotations

import pytest
from SpiffWorkflow.util.task import TaskState

from engine.errors import ValidationFailed

# How the department accommodates (II.5, III.6), and the options steps that lead there.
PLACEMENTS = {
    "current_position": ("current_position", None),
    "same_class_department": ("same_class_department", None),
    "equivalent_class_department": ("not_possible", "equivalent_class_department"),
    "lower_class_department": ("not_possible", "lower_class_department"),
}


@pytest.mark.parametrize("placement", list(PLACEMENTS))
@pytest.mark.parametrize("path", ["industrial", "non_industrial"])
def test_department_accommodates(sc, path, placement):
    """PAM II.13.A Procedure II.1-II.5 (industrial: PER1100A to the WC Unit, WC Program Manager obtains
    the job analysis and medical evaluation, coordinates with OHP, ADA Coordinator and department,
    PER1100B, meeting) and III.1-III.6 (non-industrial: EEO Office told, EEO staff determine
    qualification and run the same steps); accommodated in the current position, another position in
    the same class, or an equivalent or lower class in the department (§ 11068(d)(2): lower only if no
    comparable vacancy)."""
    same, lower = PLACEMENTS[placement]
    sc.employee_to_options(path)
    sc.options(same)
    if lower is None:
        assert not sc.has(sc.coordinator, f"{sc.prefix}_options_lower_class")
    else:
        task = sc.task(sc.coordinator, f"{sc.prefix}_options_lower_class")
        assert task.form_key == "lower_class_options"
        sc.lower_class(lower)
    sc.department_decision(can=True, accommodation_placement=placement)
    sc.confirm_accommodation()

    assert sc.status == "closed"
    assert sc.outcome == "Accommodated by the department"
    assert sc.tracking["outcome"] == "accommodated"
    assert sc.tracking["accommodation_placement"] == placement
    assert sc.tracking["recurring"] is True
    assert sc.clocks("decision")["stopped"] == sc.date(0)
    assert not [e for e in sc.history("task_opened") if e["detail"]["task"].startswith("Review the case")]


def test_industrial_steps_and_roles(sc):
    """PAM II.13.A Procedure II: the employee completes PER1100A for the Workers' Compensation Unit;
    II.1-II.3 the WC Program Manager obtains the job analysis and medical evaluation and coordinates;
    the department completes PER1100B (II.3) and meets the injured worker or representative (II.4)."""
    sc.intake("industrial")
    per1100a = sc.task("requester", "ind_complete_per1100a")
    assert per1100a.form_key == "PER1100A"
    sc.per1100a()
    for spec, form, step in [("ind_job_analysis", "job_analysis", sc.job_analysis),
                             ("ind_medical_evaluation", "medical_evaluation", sc.medical_evaluation),
                             ("ind_qpwd_determination", "qpwd_determination", sc.industrial_qpwd),
                             ("ind_coordinate", "coordination_meeting", sc.coordinate)]:
        task = sc.task("wc_manager", spec)
        assert (task.role, task.form_key) == ("wc_manager", form)
        assert not sc.has("eeo", spec)
        step()
    assert sc.task("department", "ind_per1100b").form_key == "PER1100B"
    sc.per1100b()
    assert sc.task("department", "ind_interactive_meeting").form_key == "interactive_meeting"


def test_non_industrial_department_tells_the_eeo_office_first(sc):
    """PAM II.13.A Procedure III: PER1100A goes to the department, which contacts the EEO Office
    immediately; only then do EEO staff determine qualification (III.1)."""
    sc.intake("non_industrial")
    sc.per1100a()
    notice = sc.task("department", "non_notify_eeo")
    assert notice.form_key == "eeo_notification"
    assert sc.open() == {"non_notify_eeo"}
    sc.notify_eeo()
    qpwd = sc.task("eeo", "non_qpwd_determination")
    assert (qpwd.role, qpwd.form_key) == ("eeo", "qpwd_determination")


def test_non_industrial_not_a_qualified_person_with_a_disability(sc):
    """PAM II.13.A Policy I (three-step test) and Procedure III.1: EEO staff determine the employee is
    not a qualified person with a disability; the employee is told, with complaint rights (V), and
    the case closes without a committee referral."""
    sc.intake("non_industrial")
    sc.per1100a()
    sc.notify_eeo()
    sc.qpwd("not_qualified")
    notice = sc.task("eeo", "non_notice_not_qualified")
    assert notice.form_key == "qpwd_notice"
    sc.do("eeo", "non_notice_not_qualified", notice_date=sc.today(),
          notice_reason="Can perform the essential functions without restriction", complaint_rights_given=True)

    assert sc.status == "closed"
    assert sc.outcome == "Not a qualified person with a disability"
    assert sc.tracking["outcome"] == "not_qualified"
    assert sc.clocks("decision")["stopped"] == sc.date(0)


@pytest.mark.parametrize("path", ["industrial", "non_industrial", "contested"])
def test_cannot_accommodate_is_referred_to_the_one_committee(sc, path):
    """PAM II.13.A Procedure II.6 and III.7: when the department reports it cannot accommodate, the case
    goes to the Reasonable Accommodation Committee (IV.1), the same committee process for II and III."""
    sc.refer_to_committee(path)
    review = sc.task("committee", "com_committee_review")
    assert review.form_key == "committee_review"
    assert sc.open() == {"com_committee_review"}
    workflow = sc.service.load_workflow(sc.case_id)
    [ready] = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == "com_committee_review"
                and t.state == TaskState.READY]
    assert ready.workflow.spec.name == "sc_ra_committee"
    assert sc.tracking["outcome"] == "referred_to_committee"
    assert sc.clocks("decision")["stopped"] is None  # the committee's finding is the decision


def test_contested_claim_routes_through_the_wc_program_manager_to_procedure_three(sc):
    """PAM II.13.A Procedure II (contested claims follow III) and III.1: on a contested workers'
    compensation claim the WC Program Manager is consulted, then the non-industrial procedure runs:
    PER1100A to the department, EEO Office told, EEO staff (with the WC Program Manager) decide
    qualification; the industrial procedure is never started."""
    sc.request()
    with pytest.raises(ValidationFailed) as err:
        sc.do("ada_coordinator", "intake_triage", path="contested", intake_date=sc.today())
    assert "wc_claim_number" in err.value.errors
    sc.triage("contested")
    sc.rights_notice()
    consult = sc.task("wc_manager", "wc_consultation")
    assert consult.form_key == "wc_contested_consultation"
    assert not sc.has("eeo", "wc_consultation")
    sc.wc_consultation()
    assert sc.task("requester", "non_complete_per1100a")
    sc.per1100a()
    sc.notify_eeo()
    sc.qpwd("qualified")
    [qpwd] = [e for e in sc.history("task_completed") if e["actor"] == "eeo"]
    assert qpwd["detail"]["data"]["wc_pm_consulted"] is True
    sc.evaluation()
    sc.meeting()
    sc.options("same_class_department")
    sc.department_decision(can=True, accommodation_placement="same_class_department")
    sc.confirm_accommodation()

    assert sc.outcome == "Accommodated by the department"
    titles = [e["detail"]["task"] for e in sc.history("task_opened")]
    assert "Consult on the contested workers' compensation claim" in titles
    assert not [t for t in titles if "Workers' Compensation Unit" in t]  # no industrial PER1100A
    assert sc.tracking["path"] == "contested"


def test_lower_class_only_when_no_comparable_vacancy(sc):
    """PAM II.13.A Procedure II.5 (equivalent or lower class in the department) with § 11068(d)(2): a
    lower class is offered only when there is no funded, vacant comparable position; the reason is
    required."""
    sc.employee_to_options("industrial")
    sc.options("not_possible")
    with pytest.raises(ValidationFailed) as err:
        sc.lower_class("lower_class_department", no_comparable_vacancy_reason=None)
    assert "no_comparable_vacancy_reason" in err.value.errors
    sc.lower_class("lower_class_department")
    assert sc.has("department", "dep_undue_hardship")  # Policy III weighs the chosen accommodation first
    sc.undue_hardship()
    assert sc.has("department", "dep_department_decision")


def test_department_accommodation_names_where(sc):
    """PAM II.13.A Procedure II.5 and III.6: the department's answer says where the employee is
    accommodated (current position, same class, equivalent or lower class in the department)."""
    sc.employee_to_options("non_industrial")
    sc.options("current_position")
    with pytest.raises(ValidationFailed) as err:
        sc.department_decision(can=True)
    assert "accommodation_placement" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        sc.department_decision(can=False, cannot_accommodate_reason=None)
    assert "cannot_accommodate_reason" in err.value.errors
