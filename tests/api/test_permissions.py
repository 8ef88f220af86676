"""The permission matrix: each role against each endpoint and each confidential field.

Testland stands in for a jurisdiction: clerk = a supervisor's position (staff, not need-to-know),
reviewer = the RA coordinator's (need-to-know), cora holds both; rob is the requester, ruth another
requester, olga staff of another jurisdiction (with need-to-know roles there).
"""

from __future__ import annotations

import io

import pytest
from webclient import first_task, start

from engine.casefile import CONFIDENTIAL_VIEWED

SECRET = "Diagnosis-QWERTY"
ACTORS = ["clara", "rita", "cora", "rob", "ruth", "olga"]
SEES_CASE = {"clara", "rita", "cora", "rob"}
NEED_TO_KNOW = {"rita", "cora", "rob"}  # need_to_know roles of testland, and the requester


@pytest.fixture
def setting(api, tokens):
    """Case A (rob's): denied by the clerk with a diagnosis, now at the reviewer's legal review; one medical
    and one ordinary document in the file. Case B (rob's): at the clerk's first step, diagnosis in its data."""
    a = start(api, "rob")
    intake = first_task(api, "clara", a["id"])
    r = api("clara", "POST", f"/tasks/{intake['id']}/complete",
            json={"data": {"decision": "deny", "note": "no", "diagnosis": SECRET}})
    assert r.status_code == 200
    review = first_task(api, "rita", a["id"])
    medical = api("rita", "POST", f"/cases/{a['id']}/documents", content_type="multipart/form-data",
                  data={"doc_type": "medical", "file": (io.BytesIO(b"%PDF-1.7 medical"), "letter-from-doctor.pdf")})
    letter = api("clara", "POST", f"/cases/{a['id']}/documents", content_type="multipart/form-data",
                 data={"doc_type": "letter", "file": (io.BytesIO(b"%PDF-1.7 letter"), "confirmation.pdf")})
    assert medical.status_code == 201 and letter.status_code == 201
    b = start(api, "rob", data={"diagnosis": SECRET})
    intake_b = first_task(api, "clara", b["id"])
    return {"a": a["id"], "b": b["id"], "review": review["id"], "intake_b": intake_b["id"],
            "medical": medical.json["id"], "letter": letter.json["id"]}


def _events(api, case_id, kind):
    return [e for e in api("rita", "GET", f"/cases/{case_id}/history").json if e["kind"] == kind]


