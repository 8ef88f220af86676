"""`raflow demo --cases`, `raflow report timeliness` and `raflow report export` as a user runs them:
separate processes on one SQLite file, with the simulated clock (RAFLOW_CLOCK)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from engine.report_models import ExportRecord, ReportFact
from engine.store import Case, Database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    env = dict(os.environ, RAFLOW_DATABASE_URL=f"sqlite:///{tmp / 'raflow.db'}", RAFLOW_CLOCK=f"file:{tmp / 'clock'}")

    def run(*args, ok=True):
        proc = subprocess.run([sys.executable, "-m", "api.cli", *args], env=env, capture_output=True, text=True,
                              timeout=300, cwd=ROOT)
        assert "Traceback" not in proc.stderr, proc.stderr
        if ok:
            assert proc.returncode == 0, proc.stderr
        return proc

    run("clock", "set", "2026-06-15T16:00:00Z")
    run("init-db")
    for folder in ("navy", "santa_cruz"):
        run("deploy", str(ROOT / "processes" / folder))
    out = run("demo", "--cases", "24", "--months", "5").stdout
    db = Database(env["RAFLOW_DATABASE_URL"])
    yield run, db, out, tmp
    db.dispose()


def test_demo_cases_cover_every_stage_in_both_jurisdictions(demo):
    run, db, out, _ = demo
    assert len([line for line in out.splitlines() if line.startswith("case ")]) == 24
    with db.engine.connect() as conn:
        facts = [r._mapping for r in conn.execute(select(ReportFact.__table__))]
        cases = conn.execute(select(func.count()).select_from(Case.__table__)).scalar()
    assert cases == 24 and len(facts) == 24
    for key in ("navy", "santa_cruz"):
        mine = [f for f in facts if f["jurisdiction"] == key]
        assert any(f["state"] == "decided" and f["timely"] for f in mine), f"{key}: no timely decision"
        assert any(f["state"] == "decided" and f["timely"] is False for f in mine), f"{key}: no late decision"
        assert any(f["state"] == "withdrawn" for f in mine), f"{key}: no withdrawal"
        assert any(f["state"] == "pending" for f in mine), f"{key}: nothing pending"
        # started over the past months, not all today
        assert len({f["received_on"] for f in mine}) > 5
    navy = [f for f in facts if f["jurisdiction"] == "navy"]
    assert any(f["disposition"] == "denied" for f in navy)
    assert {f["denial_basis"] for f in navy if f["denial_basis"]} >= {"not_individual_with_disability"}
    assert any(f["held"] for f in navy), "no case on hold for medical documentation (2-7)"
    assert any(f["expedited"] for f in navy)
    county = [f for f in facts if f["jurisdiction"] == "santa_cruz"]
    assert any(f["state"] == "pending" and f["referred_to_committee"] for f in county), "none in committee"
    assert any(f["committee_finding"] for f in county)
    assert {f["path"] for f in county if f["path"]} >= {"applicant", "industrial", "non_industrial"}
    again = run("demo", "--cases", "5", "--if-empty").stdout
    assert "none added" in again


def test_report_timeliness_json_and_text(demo):
    run, db, _, _ = demo
    data = json.loads(run("report", "timeliness", "--jurisdiction", "navy", "--from", "2025-10-01", "--to",
                          "2026-06-15", "--as", "navy.coordinator", "--json").stdout)
    for key in ("received", "decided", "pending", "withdrawn", "timely", "late", "percent_timely",
                "days_to_process", "late_cases"):
        assert key in data
    assert set(data["days_to_process"]) >= {"median", "p90", "max"}
    assert data["received"] == 12 and data["decided"] + data["withdrawn"] + data["pending"] == 12
    assert all(set(c) >= {"case_id", "days_over", "late_step"} for c in data["late_cases"])
    grouped = json.loads(run("report", "timeliness", "-j", "santa_cruz", "--from", "2025-10-01", "--to",
                             "2026-06-15", "--as", "sc.eeo_officer", "--by", "purpose", "--json").stdout)
    assert sum(g["received"] for g in grouped["groups"]) == grouped["received"]
    text = run("report", "timeliness", "--from", "2025-10-01", "--to", "2026-06-15", "--as", "navy.deeo").stdout
    assert text.startswith("Department of the Navy: 2025-10-01 to 2026-06-15")
    assert "FY2026 (2025-10-01 to 2026-09-30)" in text


@pytest.mark.parametrize("args, message", [
    (["--from", "2026-06-15", "--to", "2026-01-01", "--as", "navy.coordinator"], "to: the period must end"),
    (["--from", "2026-01-01", "--to", "2026-06-15", "--as", "navy.coordinator", "--by", "colour"], "by: choose"),
    (["--from", "2026-01-01", "--to", "2026-06-15", "--as", "navy.supervisor"], "reports of Department of the Navy"),
    (["--from", "2026-01-01", "--to", "2026-06-15", "--as", "navy.coordinator", "-j", "santa_cruz"],
     "jurisdiction: you may report only on your own"),
])
def test_report_bad_input_is_one_clear_line(demo, args, message):
    run = demo[0]
    proc = run("report", "timeliness", *args, ok=False)
    assert proc.returncode == 1 and message in proc.stderr


def test_report_export_csv_and_xlsx_are_audited(demo):
    run, db, _, tmp = demo
    out_csv, out_xlsx = tmp / "cases.csv", tmp / "cases.xlsx"
    common = ["--jurisdiction", "navy", "--from", "2025-10-01", "--to", "2026-06-15", "--as", "navy.coordinator"]
    assert run("report", "export", *common, "--format", "csv", "--out", str(out_csv)).stdout.startswith("wrote")
    run("report", "export", *common, "--format", "xlsx", "--out", str(out_xlsx))
    with open(out_csv, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 12 and {"Case", "Requester name", "Job series", "Days to process", "Documents"} <= set(rows[0])
    for medical in ("Diagnosis", "Functional limitations", "Provider name"):
        assert medical not in rows[0]
    assert "Demo entry: diagnosis" not in out_csv.read_text()
    book = load_workbook(out_xlsx, read_only=True)
    sheet = list(book["Cases"].iter_rows(values_only=True))
    book.close()
    assert list(sheet[0]) == list(rows[0]) and len(sheet) == 13
    bad = run("report", "export", *common, "--format", "pdf", "--out", str(tmp / "x.pdf"), ok=False)
    assert bad.returncode == 1 and "format: choose one of: csv, xlsx" in bad.stderr and not (tmp / "x.pdf").exists()
    with db.engine.connect() as conn:
        audit = [(r.actor, r.format, r.rows) for r in conn.execute(select(ExportRecord.__table__))]
    assert audit == [("navy.coordinator", "csv", 12), ("navy.coordinator", "xlsx", 12)]
