"""The timeliness report counts denials by each Navy basis (Navy 1-4 NEAT data: denial basis; 4-7, 5-1,
5-2): report_cases.py covers "not an individual with a disability" and "reassignment declined"; here
three more cases, driven through the real diagrams, are denied for undue hardship and direct threat
(applicants, who are not reassigned: 5-1) and for no vacant funded position (5-2). Figures by hand."""

from __future__ import annotations

from datetime import date

from engine import reports

PERIOD = (date(2026, 4, 1), date(2026, 6, 30))


def deny_applicant(n, basis: str, days: int) -> int:
    n.intake(requester_type="applicant", how="applicant_via_hr")
    case_id = n.case_id
    n.interactive()
    n.qiwd(("yes", "yes", "yes", "no"))  # cannot perform the essential functions of the position desired
    n.analysis(basis)
    n.ogc_analysis()
    n.deeo_review()
    n.day(days)
    n.ogc_denial_review()
    n.denial_letter()
    return case_id


def deny_no_vacant_position(n, days: int) -> int:
    n.to_cannot_accommodate()
    case_id = n.case_id
    n.analysis()
    n.ogc_analysis()
    n.deeo_review()
    n.offer()
    n.elections(accept=True)  # search scope: DON-wide
    n.reassignment_counseling()
    n.preliminary_qualifications()
    n.hr_search()  # none in the command
    n.do("ochr", "task_don_wide_search", aral_listed_date=n.today(), don_wide_summary="None in the elected areas",
         don_wide_outcome="none_found")
    n.do("hrd", "task_search_review", search_review="complete", search_review_notes="Every elected series searched")
    n.day(days)
    n.ogc_denial_review()
    n.denial_letter()
    return case_id


def test_report_counts_denials_by_every_basis(navy):
    navy.at("2026-04-01T10:00")
    deny_applicant(navy, "undue_hardship", 10)   # decided Apr 11: 10 days
    navy.at("2026-04-02T10:00")
    deny_applicant(navy, "direct_threat", 20)    # decided Apr 22: 20 days
    navy.at("2026-04-03T10:00")
    last = deny_no_vacant_position(navy, 30)     # decided May 3: 30 days
    assert navy.tracking["denial_basis"] == "no_vacant_position" and navy.case_id == last
    navy.at("2026-06-30T17:00")
    r = reports.timeliness(navy.db, navy.config, *PERIOD)
    assert (r["received"], r["decided"], r["pending"], r["withdrawn"]) == (3, 3, 0, 0)
    assert (r["timely"], r["late"], r["percent_timely"], r["late_cases"]) == (3, 0, 100.0, [])
    assert r["dispositions"] == {"denied": {"count": 3, "by_basis": {
        "direct_threat": 1, "no_vacant_position": 1, "undue_hardship": 1}}}
    assert {k: r["days_to_process"][k] for k in ("median", "p90", "max", "count")} == \
        {"median": 20, "p90": 30, "max": 30, "count": 3}
    assert [(m["month"], m["received"], m["decided"]) for m in r["monthly"]] == \
        [("2026-04", 3, 2), ("2026-05", 0, 1), ("2026-06", 0, 0)]
    by_type = reports.timeliness(navy.db, navy.config, *PERIOD, by="requester_type")
    assert [(g["group"], g["decided"], g["dispositions"]["denied"]["by_basis"]) for g in by_type["groups"]] == [
        ("applicant", 2, {"direct_threat": 1, "undue_hardship": 1}), ("employee", 1, {"no_vacant_position": 1})]
