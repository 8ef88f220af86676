"""The cases service against a real database (SQLite file and PostgreSQL) and the fixture diagrams:
two lanes, an interrupting and a non-interrupting timer, a gateway on form data, a call activity."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from support import TESTLAND, task_named

from engine import runtime
from engine.cases import CaseService
from engine.definitions import Registry
from engine.errors import Conflict, Forbidden, NotFound, ScriptError, ValidationFailed
from engine.store import Case, Event, Task, Timer


def start(svc, who="rob"):
    return svc.start_case("testland", "tl_main", who)


def test_case_starts_at_first_user_task_with_due_date_two_business_days_out(service):
    case_id = start(service)
    task = task_named(service, "clara", "Record the decision")
    assert task.case_id == case_id and task.role == "clerk"
    # Friday 2026-01-16 + 2 business days, Monday 19th is MLK Day: due end of Wednesday 21st, New York time.
    assert task.due_at.isoformat() == "2026-01-22T05:00:00+00:00"
    view = service.get_case(case_id, "clara")
    assert view["summary"]["clocks"]["decision"]["due"] == "2026-03-02"
    assert [e["kind"] for e in view["history"]] == ["case_started", "task_opened"]


def test_persisted_case_continues_in_a_fresh_service(service, db):
    case_id = start(service)
    fresh = CaseService(db, Registry())
    task = task_named(fresh, "clara", "Record the decision")
    fresh.complete(task.id, "clara", {"decision": "approve"})
    view = service.get_case(case_id, "clara")
    assert view["status"] == "closed"
    assert view["summary"]["outcome"] == "Approved"
    assert view["summary"]["tracking"] == {"decision": "approve"}


def test_gateway_routes_deny_through_call_activity_to_reviewer_lane(service):
    case_id = start(service)
    service.complete(task_named(service, "clara", "Record the decision").id, "clara", {"decision": "deny"})
    assert not service.list_tasks("clara")
    review = task_named(service, "rita", "Legal sufficiency review")
    assert review.role == "reviewer"
    with pytest.raises(Forbidden):
        service.complete(review.id, "clara", {"sufficient": True})
    service.complete(review.id, "rita", {"sufficient": True})
    assert service.get_case(case_id, "rita")["summary"]["outcome"] == "Denied"


def test_non_interrupting_timer_adds_a_reminder_and_keeps_the_task(service, frozen):
    case_id = start(service)
    frozen.advance(timedelta(days=5, hours=10))  # Wed 21st 20:00 New York: still on time
    assert service.fire_due_timers() == 0
    frozen.advance(timedelta(hours=5))  # Thursday 22nd 01:00 New York: overdue
    assert service.fire_due_timers() == 1
    titles = sorted(t.title for t in service.list_tasks("clara"))
    assert titles == ["Acknowledge the reminder", "Record the decision"]
    kinds = [e["kind"] for e in service.get_case(case_id, "clara")["history"]]
    assert kinds.count("timer_fired") == 1


def test_interrupting_timer_cancels_the_task_and_takes_its_path(service, frozen):
    case_id = start(service)
    frozen.advance(timedelta(days=60))
    assert service.fire_due_timers() >= 1
    assert [t.title for t in service.list_tasks("clara")] == ["Acknowledge the reminder"]
    wf = service.load_workflow(case_id)
    reached = {t.task_spec.bpmn_id for t in wf.get_tasks() if t.task_spec.bpmn_id and t.state == TaskState.COMPLETED}
    assert "end_timed_out" in reached and "intake" not in reached
    service.complete(task_named(service, "clara", "Acknowledge the reminder").id, "clara", {})
    assert service.get_case(case_id, "clara")["status"] == "closed"


def test_clock_hold_and_resume_moves_the_watching_timer(service, frozen, db):
    case_id = start(service)
    frozen.advance(timedelta(days=5))  # day 5
    service.complete(task_named(service, "clara", "Record the decision").id, "clara", {"decision": "documents"})
    view = service.get_case(case_id, "clara")
    assert view["summary"]["clocks"]["decision"]["held"] is True
    assert view["summary"]["clocks"]["decision"]["due"] is None
    frozen.advance(timedelta(days=20))  # day 25
    service.complete(task_named(service, "clara", "Record documents received").id, "clara",
                     {"received_date": "2026-02-10"})
    clocks = service.get_case(case_id, "clara")["summary"]["clocks"]["decision"]
    assert clocks["due"] == "2026-03-22"  # 45 + 20 days held
    assert clocks["days_held"] == 20 and clocks["elapsed"] == 5


def test_form_errors_are_returned_per_field_and_nothing_is_stored(service, db):
    case_id = start(service)
    task = task_named(service, "clara", "Record the decision")
    before = _snapshot(db, case_id)
    with pytest.raises(ValidationFailed) as err:
        service.complete(task.id, "clara", {"decision": "maybe", "note": "x" * 300, "bogus": 1})
    assert set(err.value.errors) == {"decision", "note", "bogus"}
    assert _snapshot(db, case_id) == before


def test_exception_in_the_middle_of_a_step_leaves_the_database_as_before(service, db):
    case_id = start(service)
    task = task_named(service, "clara", "Record the decision")
    before = _snapshot(db, case_id)
    with pytest.raises(ScriptError) as err:
        service.complete(task.id, "clara", {"decision": "explode"})
    assert "broken" in str(err.value)  # names the element
    assert _snapshot(db, case_id) == before
    # and the task can still be completed properly afterwards
    service.complete(task.id, "clara", {"decision": "approve"})
    assert service.get_case(case_id, "clara")["status"] == "closed"


def _race(db, task_id, users):
    """Complete one task from several threads at the same moment; returns each outcome."""
    barrier = threading.Barrier(len(users))
    results = []

    def complete(who, svc):
        barrier.wait()
        try:
            svc.complete(task_id, who, {"decision": "approve"})
            results.append("ok")
        except Conflict:
            results.append("conflict")

    threads = [threading.Thread(target=complete, args=(who, CaseService(db, Registry()))) for who in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


def test_two_concurrent_completes_of_one_task_exactly_one_wins(service, db):
    for _ in range(3):
        case_id = start(service)
        task = [t for t in service.list_tasks("clara") if t.case_id == case_id][0]
        assert _race(db, task.id, ["clara", "cora"]) == ["conflict", "ok"]
        completed = [e for e in service.get_case(case_id, "rob")["history"] if e["kind"] == "task_completed"]
        assert len(completed) == 1


def test_stale_version_is_refused_with_conflict(service):
    case_id = start(service)
    task = task_named(service, "clara", "Record the decision")
    version = service.get_case(case_id, "clara")["version"]
    service.claim(task.id, "clara")
    with pytest.raises(Conflict):
        service.complete(task.id, "clara", {"decision": "approve"}, expected_version=version - 1)
    with pytest.raises(Conflict):
        service.complete(task.id, "clara", {"decision": "approve"}, expected_version=version + 5)
    service.complete(task.id, "clara", {"decision": "approve"}, expected_version=version)
    with pytest.raises(Conflict, match="already completed"):
        service.complete(task.id, "clara", {"decision": "approve"})


def test_claim_release_and_role_rules(service):
    start(service)
    task = task_named(service, "clara", "Record the decision")
    with pytest.raises(Forbidden):
        service.claim(task.id, "rita")  # reviewer does not hold clerk
    service.claim(task.id, "clara")
    assert [t.title for t in service.list_tasks("clara", "mine")] == ["Record the decision"]
    assert not [t for t in service.list_tasks("cora", "queue") if t.id == task.id]
    with pytest.raises(Conflict):
        service.claim(task.id, "cora")
    with pytest.raises(Forbidden):
        service.complete(task.id, "cora", {"decision": "approve"})  # assigned to clara
    with pytest.raises(Forbidden):
        service.release(task.id, "cora")
    service.release(task.id, "clara")
    service.claim(task.id, "cora")
    service.complete(task.id, "cora", {"decision": "approve"})
    with pytest.raises(NotFound):
        service.claim("00000000-0000-0000-0000-000000000000", "clara")


def test_withdrawal_runs_the_diagram_confirmation_and_marks_the_case(service):
    case_id = start(service)
    with pytest.raises(NotFound):
        service.withdraw(case_id, "ruth", "not mine")  # another requester: may not know the case exists
    with pytest.raises(Forbidden, match="may not withdraw"):
        service.withdraw(case_id, "clara", "asked by phone")  # sees it (her step) but a clerk may not withdraw
    service.withdraw(case_id, "rob", "no longer needed")
    view = service.get_case(case_id, "rob")
    assert view["status"] == "withdrawn"
    titles = [t.title for t in service.list_tasks("clara")]
    assert titles == ["Send withdrawal confirmation"]
    service.complete(task_named(service, "clara", "Send withdrawal confirmation").id, "clara", {"acknowledged": True})
    view = service.get_case(case_id, "rob")
    assert view["summary"]["outcome"] == "Withdrawn" and view["closed_at"] is not None
    with pytest.raises(Conflict):
        service.withdraw(case_id, "rob")


def test_a_withdrawal_in_one_case_does_not_leak_into_later_cases(service):
    """SpiffWorkflow 3.2 wires a triggered event subprocess into the shared spec; raflow must not."""
    first = start(service)
    service.withdraw(first, "rob", "changed my mind")
    second = start(service)
    assert [t.title for t in service.list_tasks("clara") if t.case_id == second] == ["Record the decision"]
    service.complete(task_named(service, "clara", "Record the decision").id, "clara", {"decision": "approve"})
    view = service.get_case(second, "clara")
    assert view["status"] == "closed" and view["summary"]["outcome"] == "Approved"


def test_case_events_need_the_requester_or_a_permitted_role(service):
    """Issue 8: send_event checks who acts: the requester, or staff who see the case in a permitted role."""
    case_id = start(service)
    with pytest.raises(NotFound):
        service.send_event(case_id, "withdrawal", "ruth")
    with pytest.raises(Forbidden, match="may not send case events"):
        service.send_event(case_id, "withdrawal", "clara")  # her step is open, but a clerk may not
    assert service.get_case(case_id, "rob")["status"] == "open"
    service.send_event(case_id, "withdrawal", "rita")  # reviewer: [permissions] case_event
    assert [t.title for t in service.list_tasks("clara") if t.case_id == case_id] == ["Send withdrawal confirmation"]


def test_case_events_are_refused_on_closed_cases(service):
    case_id = start(service)
    service.complete(task_named(service, "clara", "Record the decision").id, "clara", {"decision": "approve"})
    with pytest.raises(Conflict):
        service.send_event(case_id, "withdrawal", "rob")


def test_requester_sees_own_case_only(service):
    case_id = start(service)
    assert service.get_case(case_id, "rob")["requester"] == "rob"
    with pytest.raises(NotFound):
        service.get_case(case_id, "ruth")


def test_staff_records_a_request_on_behalf_but_requesters_cannot(service):
    case_id = service.start_case("testland", "tl_main", "clara", requester="rob")
    assert service.get_case(case_id, "rob")["started_by"] == "clara"
    with pytest.raises(Forbidden):
        service.start_case("testland", "tl_main", "ruth", requester="rob")
    with pytest.raises(NotFound):
        service.start_case("testland", "tl_review", "rob")  # not a start process


def test_running_case_keeps_its_version_after_a_new_deploy(service, db, tmp_path):
    from support import copy_testland

    from engine.definitions import deploy, read_folder

    old_case = start(service)
    folder = copy_testland(tmp_path)
    config = folder / "jurisdiction.toml"
    config.write_text(config.read_text().replace("decision_days = 45", "decision_days = 10"))
    version, created = deploy(db, read_folder(folder))
    assert created
    new_case = start(service)
    assert service.get_case(new_case, "clara")["summary"]["clocks"]["decision"]["due"] == "2026-01-26"
    assert service.get_case(old_case, "clara")["summary"]["clocks"]["decision"]["due"] == "2026-03-02"
    # the old case still runs on its own version
    old_task = [t for t in service.list_tasks("clara") if t.case_id == old_case][0]
    service.complete(old_task.id, "clara", {"decision": "approve"})
    assert service.get_case(old_case, "clara")["status"] == "closed"


def test_timer_projection_matches_the_workflow(service, db):
    case_id = start(service)
    wf = service.load_workflow(case_id)
    expected = {(t.spec_id, t.fire_at) for t in runtime.waiting_timers(wf)}
    with db.transaction() as s:
        stored = {(r.spec_id, r.fire_at) for r in s.execute(select(Timer).where(Timer.case_id == case_id)).scalars()}
    assert stored == expected and len(stored) == 2


def _snapshot(db, case_id):
    with db.transaction() as s:
        case = s.execute(select(Case.workflow, Case.version, Case.status, Case.summary)
                         .where(Case.id == case_id)).one()
        tasks = sorted(tuple(r) for r in s.execute(select(Task.id, Task.assignee, Task.due_at)
                                                   .where(Task.case_id == case_id)))
        timers = sorted(tuple(r) for r in s.execute(select(Timer.id, Timer.fire_at).where(Timer.case_id == case_id)))
        events = s.execute(select(Event.id).where(Event.case_id == case_id)).scalars().all()
        return tuple(case), tasks, timers, events


def test_a_script_can_refine_a_tracked_form_value(service, db, tmp_path):
    """Tracked form fields are recorded before the step's scripts, so track() in a script wins."""
    from support import copy_testland

    from engine.definitions import deploy, read_folder

    folder = copy_testland(tmp_path)
    main = folder / "tl_main.bpmn"
    main.write_text(main.read_text().replace('<bpmn:script>clock_hold("decision", "documents requested")',
                                             '<bpmn:script>track("decision", "documents requested")\n'
                                             'clock_hold("decision", "documents requested")'))
    deploy(db, read_folder(folder))
    case_id = start(service)
    service.complete(task_named(service, "clara", "Record the decision").id, "clara", {"decision": "documents"})
    assert service.get_case(case_id, "clara")["summary"]["tracking"]["decision"] == "documents requested"


