"""Issue 8, section 6: a deadline already past when its timer is created fires at once, and the case
history says so (`timer_fired`), as for every timer the worker fires."""

from __future__ import annotations

from support import copy_testland, task_named

from engine.definitions import deploy, read_folder


def test_a_timer_past_due_at_creation_gets_a_timer_fired_entry(service, db, tmp_path):
    folder = copy_testland(tmp_path)
    bpmn = folder / "tl_main.bpmn"
    # Friday 16 January 2026 is "today" (frozen clock): a reminder dated New Year's Day is already past.
    bpmn.write_text(bpmn.read_text().replace("end_of_day(remind_on)", '"2026-01-01T17:00:00Z"'))
    deploy(db, read_folder(folder))
    case_id = service.start_case("testland", "tl_main", "rob")
    history = service.get_case(case_id, "rob")["history"]
    fired = [e for e in history if e["kind"] == "timer_fired"]
    assert [e["detail"] for e in fired] == [{"timer": "remind_timer"}] and fired[0]["actor"] == "rob"
    assert task_named(service, "clara", "Acknowledge the reminder").case_id == case_id
    service.fire_due_timers()  # nothing left to fire, nothing recorded twice
    assert len([e for e in service.get_case(case_id, "rob")["history"] if e["kind"] == "timer_fired"]) == 1
