"""Migration 0010 on a SQLite database holding open cases: the trigram search index is built over the
existing tasks and kept up to date afterwards, the role index is gone, the claimed-tasks index is partial;
downgrade restores the previous indexes. On PostgreSQL the plan uses the pg_trgm index."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from engine.cases import CaseService
from engine.definitions import Registry, deploy, read_folder
from engine.inbox import _select, _streams, inbox_page
from engine.migrate import alembic_config, upgrade
from engine.store import Database
from engine.users import add_user

BEFORE = "0014"  # the revision 0010 follows (re-chained at the merge: the search index comes last)


def _objects(db) -> dict[str, str]:
    with db.engine.connect() as conn:
        return {r.name: r.sql or "" for r in conn.execute(text("SELECT name, sql FROM sqlite_master"))}


def test_0010_indexes_existing_tasks_for_search_and_keeps_the_index(tmp_path, frozen):
    from support import TESTLAND

    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(db.engine, BEFORE)
    deploy(db, read_folder(TESTLAND))
    svc = CaseService(db, Registry())
    for name, roles in [("clara", ["clerk"]), ("rob", ["requester"]), ("ruth", ["requester"])]:
        add_user(db, svc.registry, name, roles, "testland", display_name="Ruth Requester" if name == "ruth" else None)
    rob = svc.start_case("testland", "tl_main", "rob", title="Standing desk")
    ruth = svc.start_case("testland", "tl_main", "ruth", title="Screen reader")
    assert "task_search" not in _objects(db) and "ix_task_role" in _objects(db)

    upgrade(db.engine)
    objects = _objects(db)
    assert "task_search" in objects and "ix_task_role" not in objects
    assert "WHERE assignee IS NOT NULL" in objects["ix_task_assignee_due"]
    assert [r.case_id for r in inbox_page(svc, "clara", text="ruth req")] == [ruth]  # indexed from the old rows
    assert [r.case_id for r in inbox_page(svc, "clara", text="standing")] == [rob]
    later = svc.start_case("testland", "tl_main", "rob", title="Ergonomic chair")  # written after the upgrade
    assert [r.case_id for r in inbox_page(svc, "clara", text="ergonomic")] == [later]

    command.downgrade(alembic_config(db.engine), BEFORE)
    objects = _objects(db)
    assert "task_search" not in objects and "ix_task_role" in objects
    assert "WHERE" not in objects["ix_task_assignee_due"]
    svc.start_case("testland", "tl_main", "ruth", title="No triggers left")  # writes work without the triggers
    upgrade(db.engine)  # and the index is rebuilt from every row again
    assert [r.case_id for r in inbox_page(svc, "clara", text="triggers left")] != []
    db.dispose()


def test_text_search_reads_the_trigram_index(sqlite_db, postgres_db):
    """EXPLAIN on both databases: the search condition is answered by the index, not a scan of task."""
    from engine import search
    from engine.access import Actor

    clerk = Actor("clara", "Clara", "testland", frozenset({"clerk"}))
    with sqlite_db.transaction() as s:
        match, by_ids = search.matches(s, "ruth requester")
        _, queue, _ = _streams(clerk, "all", None, plain=by_ids)
        sql = _select([queue, match]).limit(50)
        compiled = sql.compile(sqlite_db.engine)
        plan = "\n".join(r[-1] for r in s.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + str(compiled), tuple(compiled.params[k] for k in compiled.positiontup)))
    task_access = next(line for line in plan.splitlines() if " task " in line + " ")
    assert task_access.startswith("SEARCH task") and "rowid=?" in task_access, plan  # one look-up per match
    with postgres_db.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        compiled = search.trigram_hits("ruth requester").compile(postgres_db.engine)
        plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params))
    assert "ix_task_search_trgm" in plan, plan  # the index is asked once per listing ...
    with postgres_db.transaction() as s:
        match, by_ids = search.matches(s, "ruth requester")
    assert by_ids  # ... and the listing's statements start from the ids it found
    with postgres_db.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        _, queue, _ = _streams(clerk, "all", None, plain=by_ids)
        compiled = _select([queue, match]).limit(50).compile(postgres_db.engine)
        plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params))
    assert "ANY" in plan and "~~" not in plan, plan  # an id look-up, no second LIKE (~~) over the queue

