"""Navy 4-6 and Step 7: a denial because the individual is not an individual with a disability, issued only
after OGC's legal sufficiency review, with the notice of redress and the EEO counselor date.

Day 0 is Friday 2026-01-16 (New York).
"""

from __future__ import annotations


def test_denial_only_after_ogc_legal_sufficiency_review(navy):
    """Navy manual 4-6: OGC reviews a denial for legal sufficiency before it is issued; "insufficient" sends
    the analysis back to the RA Coordinator and no denial letter exists until OGC finds it sufficient."""
    s = navy
    s.intake()
    s.interactive()
    s.day(10)
    s.qiwd(("yes", "no", "yes", "yes"))  # impairment does not substantially limit a major life activity
    assert s.open() == {"task_ogc_denial_review"}
    assert s.task("ogc", "task_ogc_denial_review").role == "ogc"
    assert not s.has("supervisor", "task_denial_letter")
    assert "decision" not in s.tracking  # nothing denied yet
    assert s.clocks("decision")["stopped"] is None

    s.day(14)
    s.ogc_denial_review(ok=False)
    assert s.open() == {"task_qiwd"}  # back to the RA Coordinator
    assert not s.has("supervisor", "task_denial_letter")
    s.day(18)
    s.qiwd(("no", "no", "yes", "yes"))
    assert s.open() == {"task_ogc_denial_review"}
    s.day(20)  # 2026-02-05
    s.ogc_denial_review(ok=True)
    assert s.open() == {"task_denial_letter"}

    t = s.tracking
    assert (t["decision"], t["denial_basis"]) == ("denied", "not_individual_with_disability")
    assert "denial_date" not in t  # the denial's date is the denial letter's date, recorded when it is issued
    # the history shows the order: two OGC reviews, the second before the denial letter opened
    opened = [e["detail"]["task"] for e in s.history("task_opened")]
    reviews = [i for i, title in enumerate(opened) if title.startswith("Legal sufficiency review")]
    letter = opened.index("Issue the denial letter with notice of rights (4-6, 7, Att. 11)")
    assert len(reviews) == 2 and max(reviews) < letter


def test_denial_letter_states_the_eeo_counselor_date(navy):
    """Navy manual 7-3: the denial letter advises contact with an EEO Counselor within 45 calendar days of the
    denial; 7-1, 7-2, 7-4: ADR, grievance and administrative grievance notices; the case closes as Denied."""
    s = navy
    s.intake()
    s.interactive()
    s.qiwd(("no", "no", "yes", "yes"))
    s.day(40)  # Wednesday 2026-02-25
    s.ogc_denial_review()
    view = s.service.get_task(s.task("supervisor", "task_denial_letter").id, "supervisor")
    assert "45 calendar days" in view["instructions"] and "ADR" in view["instructions"]

    s.day(41)  # recorded on Thursday 2026-02-26, the letter dated the day before (issue 11's example)
    s.denial_letter(dated="2026-02-25")
    case = s.case()
    assert (case["status"], case["summary"]["outcome"]) == ("closed", "Denied")
    t = case["summary"]["tracking"]
    assert (t["deciding_official"], t["denial_basis"]) == ("Sam Supervisor", "not_individual_with_disability")
    assert (t["denial_date"], t["eeo_counselor_deadline"], t["days_to_process"]) == ("2026-02-25", "2026-04-11", 40)
    assert case["summary"]["clocks"]["decision"]["met"] is True
    assert [e["kind"] for e in case["history"]][-1] == "case_closed"
