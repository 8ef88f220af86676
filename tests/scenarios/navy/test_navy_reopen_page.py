"""Navy manual 6-2 through the case page: on a closed request the employee is offered the reevaluation (not a
discussion, not a recurring instance of an accommodation that is not recurring); sending it opens the linked
revision case at the supervisor's step."""

from __future__ import annotations

import re

from test_navy_reopen import _closed

from api.app import create_app
from engine import auth

auth.use_fast_hashing()
PASSWORD = "Tall-Maple-Harbor-42"


def _signed_in(app, user):
    client = app.test_client()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"name": user, "password": PASSWORD, "csrf_token": csrf}).status_code == 302
    return client, re.search(r'name="csrf_token" value="([^"]+)"', client.get("/requests").text).group(1)


def test_employee_reopens_a_closed_request_from_the_case_page(navy, frozen, tmp_path):
    s = navy
    old = _closed(s)
    for name in ("requester", "supervisor"):
        auth.set_password(s.db, name, PASSWORD)
    app = create_app({"DATABASE_URL": s.db.url, "CLOCK": frozen, "TESTING": True,
                      "INSTANCE_PATH": str(tmp_path / "instance"), "DOCUMENTS_PATH": str(tmp_path / "documents")})
    pat, csrf = _signed_in(app, "requester")
    page = pat.get(f"/cases/{old}").text
    assert "Case events you may send" in page and f"/cases/{old}/events/reevaluation" in page
    assert f"/cases/{old}/events/discussion" not in page and f"/cases/{old}/events/recurring_instance" not in page
    form = pat.get(f"/cases/{old}/events/reevaluation")
    assert "This request is closed" in form.text and 'name="change"' in form.text
    empty = pat.post(f"/cases/{old}/events/reevaluation", data={"csrf_token": csrf, "change": ""})
    assert empty.status_code == 422 and "What changed" in empty.text and "error-summary" in empty.text
    r = pat.post(f"/cases/{old}/events/reevaluation", data={"csrf_token": csrf, "change": "New limitation"})
    assert r.status_code == 303
    new = int(r.headers["Location"].rsplit("/", 1)[1])
    assert new != old
    shown = pat.get(f"/cases/{new}").text
    assert f"Case {old} is closed: case {new} was opened as a revision of it" in shown
    sam, _ = _signed_in(app, "supervisor")
    assert f'<a href="/cases/{old}">Case {old}</a>' in sam.get(f"/cases/{new}").text  # "Reopens case"
    assert [t.spec_id for t in s.service.list_tasks("supervisor") if t.case_id == new] == ["task_reevaluation_request"]
    assert "Reopened as a revision (new case)" in sam.get(f"/cases/{old}").text  # the history

