"""Migration 0004 on a database holding cases in the old format: the workflow JSON is stored compressed
(and back on downgrade), each open case gets its stored next deadline and each task the inbox columns,
and the migrated case goes on working through the service."""

from __future__ import annotations

import json
import zlib
from datetime import timedelta

from alembic import command
from sqlalchemy import select, text

from engine.cases import CaseService
from engine.definitions import Registry, deploy, read_folder
from engine.inbox import inbox_page
from engine.migrate import alembic_config, upgrade
from engine.store import Case, Database, Task
from engine.users import add_user

OLD_CASE = ["id", "jurisdiction", "process_id", "definition_id", "status", "requester", "started_by", "title",
            "created_at", "updated_at", "closed_at", "summary", "version"]
OLD_DEFINITION = ["id", "content_hash", "jurisdiction", "deployed_at", "deployed_by", "bundle"]
OLD_USER = ["id", "name", "display_name", "jurisdiction", "roles", "password_hash", "token_hash", "created_at"]
OLD_TASK = ["id", "case_id", "spec_id", "process_id", "title", "role", "assignee", "form_key", "due_at",
            "created_at"]


def _setup(db, testland):
    deploy(db, read_folder(testland))
    svc = CaseService(db, Registry())
    for name, roles in [("clara", ["clerk"]), ("rob", ["requester"])]:
        add_user(db, svc.registry, name, roles, "testland", display_name="Rob Requester" if name == "rob" else None)
    return svc


def test_0004_compresses_workflows_and_fills_deadlines_of_existing_cases(tmp_path, frozen):
    from support import TESTLAND

    # A case started by today's code, written into a database still at 0002 in the old format (plain JSON).
    new = Database(f"sqlite:///{tmp_path / 'new.db'}")
    new.init_schema()
    made = _setup(new, TESTLAND)
    case_id = made.start_case("testland", "tl_main", "rob", title="Chair for Rob")
    with new.transaction() as s:
        case = s.execute(select(Case).where(Case.id == case_id)).scalar()
        workflow, expected_due = case.workflow, case.next_due
        case_row = {c: getattr(case, c) for c in OLD_CASE}
        tasks = [{c: getattr(t, c) for c in OLD_TASK} for t in s.execute(select(Task)).scalars()]
    new.dispose()

    old = Database(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(old.engine, "0002")
    # Rows are written with 0002's columns only: today's models have columns later revisions add.
    with new.engine.connect() as src, old.engine.begin() as conn:
        for table, columns in (("definition_version", OLD_DEFINITION), ("app_user", OLD_USER)):
            for row in src.execute(text(f"SELECT {', '.join(columns)} FROM {table}")):
                conn.execute(text(f"INSERT INTO {table} ({', '.join(columns)}) "
                                  f"VALUES ({', '.join(':' + c for c in columns)})"), dict(row._mapping))
    with old.engine.begin() as conn:
        conn.execute(text(f"INSERT INTO ra_case ({', '.join(OLD_CASE)}, workflow) "
                          f"VALUES ({', '.join(':' + c for c in OLD_CASE)}, :workflow)"),
                     dict(case_row, workflow=workflow, summary=json.dumps(case_row["summary"]),
                          **{k: case_row[k].replace(tzinfo=None) for k in ("created_at", "updated_at")}))
        for t in tasks:
            conn.execute(text(f"INSERT INTO task ({', '.join(OLD_TASK)}) "
                              f"VALUES ({', '.join(':' + c for c in OLD_TASK)})"),
                         dict(t, due_at=t["due_at"].replace(tzinfo=None),
                              created_at=t["created_at"].replace(tzinfo=None)))
        assert conn.execute(text("SELECT typeof(workflow) FROM ra_case")).scalar() == "text"

    upgrade(old.engine)
    svc = _setup(old, TESTLAND)
    with old.engine.connect() as conn:
        stored = conn.execute(text("SELECT workflow FROM ra_case")).scalar()
        assert isinstance(stored, bytes) and zlib.decompress(stored).decode() == workflow
        assert len(stored) * 3 < len(workflow.encode())  # compressed at least 3x
        row = conn.execute(text("SELECT jurisdiction, requester, search FROM task")).one()
        assert row == ("testland", "rob", "chair for rob record the decision rob requester")
    with old.transaction() as s:
        assert s.execute(select(Case.next_due)).scalar() == expected_due
    assert expected_due is not None

    # The migrated case is listed by its text and deadline, and completes through the service.
    assert [r.case_id for r in inbox_page(svc, "clara", text="rob req")] == [case_id]
    frozen.advance(timedelta(days=6))
    assert [r.case_id for r in inbox_page(svc, "clara", due="overdue")] == [case_id]
    task = inbox_page(svc, "clara").rows[0]
    svc.complete(task.id, "clara", {"decision": "approve"})
    assert svc.get_case(case_id, "rob")["status"] == "closed"

    command.downgrade(alembic_config(old.engine), "0002")
    with old.engine.connect() as conn:
        back = conn.execute(text("SELECT workflow FROM ra_case")).scalar()
        assert isinstance(back, str) and '"tasks"' in back
    old.dispose()
