"""Every status code of /api/v1: 200/201, 400 bad JSON, 401, 403 wrong role, 404, 409 stale or already
completed, 413, 422 field by field; never a 500 for bad input, never a traceback or medical data."""

from __future__ import annotations

import io
import logging

import pytest
from webclient import first_task, start

SECRET = "Migraine-XYZZY"


def test_openapi_document_is_public_and_lists_every_endpoint(api):
    r = api(None, "GET", "/openapi.json")
    assert r.status_code == 200
    spec = r.json
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path in ("/api/v1/cases", "/api/v1/cases/{case_id}", "/api/v1/cases/{case_id}/history",
                 "/api/v1/tasks", "/api/v1/tasks/{task_id}", "/api/v1/tasks/{task_id}/claim",
                 "/api/v1/tasks/{task_id}/release", "/api/v1/tasks/{task_id}/complete", "/api/v1/definitions",
                 "/api/v1/cases/{case_id}/documents", "/api/v1/documents/{document_id}"):
        assert path in spec["paths"], path
    assert "Complete" in spec["components"]["schemas"]


def test_200_and_201_through_a_case(api):
    case = start(api, "rob", data={"note_from_requester": "hi"})
    assert case["status"] == "open" and case["requester"] == "rob" and case["steps"][0]["role"] == "clerk"
    assert case["clocks"]["decision"]["days_left"] == 45
    task = first_task(api, "clara", case["id"])
    r = api("clara", "GET", f"/tasks/{task['id']}")
    assert r.status_code == 200 and r.json["form"]["properties"]["decision"]["enum"][0] == "approve"
    assert r.json["instructions"] == "Decide within the deadline."
    assert api("clara", "POST", f"/tasks/{task['id']}/claim").json["assignee"] == "clara"
    assert api("clara", "POST", f"/tasks/{task['id']}/release").json["assignee"] is None
    r = api("clara", "POST", f"/tasks/{task['id']}/complete",
            json={"data": {"decision": "approve"}, "case_version": r.json["case_version"]})
    assert r.status_code == 200 and r.json["case"]["status"] == "closed"
    assert r.json["case"]["outcome"] == "Approved"
    kinds = [e["kind"] for e in api("clara", "GET", f"/cases/{case['id']}/history").json]
    assert kinds[:2] == ["case_started", "task_opened"] and "task_completed" in kinds and kinds[-1] == "case_closed"
    assert api("clara", "GET", f"/cases/{case['id']}").json["tracking"] == {"decision": "approve"}


def test_list_filters(api, frozen):
    from datetime import timedelta

    a = start(api, "rob")
    b = start(api, "ruth")
    task = first_task(api, "clara", b["id"])
    api("clara", "POST", f"/tasks/{task['id']}/complete", json={"data": {"decision": "deny"}})
    ids = lambda **q: [c["id"] for c in api("clara", "GET", "/cases", query_string=q).json]  # noqa: E731
    assert ids() == [b["id"], a["id"]]
    assert ids(role="reviewer") == [b["id"]] and ids(role="clerk") == [a["id"]]
    assert ids(status="open", jurisdiction="testland") == [b["id"], a["id"]] and ids(status="closed") == []
    assert ids(overdue="true") == []
    frozen.advance(timedelta(days=6))  # past the clerk's reminder deadline (2 business days; MLK Day skipped)
    assert ids(overdue="true") == [a["id"]] and ids(overdue="false") == [b["id"]]
    assert ids(page_size=1) == [b["id"]] and ids(page_size=1, page=2) == [a["id"]]
    assert [c["id"] for c in api("rob", "GET", "/cases").json] == [a["id"]]  # a requester sees their own
    rows = api("clara", "GET", "/tasks", query_string={"due": "overdue"}).json
    assert [t["case_id"] for t in rows] == [a["id"]] and rows[0]["deadline"]["overdue"] is True


