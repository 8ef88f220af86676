"""The server-rendered pages without JavaScript: inbox, task form, case page, intake, my requests."""

from __future__ import annotations

import re
from datetime import timedelta

from webclient import first_task, start

from engine.casefile import CONFIDENTIAL_VIEWED

SECRET = "Diagnosis-ZXCV"


def test_home_sends_staff_to_the_inbox_and_requesters_to_their_requests(signed_in):
    assert signed_in("clara").get("/").location == "/inbox"
    assert signed_in("rob").get("/").location == "/requests"


def test_inbox_rows_marks_sort_and_filter(api, signed_in, frozen):
    a = start(api, "rob", data={"diagnosis": SECRET})
    b = start(api, "ruth")
    clara = signed_in("clara")
    page = clara.get("/inbox").text
    assert page.count('href="/tasks/') == 2
    assert "Record the decision" in page and ">rob<" in page and ">ruth<" in page
    assert "Wed 21 Jan 2026" in page and "5 days left" in page  # MLK Day is not a business day
    assert SECRET not in page
    frozen.advance(timedelta(days=3))  # Monday 19 Jan: 2 days left -> due soon
    page = clara.get("/inbox").text
    assert "Due soon" in page and "2 days left" in page
    frozen.advance(timedelta(days=3))  # Thursday 22 Jan: overdue
    page = clara.get("/inbox").text
    assert page.count("badge-overdue") == 2 and "1 day overdue" in page
    sorted_page = clara.get("/inbox?sort=requester&dir=desc").text
    assert sorted_page.index(">ruth<") < sorted_page.index(">rob<")
    assert 'aria-sort="descending"' in sorted_page
    assert clara.get("/inbox?q=ruth").text.count('href="/tasks/') == 1
    assert clara.get("/inbox?scope=mine").text.count('href="/tasks/') == 0
    task = first_task(api, "clara", a["id"])
    api("clara", "POST", f"/tasks/{task['id']}/claim")
    mine = clara.get("/inbox?scope=mine").text
    assert mine.count('href="/tasks/') == 1 and "Claimed by you" in mine
    assert clara.get("/inbox?role=reviewer").text.count('href="/tasks/') == 2  # not her role: filter ignored
    assert b["id"]


def test_task_page_renders_the_form_accessibly(api, signed_in):
    case = start(api)
    task = first_task(api, "clara", case["id"])
    page = signed_in("clara").get(f"/tasks/{task['id']}").text
    assert "<h1>Record the decision</h1>" in page and "Decide within the deadline." in page
    assert re.search(r'<legend>Decision <span class="req">\(required\)</span>', page)
    assert 'type="radio" id="f-decision-0" name="decision" value="approve"' in page
    assert '<label for="f-decision-0">Approve</label>' in page
    assert '<label for="f-note">Note' in page and 'id="f-note"' in page
    assert "Up to 200 characters." in page and 'aria-describedby="f-note-help"' in page
    assert "Medical, need to know" in page  # the diagnosis field is marked
    assert "Claim this task" in page and 'name="csrf_token"' in page
    assert 'novalidate' in page and 'class="skip-link" href="#main"' in page


def test_invalid_submission_keeps_values_and_ties_errors_to_fields(api, signed_in):
    case = start(api)
    task = first_task(api, "clara", case["id"])
    clara = signed_in("clara")
    r = clara.post(f"/tasks/{task['id']}", data={"note": "x" * 201, "diagnosis": "kept text", "case_version": "1"})
    assert r.status_code == 422
    page = r.text
    assert "<title>Error: Record the decision" in page
    assert 'id="error-summary"' in page and 'href="#f-decision-0">Decision: this field is required' in page
    assert 'aria-describedby="f-decision-error"' in page
    assert ('<p class="error-message" id="f-note-error"><span class="visually-hidden">Error:</span> '
            'at most 200 characters') in page
    assert 'aria-describedby="f-note-help f-note-error" aria-invalid="true"' in page
    assert 'value="' + "x" * 201 + '"' in page  # values kept
    assert 'value="kept text"' in page  # her own entry, even in a medical field she could not read back
    assert api("clara", "GET", f"/tasks/{task['id']}").status_code == 200  # nothing was saved


