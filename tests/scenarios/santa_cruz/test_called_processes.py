"""The County diagrams cut at the manual's own steps (issue 10, "diagrams policy staff can read"), through the real
engine: what Procedures II and III share runs as one called process, each step still worked by the role the
manual names, and the case outcome is still the end event of the main process (PAM II.13.A, Procedures II-IV)."""

from __future__ import annotations

import pytest
from SpiffWorkflow.util.task import TaskState


def _process_of(sc, spec_id: str) -> list[str]:
    """The process of the open step `spec_id` and its callers, innermost first."""
    workflow = sc.service.load_workflow(sc.case_id)
    [task] = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == spec_id and t.state == TaskState.READY]
    chain, wf = [], task.workflow
    while wf is not None:
        chain.append(wf.spec.name)
        parent = workflow.get_task_from_id(wf.parent_task_id) if wf.parent_task_id else None
        wf = parent.workflow if parent is not None else None
    return chain


@pytest.mark.parametrize("path, caller", [("industrial", "sc_industrial"), ("non_industrial", "sc_non_industrial"),
                                          ("contested", "sc_non_industrial")])
def test_both_procedures_weigh_undue_hardship_and_decide_in_one_shared_process(sc, path, caller):
    """PAM II.13.A Policy III with II.5-II.6 and III.6-III.7 ("evaluation ... in accordance with Policy Sections
    II and III"): after the options in the department, II and III call the same process; the department weighs
    undue hardship, then decides, and the outcome comes back to the procedure and the main process."""
    sc.employee_to_options(path)
    sc.options("current_position")
    assert sc.open() == {"dep_undue_hardship"}
    assert _process_of(sc, "dep_undue_hardship") == ["sc_department_decision", caller, "sc_ra_intake"]
    sc.undue_hardship()
    assert _process_of(sc, "dep_department_decision") == ["sc_department_decision", caller, "sc_ra_intake"]
    sc.department_decision(can=True, accommodation_placement="current_position")
    sc.confirm_accommodation()
    assert sc.status == "closed"
    assert sc.outcome == "Accommodated by the department"
    assert sc.tracking["accommodation_placement"] == "current_position"


def test_an_overdue_decision_in_procedure_three_is_followed_up_by_eeo_staff(sc):
    """PAM II.13.A Procedure III.6 (EEO staff coordinate with the department) and policy parameter
    decision_calendar_days (30): a request on Friday 2026-01-16 is due Sunday 2026-02-15; once that day is over
    in Santa Cruz, EEO staff follow up the shared decision step, not the WC Program Manager (who does it in II)."""
    sc.employee_to_options("non_industrial")
    sc.options("current_position")
    sc.undue_hardship()
    sc.at("2026-02-16T00:00:01")
    sc.fire()
    followup = sc.task("eeo", "non_followup_decision")
    assert followup.form_key == "overdue_followup"
    assert not sc.has("wc_manager", "ind_followup_decision")
    assert sc.has("department", "dep_department_decision")  # non-interrupting: the decision is still open
    sc.department_decision(can=False)
    assert sc.open() == {"non_followup_decision"}  # Procedure III ends once its follow-up is recorded
    sc.do("eeo", "non_followup_decision", followup_date=sc.today(), followup_action="Department decided today")
    assert sc.open() == {"com_committee_review"}


def test_the_committees_intended_action_is_its_own_process_and_its_finding_is_the_outcome(sc):
    """PAM II.13.A IV.2-IV.4 and IV.10: after a review with a quorum, the intended action (the finding, the EEO
    Officer consultation, the notice) runs as a called process; the committee routes on the finding it returns,
    and the main process ends on "Committee: no accommodation or placement"."""
    sc.refer_to_committee("industrial")
    sc.committee_review(concurs=True)
    assert _process_of(sc, "com_placement_search") == ["sc_committee_action", "sc_ra_committee", "sc_ra_intake"]
    sc.committee_finding("no_accommodation")
    assert _process_of(sc, "com_eeo_officer_consultation")[0] == "sc_committee_action"
    sc.eeo_officer("reconsider")  # advice to reconsider goes back to the finding inside the called process
    assert sc.open() == {"com_findings"}
    sc.committee_finding("no_accommodation")
    sc.eeo_officer("proceed")
    sc.committee_notice()
    assert sc.status == "closed"
    assert sc.outcome == "Committee: no accommodation or placement"
    assert sc.tracking["outcome"] == "no_accommodation"
