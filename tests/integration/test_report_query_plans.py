"""A year's report reads report_fact through its indexes (EXPLAIN QUERY PLAN on SQLite, every statement
the report runs): never a scan of the table, the decided and received counts grouped in index order
(no sort of the period's rows), the late list off ix_report_fact_late; a fixed number of statements,
whatever the number of cases, so a year over 100,000 cases stays within bench/reports.py's figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import event

from engine import reports
from engine.definitions import Registry, deploy, read_folder

NAVY = Path(__file__).resolve().parents[2] / "processes" / "navy"
YEAR = (date(2025, 10, 1), date(2026, 9, 30))


def statements(db, jurisdiction, **kw) -> list[tuple[str, tuple]]:
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "report_fact" in statement:
            seen.append((statement, tuple(parameters)))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        reports.timeliness(db, jurisdiction, *YEAR, **kw)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen


def plans(db, seen) -> list[tuple[str, str]]:
    with db.engine.connect() as conn:
        return [(sql, "\n".join(r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)))
                for sql, params in seen]


def test_year_report_walks_the_report_fact_indexes(sqlite_db):
    deploy(sqlite_db, read_folder(NAVY))
    with sqlite_db.transaction() as s:
        navy = Registry().current(s, "navy").jurisdiction
    seen = statements(sqlite_db, navy)
    assert len(seen) == 8  # three counts, three pending counts, days to process, the late list
    found = plans(sqlite_db, seen)
    for sql, plan in found:
        assert "SCAN report_fact" not in plan, (sql, plan)
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, (sql, plan)
    grouped_by_day = [(sql, plan) for sql, plan in found if "GROUP BY report_fact.decided_on" in sql
                      or "GROUP BY report_fact.received_on" in sql or "GROUP BY report_fact.withdrawn_on" in sql]
    assert len(grouped_by_day) == 3
    for sql, plan in grouped_by_day:  # streamed in index order: no temporary B-tree over the period's rows
        assert "TEMP B-TREE" not in plan and "COVERING INDEX" in plan, (sql, plan)
    [late] = [plan for sql, plan in found if "LIMIT" in sql]
    assert "COVERING INDEX ix_report_fact_late" in late, late
    # a breakdown adds a fixed number of statements, not one per group
    assert len(statements(sqlite_db, navy, by="type")) == len(seen) + 3  # two passes and the late list
