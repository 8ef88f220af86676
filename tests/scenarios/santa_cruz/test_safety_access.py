"""The County article on safety personnel (and Cal. Code Regs. tit. 2, § 11069 confidentiality): Occupational
Safety and Health is told what emergency treatment is needed, in its own task, and may not open the case or
find it in the case list, neither before nor after working that task (`[confidential] emergency_only`)."""

from __future__ import annotations

import pytest

from engine import access, queries
from engine.errors import NotFound


def test_safety_personnel_work_their_task_but_never_see_the_case(sc):
    sc.intake("non_industrial")
    sc.s.service.send_event(sc.case_id, "emergency_information", "ada_coordinator",
                            {"emergency_needs": "Evacuation assistance from the 2nd floor"})
    task = sc.task("safety", "plan_emergency_response")
    assert sc.s.service.get_task(task.id, "safety")["values"]["emergency_needs"] \
        == "Evacuation assistance from the 2nd floor"
    with sc.s.db.transaction() as session:
        safety = access.load_actor(session, "safety")
    for _ in range(2):
        with pytest.raises(NotFound):
            sc.s.service.get_case(sc.case_id, "safety")
        assert queries.list_cases(sc.s.service, safety).rows == []
        if sc.has("safety", "plan_emergency_response"):
            sc.do("safety", "plan_emergency_response", emergency_plan="Evacuation chair", plan_date=sc.today())
    assert not sc.has("safety", "plan_emergency_response")