@pytest.mark.parametrize("path", ["/cases", "/tasks/{task}/complete", "/cases/{case}/withdraw", "/definitions"])
def test_400_for_a_body_that_is_not_json(api, path):
    case = start(api)
    task = first_task(api, "clara", case["id"])
    url = path.format(task=task["id"], case=case["id"])
    for body in ("{not json", "[1, 2", '"unterminated'):
        r = api("clara", "POST", url, data=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 400, (url, body, r.json)
        assert r.json["code"] == 400 and "JSON" in r.json["message"]


def test_400_for_json_that_is_not_an_object(api):
    for body in ("[1, 2]", "42", '"text"', "null"):
        r = api("rob", "POST", "/cases", data=body, headers={"Content-Type": "application/json"})
        assert r.status_code in (400, 422), body
        assert r.status_code == 400 or "_schema" not in r.json.get("errors", {})


def test_403_wrong_role_404_for_other_people(api):
    """403 on a case the actor may see, for an action their role may not take; 404 for a case they may not
    know exists (issue 8, Navy 1-5)."""
    case = start(api, "rob")
    task = first_task(api, "clara", case["id"])
    approve = {"data": {"decision": "approve"}}
    assert api("rita", "POST", f"/tasks/{task['id']}/complete", json=approve).status_code == 403
    assert api("rita", "POST", f"/tasks/{task['id']}/claim").status_code == 403
    assert api("rob", "GET", f"/tasks/{task['id']}").status_code == 403
    assert api("ruth", "GET", f"/cases/{case['id']}").status_code == 404
    assert api("olga", "GET", f"/cases/{case['id']}").status_code == 404
    assert api("rob", "POST", "/cases", json={"requester": "ruth"}).status_code == 403
    assert api("olga", "POST", "/cases", json={"jurisdiction": "testland"}).status_code == 403
    assert api("clara", "GET", "/cases", query_string={"jurisdiction": "otherland"}).status_code == 403
    assert api("clara", "POST", "/definitions", json={"folder": "testland"}).status_code == 403
    r = api("clara", "POST", f"/tasks/{task['id']}/claim")
    assert api("cora", "POST", f"/tasks/{task['id']}/release").status_code == 403
    assert r.status_code == 200


def test_404s(api):
    case = start(api)
    for method, path in [("GET", "/cases/99999"), ("GET", "/cases/99999/history"), ("GET", "/tasks/nope"),
                         ("POST", "/tasks/nope/claim"), ("GET", "/tasks/" + "x" * 300),
                         ("GET", "/documents/99999"), ("GET", "/cases/abc"), ("GET", "/nothing-here")]:
        r = api("clara", method, path)
        assert r.status_code == 404, path
        assert r.json["code"] == 404
    assert api("rob", "POST", "/cases", json={"process_id": "no_such_process"}).status_code == 404
    assert api("rita", "POST", "/definitions", json={"folder": "no_such_folder"}).status_code == 404
    assert api("clara", "GET", f"/cases/{case['id']}").status_code == 200


def test_405_is_json_too(api):
    r = api("clara", "DELETE", "/cases")
    assert r.status_code == 405 and r.json["code"] == 405


def test_409_already_completed_stale_and_claimed(api):
    case = start(api)
    task = first_task(api, "clara", case["id"])
    version = api("clara", "GET", f"/tasks/{task['id']}").json["case_version"]
    # someone else changes the case (a claim does not bump the version; a withdrawal on another case does
    # not either), so complete with a version from the past:
    r = api("clara", "POST", f"/tasks/{task['id']}/complete",
            json={"data": {"decision": "approve"}, "case_version": version - 1})
    assert r.status_code == 409 and "changed" in r.json["message"]
    assert api("cora", "POST", f"/tasks/{task['id']}/claim").status_code == 200
    r = api("clara", "POST", f"/tasks/{task['id']}/claim")
    assert r.status_code == 409 and "cora" in r.json["message"]
    approve = {"data": {"decision": "approve"}}
    assert api("cora", "POST", f"/tasks/{task['id']}/complete", json=approve).status_code == 200
    r = api("cora", "POST", f"/tasks/{task['id']}/complete", json=approve)
    assert r.status_code == 409 and "already completed" in r.json["message"]
    assert api("rob", "POST", f"/cases/{case['id']}/withdraw", json={}).status_code == 409


def test_422_field_by_field(api):
    case = start(api)
    task = first_task(api, "clara", case["id"])
    url = f"/tasks/{task['id']}/complete"
    r = api("clara", "POST", url, json={"data": {"note": "x" * 500, "bogus": 1}})
    assert r.status_code == 422
    assert r.json["errors"] == {"decision": "this field is required", "note": "at most 200 characters",
                                "bogus": "unknown field for this form"}
    r = api("clara", "POST", url, json={"data": {"decision": "maybe"}})
    assert r.status_code == 422 and r.json["errors"]["decision"].startswith("choose one of: Approve, Deny")
    r = api("clara", "POST", url, json={"case_version": "x"})
    assert r.status_code == 422 and set(r.json["errors"]) == {"data", "case_version"}
    r = api("clara", "POST", url, json={"data": "approve"})
    assert r.status_code == 422 and "data" in r.json["errors"]
    r = api("clara", "POST", url, json={"data": {"decision": "approve"}, "extra": 1})
    assert r.status_code == 422 and r.json["errors"] == {"extra": "Unknown field."}
    r = api("rob", "POST", "/cases", json={"data": {"Bad Key": 1, "_private": 2}})
    assert r.status_code == 422 and set(r.json["errors"]) == {"Bad Key", "_private"}
    r = api("clara", "GET", "/cases", query_string={"status": "bogus", "overdue": "many"})
    assert r.status_code == 422 and set(r.json["errors"]) == {"status", "overdue"}
    # nothing happened: the task is still open
    assert api("clara", "GET", f"/tasks/{task['id']}").status_code == 200


def test_413_for_a_document_over_the_limit(api):
    case = start(api)
    big = b"%PDF-1.4\n" + b"0" * (64 * 1024)
    r = api("rob", "POST", f"/cases/{case['id']}/documents", content_type="multipart/form-data",
            data={"doc_type": "medical", "file": (io.BytesIO(big), "big.pdf")})
    assert r.status_code == 413 and "limit" in r.json["message"]
    huge = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024)
    r = api("rob", "POST", f"/cases/{case['id']}/documents", content_type="multipart/form-data",
            data={"doc_type": "medical", "file": (io.BytesIO(huge), "huge.pdf")})
    assert r.status_code == 413


