"""Eight Navy cases with known report figures, driven through the real diagrams (see test_reports_navy)."""

from __future__ import annotations

MEDICAL_MARK = "XYZZY-MEDICAL"  # put in every medical field, searched for in every export


def documents_received(n, received_on=None):
    n.s.do("coordinator", "task_docs_received", medical_response="received",
           documents_received_date=received_on or n.s.today(), provider_name=f"Dr. {MEDICAL_MARK}",
           diagnosis=f"Diagnosis {MEDICAL_MARK}", functional_limitations=f"Limitations {MEDICAL_MARK}")


def build(n) -> dict[str, int]:
    """The cases of the period 2026-01-01 .. 2026-03-31 (New York); returns case ids by letter."""
    s, ids = n.s, {}

    # A: approved, timely: 10 days (Jan 16 -> Jan 26), due Mar 2.
    s.at("2026-01-16T10:00")
    n.intake()
    ids["A"] = s.case_id
    n.interactive()
    n.qiwd()
    n.approve()
    s.day(10)
    n.implement()

    # B: late: the 45-day deadline (Mar 2) passes at the decision step; a delay notice is sent (4-3);
    # implemented Mar 7: 50 days, 5 over.
    s.at("2026-01-16T11:00")
    n.intake()
    ids["B"] = s.case_id
    n.interactive()
    n.qiwd()
    s.day(46)
    s.fire()
    s.do("supervisor", "task_delay_notice_decision", delay_notice_date=s.today(),
         delay_reason="Equipment on back order", expected_date=s.date(50))
    n.approve()
    s.day(50)
    n.implement()

    # C: held in abeyance 10 days for medical documentation (2-7: Jan 18 -> Jan 28), implemented Mar 7:
    # 50 - 10 = 40 days, due Mar 12: timely.
    s.at("2026-01-16T12:00")
    n.intake()
    ids["C"] = s.case_id
    n.essential_functions()
    n.no_interim()
    n.medical_needed(True)
    s.day(2)
    n.request_medical()
    s.day(12)
    documents_received(n)
    n.sufficient()
    n.qiwd()
    n.approve()
    s.day(50)
    n.implement()

    # D: expedited (4-2) to Jan 30; decided and implemented Feb 1: 12 days, 2 over, no delay notice.
    s.at("2026-01-20T10:00")
    n.request(expedited=True, expedited_due_date="2026-01-30", expedite_reason="Starts a new assignment")
    ids["D"] = s.case_id
    n.forward()
    n.confirm()
    n.interactive()
    n.qiwd()
    s.day(12)
    s.fire()
    n.approve()
    n.implement()

    # E: withdrawn on Feb 5 (1-7).
    s.at("2026-02-02T10:00")
    n.request()
    ids["E"] = s.case_id
    s.day(3)
    s.withdraw()

    # F: denied, not an individual with a disability (4-6): 20 days (Feb 2 -> Feb 22).
    s.at("2026-02-02T11:00")
    n.intake()
    ids["F"] = s.case_id
    n.interactive()
    n.qiwd(("no", "yes", "yes", "yes"))
    s.day(20)
    n.ogc_denial_review()
    n.denial_letter()

    # G: cannot accommodate (4-7), reassignment offered and declined on Mar 4: denied, 30 days.
    s.at("2026-02-02T12:00")
    n.to_cannot_accommodate()
    ids["G"] = s.case_id
    n.analysis("undue_hardship")
    n.ogc_analysis()
    n.deeo_review()
    s.day(27)
    n.offer()
    s.day(30)
    n.elections(accept=False)
    n.ogc_denial_review()  # 4-6: counsel reviews every denial (issue 10)
    n.denial_letter()

    # H: received Mar 20, still pending on Mar 31.
    s.at("2026-03-20T10:00")
    n.intake()
    ids["H"] = s.case_id
    s.at("2026-03-31T17:00")
    return ids
