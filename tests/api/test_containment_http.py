"""Issue 8 over HTTP: a step over a diagram limit is a JSON 422 / a page error naming the element and the
limit; nothing is saved; never a bare 500. Any unexpected failure is a JSON error or the styled page."""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from webclient import first_task, start

from engine.definitions import deploy, read_folder

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SLOW = ('<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">decision == "approve"</bpmn:conditionExpression>',
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">decision == "approve" and '
        'len([i for i in range(10**6) for j in range(10**6)]) &gt; 0</bpmn:conditionExpression>')


def _slow_testland(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    target = tmp_path / "slow" / "processes" / "testland"
    shutil.copytree(FIXTURES / "processes" / "testland", target)
    shutil.copytree(FIXTURES / "forms" / "testland", tmp_path / "slow" / "forms" / "testland")
    (target / "jurisdiction.toml").write_text((target / "jurisdiction.toml").read_text()
                                              + "\n[limits]\nscript_seconds = 0.3\n")
    bpmn = target / "tl_main.bpmn"
    text = bpmn.read_text()
    for old, new in changes or (SLOW,):
        assert old in text
        text = text.replace(old, new)
    bpmn.write_text(text)
    return target


def test_a_completed_step_over_the_budget_is_a_422_and_stores_nothing(api, web, tmp_path, signed_in):
    _, service = web
    deploy(service.db, read_folder(_slow_testland(tmp_path)))
    case = start(api, "rob")
    task = first_task(api, "clara", case["id"])
    began = time.monotonic()
    r = api("clara", "POST", f"/tasks/{task['id']}/complete", json={"data": {"decision": "approve"}})
    assert time.monotonic() - began < 2.5
    assert r.status_code == 422 and r.json["errors"] == {"_procedure": "f_approve: took longer than 0.3 s"}, r.json
    after = api("clara", "GET", f"/cases/{case['id']}").json
    assert after["version"] == case["version"] and [s["task_id"] for s in after["steps"]] == [task["id"]]
    page = signed_in("clara").post(f"/tasks/{task['id']}", data={"decision": "approve",
                                                                 "case_version": str(case["version"])})
    assert page.status_code == 422 and "f_approve: took longer than 0.3 s" in page.text
    assert "Nothing was saved" in page.text and 'value="approve" checked' in page.text.replace("\n", " ") or \
        'checked' in page.text
    assert api("clara", "GET", f"/cases/{case['id']}").json["version"] == case["version"]


# A watched deadline (clock_due) is evaluated again whenever the case is saved, so a hold moves it.
# Here the text is cheap while the clock runs and a bomb once it is held: acknowledging the reminder
# holds the clock, the save re-evaluates the intake's deadline timer, and that must be a 422 naming the
# timer, not the error page, with nothing stored.
HELD_BOMB = ('clock_due("decision")</bpmn:timeDate>',
             'clock_due("decision") if clock_due_date("decision") else '
             'str(len([i for i in range(10**6) for j in range(10**6)]))</bpmn:timeDate>')
HOLD_ON_ACK = ('<bpmn:sequenceFlow id="f4" sourceRef="reminder" targetRef="end_reminded" />',
               '<bpmn:sequenceFlow id="f4" sourceRef="reminder" targetRef="hold_on_ack" />\n'
               '<bpmn:scriptTask id="hold_on_ack" name="Hold the clock"><bpmn:script>'
               'clock_hold("decision", "reminder acknowledged")</bpmn:script></bpmn:scriptTask>\n'
               '<bpmn:sequenceFlow id="f4b" sourceRef="hold_on_ack" targetRef="end_reminded" />')


def test_a_watched_deadline_over_the_budget_when_saved_is_a_422_and_stores_nothing(api, web, frozen, tmp_path,
                                                                                  signed_in):
    _, service = web
    deploy(service.db, read_folder(_slow_testland(tmp_path, HELD_BOMB, HOLD_ON_ACK)))
    case = start(api, "rob")  # Friday 16 Jan 2026; the reminder is due two business days on (MLK Day skipped)
    frozen.set(datetime(2026, 1, 22, 15, 0, tzinfo=UTC))  # due at the end of Wed 21 Jan
    assert service.fire_due_timers() == 1  # the clock still runs: the watched timer is cheap
    [ack] = [t for t in api("clara", "GET", "/tasks").json
             if t["case_id"] == case["id"] and t["title"] == "Acknowledge the reminder"]
    before = api("clara", "GET", f"/cases/{case['id']}").json
    began = time.monotonic()
    r = api("clara", "POST", f"/tasks/{ack['id']}/complete", json={"data": {"acknowledged": True}})
    assert time.monotonic() - began < 2.5
    assert r.status_code == 422 and r.json["errors"] == {"_procedure": "deadline_timer: took longer than 0.3 s"}, \
        r.json
    after = api("clara", "GET", f"/cases/{case['id']}").json
    assert after["version"] == before["version"] and after["steps"] == before["steps"]
    page = signed_in("clara").post(f"/tasks/{ack['id']}", data={"acknowledged": "on",
                                                                "case_version": str(before["version"])})
    assert page.status_code == 422 and "deadline_timer: took longer than 0.3 s" in page.text
    assert api("clara", "GET", f"/cases/{case['id']}").json["version"] == before["version"]