def test_valid_submission_completes_and_returns_to_the_inbox(api, signed_in):
    case = start(api)
    task = first_task(api, "clara", case["id"])
    clara = signed_in("clara")
    r = clara.post(f"/tasks/{task['id']}", data={"decision": "deny", "note": "not possible", "case_version": "1"})
    assert r.status_code == 302 and r.location == "/inbox"
    assert f"Done: “Record the decision” for case {case['id']}." in clara.get("/inbox").text
    assert api("rita", "GET", "/tasks").json[0]["title"] == "Legal sufficiency review"


def test_stale_submission_comes_back_with_a_notice(api, signed_in):
    case = start(api)
    task = first_task(api, "clara", case["id"])
    r = signed_in("clara").post(f"/tasks/{task['id']}", data={"decision": "approve", "case_version": "0"})
    assert r.status_code == 409 and "changed since you opened" in r.text and 'value="approve" checked' in r.text


def test_claim_and_release_from_the_task_page(api, signed_in):
    case = start(api)
    task = first_task(api, "clara", case["id"])
    clara = signed_in("clara")
    r = clara.post(f"/tasks/{task['id']}/claim")
    assert r.status_code == 302
    page = clara.get(f"/tasks/{task['id']}").text
    assert "Release to the queue" in page and "By you" in page
    assert signed_in("cora").get(f"/tasks/{task['id']}").status_code == 403
    assert clara.post(f"/tasks/{task['id']}/release").location == "/inbox"


def test_case_page_summary_clocks_abeyance_history_and_steps(api, signed_in, frozen):
    case = start(api, "rob")
    task = first_task(api, "clara", case["id"])
    api("clara", "POST", f"/tasks/{task['id']}/complete", json={"data": {"decision": "documents", "note": "need"}})
    frozen.advance(timedelta(days=3))
    page = signed_in("clara").get(f"/cases/{case['id']}").text
    assert "Case 1: Testland request for rob" in page
    assert "Record documents received" in page  # current step
    clocks = page[page.index('id="clocks"'):page.index('id="diagram-section"')]
    assert "Held now</strong> since Fri 16 Jan 2026; 3 days held" in clocks and "Paused" in clocks
    history = page[page.index('id="history"'):]
    for text in ("Request started", "Step opened", "Step completed", "Record the decision"):
        assert text in history
    steps = page[page.index('<ol class="steps">'):]
    assert "Record the decision <span class=\"muted\">(done)</span>" in steps
    assert "<strong>Record documents received</strong>" in steps
    assert "has no drawing layout" in page  # the fixture has no BPMNDiagram: steps listed instead
    assert "Tracking data" in page and "Decision" in page


def test_case_page_running_clock_with_days_left(api, signed_in):
    case = start(api, "rob")
    page = signed_in("rita").get(f"/cases/{case['id']}").text
    clocks = page[page.index('id="clocks"'):page.index('id="diagram-section"')]
    assert "Mon 2 Mar 2026" in clocks and "45 days left" in clocks and "0 days held" in clocks


def test_case_page_diagram_xml_only_for_those_who_see_the_case(api, signed_in):
    case = start(api, "rob")
    r = signed_in("clara").get(f"/cases/{case['id']}/diagram.bpmn")
    assert r.status_code == 200 and r.mimetype == "application/xml" and b"tl_main" in r.data
    assert signed_in("ruth").get(f"/cases/{case['id']}/diagram.bpmn").status_code == 404


def test_case_page_confidential_data_need_to_know_and_recorded(api, signed_in):
    case = start(api, "rob")
    task = first_task(api, "clara", case["id"])
    api("clara", "POST", f"/tasks/{task['id']}/complete", json={"data": {"decision": "deny", "diagnosis": SECRET}})
    clara_page = signed_in("clara").get(f"/cases/{case['id']}").text
    assert SECRET not in clara_page and "Need to know only" in clara_page
    assert "<dd>Deny</dd>" in clara_page  # the decision (the accommodation outcome) is not medical
    rita_page = signed_in("rita").get(f"/cases/{case['id']}").text
    assert SECRET in rita_page
    events = [e for e in api("rita", "GET", f"/cases/{case['id']}/history").json if e["kind"] == CONFIDENTIAL_VIEWED]
    assert [(e["actor"], e["detail"]["what"]) for e in events] == [("rita", "case_data")]
    assert signed_in("ruth").get(f"/cases/{case['id']}").status_code == 404
    rob_page = signed_in("rob").get(f"/cases/{case['id']}").text
    assert SECRET in rob_page  # the requester sees their own


