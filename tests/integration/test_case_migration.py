"""Moving running cases to a newer version (`raflow migrate`, engine.case_migration) with SpiffWorkflow's diff.

A case waiting at a step that still exists moves and completes on the new version; one waiting at a removed
step is refused with the reason and keeps running on its own version. Each move is one transaction recorded
in the history with both versions; the moved case keeps its open task (same id and due time) and timers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from support import copy_testland, run_cli, task_named

from engine import case_migration
from engine.definitions import deploy, read_folder
from engine.store import Case, Timer


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def folder(tmp_path):
    return copy_testland(tmp_path)


def version_of(db, case_id) -> int:
    with db.transaction() as s:
        return s.execute(select(Case.definition_id).where(Case.id == case_id)).scalar()


def timers_of(db, case_id) -> dict:
    with db.transaction() as s:
        return {r.spec_id: r.fire_at for r in s.execute(select(Timer).where(Timer.case_id == case_id)).scalars()}


def test_a_case_at_a_step_that_still_exists_moves_and_completes_on_the_new_version(service, db, folder):
    case_id = service.start_case("testland", "tl_main", "rob")
    before = task_named(service, "clara", "Record the decision")
    timers = timers_of(db, case_id)
    v1 = version_of(db, case_id)
    # version 2: the approved outcome is renamed; the step the case waits at is unchanged
    edit(folder / "tl_main.bpmn", '<bpmn:endEvent id="end_approved" name="Approved" />',
         '<bpmn:endEvent id="end_approved" name="Approved (version 2)" />')
    v2 = deploy(db, read_folder(folder))[0].id
    assert v2 != v1

    [move] = case_migration.plan(db, service.registry, "testland")
    assert (move.case_id, move.from_version, move.to_version, move.can_move) == (case_id, v1, v2, True)
    [done] = case_migration.migrate(db, service.registry, "testland", "policy")
    assert done.moved and version_of(db, case_id) == v2

    after = task_named(service, "clara", "Record the decision")
    assert (after.id, after.due_at) == (before.id, before.due_at)  # same open task, same deadline
    assert timers_of(db, case_id) == timers  # the reminder and the decision clock timer are kept
    history = service.get_case(case_id, "clara")["history"]
    migrated = [e for e in history if e["kind"] == "case_migrated"]
    assert len(migrated) == 1 and migrated[0]["actor"] == "policy"
    assert (migrated[0]["detail"]["from_version"], migrated[0]["detail"]["to_version"]) == (v1, v2)

    service.complete(after.id, "clara", {"decision": "approve"})
    view = service.get_case(case_id, "clara")
    assert (view["status"], view["summary"]["outcome"]) == ("closed", "Approved (version 2)")
    assert case_migration.plan(db, service.registry, "testland") == []  # nothing left to move


def test_a_case_inside_a_called_process_moves_with_it(service, db, folder):
    case_id = service.start_case("testland", "tl_main", "rob")
    service.complete(task_named(service, "clara", "Record the decision").id, "clara", {"decision": "deny"})
    review = task_named(service, "rita", "Legal sufficiency review")
    edit(folder / "tl_review.bpmn", 'name="Reviewed"', 'name="Reviewed by counsel"')
    edit(folder / "tl_main.bpmn", '<bpmn:endEvent id="end_denied" name="Denied" />',
         '<bpmn:endEvent id="end_denied" name="Denied after review" />')
    deploy(db, read_folder(folder))
    [done] = case_migration.migrate(db, service.registry, "testland", "policy")
    assert done.moved
    assert task_named(service, "rita", "Legal sufficiency review").id == review.id
    service.complete(review.id, "rita", {"sufficient": True})
    assert service.get_case(case_id, "rita")["summary"]["outcome"] == "Denied after review"


def test_a_case_at_a_removed_step_is_refused_with_the_reason_and_keeps_running(service, db, folder):
    case_id = service.start_case("testland", "tl_main", "rob")
    service.complete(task_named(service, "clara", "Record the decision").id, "clara", {"decision": "documents"})
    waiting = task_named(service, "clara", "Record documents received")
    v1 = version_of(db, case_id)
    # version 2 drops "Record documents received": the hold goes straight to the resume script
    main = folder / "tl_main.bpmn"
    edit(main, '<bpmn:sequenceFlow id="f8" sourceRef="hold" targetRef="await_documents" />',
         '<bpmn:sequenceFlow id="f8" sourceRef="hold" targetRef="resume" />')
    text = main.read_text()
    start = text.index('<bpmn:userTask id="await_documents"')
    end = text.index("</bpmn:userTask>", start) + len("</bpmn:userTask>")
    text = text[:start] + text[end:]
    text = text.replace('<bpmn:sequenceFlow id="f9" sourceRef="await_documents" targetRef="resume" />', "")
    text = text.replace("<bpmn:flowNodeRef>await_documents</bpmn:flowNodeRef>", "")
    main.write_text(_drop_di(text, ["await_documents", "f9"]))
    v2 = deploy(db, read_folder(folder))[0].id

    [move] = case_migration.plan(db, service.registry, "testland")
    assert not move.can_move
    assert move.reason == f'its current step await_documents "Record documents received" is not in version {v2}'
    [done] = case_migration.migrate(db, service.registry, "testland", "policy")
    assert not done.moved and version_of(db, case_id) == v1
    assert not [e for e in service.get_case(case_id, "clara")["history"] if e["kind"] == "case_migrated"]
    service.complete(waiting.id, "clara", {"received_date": "2026-01-20"})  # still runs on version 1
    assert service.get_case(case_id, "clara")["status"] == "closed"


def _drop_di(text: str, ids: list[str]) -> str:
    """Remove the diagram shapes/edges of deleted elements (so the BPMN still validates)."""
    import re

    for eid in ids:
        text = re.sub(rf'<bpmndi:BPMN(Shape|Edge) [^>]*bpmnElement="{eid}"[^>]*>.*?</bpmndi:BPMN\1>', "", text,
                      flags=re.S)
    return text


def test_a_changed_timer_text_is_evaluated_anew_when_the_case_moves(service, db, folder, frozen):
    case_id = service.start_case("testland", "tl_main", "rob")
    reminder = timers_of(db, case_id)["remind_timer"]
    edit(folder / "tl_main.bpmn", "end_of_day(remind_on)", "end_of_day(add_business_days(remind_on, 1))")
    deploy(db, read_folder(folder))
    [done] = case_migration.migrate(db, service.registry, "testland", "policy")
    assert done.moved
    moved = timers_of(db, case_id)["remind_timer"]
    # Wednesday 2026-01-21 -> Thursday 2026-01-22, end of day in New York
    assert (reminder.isoformat(), moved.isoformat()) == ("2026-01-22T05:00:00+00:00", "2026-01-23T05:00:00+00:00")
    detail = [e for e in service.get_case(case_id, "clara")["history"] if e["kind"] == "case_migrated"][0]["detail"]
    assert detail["timers_changed"] == ["remind_timer"]


def test_raflow_migrate_dry_run_lists_each_case_and_json(service, db, folder, capsys):
    url = db.url
    ok = service.start_case("testland", "tl_main", "rob")
    stuck = service.start_case("testland", "tl_main", "ruth")
    edit(folder / "tl_main.bpmn", 'name="Approved" />', 'name="Approved (v2)" />')
    assert run_cli(capsys, "--database", url, "deploy", str(folder))[0] == 0
    code, out, _ = run_cli(capsys, "--database", url, "migrate", "--jurisdiction", "testland", "--dry-run")
    assert code == 0
    assert f"case {ok} (version 1 -> 2): can move" in out and f"case {stuck} (version 1 -> 2): can move" in out
    code, out, _ = run_cli(capsys, "--database", url, "migrate", "--jurisdiction", "testland", "--case", str(ok),
                           "--json")
    rows = json.loads(out)
    assert [(r["case_id"], r["moved"]) for r in rows] == [(ok, True)]
    code, out, _ = run_cli(capsys, "--database", url, "migrate", "--jurisdiction", "testland", "--dry-run")
    assert f"case {ok}" not in out and f"case {stuck} (version 1 -> 2): can move" in out
    code, _, err = run_cli(capsys, "--database", url, "migrate", "--jurisdiction", "testland", "--case", "999")
    assert code == 1 and err.strip() == "raflow: no case 999 in testland"
