"""Forms that know the case (issue 12): cross-field rules from the form files as field errors on the page
and the API, required marks exactly when a rule applies, prefill from the case, earlier answers shown
instead of asked again, and a diagram script's refusal (`field_error`) as a field error, never the
diagram-failure page. Real Navy and County procedures, the frozen clock of Friday 16 Jan 2026."""

from __future__ import annotations

import json
import re

import pytest
from support import copy_testland
from webclient import RECORD, Browser, first_task, start

from engine.definitions import deploy, lint_bundle, read_folder


def _record_task(svc, case_id):
    return next(t for t in svc.list_tasks("sam") if t.case_id == case_id and t.spec_id == "task_record_request")


def _label(html, name):
    """The label text of a field on the page (its <label for> or its fieldset's legend)."""
    m = re.search(rf'<label for="f-{name}">(.*?)</label>', html, re.S)
    return re.sub(r"\s+", " ", m.group(1)) if m else ""


def test_expedited_date_after_day_45_is_a_field_error_with_the_entries_kept(navy):
    """Navy 4-1, 4-2: requested on Wed 31 Dec 2025, the 45th calendar day is Sat 14 Feb 2026 (across the year
    end and a weekend); Sun 15 Feb is refused on the field, before the engine runs, never the failure page."""
    app, svc, tokens = navy
    case_id = svc.start_case("navy", "navy_ra", "pat")
    task = _record_task(svc, case_id)
    sam = Browser(app, "sam")
    form = {**RECORD, "expedited": "true", "expedited_due_date": "2026-02-15", "expedite_reason": "Course starts"}
    r = sam.post(f"/tasks/{task.id}", data=form)
    assert r.status_code == 422
    assert "could not continue" not in r.text and "diagram failed" not in r.text
    assert re.search(r'id="f-expedited_due_date-error">.*must be on or before Sat 14 Feb 2026 \(45 calendar days '
                     r'after Date of the initial request\)', r.text)
    assert 'value="2026-02-15"' in r.text and 'value="Pat Doe"' in r.text and "Course starts" in r.text
    # the same submission through the API: 422 with the field named; nothing was saved
    body = {"data": {**RECORD, "expedited": True, "expedited_due_date": "2026-02-15", "expedite_reason": "x"}}
    r = app.test_client().post(f"/api/v1/tasks/{task.id}/complete", json=body, headers=tokens["sam"])
    assert r.status_code == 422 and "expedited_due_date" in r.json["errors"], r.json
    assert _record_task(svc, case_id).id == task.id
    # before the request date is refused too; the 45th day itself is accepted
    body["data"]["expedited_due_date"] = "2025-12-30"
    r = app.test_client().post(f"/api/v1/tasks/{task.id}/complete", json=body, headers=tokens["sam"])
    assert r.json["errors"]["expedited_due_date"] == ("must be on or after Wed 31 Dec 2025 (Date of the initial "
                                                      "request)")
    body["data"]["expedited_due_date"] = "2026-02-14"
    r = app.test_client().post(f"/api/v1/tasks/{task.id}/complete", json=body, headers=tokens["sam"])
    assert r.status_code == 200, r.json
    assert svc.get_case(case_id, "casey")["summary"]["tracking"]["expedited_due_date"] == "2026-02-14"


def test_a_request_date_in_the_future_is_refused(navy):
    app, svc, tokens = navy
    task = _record_task(svc, svc.start_case("navy", "navy_ra", "pat"))
    body = {"data": {**RECORD, "request_date": "2026-01-17", "expedited": False}}
    r = app.test_client().post(f"/api/v1/tasks/{task.id}/complete", json=body, headers=tokens["sam"])
    assert r.status_code == 422
    assert r.json["errors"] == {"request_date": "must not be in the future (today is Fri 16 Jan 2026)"}


