"""Confidential views are recorded once per person, case and day, with a count (not one row per reload)."""

from __future__ import annotations

from datetime import timedelta

from webclient import first_task, start

from engine.casefile import CONFIDENTIAL_VIEWED

SECRET = "Diagnosis-QWER"


def views(api, case_id):
    return [(e["actor"], e["detail"]) for e in api("rita", "GET", f"/cases/{case_id}/history").json
            if e["kind"] == CONFIDENTIAL_VIEWED]


def test_reloads_on_one_day_count_on_one_row_and_a_new_day_starts_a_new_one(api, signed_in, frozen):
    case = start(api, "rob")
    task = first_task(api, "clara", case["id"])
    api("clara", "POST", f"/tasks/{task['id']}/complete", json={"data": {"decision": "deny", "diagnosis": SECRET}})
    rita = signed_in("rita")
    for _ in range(3):
        assert SECRET in rita.get(f"/cases/{case['id']}").text
    assert views(api, case["id"]) == [("rita", {"what": "case_data", "fields": ["diagnosis"], "count": 3})]
    signed_in("rob").get(f"/cases/{case['id']}")
    frozen.advance(timedelta(days=1))  # Saturday: a new day, a new row
    rita.get(f"/cases/{case['id']}")
    seen = views(api, case["id"])
    assert [a for a, _ in seen] == ["rita", "rob", "rita"] and "count" not in seen[2][1]
