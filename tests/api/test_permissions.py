"""The permission matrix: each role against each endpoint and each confidential field.

Testland stands in for a jurisdiction: clerk = a supervisor's position (staff, not need-to-know),
reviewer = the RA coordinator's (need-to-know, and the role testland's [permissions] allow to withdraw),
cora holds both; rob is the requester, ruth another requester, olga staff of another jurisdiction (with
need-to-know roles there).

The 404 rule (Navy 1-5, issue 8): whoever may not see a case gets 404 for it and everything in it, exactly
as for an id that does not exist; 403 only on a case they may see, for an action their role may not take.
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


SEES_B = {"clara", "rita", "cora", "rob"}  # clara and cora by the open clerk step, rita by need-to-know
# (path, who may, who may see the case) -> 200 / 403 / 404
READS = [
    ("GET", "/cases/{a}", SEES_CASE, SEES_CASE),
    ("GET", "/cases/{a}/history", SEES_CASE, SEES_CASE),
    ("GET", "/cases/{a}/data", SEES_CASE, SEES_CASE),
    ("GET", "/cases/{a}/documents", SEES_CASE, SEES_CASE),
    ("GET", "/documents/{letter}", SEES_CASE, SEES_CASE),
    ("GET", "/documents/{medical}", NEED_TO_KNOW, SEES_CASE),
    ("GET", "/tasks/{review}", {"rita", "cora"}, SEES_CASE),
    ("GET", "/tasks/{intake_b}", {"clara", "cora"}, SEES_B),
]


def expected_status(actor, allowed, sees, ok=200):
    return ok if actor in allowed else 403 if actor in sees else 404


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("method,path,allowed,sees", READS, ids=[p for _, p, _, _ in READS])
def test_read_matrix(api, setting, actor, method, path, allowed, sees):
    r = api(actor, method, path.format(**setting))
    assert r.status_code == expected_status(actor, allowed, sees), (actor, path, r.get_data(as_text=True)[:200])
    if r.status_code == 404:  # the same answer as for an id that does not exist: nothing to tell them apart
        missing = path.format(a=999999, letter=999999, medical=999999, review="0" * 8 + "-0000-0000-0000-" + "0" * 12,
                              intake_b="0" * 8 + "-0000-0000-0000-" + "0" * 12)
        other = api(actor, method, missing)
        assert other.status_code == 404 and set(other.json) == set(r.json)


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
        assert r.status_code == 404 and SECRET not in r.get_data(as_text=True)
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
        assert r.status_code == 404
        upload = api(actor, "POST", f"/cases/{setting['a']}/documents", content_type="multipart/form-data",
                     data={"doc_type": "other", "file": (io.BytesIO(b"plain text"), "note.txt")})
        assert upload.status_code == 404
        return
    names = {d["filename"] for d in r.json["documents"]}
    if actor in NEED_TO_KNOW:
        assert names == {"letter-from-doctor.pdf", "confirmation.pdf"} and r.json["withheld_medical"] == 0
    else:
        assert names == {"confirmation.pdf"} and r.json["withheld_medical"] == 1
    upload = api(actor, "POST", f"/cases/{setting['a']}/documents", content_type="multipart/form-data",
                 data={"doc_type": "other", "file": (io.BytesIO(b"plain text"), "note.txt")})
    assert upload.status_code == 201


WRITES = {  # action: (method, path, body, who may, who may see the case)
    "claim review": ("POST", "/tasks/{review}/claim", None, {"rita", "cora"}, SEES_CASE),
    "release review": ("POST", "/tasks/{review}/release", None, set(), SEES_CASE),  # nobody has claimed it
    "complete review": ("POST", "/tasks/{review}/complete", {"data": {"sufficient": True}}, {"rita", "cora"},
                        SEES_CASE),
    "claim intake b": ("POST", "/tasks/{intake_b}/claim", None, {"clara", "cora"}, SEES_B),
    "complete intake b": ("POST", "/tasks/{intake_b}/complete", {"data": {"decision": "approve", "note": "ok"}},
                          {"clara", "cora"}, SEES_B),
    "deploy": ("POST", "/definitions", {"folder": "testland"}, {"rita", "cora"}, set(ACTORS) - {"olga"}),
    "withdraw": ("POST", "/cases/{a}/withdraw", {"reason": "changed my mind"}, {"rob", "rita", "cora"}, SEES_CASE),
    "case event": ("POST", "/cases/{a}/events/note", {"data": {"note": "called"}}, {"rob", "rita", "cora"}, SEES_CASE),
    "start for ruth": ("POST", "/cases", {"requester": "ruth"}, {"clara", "rita", "cora", "ruth"}, set(ACTORS)),
    "start own": ("POST", "/cases", {}, set(ACTORS), set(ACTORS)),
    # issue 12: assigning a step ([permissions] assign = reviewer), recording a request for a new person
    "assign intake b": ("POST", "/tasks/{intake_b}/assign", {"assignee": "clara"}, {"rita", "cora"}, SEES_B),
    "start for a new person": ("POST", "/cases", {"new_requester": {
        "display_name": "Nia New", "email": "nia@example.org", "requester_type": "employee"}},
        {"clara", "rita", "cora", "olga"}, set(ACTORS)),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(WRITES))
def test_write_matrix(api, setting, actor, action):
    method, path, body, allowed, sees = WRITES[action]
    before = {k: api("cora", "GET", f"/cases/{setting[k]}").json for k in ("a", "b")}
    r = api(actor, method, path.format(**setting), json=body)
    if action == "start for ruth" and actor == "olga":
        assert r.status_code == 422 and r.json["errors"] == {"requester": "there is no user 'ruth' in otherland"}
        return
    if action == "deploy" and actor == "olga":
        assert r.status_code == 403  # another jurisdiction's folder: jurisdictions are public, cases are not
        return
    if actor in allowed:
        assert r.status_code in (200, 201), (actor, action, r.get_data(as_text=True)[:200])
        return
    if action == "case event" and actor in sees:  # an event not offered to them: a field error, not 403
        assert r.status_code == 422 and "note" in r.json["errors"]["event"]
    else:
        assert r.status_code == expected_status(actor, allowed, sees), (actor, action, r.get_data(as_text=True)[:200])
    for key in ("a", "b"):  # nothing changed: not the case, not its tasks
        after = api("cora", "GET", f"/cases/{setting[key]}").json
        assert (after["status"], after["version"], after["steps"]) == \
            (before[key]["status"], before[key]["version"], before[key]["steps"])
    if actor not in SEES_CASE:  # and a refused attempt never makes someone "involved"
        assert api(actor, "GET", f"/cases/{setting['a']}").status_code == 404


def test_acting_on_a_case_does_not_make_someone_involved(api, setting, service):
    """Issue 8: withdrawing, uploading or claiming is not working the case: only a completed step counts."""
    from engine.access import INVOLVING_EVENTS

    assert INVOLVING_EVENTS == ("task_completed",)
    # rita (need-to-know) uploads to and withdraws ruth's case, which she has never worked on
    ruth_case = start(api, "ruth")
    r = api("rita", "POST", f"/cases/{ruth_case['id']}/documents", content_type="multipart/form-data",
            data={"doc_type": "other", "file": (io.BytesIO(b"note"), "note.txt")})
    assert r.status_code == 201
    assert api("rita", "POST", f"/cases/{ruth_case['id']}/withdraw", json={"reason": "asked by phone"}).status_code \
        == 200
    history = api("rita", "GET", f"/cases/{ruth_case['id']}/history").json
    assert {e["kind"] for e in history if e["actor"] == "rita"} >= {"document_uploaded", "case_withdrawn"}
    # with a staff role that has no step in the case and no need-to-know, none of that lets her see it
    from engine import access
    from engine.store import Case

    with service.db.transaction() as s:
        row = s.get(Case, ruth_case["id"])
        bare = access.Actor("rita", "Rita", "testland", frozenset({"auditor"}))
        assert not access.can_view_case(s, bare, row)