def test_json_bodies_are_limited(api):
    r = api("rob", "POST", "/cases", json={"data": {"text": "x" * (2 * 1024 * 1024)}})
    assert r.status_code == 413


BAD_INPUTS = [
    ("POST", "/cases", {"json": {"jurisdiction": 5}}),
    ("POST", "/cases", {"json": {"jurisdiction": "../etc"}}),
    ("POST", "/cases", {"json": {"data": {"a": {"b": [1, {"c": None}]}}, "title": ""}}),
    ("POST", "/cases", {"json": {"process_id": "x" * 5000}}),
    ("POST", "/cases", {"data": b"\xff\xfe\x00", "headers": {"Content-Type": "application/json"}}),
    ("POST", "/cases", {"data": "a=b", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}),
    ("GET", "/cases", {"query_string": {"overdue": "perhaps", "page": "-1"}}),
    ("GET", "/cases/0", {}),
    ("GET", "/cases/-1", {}),
    ("GET", "/cases/99999999999999999999999", {}),
    ("GET", "/tasks", {"query_string": {"scope": "everything", "sort": "nope"}}),
    ("GET", "/tasks/%00", {}),
    ("GET", "/tasks/'; DROP TABLE task; --", {}),
    ("POST", "/tasks/{task}/complete", {"json": {"data": {"decision": None, "note": ["x"]}}}),
    ("POST", "/tasks/{task}/complete", {"json": {"data": {"decision": "approve"}, "case_version": 10 ** 30}}),
    ("POST", "/tasks/{task}/complete", {"json": {"data": {"diagnosis": 12345, "decision": {"x": 1}}}}),
    ("POST", "/tasks/{task}/complete", {"json": {"data": {"1": 2}}}),
    ("POST", "/definitions", {"json": {"folder": "../../etc"}}),
    ("POST", "/definitions", {"json": {"folder": ""}}),
    ("GET", "/definitions", {"query_string": {"jurisdiction": "Other Land"}}),
    ("POST", "/cases/{case}/documents", {"data": {"doc_type": "medical"}, "content_type": "multipart/form-data"}),
    ("POST", "/cases/{case}/documents", {"json": {"doc_type": "medical"}}),
    ("POST", "/cases/{case}/withdraw", {"json": {"reason": 7}}),
]


