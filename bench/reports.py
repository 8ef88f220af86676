"""Reports benchmark: a year's timeliness report (plain, by month, by type) and the NEAT export.

`measure(db, size, run)` is what bench/scale.py calls in its measuring child, over its database of
cloned open Navy cases: cases without a report fact (the clones: scale copies ra_case, task, timer and
event rows) get one, a deterministic mix over the fiscal year (7 in 10 decided in 0-69 days, 1 in 10
withdrawn, the rest pending; dispositions, denial bases, types, purposes and components from short
lists), written as rows of report_fact in batches. The report reads nothing but report_fact, so its
cost is that of the facts' number and spread, whatever workflow made them. Then it times, through
scale's `run(name, fn, calls)` (median, p95 and CPU time): the year's report, by month, by type, and
the CSV export of the year.

Run alone: .venv/bin/python bench/reports.py [--n 100000] [--database URL]: builds a few dozen real
Navy cases with the demo walker (the real service and diagrams), clones their ra_case and report_fact
rows in SQL up to N (received dates spread over the year), measures as above, and the peak Python
memory and RSS of an export of every case (three years) against one stopped after 2,000 rows: it
streams, so the two are about equal whatever N is. Prints figures,
asserts nothing (target: report_year_ms <= 500). Ends with `report_year_ms: N` and `export_peak_mb: N`.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path[0] = str(ROOT)  # not bench/: its http.py would shadow the standard library

from sqlalchemy import select, text  # noqa: E402

from engine import clock, exports, reports  # noqa: E402
from engine.definitions import Registry  # noqa: E402
from engine.documents import document_types  # noqa: E402
from engine.report_models import ReportFact  # noqa: E402
from engine.store import Case, Database  # noqa: E402

YEAR = (date(2025, 10, 1), date(2026, 9, 30))
CASE_COLS = ("jurisdiction, process_id, definition_id, status, requester, started_by, title, created_at, updated_at, "
             "closed_at, summary, workflow, version")
FACT_COLS = ("jurisdiction, state, held, expedited, days_to_process, timely, days_over, late_step, delay_notice_sent, "
             "disposition, denial_basis, accommodation_type, purpose, requester_type, component, path, outcome, "
             "referred_to_committee, committee_finding")
DATES = ("received_on", "decided_on", "withdrawn_on", "due_on")


def seed(db, count: int) -> None:
    from api.demo import DEMO_USERS
    from api.demo_cases import make_demo_cases
    from engine.cases import CaseService
    from engine.definitions import deploy, read_folder
    from engine.users import add_user

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


DISPOSITIONS = [("approved", None), ("approved", None), ("approved_alternative", None),
                ("approved_reassignment", None), ("denied", "undue_hardship"), ("denied", "not_qualified"),
                ("denied", "not_effective")]
TYPES = ["Screen reader software", "Ergonomic chair", "Telework", "Modified schedule", "Sign language interpreter"]
PURPOSES = ["perform_essential_functions", "apply_for_a_job", "benefits_and_privileges"]
COMPONENTS = ["NAVSEA", "NAVAIR", "NAVFAC", "NAVSUP", "BUMED", "CNIC"]


def fill_facts(db, jurisdiction: str = "navy", batch: int = 5000) -> int:
    """A report fact for every case that has none (the benchmark's clones): see the module docstring."""
    f, c = ReportFact.__table__, Case.__table__
    first, last = YEAR
    with db.engine.connect() as conn:
        missing = list(conn.execute(select(c.c.id).where(c.c.id.not_in(select(f.c.case_id)))
                                    .order_by(c.c.id)).scalars())
    rng = random.Random(13)
    rows = []
    for case_id in missing:
        received = first + timedelta(days=rng.randrange(365))
        roll, days = rng.random(), rng.randrange(70)
        decided = received + timedelta(days=days)
        state = "withdrawn" if roll < 0.1 else "decided" if roll < 0.8 and decided <= last else "pending"
        due = received + timedelta(days=45)
        disposition, basis = rng.choice(DISPOSITIONS)
        late = state == "decided" and decided > due
        rows.append(dict(
            case_id=case_id, jurisdiction=jurisdiction, state=state, received_on=received,
            decided_on=decided if state == "decided" else None,
            withdrawn_on=received + timedelta(days=days // 3) if state == "withdrawn" else None, due_on=due,
            held=False, expedited=rng.random() < 0.05, days_to_process=days if state == "decided" else None,
            timely=(not late) if state == "decided" else None,
            days_over=(decided - due).days if late else (0 if state == "decided" else None),
            late_step="Decide on the request (4-1)" if late else None, delay_notice_sent=late and rng.random() < 0.5,
            disposition="withdrawn" if state == "withdrawn" else disposition if state == "decided" else None,
            denial_basis=basis if state == "decided" else None, accommodation_type=rng.choice(TYPES),
            purpose=rng.choice(PURPOSES), requester_type="employee" if rng.random() < 0.9 else "applicant",
            component=rng.choice(COMPONENTS), path=None, outcome=None, referred_to_committee=False,
            committee_finding=None))
        if len(rows) >= batch:
            with db.engine.begin() as conn:
                conn.execute(f.insert(), rows)
            rows = []
    if rows:
        with db.engine.begin() as conn:
            conn.execute(f.insert(), rows)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE" if db.is_sqlite else "ANALYZE report_fact")
    return len(missing)


def export_csv(db, deployed) -> int:
    """The year's CSV export, consumed chunk by chunk as a download would be; returns its bytes."""
    titles = {k: v[0] for k, v in document_types(deployed).items()}
    return sum(len(chunk) for chunk in exports.iter_csv(exports.rows(db, deployed, *YEAR, titles)))


def measure(db, size: int, run) -> None:
    """Time the year's report and export over `size` cases through `run(name, fn, calls)` (bench/scale.py's)."""
    fill_facts(db)
    with db.transaction() as s:
        deployed = Registry().current(s, "navy")
    navy = deployed.jurisdiction
    run("report: a year", lambda: reports.timeliness(db, navy, *YEAR))
    run("report: a year by month", lambda: reports.timeliness(db, navy, *YEAR, by="month"))
    run("report: a year by type", lambda: reports.timeliness(db, navy, *YEAR, by="type"))
    run("export: a year, CSV", lambda: export_csv(db, deployed), 3 if size > 10_000 else 5)


def export_peak_mb(db, deployed, period, rows: int | None) -> tuple[float, int]:
    """(peak Python memory in MB, rows written) of a CSV export of `period`, stopped after `rows` rows or whole."""
    titles = {k: v[0] for k, v in document_types(deployed).items()}
    tracemalloc.start()
    lines = 0
    for i, chunk in enumerate(exports.iter_csv(exports.rows(db, deployed, *period, titles))):
        lines += chunk.count(b"\n")
        if rows is not None and i * exports.BATCH >= rows:
            break
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return peak, max(lines - 1, 0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed-cases", type=int, default=24)
    ap.add_argument("--calls", type=int, default=7)
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
    report = reports.timeliness(db, deployed.jurisdiction, *YEAR)
    print(f"year report: received {report['received']}, decided {report['decided']}, "
          f"{report['percent_timely']}% timely, median {report['days_to_process']['median']} days")
    figures = {}

    def run(name, fn, calls=args.calls):
        fn()  # warm-up
        wall, cpu = [], []
        for _ in range(calls):
            began, began_cpu = time.perf_counter(), time.process_time()
            fn()
            wall.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
        ordered = sorted(wall)
        p95 = ordered[min(len(ordered) - 1, int(round(len(ordered) * 0.95)) - 1)]
        figures[name] = statistics.median(wall)
        print(f"  {name:<28} median {figures[name]:8.1f} ms   p95 {p95:8.1f} ms   "
              f"(CPU median {statistics.median(cpu):7.1f} ms)")

    measure(db, args.n, run)
    every = (date(2023, 10, 1), YEAR[1])  # three fiscal years (the longest period): every case
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    small, _ = export_peak_mb(db, deployed, every, 2_000)
    whole, rows = export_peak_mb(db, deployed, every, None)
    print(f"export peak Python memory: {small:.1f} MB after 2,000 rows, {whole:.1f} MB for all {rows:,} rows "
          f"(process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, "
          f"{rss_before:.0f} MB before the exports)")
    print(f"report_year_ms: {figures['report: a year']:.0f}")
    print(f"export_peak_mb: {whole:.1f}")
    db.dispose()
    if not args.database and not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
