"""The requester's view in plain words (Navy 2-9): outcome, what happens next, their own dates, the
clock on hold and why; never internal reviews (a legal sufficiency review) or staff notes, never a raw code."""

from __future__ import annotations

import pytest
from support import copy_testland
from webclient import first_task, start

from engine.definitions import deploy, read_folder

RV = '''
[requester_view]
decision_field = "decision"
approved = ["approve"]
denied = ["deny"]
approved_text_field = "note"
internal_roles = ["reviewer"]
'''


@pytest.fixture
def plain(web, tmp_path):
    _, service = web
    folder = copy_testland(tmp_path / "rv")
    config = folder / "jurisdiction.toml"
    config.write_text(config.read_text() + RV)
    deploy(service.db, read_folder(folder))
    return service


def decide(api, case_id, **data):
    task = first_task(api, "clara", case_id)
    r = api("clara", "POST", f"/tasks/{task['id']}/complete", json={"data": data})
    assert r.status_code == 200, r.json


def pages(signed_in, case_id):
    rob = signed_in("rob")
    return rob.get("/requests").text, rob.get(f"/cases/{case_id}").text


def test_approved_shows_the_accommodation_as_approved_and_the_day_it_was_requested(plain, api, signed_in):
    case = start(api, "rob")
    decide(api, case["id"], decision="approve", note="Sit-stand desk")
    mine, page = pages(signed_in, case["id"])
    for html in (mine, page):
        assert "Approved: Sit-stand desk" in html
        assert "Fri 16 Jan 2026" in html  # the day the request was made (the frozen Friday)
        assert ">approve<" not in html and "Tracking data" not in html


def test_denied_never_shows_the_internal_review_and_says_who_handles_it(plain, api, signed_in):
    case = start(api, "rob")
    decide(api, case["id"], decision="deny")
    mine, page = pages(signed_in, case["id"])
    for html in (mine, page):
        assert "The agency is reviewing your request" in html
        assert "Legal sufficiency review" not in html
    assert "History" not in page and "Where the case is" not in page
    review = first_task(api, "rita", case["id"])
    r = api("rita", "POST", f"/tasks/{review['id']}/complete", json={"data": {"sufficient": True}})
    assert r.status_code == 200, r.json
    assert "Legally sufficient" in signed_in("rita").get(f"/cases/{case['id']}").text
    mine, page = pages(signed_in, case["id"])
    assert "<strong>Denied</strong>" in mine and "<strong>Denied</strong>" in page
    assert "Legally sufficient" not in page and "Legal sufficiency review" not in page


def test_withdrawn(plain, api, signed_in):
    case = start(api, "rob")
    assert api("rob", "POST", f"/cases/{case['id']}/withdraw", json={"reason": "not needed"}).status_code in (200, 204)
    mine, _ = pages(signed_in, case["id"])
    assert "<strong>Withdrawn</strong>" in mine


def test_on_hold_says_why_and_since_when(plain, api, signed_in):
    case = start(api, "rob")
    decide(api, case["id"], decision="documents")
    mine, page = pages(signed_in, case["id"])
    for html in (mine, page):
        assert "On hold since Fri 16 Jan 2026: documents requested." in html