def test_required_marks_follow_the_rules_also_after_a_failed_submit(navy):
    app, svc, _ = navy
    task = _record_task(svc, svc.start_case("navy", "navy_ra", "pat"))
    sam = Browser(app, "sam")
    page = sam.get(f"/tasks/{task.id}").text
    assert "(required)" in _label(page, "request_date")
    assert "(required)" not in _label(page, "expedited")  # a checkbox: unticked is an answer
    assert "(required)" not in _label(page, "expedited_due_date")  # only when expedited
    assert 'id="f-expedited_due_date" name="expedited_due_date" required' not in page
    r = sam.post(f"/tasks/{task.id}", data={**RECORD, "expedited": "true"})
    assert r.status_code == 422
    assert "(required)" in _label(r.text, "expedited_due_date") and "(required)" in _label(r.text, "expedite_reason")
    assert re.search(r'id="f-expedited_due_date-error">.*this field is required', r.text)


def test_prefill_from_the_case_and_the_requester(navy):
    """The requester's name from their account; the forwarding date is today, the request's date as recorded."""
    app, svc, tokens = navy
    case_id = svc.start_case("navy", "navy_ra", "pat")
    task = _record_task(svc, case_id)
    api = app.test_client()
    values = api.get(f"/api/v1/tasks/{task.id}", headers=tokens["sam"]).json["values"]
    assert values["requester_name"] == "Pat Doe"
    body = {"data": {**RECORD, "request_date": "2026-01-15", "expedited": False}}
    r = api.post(f"/api/v1/tasks/{task.id}/complete", json=body, headers=tokens["sam"])
    assert r.status_code == 200, r.json
    forward = next(t for t in svc.list_tasks("sam") if t.case_id == case_id and t.spec_id == "task_forward")
    page = Browser(app, "sam").get(f"/tasks/{forward.id}").text
    assert 'name="forwarded_date" required aria-required="true" value="2026-01-16"' in page
    # forwarding before the request was made is refused
    r = api.post(f"/api/v1/tasks/{forward.id}/complete", headers=tokens["sam"],
                 json={"data": {"forwarded_date": "2026-01-14", "coordinator_name": "Casey Doe"}})
    assert r.status_code == 422 and "forwarded_date" in r.json["errors"]
    r = api.post(f"/api/v1/tasks/{forward.id}/complete", headers=tokens["sam"],
                 json={"data": {"forwarded_date": "2026-01-16", "coordinator_name": "Casey Doe"}})
    assert r.status_code == 200, r.json
    confirm = first_task_of(svc, "pat", case_id)
    values = api.get(f"/api/v1/tasks/{confirm.id}", headers=tokens["pat"]).json["values"]
    assert values["email"] == "pat@example.gov" and values["request_date"] == "2026-01-15"
    assert values["signature_date"] == "2026-01-16"


def first_task_of(svc, user, case_id):
    return next(t for t in svc.list_tasks(user) if t.case_id == case_id)


def test_the_county_requester_describes_the_request_once(county):
    """County III: what the requester wrote on the request is shown on PER1100A, not asked a second time;
    a changed value sent to the API does not overwrite it."""
    app, svc, tokens = county
    erin = Browser(app, "erin")
    r = erin.post("/requests/new", data={"accommodation_requested": "An ergonomic chair"})
    assert r.status_code in (302, 303), r.text
    case_id = max(t.case_id for t in svc.list_tasks("erin"))
    submit = first_task_of(svc, "erin", case_id)
    page = erin.get(f"/tasks/{submit.id}").text
    assert "An ergonomic chair" in page and 'name="accommodation_requested"' not in page  # shown, not asked
    assert 'value="Erin Doe"' in page and 'value="erin@example.gov"' in page  # prefilled from the account
    api = app.test_client()
    r = api.post(f"/api/v1/tasks/{submit.id}/complete", headers=tokens["erin"], json={"data": {
        "requester_name": "Erin Doe", "requester_type": "employee", "position_class": "Account Clerk",
        "department": "Parks", "request_date": "2026-01-15", "requester_preference": "A chair with arm rests"}})
    assert r.status_code == 200, r.json
    triage = first_task_of(svc, "ada", case_id)
    svc.complete(triage.id, "ada", {"path": "non_industrial", "intake_date": "2026-01-16"})
    notice = next(t for t in svc.list_tasks("ada") if t.case_id == case_id)
    svc.complete(notice.id, "ada", {"rights_notice_date": "2026-01-16", "rights_notice_method": "email",
                                    "rights_notice_no_forced_accommodation": True,
                                    "rights_notice_no_retaliation": True})
    per1100a = first_task_of(svc, "erin", case_id)
    assert per1100a.form_key == "PER1100A"
    page = erin.get(f"/tasks/{per1100a.id}").text
    for shown in ("Account Clerk", "Parks", "An ergonomic chair", "A chair with arm rests"):
        assert shown in page
    for asked in ("requester_name", "position_class", "department", "accommodation_requested",
                  "requester_preference"):
        assert f'name="{asked}"' not in page
    r = api.post(f"/api/v1/tasks/{per1100a.id}/complete", headers=tokens["erin"],
                 json={"data": {"accommodation_requested": "Something else", "per1100a_date": "2026-01-16"}})
    assert r.status_code == 200, r.json
    workflow = svc.load_workflow(case_id)
    assert workflow.data.get("accommodation_requested", "An ergonomic chair") == "An ergonomic chair"
    assert all(t.data.get("accommodation_requested") in (None, "An ergonomic chair")
               for t in workflow.get_tasks())


