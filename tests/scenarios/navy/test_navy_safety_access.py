"""Navy manual 2-4 and 1-5: Safety staff asked for input are told what an emergency needs, in their own task, and
nothing else: they may not open the case, its list entry or its data, neither while their task is open nor after
they have worked it. (County: the same rule for Occupational Safety and Health, see the santa_cruz scenarios.)"""

from __future__ import annotations

import re

import pytest

from api.app import create_app
from engine import access, auth, queries
from engine.errors import NotFound

auth.use_fast_hashing()
PASSWORD = "Tall-Maple-Harbor-42"


def _asked_safety(s):
    s.intake()
    s.service.send_event(s.case_id, "consultation", "coordinator",
                         {"consult_with": "safety", "question": "",
                          "emergency_needs": "Needs help to evacuate from the 3rd floor"})
    return s.task("safety", "task_input_safety")


def test_safety_works_its_task_but_never_sees_the_case(navy):
    s = navy
    task = _asked_safety(s)
    view = s.service.get_task(task.id, "safety")
    assert view["values"]["emergency_needs"] == "Needs help to evacuate from the 3rd floor"
    with pytest.raises(NotFound):
        s.service.get_case(s.case_id, "safety")
    with s.db.transaction() as session:
        safety = access.load_actor(session, "safety")
    assert [r.id for r in queries.list_cases(s.service, safety).rows] == []
    s.do("safety", "task_input_safety", emergency_plan="Evacuation chair and buddy", plan_date=s.today())
    with pytest.raises(NotFound):  # having worked the step does not make Safety "involved"
        s.service.get_case(s.case_id, "safety")
    assert [r.id for r in queries.list_cases(s.service, safety).rows] == []
    assert s.service.get_case(s.case_id, "supervisor")["id"] == s.case_id  # who worked steps still sees it


def test_safety_task_page_shows_no_case_and_the_case_page_answers_404(navy, frozen, tmp_path):
    s = navy
    task = _asked_safety(s)
    auth.set_password(s.db, "safety", PASSWORD)
    app = create_app({"DATABASE_URL": s.db.url, "CLOCK": frozen, "TESTING": True,
                      "INSTANCE_PATH": str(tmp_path / "instance"), "DOCUMENTS_PATH": str(tmp_path / "documents")})
    client = app.test_client()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"name": "safety", "password": PASSWORD, "csrf_token": csrf}).status_code == 302
    page = client.get(f"/tasks/{task.id}")
    assert page.status_code == 200
    assert "Needs help to evacuate from the 3rd floor" in page.text and "confidential" in page.text
    assert "Pat Doe" not in page.text and "Screen reader" not in page.text
    assert f'href="/cases/{s.case_id}"' not in page.text
    for path in (f"/cases/{s.case_id}", f"/api/v1/cases/{s.case_id}"):
        assert client.get(path).status_code in (404, 401) and "Pat Doe" not in client.get(path).text
    assert client.get(f"/cases/{s.case_id}").status_code == 404
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    done = client.post(f"/tasks/{task.id}", data={"csrf_token": csrf, "case_version": str(s.case()["version"]),
                                                  "emergency_plan": "Evacuation chair", "plan_date": s.today()})
    assert done.status_code == 302
    assert client.get(f"/cases/{s.case_id}").status_code == 404
