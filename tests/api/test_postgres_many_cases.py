"""PostgreSQL with more than 65,535 cases in one list query: the overdue case list answers 200 (it used to
bind every case id as a parameter and fail with "number of parameters must be between 0 and 65535")."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from engine.paging import COUNT_CAP
from engine.store import Case, Task

CLONES = 70_000


@pytest.mark.parametrize("db", ["postgres"], indirect=True)
def test_overdue_list_over_70000_cases_answers_200(db, api, web, signed_in, frozen):
    _, service = web
    template = service.start_case("testland", "tl_main", "rob")
    columns = ", ".join(c.name for c in Case.__table__.c if c.name != "id")
    with db.engine.begin() as conn:  # every column of the service-started case, 70,000 times, in one statement
        conn.execute(text(f"INSERT INTO ra_case ({columns}) SELECT {columns} FROM ra_case, "
                          f"generate_series(1, {CLONES}) WHERE id = :t"), {"t": template})
        task_columns = [c.name for c in Task.__table__.c if c.name not in ("id", "case_id")]
        conn.execute(text(f"INSERT INTO task (id, case_id, {', '.join(task_columns)}) "
                          f"SELECT gen_random_uuid()::text, c.id, {', '.join('t.' + n for n in task_columns)} "
                          f"FROM ra_case c JOIN task t ON t.case_id = :t WHERE c.id <> :t"), {"t": template})
    with db.transaction() as s:
        assert s.execute(select(func.count()).select_from(Case)).scalar() == CLONES + 1
    frozen.advance(timedelta(days=6))  # past the clerk's deadline: every case is overdue
    r = api("rita", "GET", "/cases", query_string={"overdue": "true"})
    assert r.status_code == 200 and len(r.json) == 50
    assert json.loads(r.headers["X-Pagination"])["total"] == COUNT_CAP and r.headers["X-Total-Capped"] == "true"
    deep = api("rita", "GET", "/cases", query_string={"overdue": "true", "page": 350, "page_size": 200})
    assert len(deep.json) == 200 and json.loads(deep.headers["X-Pagination"])["next_page"] == 351  # past the cap
    last = api("rita", "GET", "/cases", query_string={"overdue": "true", "page": 351, "page_size": 200})
    assert len(last.json) == (CLONES + 1) - 350 * 200 and "next_page" not in json.loads(last.headers["X-Pagination"])
    assert all(c["overdue"] for c in r.json)
    r = api("rita", "GET", "/cases", query_string={"overdue": "false", "page_size": 200})
    assert r.status_code == 200 and r.json == []
    page = signed_in("rita").get("/cases?overdue=yes")
    assert page.status_code == 200 and "of 1,000+ cases" in page.text  # counting stops at COUNT_CAP
