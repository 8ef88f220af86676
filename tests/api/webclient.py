"""Helpers for the web tests (import as `from webclient import ...`): API calls as a user, a signed-in
page client that sends the CSRF token, and small case helpers."""

from __future__ import annotations

import re
from pathlib import Path

PASSWORD = "Tall-Maple-Harbor-42"
USERS = ["clara", "rita", "rob", "ruth", "cora"]
ROOT = Path(__file__).resolve().parents[2]
NAVY = {"pat": ["requester"], "sam": ["supervisor"], "casey": ["coordinator"], "olive": ["ogc"]}
COUNTY = {"erin": ["requester"], "ada": ["ada_coordinator"]}


def jurisdiction_app(db, frozen, tmp_path, jurisdiction, users):
    """(app, service, tokens): a shipped jurisdiction deployed, its people with passwords, addresses and tokens."""
    from api.app import create_app
    from engine import auth
    from engine.cases import CaseService
    from engine.definitions import Registry, deploy, read_folder
    from engine.users import add_user

    deploy(db, read_folder(ROOT / "processes" / jurisdiction))
    svc = CaseService(db, Registry())
    for name, roles in users.items():
        add_user(db, svc.registry, name, roles, jurisdiction, display_name=name.capitalize() + " Doe",
                 email=f"{name}@example.gov")
        auth.set_password(db, name, PASSWORD)
    app = create_app({"DATABASE_URL": db.url, "CLOCK": frozen, "TESTING": True,
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    tokens = {n: {"Authorization": f"Bearer {auth.issue_token(db, n)}"} for n in users}
    return app, svc, tokens


RECORD = {"requester_name": "Pat Doe", "requester_type": "employee", "how_received": "supervisor",
          "received_by_name": "Sam Doe", "request_mode": "oral", "request_date": "2025-12-31",
          "accommodation_requested": "Screen reader software", "written_confirmation": "requester"}


def do_step(svc, user, spec_id, **data):
    """Complete `user`'s open step `spec_id` through the service (the first one listed)."""
    task = next((t for t in svc.list_tasks(user) if t.spec_id == spec_id), None)
    assert task, (user, spec_id, [t.spec_id for t in svc.list_tasks(user)])
    svc.complete(task.id, user, data)


def navy_interactive(svc, request_date: str):
    """Navy 2-2 to 2-7 after forwarding: Pat confirms (SECNAV 12306/1), Sam records essential functions and
    no interim accommodation, Casey finds no medical documentation needed (users of NAVY)."""
    do_step(svc, "pat", "task_confirm_requester", requester_confirmation="confirmed", requester_name="Pat Doe",
            job_title="IT Specialist", job_series="2210", grade="GS-12", component="NAVSEA", request_date=request_date,
            how_received="supervisor", accommodation_requested="Screen reader software",
            purpose="perform_essential_functions", signature_date="2026-01-16")
    do_step(svc, "sam", "task_essential_functions", position_title="IT Specialist", job_series="2210", grade="GS-12",
            essential_functions="Administer networks", essential_functions_date="2026-01-16")
    do_step(svc, "sam", "task_interim", interim_decision="not_possible", interim_not_possible_reason="None available")
    do_step(svc, "casey", "task_medical_need", medical_documentation_needed="no",
            medical_need_basis="obvious_or_on_file")


class Api:
    """Calls /api/v1 as a named user."""

    def __init__(self, client, tokens):
        self.client, self.tokens = client, tokens

    def __call__(self, user, method, path, **kw):
        headers = dict(self.tokens[user]) if user else {}
        headers.update(kw.pop("headers", {}))
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kw)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class Browser:
    """A signed-in test client for pages, sending the CSRF token with every POST."""

    def __init__(self, app, user):
        self.client = app.test_client()
        self.csrf = csrf_of(self.client.get("/login").text)
        r = self.client.post("/login", data={"name": user, "password": PASSWORD, "csrf_token": self.csrf})
        assert r.status_code == 302, r.text
        self.csrf = csrf_of(self.client.get("/requests").text)

    def get(self, path, **kw):
        return self.client.get(path, **kw)

    def post(self, path, data=None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf)
        return self.client.post(path, data=data, **kw)


def start(api, user="rob", **body):
    r = api(user, "POST", "/cases", json=body)
    assert r.status_code == 201, r.json
    return r.json


def first_task(api, user, case_id):
    rows = [t for t in api(user, "GET", "/tasks").json if t["case_id"] == case_id]
    assert rows, f"{user} has no task in case {case_id}"
    return rows[0]
