"""In Chromium: the Navy expedited due date after day 45 comes back on its field with the entries kept and
the conditional fields marked "(required)"; the page passes axe-core (issue 12)."""

from __future__ import annotations

from browserkit import check_axe, sign_in
from test_web import RECORD, fill_record_request, open_task_of


def test_expedited_date_past_day_45_is_a_field_error_in_the_browser(page, server):
    case = server.new_case()
    sign_in(page, "navy.supervisor")
    open_task_of(page, case["id"], RECORD)
    assert "(required)" not in page.locator("label[for=f-expedited]").inner_text()
    assert "(required)" not in page.locator("label[for=f-expedited_due_date]").inner_text()
    fill_record_request(page)
    page.get_by_label("Time-bound need", exact=False).check()
    page.get_by_label("Needed by (expedited due date)", exact=False).fill("2026-03-02")  # day 46 from 15 Jan
    page.get_by_role("button", name="Complete task").click()
    page.wait_for_load_state()
    assert "could not continue" not in page.content()
    error = page.locator("#f-expedited_due_date-error").inner_text()
    assert "must be on or before Sun 1 Mar 2026 (45 calendar days after Date of the initial request)" in error
    assert page.locator("#f-expedited_due_date").input_value() == "2026-03-02"
    assert page.locator("#f-expedited").is_checked()
    assert "(required)" in page.locator("label[for=f-expedite_reason]").inner_text()
    assert page.locator("#f-expedite_reason-error").inner_text().endswith("this field is required")
    check_axe(page, "task page with a rule error")
    page.locator("#f-expedited_due_date").fill("2026-03-01")  # the 45th day (a Sunday) is accepted
    page.locator("#f-expedite_reason").fill("Training course starts")
    page.get_by_role("button", name="Complete task").click()
    page.wait_for_url("**/inbox")
    assert f"for case {case['id']}" in page.locator(".flashes").inner_text()
    # leave the supervisor's inbox as it was for the other browser tests
    server.api("navy.requester", "POST", f"/cases/{case['id']}/withdraw", {"reason": "test done"})