def test_only_involved_staff_and_need_to_know_roles_see_a_case(service, db):
    """Navy 1-5: knowing someone has an accommodation case discloses a disability."""
    from engine.users import add_user

    add_user(db, service.registry, "carl", ["clerk"], "testland")
    case_id = start(service)
    assert service.get_case(case_id, "carl")["id"] == case_id  # its open step is in carl's queue
    service.complete(task_named(service, "cora", "Record the decision").id, "cora", {"decision": "approve"})
    with pytest.raises(NotFound, match="no case"):
        service.get_case(case_id, "carl")  # never acted on it, nothing of it left in his queue
    assert service.get_case(case_id, "cora")["status"] == "closed"  # acted on it
    assert service.get_case(case_id, "rita")["status"] == "closed"  # reviewer: need-to-know role
    assert service.get_case(case_id, "rob")["status"] == "closed"  # the requester


def test_bad_ids_are_not_found_not_crashes(service):
    for case_id in (0, -1, 2**63, "x", None):
        with pytest.raises(NotFound):
            service.get_case(case_id, "clara")
    for task_id in ("nope", "a\x00b", "00000000-0000-0000-0000-00000000000Z", ""):
        with pytest.raises(NotFound):
            service.claim(task_id, "clara")


def test_requester_of_another_jurisdiction_is_refused(service, db):
    from support import ROOT

    from engine.definitions import deploy, read_folder
    from engine.users import add_user

    deploy(db, read_folder(ROOT / "bench" / "processes" / "benchland"))
    add_user(db, service.registry, "bea", ["clerk"], "benchland")
    with pytest.raises(ValidationFailed) as err:
        service.start_case("testland", "tl_main", "clara", requester="bea")
    assert "requester" in err.value.errors


def test_need_to_know_roles_are_read_per_database(sqlite_template, tmp_path, frozen):
    """Version 1 of one database is not version 1 of another (seen when tests share a process)."""
    import shutil

    from support import ROOT

    from engine.access import need_to_know_of
    from engine.definitions import deploy, read_folder
    from engine.store import Database

    found = []
    for name, folder in (("a", TESTLAND), ("b", ROOT / "bench" / "processes" / "benchland")):
        shutil.copy(sqlite_template, tmp_path / f"{name}.db")
        db = Database(f"sqlite:///{tmp_path / name}.db")
        version, _ = deploy(db, read_folder(folder))
        with db.transaction() as s:
            found.append((version.id, need_to_know_of(s, version.id)))
        db.dispose()
    assert found == [(1, frozenset({"reviewer"})), (1, frozenset())]
