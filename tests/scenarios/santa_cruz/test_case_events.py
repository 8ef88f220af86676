"""Case events on a Santa Cruz County case: the ADA complaint (Procedure V, Personnel Regulation 193),
which any applicant or employee may file at any time without stopping the request, and withdrawal."""

from __future__ import annotations

import pytest

from engine.errors import Conflict, Forbidden, NotFound


def _open_tasks(sc) -> dict[str, tuple]:
    """spec id -> (task id, role, due) of every open task."""
    return {t.spec_id: (t.id, t.role, t.due_at) for t in sc.tasks()}


def test_ada_complaint_during_a_procedure_leaves_the_case_running(sc):
    """PAM II.13.A Procedure V: an employee files an ADA complaint (Personnel Regulation 193) while
    Procedure II is at the interactive meeting (II.4); EEO staff log it, and the meeting task, its due
    date and timers are untouched; the case goes on to its own outcome."""
    sc.intake("industrial")
    sc.per1100a()
    sc.evaluation()
    before, timers = _open_tasks(sc), sc.timers()
    assert set(before) == {"ind_interactive_meeting"}

    sc.complain(summary="The department keeps postponing my meeting")
    after = _open_tasks(sc)
    assert after["ind_interactive_meeting"] == before["ind_interactive_meeting"]
    assert after["log_ada_complaint"][1] == "eeo"
    assert sc.timers() == timers
    assert sc.status == "open"
    assert [e["detail"] for e in sc.history("case_event")] == [{"event": "ada_complaint"}]

    sc.log_complaint()
    assert sc.open() == {"ind_interactive_meeting"}
    assert sc.tracking["ada_complaint_filed"] is True
    sc.meeting()
    sc.options("current_position")
    sc.department_decision(can=True, accommodation_placement="current_position")
    sc.confirm_accommodation()
    assert sc.status == "closed"
    assert sc.outcome == "Accommodated by the department"


def test_ada_complaint_during_the_committee_review(sc):
    """PAM II.13.A Procedure V during Procedure IV: a complaint filed while the RA Committee reviews the
    case is logged by EEO staff; the committee's review, finding, EEO Officer consultation and notice
    carry on to the committee's outcome."""
    sc.refer_to_committee("non_industrial")
    review = _open_tasks(sc)["com_committee_review"]
    sc.complain()
    assert _open_tasks(sc)["com_committee_review"] == review
    sc.log_complaint()
    assert sc.open() == {"com_committee_review"}
    sc.committee("vacant_same_class_county")
    assert sc.status == "closed"
    assert sc.outcome == "Committee: vacant position, same class, County"
    assert sc.tracking["outcome"] == "vacant_same_class_county"
    assert sc.tracking["ada_complaint_filed"] is True


def test_several_complaints_and_one_from_staff_on_the_requesters_behalf(sc):
    """PAM II.13.A Procedure V ("any applicant or employee ... may file a complaint"), at any time: two
    complaints on the same case each get their own log task; staff may record one for the requester."""
    sc.intake("applicant")
    sc.complain()
    sc.complain(actor="ada_coordinator", summary="Taken by phone from the applicant")
    logs = [t for t in sc.tasks() if t.spec_id == "log_ada_complaint"]
    assert len(logs) == 2 and {t.role for t in logs} == {"eeo"}
    assert sc.has("ada_coordinator", "app_provide_job_analysis")


def test_only_the_requester_or_county_staff_may_complain_on_a_case(sc):
    """PAM II.13.A Procedure V: the complaint is the applicant's or employee's own; another requester
    cannot file one on someone else's case (404: they may not know it exists, Navy 1-5 / issue 8), and
    county staff who see the case may only when [permissions] case_event allows their role."""
    sc.intake("non_industrial")
    stranger = sc.user("other_employee", ["requester"])
    with pytest.raises(NotFound):
        sc.complain(actor=stranger)
    with pytest.raises(Forbidden, match="may not send case events"):
        sc.complain(actor="eeo")  # sees the case (need-to-know) but may not file for the employee
    assert "log_ada_complaint" not in sc.open()
    sc.complain(actor="ada_coordinator")
    assert "log_ada_complaint" in sc.open()


def test_complaint_logged_after_the_finding_keeps_the_committee_outcome(sc):
    """PAM II.13.A Procedure V and IV.3: a complaint filed during the committee review and logged only
    after the committee notified its finding does not change the case's outcome."""
    sc.refer_to_committee("industrial")
    sc.complain()
    sc.committee("no_accommodation")
    assert sc.open() == {"log_ada_complaint"}  # the case stays open until the complaint is logged
    sc.log_complaint()
    assert sc.status == "closed"
    assert sc.tracking["outcome"] == "no_accommodation"
    assert sc.outcome == "Committee: no accommodation or placement"


def test_case_events_are_refused_on_a_closed_case(sc):
    """PAM II.13.A Procedure V: once the request is closed a complaint is filed under Personnel Regulation
    193 on its own; the closed case refuses new events, withdrawal included."""
    sc.applicant_to_evaluation()
    sc.applicant_evaluation("not_this_position")
    sc.do("department", "app_notice_not_this_position", notice_date=sc.today(), notice_reason="Lifting",
          remains_on_eligible_list=True)
    assert sc.status == "closed"
    with pytest.raises(Conflict):
        sc.complain()
    with pytest.raises(Conflict):
        sc.withdraw()
    assert sc.outcome == "Not this position: stays on the eligible list"


@pytest.mark.parametrize("where", ["intake", "industrial", "committee"])
def test_withdrawal_at_any_point_closes_the_case(sc, where):
    """PAM II.13.A (a request is the person's own; California § 11068(f): no one is required to accept an
    accommodation): the requester withdraws at intake, inside Procedure II, or while the RA Committee
    reviews; everything running, the called procedure included, is cancelled, the ADA Coordinator
    confirms in writing, and the case closes as withdrawn."""
    if where == "intake":
        sc.request()
    elif where == "industrial":
        sc.intake("industrial")
        sc.per1100a()
        sc.job_analysis()
    else:
        sc.refer_to_committee("industrial")
        assert "com_review_overdue" in sc.timers()
    sc.withdraw(reason="I found another job")

    assert sc.status == "withdrawn"
    assert sc.open() == {"confirm_withdrawal"}
    assert sc.timers() == {}
    assert sc.task("ada_coordinator", "confirm_withdrawal").form_key == "withdrawal_closure"
    sc.confirm_withdrawal()
    assert sc.open() == set()
    assert sc.outcome == "Case closed: withdrawn"
    assert sc.tracking["outcome"] == "withdrawn"
    assert sc.case()["closed_at"] is not None
    with pytest.raises(Conflict):
        sc.withdraw()


def test_withdrawal_with_a_complaint_not_yet_logged(sc):
    """PAM II.13.A Procedure V with a withdrawal: the interrupting withdrawal cancels everything in the
    case, the unlogged complaint's task included (BPMN); the complaint stays in the case history and the
    ADA Coordinator's confirmation task tells them to pass it to EEO staff (Personnel Regulation 193)."""
    sc.intake("non_industrial")
    sc.complain(summary="Retaliation after my request")
    sc.withdraw(reason="Leaving the County")
    assert sc.open() == {"confirm_withdrawal"}
    assert [e["detail"]["event"] for e in sc.history("case_event")] == ["ada_complaint"]
    task = sc.service.get_task(sc.task("ada_coordinator", "confirm_withdrawal").id, "ada_coordinator")
    assert "Personnel Regulation 193" in task["instructions"]
