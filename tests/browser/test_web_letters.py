"""Letters in Chromium (issue 11): the deciding official previews the denial letter's draft, edits the reason,
previews again and issues it; the requester finds it in My requests and downloads it; the HTML letter passes
axe-core. A picture of the issued letter goes to $RAFLOW_SCREENSHOTS (docs/letter-denial.png) when it is set.

Navy 4-6, 7: the denial states the EEO counselor date, 45 calendar days after the letter date (January 16 ->
March 2, 2026, across February).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browserkit import check_axe, sign_in
from letterkit import pdf_facts

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("RAFLOW_SCREENSHOTS")

STEPS = [
    ("navy.supervisor", "Record the request received (1-3)", dict(
        requester_name="Alex Requester", requester_type="employee", how_received="supervisor",
        received_by_name="Sam Supervisor", request_mode="oral", request_date="2026-01-16",
        accommodation_requested="Screen reader software", written_confirmation="requester", expedited=False)),
    ("navy.supervisor", "Forward the request to the RA Coordinator (1-4)",
     dict(forwarded_date="2026-01-16", coordinator_name="Casey Coordinator")),
    ("navy.requester", "Confirm the request on SECNAV 12306/1 (1-3)", dict(
        requester_confirmation="confirmed", requester_name="Alex Requester", job_title="IT Specialist",
        job_series="2210", grade="GS-12", component="NAVSEA", request_date="2026-01-16", how_received="supervisor",
        accommodation_requested="Screen reader software", purpose="perform_essential_functions",
        signature_date="2026-01-16")),
    ("navy.supervisor", "Document the essential functions (2-5, Att. 5)", dict(
        position_title="IT Specialist", job_series="2210", grade="GS-12", essential_functions="Administer networks",
        essential_functions_date="2026-01-16")),
    ("navy.supervisor", "Consider an interim accommodation (2-6)",
     dict(interim_decision="not_possible", interim_not_possible_reason="None available")),
    ("navy.coordinator", "Decide whether medical documentation is needed (2-7)",
     dict(medical_documentation_needed="no", medical_need_basis="obvious_or_on_file")),
    ("navy.coordinator", "Conduct the QIWD analysis (3-2)", dict(
        has_impairment="no", substantially_limits="no", meets_job_requirements="yes",
        can_perform_essential_functions="yes", qiwd_analysis_date="2026-01-16")),
    ("navy.ogc", "Legal sufficiency review of the denial (4-6)",
     dict(ogc_review="sufficient", ogc_reviewer="Oakley Counsel", ogc_review_date="2026-01-16")),
]
DENIAL = "Issue the denial letter with notice of rights (4-6, 7, Att. 11)"


def _task(server, user, case_id, title):
    rows = [t for t in server.api(user, "GET", "/tasks") if t["case_id"] == case_id and t["title"] == title]
    assert rows, f"{user} has no task {title!r} in case {case_id}"
    return rows[0]


def test_deciding_official_previews_edits_and_issues_a_denial_the_requester_downloads(page, browser, server):
    server.set_clock("2026-01-16T15:00:00Z")
    case_id = server.new_case()["id"]
    for user, title, data in STEPS:
        task = _task(server, user, case_id, title)
        server.api(user, "POST", f"/tasks/{task['id']}/complete", {"data": data})
    letter_task = _task(server, "navy.supervisor", case_id, DENIAL)

    sign_in(page, "navy.supervisor")
    page.goto(f"/tasks/{letter_task['id']}")
    draft = page.frame_locator("iframe.letter-frame")
    assert "[Reason for the denial, as stated in the letter]" in draft.locator("body").inner_text()
    page.get_by_label("Letter date").fill("2026-01-16")
    page.get_by_label("Deciding official (signs the letter)").fill("Sam Supervisor")
    reason = page.get_by_label("Reason for the denial, as stated in the letter")
    reason.fill("The information does not show a limitation.")
    page.get_by_role("button", name="Preview the letter").click()
    page.wait_for_load_state()
    assert "does not show a limitation" in page.frame_locator("iframe.letter-frame").locator("body").inner_text()
    reason = page.get_by_label("Reason for the denial, as stated in the letter")
    assert reason.input_value() == "The information does not show a limitation."  # entries kept
    reason.fill("The medical information does not show that your condition substantially limits a major life "
                "activity.")
    page.get_by_role("button", name="Preview the letter").click()
    page.wait_for_load_state()
    text = page.frame_locator("iframe.letter-frame").locator("body").inner_text()
    assert "substantially limits a major life activity" in text and "March 2, 2026" in text
    check_axe(page, "the task page with a letter draft")
    page.get_by_label("The letter states ADR", exact=False).check()
    page.get_by_label("Bargaining-unit employee", exact=False).check()
    page.get_by_role("button", name="Issue the letter and complete").click()
    page.wait_for_load_state()
    assert "Done:" in page.content()

    requester = browser.new_context(base_url=server.url, locale="en-US", timezone_id="America/New_York",
                                    accept_downloads=True)
    rp = requester.new_page()
    try:
        sign_in(rp, "navy.requester")
        rp.goto("/requests")
        with rp.expect_download() as download:
            rp.get_by_role("link", name="Denial of Reasonable Accommodation Request", exact=False).click()
        facts = pdf_facts(Path(download.value.path()).read_bytes())
        assert facts["tagged"] and facts["lang"] == "en"
        assert "by March 2, 2026" in facts["text"] and "substantially limits a major life activity" in facts["text"]
        rp.goto(f"/cases/{case_id}")
        rp.get_by_role("link", name="HTML of Denial of Reasonable Accommodation Request", exact=False).click()
        rp.wait_for_load_state()
        assert rp.title().startswith("Denial of Reasonable Accommodation Request")
        check_axe(rp, "the HTML denial letter")
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            rp.set_viewport_size({"width": 900, "height": 1200})
            rp.screenshot(path=str(Path(SHOTS) / "letter-denial.png"), full_page=True)
    finally:
        requester.close()