@pytest.mark.parametrize("method,path,kw", BAD_INPUTS)
def test_never_a_500_for_bad_input(api, method, path, kw, caplog):
    case = start(api)
    task = first_task(api, "clara", case["id"])
    r = api("clara", method, path.format(task=task["id"], case=case["id"]), **kw)
    assert 400 <= r.status_code < 500, (path, kw, r.status_code, r.get_data(as_text=True)[:300])
    assert r.is_json and set(r.json) >= {"code", "status", "message"}
    assert "Traceback" not in r.get_data(as_text=True)
    assert "Traceback" not in caplog.text


def test_unexpected_errors_answer_500_without_details_or_traceback(api, monkeypatch, caplog):
    from engine import queries

    def boom(*_a, **_k):
        raise ValueError(f"something about {SECRET}")

    monkeypatch.setattr(queries, "case_row", boom)
    caplog.set_level(logging.DEBUG)
    r = api("rob", "POST", "/cases", json={"data": {"diagnosis": SECRET}})
    assert r.status_code == 500 and r.json["code"] == 500 and "reference" in r.json["message"]
    text = r.get_data(as_text=True)
    assert SECRET not in text and "Traceback" not in text and "ValueError" not in text
    assert SECRET not in caplog.text and "Traceback" not in caplog.text
    assert "internal error" in caplog.text and "ValueError" in caplog.text


def test_medical_values_never_reach_responses_of_others_or_logs(api, caplog):
    caplog.set_level(logging.DEBUG)
    case = start(api, "rob", data={"diagnosis": SECRET})
    task = first_task(api, "clara", case["id"])
    # the clerk (a supervisor's position: not need-to-know) works the task but never sees the value
    view = api("clara", "GET", f"/tasks/{task['id']}").json
    assert view["values"]["diagnosis"] == "(confidential)"
    bad = api("clara", "POST", f"/tasks/{task['id']}/complete", json={"data": {"diagnosis": 12345}})
    assert bad.status_code == 422 and bad.json["errors"]["diagnosis"] == "enter text"
    ok = api("clara", "POST", f"/tasks/{task['id']}/complete", json={"data": {"decision": "deny", "diagnosis": SECRET}})
    assert ok.status_code == 200
    seen = [api("clara", "GET", p).get_data(as_text=True) for p in
            (f"/cases/{case['id']}", f"/cases/{case['id']}/history", f"/cases/{case['id']}/data", "/cases", "/tasks")]
    assert not [s for s in seen if SECRET in s]
    assert SECRET not in caplog.text
    # the need-to-know reviewer and the requester do see it
    assert SECRET in api("rita", "GET", f"/cases/{case['id']}/data").get_data(as_text=True)
    assert SECRET in api("rob", "GET", f"/cases/{case['id']}/data").get_data(as_text=True)
