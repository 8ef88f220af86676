"""Reports benchmark: a year's timeliness report and the NEAT export over N cases (default 100,000).

Builds a few dozen real Navy cases with the demo walker (the real service and diagrams), then clones
their ra_case and report_fact rows in SQL (INSERT ... SELECT over a numbers table, received dates
spread over the year) up to N. Measures the year's report (plain and by month, median of 5 runs) and
the CSV export of the year (time and peak Python memory: it streams, so the peak stays flat as N grows).

Run: .venv/bin/python bench/reports.py [--n 100000] [--database URL]. Prints figures; asserts nothing
(target: report_year_ms <= 500). Ends with `report_year_ms: N` and `export_peak_mb: N`.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: its http.py would shadow the standard library

from api.demo import DEMO_USERS  # noqa: E402
from api.demo_cases import make_demo_cases  # noqa: E402
from engine import clock, exports, reports  # noqa: E402
from engine.cases import CaseService  # noqa: E402
from engine.definitions import Registry, deploy, read_folder  # noqa: E402
from engine.documents import document_types  # noqa: E402
from engine.store import Database  # noqa: E402
from engine.users import add_user  # noqa: E402

YEAR = (date(2025, 10, 1), date(2026, 9, 30))
CASE_COLS = ("jurisdiction, process_id, definition_id, status, requester, started_by, title, created_at, updated_at, "
             "closed_at, summary, workflow, version")
FACT_COLS = ("jurisdiction, state, held, expedited, days_to_process, timely, days_over, late_step, delay_notice_sent, "
             "disposition, denial_basis, accommodation_type, purpose, requester_type, component, path, outcome, "
             "referred_to_committee, committee_finding")
DATES = ("received_on", "decided_on", "withdrawn_on", "due_on")


def seed(db, count: int) -> None:
    clock.install()
    clock.set_clock(clock.FrozenClock(datetime(2026, 9, 30, 16, 0, tzinfo=UTC)))
    deploy(db, read_folder(ROOT / "processes" / "navy"))
    svc = CaseService(db, Registry())
    for name, display, roles in DEMO_USERS["navy"]:
        add_user(db, svc.registry, name, roles, "navy", display)
    runs = make_demo_cases(svc, count, months=11)
    print(f"seeded {len(runs)} real cases through the service")


def clone(db, n: int) -> None:
    """Copy the seed cases and their facts until there are n, dates shifted by (copy * 7) mod 330 days back."""
    with db.engine.begin() as conn:
        seeds = conn.execute(text("SELECT count(*), max(id) FROM ra_case")).one()
        copies = -(-(n - seeds[0]) // seeds[0])
        conn.execute(text("CREATE TEMPORARY TABLE bench_n (k INTEGER PRIMARY KEY)"))
        conn.execute(text("INSERT INTO bench_n (k) VALUES (:k)"), [{"k": k} for k in range(1, copies + 1)])
        stride = seeds[1]
        shift = ("date({c}, '-' || ((k * 7) % 330) || ' days')" if db.is_sqlite
                 else "{c} - ((k * 7) % 330)")
        conn.execute(text(f"INSERT INTO ra_case (id, {CASE_COLS}) SELECT id + k * {stride}, {CASE_COLS} "
                          f"FROM ra_case CROSS JOIN bench_n WHERE id <= {stride}"))
        dates = ", ".join(shift.format(c=c) for c in DATES)
        conn.execute(text(f"INSERT INTO report_fact (case_id, {FACT_COLS}, {', '.join(DATES)}) "
                          f"SELECT case_id + k * {stride}, {FACT_COLS}, {dates} "
                          f"FROM report_fact CROSS JOIN bench_n WHERE case_id <= {stride}"))
        conn.execute(text(f"DELETE FROM report_fact WHERE case_id > {n}"))
        conn.execute(text(f"DELETE FROM ra_case WHERE id > {n}"))
        if db.is_sqlite:
            conn.execute(text("ANALYZE"))
        else:
            conn.execute(text("ANALYZE report_fact"))
        total = conn.execute(text("SELECT count(*) FROM report_fact")).scalar()
    print(f"cases: {total}")


def timed(fn, runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed-cases", type=int, default=24)
    ap.add_argument("--database", default=None)
    ap.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="raflow-bench-reports-")
    db = Database(args.database or f"sqlite:///{tmp}/bench.db")
    db.init_schema()
    seed(db, args.seed_cases)
    clone(db, args.n)
    with db.transaction() as s:
        deployed = Registry().current(s, "navy")
    navy = deployed.jurisdiction
    report = reports.timeliness(db, navy, *YEAR)
    print(f"year report: received {report['received']}, decided {report['decided']}, "
          f"{report['percent_timely']}% timely, median {report['days_to_process']['median']} days")
    year_ms = timed(lambda: reports.timeliness(db, navy, *YEAR))
    by_month_ms = timed(lambda: reports.timeliness(db, navy, *YEAR, by="month"))
    print(f"report_year_by_month_ms: {by_month_ms:.0f}")
    titles = {k: v[0] for k, v in document_types(deployed).items()}
    t0 = time.perf_counter()
    rows = size = 0
    for chunk in exports.iter_csv(exports.rows(db, deployed, *YEAR, titles)):
        size += len(chunk)
        rows += chunk.count(b"\n")
    export_s = time.perf_counter() - t0
    print(f"export_csv: {rows - 1} rows, {size / 1e6:.1f} MB in {export_s:.1f} s ({(rows - 1) / export_s:.0f} rows/s)")
    peaks = []
    for limit in (2_000, 20_000):  # streamed: the peak does not grow with the number of rows
        tracemalloc.start()
        for i, _chunk in enumerate(exports.iter_csv(exports.rows(db, deployed, *YEAR, titles))):
            if i * exports.BATCH >= limit:
                break
        peaks.append(tracemalloc.get_traced_memory()[1] / 1e6)
        tracemalloc.stop()
    peak = max(peaks)
    print(f"export_peak_mb after 2,000 rows: {peaks[0]:.1f}, after 20,000 rows: {peaks[1]:.1f}")
    print(f"report_year_ms: {year_ms:.0f}")
    print(f"export_peak_mb: {peak:.1f}")
    db.dispose()
    if not args.database and not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
