"""Issue 10: sending case events through the API and the case page, listing only what the actor may send now.

Testland's tl_main catches `note` (non-interrupting, payload form event_note); its [permissions] give case events
to the reviewer (the RA Coordinator's stand-in) besides the requester. Navy: 6-2 reevaluation and 1-6 recurring
instance reopen a closed request as a linked revision.
"""

from __future__ import annotations

from webclient import start


def test_the_api_lists_and_sends_only_the_events_the_actor_may_send(api):
    case = start(api, "rob")
    listed = api("rita", "GET", f"/cases/{case['id']}/events")
    assert listed.status_code == 200
    assert listed.json == [{"name": "note", "title": "Add a note", "form_key": "event_note", "reopens": False}]
    assert api("clara", "GET", f"/cases/{case['id']}/events").json == []  # sees the case, may not send
    r = api("rita", "POST", f"/cases/{case['id']}/events/note", json={"data": {"note": "Called the requester"}})
    assert r.status_code == 200 and r.json["id"] == case["id"]
    history = api("rita", "GET", f"/cases/{case['id']}/history").json
    assert [e["detail"] for e in history if e["kind"] == "case_event"] == [{"event": "note"}]


def test_unknown_or_not_allowed_events_and_bad_payloads_are_field_errors(api):
    case = start(api, "rob")
    path = f"/cases/{case['id']}"
    unknown = api("rita", "POST", f"{path}/events/ada_complaint", json={})
    assert unknown.status_code == 422 and "you may send: note" in unknown.json["errors"]["event"]
    withdrawal = api("rob", "POST", f"{path}/events/withdrawal", json={})  # has its own endpoint
    assert withdrawal.status_code == 422 and "event" in withdrawal.json["errors"]
    clerk = api("clara", "POST", f"{path}/events/note", json={"data": {"note": "x"}})
    assert clerk.status_code == 422 and "you may send: none" in clerk.json["errors"]["event"]
    missing = api("rob", "POST", f"{path}/events/note", json={"data": {}})
    assert missing.status_code == 422 and set(missing.json["errors"]) == {"note"}
    extra = api("rob", "POST", f"{path}/events/note", json={"data": {"note": "x", "diagnosis": "y"}})
    assert extra.status_code == 422 and extra.json["errors"] == {"diagnosis": "unknown field for this form"}
    too_long = api("rob", "POST", f"{path}/events/note", json={"data": {"note": "x" * 201}})
    assert too_long.status_code == 422 and "note" in too_long.json["errors"]
    history = api("rita", "GET", f"{path}/history").json
    assert [e for e in history if e["kind"] == "case_event"] == []  # nothing reached the case


def test_a_case_the_actor_may_not_know_answers_404(api):
    case = start(api, "rob")
    for who in ("ruth", "olga"):
        assert api(who, "GET", f"/cases/{case['id']}/events").status_code == 404
        r = api(who, "POST", f"/cases/{case['id']}/events/note", json={"data": {"note": "x"}})
        assert r.status_code == 404
    assert api("rita", "POST", "/cases/999999/events/note", json={"data": {"note": "x"}}).status_code == 404


def test_the_case_page_offers_the_event_and_shows_field_errors(api, signed_in):
    case = start(api, "rob")
    rita, clara = signed_in("rita"), signed_in("clara")
    page = rita.get(f"/cases/{case['id']}").text
    assert "Case events you may send" in page and f"/cases/{case['id']}/events/note" in page
    assert "Case events you may send" not in clara.get(f"/cases/{case['id']}").text
    assert clara.get(f"/cases/{case['id']}/events/note").status_code == 404
    form = rita.get(f"/cases/{case['id']}/events/note")
    assert form.status_code == 200 and 'name="note"' in form.text
    bad = rita.post(f"/cases/{case['id']}/events/note", data={"note": ""})
    assert bad.status_code == 422 and "error-summary" in bad.text and 'aria-invalid="true"' in bad.text
    ok = rita.post(f"/cases/{case['id']}/events/note", data={"note": "Called Rob"})
    assert ok.status_code == 303 and ok.headers["Location"].endswith(f"/cases/{case['id']}")
    shown = rita.get(f"/cases/{case['id']}").text
    assert "Sent: Add a note." in shown and "Case event" in shown