def test_intake_by_the_requester(api, signed_in):
    rob = signed_in("rob")
    page = rob.get("/requests/new").text
    assert "What accommodation is requested?" in page and "Who made the request?" not in page
    r = rob.post("/requests/new", data={"accommodation_requested": ""})
    assert r.status_code == 422 and "this field is required" in r.text
    r = rob.post("/requests/new", data={"accommodation_requested": "A sit-stand desk", "purpose": "typing"})
    assert r.status_code == 303 and r.location == "/requests"
    page = rob.get("/requests").text
    assert "Request received: case 1." in page
    assert "Record the decision" in page and "(with Clerk)" in page and "Mon 2 Mar 2026" in page
    data = api("rob", "GET", "/cases/1/data").json
    assert data[0]["title"] == "Request received"
    assert {f["name"]: f["value"] for f in data[0]["fields"]} == {"accommodation_requested": "A sit-stand desk",
                                                                  "purpose": "typing"}


def test_intake_by_staff_for_an_oral_request(api, signed_in):
    clara = signed_in("clara")
    page = clara.get("/requests/new").text
    assert "Who made the request?" in page and "How was the request made?" in page
    assert '<option value="rob"' in page and 'value="2026-01-16"' in page
    r = clara.post("/requests/new", data={"accommodation_requested": "Screen reader", "request_mode": "oral",
                                          "request_date": "2026-01-15"})
    assert r.status_code == 422 and "Requester: choose who made the request" in r.text
    r = clara.post("/requests/new", data={"requester": "olga", "accommodation_requested": "x", "request_mode": "oral",
                                          "request_date": "2026-01-15"})
    assert r.status_code == 422 and "choose a requester from the list" in r.text
    r = clara.post("/requests/new", data={"requester": "rob", "accommodation_requested": "Screen reader",
                                          "request_mode": "oral", "request_date": "2026-01-15"})
    assert r.status_code == 303 and r.location == "/cases/1"
    case = api("rob", "GET", "/cases/1").json
    assert case["requester"] == "rob" and case["started_by"] == "clara"
    assert "Recorded by" in clara.get("/cases/1").text


def test_my_requests_lists_only_my_own(api, signed_in):
    start(api, "rob")
    start(api, "ruth")
    page = signed_in("ruth").get("/requests").text
    assert page.count('href="/cases/') == 1 and "Testland request for ruth" in page


def test_case_list_filters(api, signed_in):
    a = start(api, "rob")
    start(api, "ruth")
    task = first_task(api, "clara", a["id"])
    api("clara", "POST", f"/tasks/{task['id']}/complete", json={"data": {"decision": "approve"}})
    clara = signed_in("clara")
    assert clara.get("/cases").text.count('href="/cases/') == 1
    assert clara.get("/cases?status=any").text.count('href="/cases/') == 2
    assert clara.get("/cases?status=closed").text.count('href="/cases/') == 1
    assert signed_in("rob").get("/cases").location == "/requests"


def test_withdraw_from_the_case_page(api, signed_in):
    case = start(api, "rob")
    rob = signed_in("rob")
    r = rob.post(f"/cases/{case['id']}/withdraw", data={"reason": ""})
    assert r.status_code == 303 and api("rob", "GET", f"/cases/{case['id']}").json["status"] == "open"
    r = rob.post(f"/cases/{case['id']}/withdraw", data={"reason": "", "confirm": "yes"})
    assert r.status_code == 303
    assert api("rob", "GET", f"/cases/{case['id']}").json["status"] == "withdrawn"


def test_error_pages_are_html(signed_in):
    clara = signed_in("clara")
    r = clara.get("/cases/424242")
    assert r.status_code == 404 and "<h1>Not found</h1>" in r.text and "no case 424242" in r.text
    assert clara.get("/tasks/not-a-uuid").status_code == 404
    assert clara.get("/nowhere").status_code == 404


def test_security_headers(signed_in):
    r = signed_in("clara").get("/inbox")
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Frame-Options"] == "DENY" and r.headers["Cache-Control"] == "no-store"


def test_bpmn_js_is_served_from_our_host(app):
    client = app.test_client()
    r = client.get("/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js")
    assert r.status_code == 200 and len(r.data) > 100_000
    assert client.get("/vendor/bpmn-js/assets/bpmn-js.css").status_code == 200
    assert client.get("/vendor/bpmn-js/../package.json").status_code == 404
    assert client.get("/vendor/bpmn-js/bpmn-modeler.development.js").status_code == 404