READS = [
    ("GET", "/cases/{a}", SEES_CASE),
    ("GET", "/cases/{a}/history", SEES_CASE),
    ("GET", "/cases/{a}/data", SEES_CASE),
    ("GET", "/cases/{a}/documents", SEES_CASE),
    ("GET", "/documents/{letter}", SEES_CASE),
    ("GET", "/documents/{medical}", NEED_TO_KNOW),
    ("GET", "/tasks/{review}", {"rita", "cora"}),
    ("GET", "/tasks/{intake_b}", {"clara", "cora"}),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("method,path,allowed", READS, ids=[p for _, p, _ in READS])
def test_read_matrix(api, setting, actor, method, path, allowed):
    r = api(actor, method, path.format(**setting))
    assert r.status_code == (200 if actor in allowed else 403), (actor, path, r.get_data(as_text=True)[:200])


@pytest.mark.parametrize("actor", ACTORS)
def test_lists_show_only_what_the_actor_may_see(api, setting, actor):
    cases = {c["id"] for c in api(actor, "GET", "/cases").json}
    assert (setting["a"] in cases) == (actor in SEES_CASE)
    tasks = {t["id"] for t in api(actor, "GET", "/tasks").json}
    assert (setting["review"] in tasks) == (actor in {"rita", "cora"})
    assert (setting["intake_b"] in tasks) == (actor in {"clara", "cora"})
    versions = api(actor, "GET", "/definitions").json
    assert {v["jurisdiction"] for v in versions} == {"otherland" if actor == "olga" else "testland"}


@pytest.mark.parametrize("actor", ACTORS)
def test_confidential_fields_per_role(api, setting, actor):
    """The diagnosis (x-confidential: medical) only for need-to-know roles and the requester; each view
    is recorded as confidential_viewed; no one else ever receives the value."""
    before = len(_events(api, setting["a"], CONFIDENTIAL_VIEWED))
    r = api(actor, "GET", f"/cases/{setting['a']}/data")
    if actor not in SEES_CASE:
        assert r.status_code == 403 and SECRET not in r.get_data(as_text=True)
        return
    fields = {f["name"]: f for sub in r.json for f in sub["fields"]}
    assert fields["decision"]["value"] == "deny" and fields["note"]["value"] == "no"  # the accommodation outcome
    if actor in NEED_TO_KNOW:
        assert fields["diagnosis"]["value"] == SECRET and not fields["diagnosis"]["hidden"]
        seen = _events(api, setting["a"], CONFIDENTIAL_VIEWED)
        assert len(seen) == before + 1 and seen[-1]["actor"] == actor
        assert seen[-1]["detail"] == {"what": "case_data", "fields": ["diagnosis"]}
    else:
        assert fields["diagnosis"]["value"] is None and fields["diagnosis"]["hidden"]
        assert SECRET not in r.get_data(as_text=True)
        assert len(_events(api, setting["a"], CONFIDENTIAL_VIEWED)) == before
    for path in ("/cases/{a}", "/cases/{a}/history", "/cases", "/tasks"):
        assert SECRET not in api(actor, "GET", path.format(**setting)).get_data(as_text=True), path


@pytest.mark.parametrize("actor", ["clara", "cora"])
def test_confidential_field_on_a_task(api, setting, actor):
    """Case B's first step carries the diagnosis in its form: the clerk works it blind, cora sees it."""
    view = api(actor, "GET", f"/tasks/{setting['intake_b']}").json
    seen = _events(api, setting["b"], CONFIDENTIAL_VIEWED)
    if actor == "cora":
        assert view["values"]["diagnosis"] == SECRET
        assert seen[-1]["actor"] == "cora" and seen[-1]["detail"]["fields"] == ["diagnosis"]
    else:
        assert view["values"]["diagnosis"] == "(confidential)" and not seen


@pytest.mark.parametrize("actor", ACTORS)
def test_documents_per_role(api, setting, actor):
    r = api(actor, "GET", f"/cases/{setting['a']}/documents")
    if actor not in SEES_CASE:
        assert r.status_code == 403
        return
    names = {d["filename"] for d in r.json["documents"]}
    if actor in NEED_TO_KNOW:
        assert names == {"letter-from-doctor.pdf", "confirmation.pdf"} and r.json["withheld_medical"] == 0
    else:
        assert names == {"confirmation.pdf"} and r.json["withheld_medical"] == 1
    upload = api(actor, "POST", f"/cases/{setting['a']}/documents", content_type="multipart/form-data",
                 data={"doc_type": "other", "file": (io.BytesIO(b"plain text"), "note.txt")})
    assert upload.status_code == 201


WRITES = {
    "claim review": ("POST", "/tasks/{review}/claim", None, {"rita", "cora"}),
    "complete review": ("POST", "/tasks/{review}/complete", {"data": {"sufficient": True}}, {"rita", "cora"}),
    "deploy": ("POST", "/definitions", {"folder": "testland"}, {"rita", "cora"}),
    "withdraw": ("POST", "/cases/{a}/withdraw", {"reason": "changed my mind"}, {"rob", "clara", "rita", "cora"}),
    "start for ruth": ("POST", "/cases", {"requester": "ruth"}, {"clara", "rita", "cora", "ruth"}),
    "start own": ("POST", "/cases", {}, set(ACTORS)),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(WRITES))
def test_write_matrix(api, setting, actor, action):
    method, path, body, allowed = WRITES[action]
    r = api(actor, method, path.format(**setting), json=body)
    if action == "start own" and actor in ("clara", "rita", "cora", "olga"):
        assert r.status_code == 201  # staff may record a request for themselves too
        return
    if action == "start for ruth" and actor == "olga":
        assert r.status_code == 422 and r.json["errors"] == {"requester": "there is no user 'ruth' in otherland"}
        return
    expected = {201, 200} if actor in allowed else {403}
    assert r.status_code in expected, (actor, action, r.get_data(as_text=True)[:200])
    if actor not in allowed:
        # nothing changed
        assert api("rita", "GET", f"/cases/{setting['a']}").json["status"] == "open"
