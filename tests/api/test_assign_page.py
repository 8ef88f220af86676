"""Issue 12: the case page's "Assign to" control, for the roles [permissions] assign allows (testland: the
reviewer); the assignee's mail is queued with the assignment."""

from __future__ import annotations

from sqlalchemy import select
from webclient import first_task, start

from engine.outbox_store import OutboxMail


def test_a_reviewer_assigns_a_step_from_the_case_page(api, signed_in, web):
    _, service = web
    case = start(api, "rob")
    step = first_task(api, "clara", case["id"])
    rita = signed_in("rita")
    page = rita.get(f"/cases/{case['id']}").text
    assert "Assign “Record the decision” to" in page and '<option value="clara">' in page
    assert '<option value="rob">' not in page  # only holders of the step's role
    assert "Assign “" not in signed_in("clara").get(f"/cases/{case['id']}").text  # a clerk may not assign
    r = rita.post(f"/tasks/{step['id']}/assign", data={"assignee": "clara", "case_id": case["id"]})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/cases/{case['id']}")
    shown = rita.get(f"/cases/{case['id']}").text
    assert "The step is assigned" in shown and "Step assigned" in shown
    with service.db.transaction() as s:
        assert s.execute(select(OutboxMail.recipient).where(OutboxMail.kind == "task_assigned")).scalars().all() \
            == ["clara"]
    bad = rita.post(f"/tasks/{step['id']}/assign", data={"assignee": "rob", "case_id": case["id"]})
    assert bad.status_code == 303 and "Not assigned: choose an active user" in rita.get(f"/cases/{case['id']}").text
    assert signed_in("ruth").post(f"/tasks/{step['id']}/assign", data={"assignee": "clara"}).status_code == 404
    assert signed_in("clara").post(f"/tasks/{step['id']}/assign", data={"assignee": "cora"}).status_code == 403
