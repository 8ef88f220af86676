"""The timeliness report over eight Navy cases driven through the real diagrams with a frozen clock,
whose figures are known by hand (Navy manual 4-1: 45 calendar days less abeyance; 2-7 abeyance;
4-2 expedited; 4-3 delay notice; 4-6 and 4-7 denials; 1-7 withdrawal). See report_cases.py."""

from __future__ import annotations

from datetime import date

import pytest
from report_cases import build

from engine import reports
from engine.report_facts import backfill
from engine.report_models import ReportFact
from engine.store import Case, DefinitionVersion, User

PERIOD = (date(2026, 1, 1), date(2026, 3, 31))


def test_timeliness_figures_known_by_hand(navy):
    ids = build(navy)
    r = reports.timeliness(navy.db, navy.config, *PERIOD)
    assert (r["received"], r["decided"], r["pending"], r["withdrawn"]) == (8, 6, 1, 1)
    assert (r["timely"], r["late"], r["percent_timely"], r["expedited"]) == (4, 2, 66.7, 1)
    # 10 (A), 12 (D), 20 (F), 30 (G), 40 (C: 50 less 10 in abeyance), 50 (B)
    assert r["days_to_process"] == {"median": 25, "p90": 50, "max": 50, "count": 6}
    assert r["dispositions"] == {"approved": 4, "withdrawn": 1, "denied": {
        "count": 2, "by_basis": {"not_individual_with_disability": 1, "reassignment_declined": 1}}}
    late = [(c["case_id"], c["days_over"], c["late_step"], c["delay_notice_sent"]) for c in r["late_cases"]]
    assert late == [(ids["B"], 5, "Decide on the accommodation (4-1, 4-4)", True),
                    (ids["D"], 2, "Decide on the accommodation (4-1, 4-4)", False)]
    assert [(m["month"], m["received"], m["decided"], m["timely"], m["late"], m["percent_timely"])
            for m in r["monthly"]] == [("2026-01", 4, 1, 1, 0, 100.0), ("2026-02", 3, 2, 1, 1, 50.0),
                                       ("2026-03", 1, 3, 2, 1, 66.7)]
    # the federal fiscal year (October to September) holding the period's end
    assert r["annual"]["fiscal_year"] == "FY2026"
    assert (r["annual"]["from"], r["annual"]["to"]) == ("2025-10-01", "2026-09-30")
    assert (r["annual"]["received"], r["annual"]["percent_timely"]) == (8, 66.7)
    assert r["path_outcomes"] == [] and r["committee_findings"] == []


def test_breakdowns_and_distribution(navy):
    build(navy)
    by_month = reports.timeliness(navy.db, navy.config, *PERIOD, by="month")
    march = by_month["groups"][2]
    assert march["group"] == "2026-03"
    assert (march["received"], march["decided"], march["pending"]) == (1, 3, 1)
    assert march["days_to_process"] == {"median": 40, "p90": 50, "max": 50, "count": 3}  # G 30, C 40, B 50
    by_type = reports.timeliness(navy.db, navy.config, *PERIOD, by="requester_type")
    assert [(g["group"], g["received"], g["decided"]) for g in by_type["groups"]] == [("employee", 8, 6)]
    # the next quarter: nothing received or decided in it; the case still pending is pending at its end
    later = reports.timeliness(navy.db, navy.config, date(2026, 4, 1), date(2026, 6, 30), by="requester_type")
    assert [(g["group"], g["received"], g["decided"], g["pending"]) for g in later["groups"]] == [("employee", 0, 0, 1)]
    with navy.db.engine.connect() as conn:
        bins = reports.histogram(conn, "navy", *PERIOD)
    assert bins == [{"bin": "0-15", "count": 2}, {"bin": "16-30", "count": 2}, {"bin": "31-45", "count": 1},
                    {"bin": "46-60", "count": 1}, {"bin": "61-90", "count": 0}, {"bin": "over 90", "count": 0}]
    # a period that covers none of it
    empty = reports.timeliness(navy.db, navy.config, date(2025, 1, 1), date(2025, 1, 31))
    assert (empty["received"], empty["decided"], empty["percent_timely"]) == (0, 0, None)
    assert empty["days_to_process"]["median"] is None


@pytest.mark.postgres
def test_the_same_figures_on_postgresql(navy, postgres_db):
    """The report's SQL (frequency tables for the median and p90, boolean sums, date ranges) gives the
    same figures on PostgreSQL: the cases' rows are copied there as stored, then both are asked."""
    build(navy)
    tables = [DefinitionVersion.__table__, User.__table__, Case.__table__, ReportFact.__table__]
    with navy.db.engine.connect() as src, postgres_db.engine.begin() as dst:
        for table in tables:
            rows = [dict(r._mapping) for r in src.execute(table.select())]
            dst.execute(table.insert(), rows)
    for by in (None, "month", "type"):
        on_pg = reports.timeliness(postgres_db, navy.config, *PERIOD, by=by)
        assert on_pg == reports.timeliness(navy.db, navy.config, *PERIOD, by=by)
    assert on_pg["days_to_process"] == {"median": 25, "p90": 50, "max": 50, "count": 6}
    assert on_pg["percent_timely"] == 66.7
    with postgres_db.engine.connect() as conn:
        assert [b["count"] for b in reports.histogram(conn, "navy", *PERIOD)] == [2, 2, 1, 1, 0, 0]


def test_backfill_rebuilds_the_facts_of_cases_stored_before_the_report_tables(navy):
    """The 0006 migration derives fact rows from each case's stored summary (no workflow deserialized)."""
    build(navy)
    before = reports.timeliness(navy.db, navy.config, *PERIOD)
    with navy.db.engine.begin() as conn:
        conn.execute(ReportFact.__table__.delete())
        assert backfill(conn) == 8
        assert backfill(conn) == 0  # only the cases without a row
    after = reports.timeliness(navy.db, navy.config, *PERIOD)
    for key in ("received", "decided", "pending", "withdrawn", "timely", "late", "days_to_process", "dispositions"):
        assert after[key] == before[key]
    assert [c["late_step"] for c in after["late_cases"]] == [None, None]  # not kept in a summary
