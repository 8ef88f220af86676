"""Procedure IV, the Reasonable Accommodation Committee, Santa Cruz County Personnel Administrative
Manual II.13.A, through the real diagrams: each of its six findings (IV.5-IV.10) to its own outcome,
the EEO Officer consultation, and a committee that does not concur with the department."""

from __future__ import annotations

import pytest

from engine.errors import ValidationFailed

# finding -> (manual point, the case's outcome)
FINDINGS = {
    "current_position": ("IV.5", "Committee: accommodated in the current position"),
    "vacant_same_class_department": ("IV.6", "Committee: vacant position, same class, department"),
    "vacant_equivalent_lower_department": ("IV.7", "Committee: vacant equivalent or lower class, department"),
    "vacant_same_class_county": ("IV.8", "Committee: vacant position, same class, County"),
    "vacant_equivalent_lower_county": ("IV.9", "Committee: vacant equivalent or lower class, County"),
    "no_accommodation": ("IV.10", "Committee: no accommodation or placement"),
}


@pytest.mark.parametrize("path", ["industrial", "non_industrial"])
@pytest.mark.parametrize("finding", list(FINDINGS))
def test_each_committee_finding_has_its_own_outcome(sc, finding, path):
    """PAM II.13.A Procedure IV.1-IV.3 and the finding under test (IV.5 current position; IV.6 vacant
    same class, department; IV.7 equivalent or lower class, department; IV.8 same class, County; IV.9
    equivalent or lower class, County; IV.10 no accommodation or placement): the committee reviews the
    referral from Procedure II or III, concurs, consults the EEO Officer on the intended action, then
    notifies the department and the employee; Policy II.5 / § 11068(e) the preference is weighed."""
    sc.refer_to_committee(path)
    sc.committee_review(concurs=True)
    # § 11068(d)(5): the vacant positions are searched, with preferential consideration, before any finding
    assert sc.open() == {"com_placement_search"} and sc.task("ada_coordinator", "com_placement_search")
    sc.placement_search()
    findings = sc.task("committee", "com_findings")
    assert findings.form_key == "committee_findings"
    sc.committee_finding(finding)
    consult = sc.task("eeo_officer", "com_eeo_officer_consultation")
    assert (consult.role, consult.form_key) == ("eeo_officer", "eeo_officer_consultation")
    assert not sc.has("committee", "com_notify")  # no notice before the EEO Officer is consulted (IV.2)
    sc.eeo_officer("proceed")
    assert sc.task("committee", "com_notify").form_key == "committee_notice"
    sc.committee_notice()

    assert sc.status == "closed"
    assert sc.outcome == FINDINGS[finding][1]
    assert sc.tracking["outcome"] == finding
    if finding == "no_accommodation":
        assert "recurring" not in sc.tracking
    else:
        assert sc.tracking["recurring"] is True  # continues without a new request (California)
    assert sc.clocks("decision")["stopped"] == sc.date(0)
    order = [e["detail"]["task"] for e in sc.history("task_completed")][-5:]
    assert order == ["Review the case: concur that accommodation cannot be made?",
                     "Search vacant positions with preferential consideration (§ 11068(d)(5))",
                     "Decide the intended action (finding)", "Consult on the committee's intended action",
                     "Notify the department and the employee of the action"]


def test_placement_findings_name_the_position(sc):
    """PAM II.13.A Procedure IV.6-IV.9: a placement finding names the vacant position and department;
    IV.5 names the accommodation in the current position."""
    sc.refer_to_committee("industrial")
    sc.committee_review(concurs=True)
    with pytest.raises(ValidationFailed) as err:
        sc.committee_finding("vacant_same_class_county", placement_position=None, placement_department=None)
    assert {"placement_position", "placement_department"} <= set(err.value.errors)
    with pytest.raises(ValidationFailed) as err:
        sc.committee_finding("current_position", accommodation_provided=None)
    assert "accommodation_provided" in err.value.errors
    assert sc.open() == {"com_findings"}


def test_eeo_officer_advice_to_reconsider_returns_to_the_committee(sc):
    """PAM II.13.A Procedure IV.2-IV.3: the committee consults the EEO Officer on its intended action;
    on advice to reconsider it decides again (and consults again) before anyone is notified."""
    sc.refer_to_committee("non_industrial")
    sc.committee_review(concurs=True)
    sc.committee_finding("no_accommodation")
    sc.eeo_officer("reconsider")
    assert sc.open() == {"com_findings"}
    sc.committee_finding("vacant_equivalent_lower_county")
    sc.eeo_officer("proceed")
    sc.committee_notice()
    assert sc.outcome == "Committee: vacant equivalent or lower class, County"
    consulted = [e for e in sc.history("task_completed") if e["actor"] == "eeo_officer"]
    assert [e["detail"]["data"]["eeo_officer_advice"] for e in consulted] == ["reconsider", "proceed"]


def test_committee_does_not_concur_and_the_department_accommodates(sc):
    """PAM II.13.A Procedure IV.1-IV.3: the committee does not concur that accommodation cannot be made; it
    still consults the EEO Officer on that intended action and notifies the department and the employee; the
    case returns to the department with the committee's direction, and the department accommodates."""
    sc.refer_to_committee("industrial")
    with pytest.raises(ValidationFailed) as err:
        sc.do("committee", "com_committee_review", review_date=sc.today(), facts_considered="All",
              committee_concurs="does_not_concur")
    assert "return_direction" in err.value.errors
    sc.committee_review(concurs=False)  # with the EEO Officer consultation and the IV.3 notice
    assert sc.task("ada_coordinator", "com_return_to_department").form_key == "committee_return"
    assert not sc.has("committee", "com_findings")
    sc.return_to_department()
    assert sc.task("department", "com_department_reexamination").form_key == "department_reexamination"
    sc.reexamine(can=True)

    assert sc.status == "closed"
    assert sc.outcome == "Accommodated by the department after committee return"
    assert sc.tracking["outcome"] == "accommodated_after_committee_return"
    assert sc.tracking["recurring"] is True
    opened = [e["detail"]["task"] for e in sc.history("task_opened")]
    consult = opened.index("Consult on the committee's intended action")
    notice = opened.index("Notify the department and the employee of the action")
    back = opened.index("Return the case to the department with the committee's direction")
    assert consult < notice < back


def test_committee_does_not_concur_department_still_cannot_and_the_committee_reviews_again(sc):
    """PAM II.13.A Procedure IV.1: every "cannot accommodate" for a current employee is reviewed by the
    committee, so a department that still cannot accommodate after a return goes back to the
    committee, which then concurs and makes its finding (IV.4-IV.10)."""
    sc.refer_to_committee("non_industrial")
    sc.committee_review(concurs=False)
    sc.return_to_department()
    sc.reexamine(can=False)
    assert sc.task("committee", "com_committee_review")
    sc.committee("vacant_same_class_department")
    assert sc.outcome == "Committee: vacant position, same class, department"
    reviews = [e for e in sc.history("task_completed") if e["detail"]["task"].startswith("Review the case")]
    assert [r["detail"]["data"]["committee_concurs"] for r in reviews] == ["does_not_concur", "concurs"]
