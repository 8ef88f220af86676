"""The County's timeliness report over seven cases driven through the real diagrams, figures known by
hand: each path's outcome (Procedures I-III), the RA Committee's finding (IV), a withdrawal, a case
still in committee; the decision clock is the County's 30 calendar days (jurisdiction.toml)."""

from __future__ import annotations

from datetime import date

from engine import reports


def build(sc) -> dict[str, int]:
    s, ids = sc.s, {}
    s.at("2026-01-05T09:00")  # P1, Procedure I: accommodated after 12 days
    sc.applicant_to_evaluation()
    s.day(12)
    sc.applicant_evaluation("accommodated")
    sc.do("department", "app_accommodation_notice", notice_date=s.today(), accommodation_scope="From day one",
          employment_conditions="Standard probation")
    sc.do("ada_coordinator", "app_document_accommodation", accommodation_provided="Sit-stand workstation",
          accommodation_start_date=s.today(), accommodation_confirmed_in_writing=True)
    ids["P1"] = s.case_id
    s.at("2026-01-05T10:00")  # P2, Procedure I: not for this position, 20 days
    sc.applicant_to_evaluation()
    s.day(20)
    sc.applicant_evaluation("not_this_position", preference_given="no_effective_option",
                            reason_preference_not_chosen="Lifting 50 lb is an essential function")
    sc.do("department", "app_notice_not_this_position", notice_date=s.today(), notice_reason="Lifting 50 lb daily",
          remains_on_eligible_list=True)
    ids["P2"] = s.case_id
    s.at("2026-01-06T09:00")  # P3, Procedure II: accommodated in the current position on day 35: 5 days late
    sc.employee_to_options("industrial")
    sc.options("current_position")
    s.day(35)
    ids["P3"], late_step = s.case_id, s.titles()[0]
    sc.department_decision(can=True, accommodation_placement="current_position")
    sc.confirm_accommodation()
    s.at("2026-01-07T09:00")  # P4, Procedure III to the committee (IV): vacant position, same class, 25 days
    sc.refer_to_committee("non_industrial")
    s.day(25)
    sc.committee("vacant_same_class_department")
    ids["P4"] = s.case_id
    s.at("2026-01-08T09:00")  # P5, Procedure III: not a qualified person with a disability, 5 days
    sc.intake("non_industrial")
    sc.per1100a()
    sc.notify_eeo()
    s.day(5)
    sc.qpwd("not_qualified")
    sc.do("eeo", "non_notice_not_qualified", notice_date=s.today(), notice_reason="No limitation found",
          complaint_rights_given=True)
    ids["P5"] = s.case_id
    s.at("2026-01-09T09:00")  # P6: withdrawn two days later
    sc.request()
    s.day(2)
    s.withdraw()
    ids["P6"] = s.case_id
    s.at("2026-02-20T09:00")  # P7: still before the committee at the end of the period
    sc.refer_to_committee("industrial")
    ids["P7"] = s.case_id
    s.at("2026-02-28T12:00")
    return ids | {"late_step": late_step}


def test_county_report_figures_path_outcomes_and_committee_findings(sc):
    ids = build(sc)
    r = reports.timeliness(sc.db, sc.config, date(2026, 1, 1), date(2026, 2, 28))
    assert (r["received"], r["decided"], r["pending"], r["withdrawn"]) == (7, 5, 1, 1)
    assert (r["timely"], r["late"], r["percent_timely"]) == (4, 1, 80.0)
    assert r["days_to_process"] == {"median": 20, "p90": 35, "max": 35, "count": 5}  # 5, 12, 20, 25, 35
    assert r["dispositions"] == {"accommodated": 2, "not_this_position": 1, "vacant_same_class_department": 1,
                                 "not_qualified": 1, "withdrawn": 1}
    assert [(c["case_id"], c["days_over"], c["late_step"], c["delay_notice_sent"]) for c in r["late_cases"]] == [
        (ids["P3"], 5, ids["late_step"], False)]
    assert r["path_outcomes"] == [
        {"path": "applicant", "outcome": "accommodated", "count": 1},
        {"path": "applicant", "outcome": "not_this_position", "count": 1},
        {"path": "industrial", "outcome": "accommodated", "count": 1},
        {"path": "non_industrial", "outcome": "not_qualified", "count": 1},
        {"path": "non_industrial", "outcome": "vacant_same_class_department", "count": 1}]
    assert r["committee_findings"] == [{"finding": "vacant_same_class_department", "count": 1}]
    # the County's fiscal year runs July to June (jurisdiction.toml [reports])
    assert (r["annual"]["fiscal_year"], r["annual"]["from"], r["annual"]["to"]) == ("FY2026", "2025-07-01",
                                                                                    "2026-06-30")
    by_type = reports.timeliness(sc.db, sc.config, date(2026, 1, 1), date(2026, 2, 28), by="requester_type")
    assert [(g["group"], g["received"], g["decided"], g["percent_timely"]) for g in by_type["groups"]] == [
        ("applicant", 2, 2, 100.0), ("employee", 5, 3, 66.7)]
    by_dept = reports.timeliness(sc.db, sc.config, date(2026, 1, 1), date(2026, 2, 28), by="component")
    assert [(g["group"], g["received"]) for g in by_dept["groups"]] == [("Public Works", 7)]