@pytest.fixture
def ruled(web, tmp_path):
    """Testland with a dependentRequired rule and a script that refuses a date with field_error()."""
    _, service = web
    folder = copy_testland(tmp_path / "rules")
    forms = folder.parent.parent / "forms" / "testland"
    intake = json.loads((forms / "intake.json").read_text())
    intake["dependentRequired"] = {"diagnosis": ["note"]}
    (forms / "intake.json").write_text(json.dumps(intake))
    bpmn = folder / "tl_main.bpmn"
    text = bpmn.read_text()
    old = 'clock_resume("decision", received_date)'
    assert old in text
    bpmn.write_text(text.replace(old, 'if received_date &lt; "2026-01-16":\n    field_error("received_date", '
                                      '"must not be before the documents were asked for")\n' + old))
    assert not lint_bundle(read_folder(folder))
    deploy(service.db, read_folder(folder))
    return service


def test_dependent_required_is_a_field_error_and_a_mark(ruled, api, signed_in):
    case = start(api, "rob")
    task = first_task(api, "clara", case["id"])
    r = api("clara", "POST", f"/tasks/{task['id']}/complete",
            json={"data": {"decision": "approve", "diagnosis": "private words"}})
    assert r.status_code == 422
    assert r.json["errors"] == {"note": "this field is required when diagnosis is filled in"}
    assert "private words" not in r.text
    page = signed_in("clara").post(f"/tasks/{task['id']}", data={"decision": "approve", "diagnosis": "x"})
    assert "(required)" in _label(page.text, "note")
    assert "(required)" not in _label(signed_in("clara").get(f"/tasks/{task['id']}").text, "note")


def test_a_script_refusal_names_the_field_on_page_and_api(ruled, api, signed_in):
    case = start(api, "rob")
    task = first_task(api, "clara", case["id"])
    assert api("clara", "POST", f"/tasks/{task['id']}/complete",
               json={"data": {"decision": "documents"}}).status_code == 200
    docs = first_task(api, "clara", case["id"])
    r = api("clara", "POST", f"/tasks/{docs['id']}/complete", json={"data": {"received_date": "2026-01-15"}})
    assert r.status_code == 422
    assert r.json["errors"] == {"received_date": "must not be before the documents were asked for"}
    page = signed_in("clara").post(f"/tasks/{docs['id']}", data={"received_date": "2026-01-15"})
    assert page.status_code == 422 and "could not continue" not in page.text
    assert re.search(r'id="f-received_date-error">.*must not be before the documents were asked for', page.text)
    assert 'value="2026-01-15"' in page.text
    assert first_task(api, "clara", case["id"])["id"] == docs["id"]  # nothing saved: the step is still open
    r = api("clara", "POST", f"/tasks/{docs['id']}/complete", json={"data": {"received_date": "2026-01-16"}})
    assert r.status_code == 200, r.json
