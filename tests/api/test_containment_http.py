"""Issue 8 over HTTP: a step over a diagram limit is a JSON 422 / a page error naming the element and the
limit; nothing is saved; never a bare 500. Any unexpected failure is a JSON error or the styled page."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from webclient import first_task, start

from engine.definitions import deploy, read_folder

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SLOW = ('<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">decision == "approve"</bpmn:conditionExpression>',
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">decision == "approve" and '
        'len([i for i in range(10**6) for j in range(10**6)]) &gt; 0</bpmn:conditionExpression>')


def _slow_testland(tmp_path: Path) -> Path:
    target = tmp_path / "slow" / "processes" / "testland"
    shutil.copytree(FIXTURES / "processes" / "testland", target)
    shutil.copytree(FIXTURES / "forms" / "testland", tmp_path / "slow" / "forms" / "testland")
    (target / "jurisdiction.toml").write_text((target / "jurisdiction.toml").read_text()
                                              + "\n[limits]\nscript_seconds = 0.3\n")
    bpmn = target / "tl_main.bpmn"
    bpmn.write_text(bpmn.read_text().replace(*SLOW))
    return target


def test_a_completed_step_over_the_budget_is_a_422_and_stores_nothing(api, web, tmp_path, signed_in):
    _, service = web
    deploy(service.db, read_folder(_slow_testland(tmp_path)))
    case = start(api, "rob")
    task = first_task(api, "clara", case["id"])
    began = time.monotonic()
    r = api("clara", "POST", f"/tasks/{task['id']}/complete", json={"data": {"decision": "approve"}})
    assert time.monotonic() - began < 2.5
    assert r.status_code == 422 and r.json["errors"] == {"_procedure": "route: took longer than 0.3 s"}, r.json
    after = api("clara", "GET", f"/cases/{case['id']}").json
    assert after["version"] == case["version"] and [s["task_id"] for s in after["steps"]] == [task["id"]]
    page = signed_in("clara").post(f"/tasks/{task['id']}", data={"decision": "approve",
                                                                 "case_version": str(case["version"])})
    assert page.status_code == 422 and "route: took longer than 0.3 s" in page.text
    assert "Nothing was saved" in page.text and 'value="approve" checked' in page.text.replace("\n", " ") or \
        'checked' in page.text
    assert api("clara", "GET", f"/cases/{case['id']}").json["version"] == case["version"]
