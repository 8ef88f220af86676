"""Scale benchmark: listings at 1,000, 10,000 and 100,000 open Navy cases, on SQLite and PostgreSQL.

How the database is built (an honest route): twelve Navy cases are started and worked through the real
service (three stages: the supervisor records the request; the coordinator decides on medical
documentation; the coordinator waits for documents with the decision clock held), on days spread over
two months. Each is then cloned: every column of every row of the case (ra_case with its compressed
workflow, task, timer, event) is copied, with fresh task UUIDs written consistently into the workflow
JSON and the projection rows, and a requester from a pool of users (1 per 100 cases). The clones are
real cases: the benchmark completes tasks of clones through the JSON API.

What is measured, in-process over the Flask app (the JSON API with a bearer token, the pages with a
signed-in session), as the Navy coordinator (a need-to-know role, so every case of the jurisdiction):
inbox first page (all, overdue, a role filter, a text search), GET /api/v1/tasks, GET
/api/v1/cases?overdue=true, a case read, completing a task, an idle timer sweep; bytes per case; peak
RSS of the measuring process. Each figure is the median and p95 of --calls calls (at least 20).

Run: .venv/bin/python bench/scale.py [--quick] [--sizes 1000,10000,100000] [--dbs sqlite,postgres]
Ends with `worst_100k_ms: N` (the slowest listed median at the largest size) and `worst_ratio: N`
(largest size over 1k, the worst operation). Targets: medians <= 50 ms, ratio <= 3, RSS <= 250 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/ holds http.py: keep the folder off the import path so `http` is the standard library's.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if os.path.abspath(p or ".") != str(ROOT / "bench")]

NOW = datetime(2026, 3, 16, 14, 0, tzinfo=UTC)  # a Monday; templates start 0..55 days before
TEMPLATE_DAYS = [55, 50, 45, 40, 35, 30, 25, 20, 15, 10, 5, 1]
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
LISTED = ("inbox all", "inbox overdue", "inbox role", "inbox text", "GET /api/v1/tasks", "GET /api/v1/cases?overdue")


# -- the twelve template cases, through the service ------------------------------------------------
def _day(d) -> str:
    return d.isoformat()


def record(svc, case_id, who, spec, **data):
    task = next(t for t in svc.list_tasks(who, case_id=case_id) if t.spec_id == spec)
    svc.complete(task.id, who, data)


def stage_supervisor(svc, case_id, today):
    """The first step: the supervisor records the request (Navy 1-3)."""


def stage_coordinator(svc, case_id, today):
    """Intake, forwarding, confirmation, essential functions, interim: the coordinator decides on 2-7."""
    record(svc, case_id, "supervisor", "task_record_request", requester_name="Pat Doe", requester_type="employee",
           how_received="supervisor", received_by_name="Sam Supervisor", request_mode="oral",
           request_date=_day(today), accommodation_requested="Screen reader software", written_confirmation="requester",
           expedited=False)
    record(svc, case_id, "supervisor", "task_forward", forwarded_date=_day(today), coordinator_name="Casey Coordinator")
    record(svc, case_id, "requester", "task_confirm_requester", requester_confirmation="confirmed",
           requester_name="Pat Doe", job_title="IT Specialist", job_series="2210", grade="GS-12", component="NAVSEA",
           request_date=_day(today), how_received="supervisor", accommodation_requested="Screen reader software",
           purpose="perform_essential_functions", signature_date=_day(today))
    record(svc, case_id, "supervisor", "task_essential_functions", position_title="IT Specialist", job_series="2210",
           grade="GS-12", essential_functions="Administer networks", essential_functions_date=_day(today))
    record(svc, case_id, "supervisor", "task_interim", interim_decision="not_possible",
           interim_not_possible_reason="No equivalent software available in the interim")


def stage_held(svc, case_id, today):
    """The coordinator asked for medical documentation: the decision clock is held (2-7, 4-1)."""
    stage_coordinator(svc, case_id, today)
    record(svc, case_id, "coordinator", "task_medical_need", medical_documentation_needed="yes",
           medical_need_basis="not_obvious")
    record(svc, case_id, "coordinator", "task_medical_request", documentation_requested="Functional limitations",
           release_authorization_included=True, questions_included=True, medical_request_letter_sent_by="coordinator")


STAGES = [stage_supervisor, stage_coordinator, stage_held]


def build_templates(svc, fc, requester_pool):
    from engine.store import Case

    ids = []
    for i, days in enumerate(TEMPLATE_DAYS):
        fc.set(NOW - timedelta(days=days))
        today = fc.now().astimezone(svc_tz(svc)).date()
        case_id = svc.start_case("navy", "navy_ra", "requester")
        STAGES[i % 3](svc, case_id, today)
        ids.append(case_id)
    fc.set(NOW)
    with svc.db.transaction() as s:
        assert s.query(Case).count() == len(TEMPLATE_DAYS)
    return ids


def svc_tz(svc):
    with svc.db.transaction() as s:
        return svc.registry.current(s, "navy").jurisdiction.calendar.tz


# -- cloning ---------------------------------------------------------------------------------------
def clone(db, templates: list[int], total: int, requesters: list[tuple[str, str]], batch: int = 2000) -> None:
    """Copy the template cases until there are `total` cases: every column of every row. The case, its
    tasks and timers get fresh UUIDs, written into the workflow JSON too (a clone completes like any
    case); the history rows are copied in SQL (INSERT ... SELECT through a map of clone to template, and
    a map of each template task id that history names to the clone's own id for it)."""
    from sqlalchemy import Column, Integer, MetaData, String, Table, and_, func, select

    from engine.projections import search_text
    from engine.store import Case, Event, Task, Timer

    tc, tt, tm, te = Case.__table__, Task.__table__, Timer.__table__, Event.__table__
    meta = MetaData()
    clone_map = Table("bench_clone_map", meta, Column("case_id", Integer, primary_key=True),
                      Column("template_id", Integer))
    task_map = Table("bench_task_map", meta, Column("case_id", Integer, primary_key=True),
                     Column("template_task_id", String(36), primary_key=True), Column("task_id", String(36)))
    with db.engine.begin() as conn:
        meta.drop_all(conn, checkfirst=True)
        meta.create_all(conn)
    with db.engine.connect() as conn:
        cases = {r.id: dict(r._mapping) for r in conn.execute(select(tc).where(tc.c.id.in_(templates)))}
        tasks = {i: [dict(r._mapping) for r in conn.execute(select(tt).where(tt.c.case_id == i))] for i in templates}
        timers = {i: [dict(r._mapping) for r in conn.execute(select(tm).where(tm.c.case_id == i))] for i in templates}
        named = {i: set(conn.execute(select(te.c.task_id).where(te.c.case_id == i, te.c.task_id.is_not(None)))
                        .scalars()) for i in templates}
        next_id = max(cases) + 1
    # each template's JSON cut at its UUIDs: a clone is a join with fresh ones
    parts = {i: UUID_RE.split(cases[i]["workflow"]) for i in templates}
    found = {i: UUID_RE.findall(cases[i]["workflow"]) for i in templates}
    event_columns = [c.name for c in te.c if c.name not in ("id", "case_id", "task_id")]
    copy_events = (te.insert().from_select(["case_id", "task_id", *event_columns], select(
        clone_map.c.case_id, func.coalesce(task_map.c.task_id, te.c.task_id), *[te.c[n] for n in event_columns])
        .select_from(clone_map.join(te, te.c.case_id == clone_map.c.template_id)
                     .outerjoin(task_map, and_(task_map.c.case_id == clone_map.c.case_id,
                                               task_map.c.template_task_id == te.c.task_id)))
        .order_by(clone_map.c.case_id, te.c.id)))
    made = len(templates)
    while made < total:
        rows_c, rows_t, rows_m, rows_map, rows_ids = [], [], [], [], []
        for _ in range(min(batch, total - made)):
            template = templates[made % len(templates)]
            new_id, made = next_id, made + 1
            next_id += 1
            ids = {u: str(uuid.uuid4()) for u in set(found[template])}
            pieces = parts[template]
            text = "".join(p + (ids[u] if k < len(found[template]) else "")
                           for k, (p, u) in enumerate(zip(pieces, found[template] + [""], strict=True)))
            name, display = requesters[new_id % len(requesters)]
            title = f"Reasonable accommodation request from {display}"
            rows_c.append(dict(cases[template], id=new_id, requester=name, title=title, workflow=text))
            rows_t += [dict(t, id=ids.get(t["id"], t["id"]), case_id=new_id, requester=name,
                            search=search_text(title, t["title"], display)) for t in tasks[template]]
            rows_m += [dict(t, id=ids.get(t["id"], t["id"]), case_id=new_id) for t in timers[template]]
            rows_map.append({"case_id": new_id, "template_id": template})
            rows_ids += [{"case_id": new_id, "template_task_id": u, "task_id": ids[u]} for u in named[template]
                         if u in ids]
        with db.engine.begin() as conn:
            conn.execute(tc.insert(), rows_c)
            if rows_t:
                conn.execute(tt.insert(), rows_t)
            if rows_m:
                conn.execute(tm.insert(), rows_m)
            conn.execute(clone_map.insert(), rows_map)
            if rows_ids:
                conn.execute(task_map.insert(), rows_ids)
            conn.execute(copy_events)
            conn.execute(clone_map.delete())
            conn.execute(task_map.delete())
    with db.engine.begin() as conn:
        meta.drop_all(conn)


# -- building one database -------------------------------------------------------------------------
def build(url: str, size: int) -> dict:
    from engine import auth, clock
    from engine.cases import CaseService
    from engine.definitions import Registry, deploy, read_folder
    from engine.users import add_user

    clock.install()
    fc = clock.FrozenClock(NOW)
    clock.set_clock(fc)
    from engine.store import Database

    db = Database(url)
    db.init_schema()
    deploy(db, read_folder(ROOT / "processes" / "navy"))
    svc = CaseService(db, Registry())
    auth.use_fast_hashing()
    with db.transaction() as s:
        roles = svc.registry.current(s, "navy").jurisdiction.roles
    for role in roles:
        add_user(db, svc.registry, role, [role], "navy")
    auth.set_password(db, "coordinator", "Tall-Maple-Harbor-42")
    requesters = [(f"req{n:05d}", f"Requester {n:05d}") for n in range(max(1, size // 100))]
    from sqlalchemy import insert

    from engine.store import User

    with db.engine.begin() as conn:
        conn.execute(insert(User), [dict(name=n, display_name=d, jurisdiction="navy", roles=["requester"],
                                         password_hash=None, token_hash=None, created_at=NOW) for n, d in requesters])
    began = time.perf_counter()
    templates = build_templates(svc, fc, requesters)
    clone(db, templates, size, requesters)
    built = time.perf_counter() - began
    if db.is_sqlite:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    db.dispose()
    return {"build_s": round(built, 1)}


# -- measuring -------------------------------------------------------------------------------------
CPU: dict[str, list[float]] = {}


def timed(fn, calls: int, name: str = "") -> list[float]:
    """Wall-clock ms of each call; the process's CPU ms go to CPU[name] (the machine is shared: the
    CPU time shows what a call costs when the wall clock also counts waiting for a core)."""
    fn()  # warm-up
    out, cpu = [], []
    for _ in range(calls):
        began, began_cpu = time.perf_counter(), time.process_time()
        fn()
        out.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    CPU[name] = cpu
    return out


def measure(url: str, size: int, calls: int) -> dict:
    from sqlalchemy import func, select, text

    from api.app import create_app
    from engine import auth, clock
    from engine.store import Case, Database, Task, Timer

    clock.install()
    clock.set_clock(clock.FrozenClock(NOW))
    tmp = Path(tempfile.mkdtemp(prefix="raflow-scale-"))
    app = create_app({"DATABASE_URL": url, "TESTING": True, "CLOCK": clock.get_clock(),
                      "INSTANCE_PATH": str(tmp / "instance"), "DOCUMENTS_PATH": str(tmp / "documents")})
    db = Database(url)
    token = auth.issue_token(db, "coordinator")
    headers = {"Authorization": f"Bearer {token}"}
    api = app.test_client()
    page = app.test_client()
    html = page.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    signed = page.post("/login", data={"name": "coordinator", "password": "Tall-Maple-Harbor-42", "csrf_token": csrf})
    assert signed.status_code == 302

    def get(client, path, **kw):
        r = client.get(path, **kw)
        assert r.status_code == 200, (path, r.status_code, r.get_data(as_text=True)[:300])
        return r

    with db.transaction() as s:
        n_cases = s.execute(select(func.count()).select_from(Case)).scalar()
        some_case = s.execute(select(Case.id).order_by(Case.id.desc()).limit(1)).scalar()
        to_complete = list(s.execute(select(Task.id).where(Task.spec_id == "task_record_request")
                                     .order_by(Task.case_id.desc()).limit(calls + 1)).scalars())
    results = {}
    inbox_rows = get(page, "/inbox").text.count('href="/tasks/')
    def run(name, fn, n=calls):
        results[name] = timed(fn, n, name)

    run("inbox all", lambda: get(page, "/inbox"))
    run("inbox overdue", lambda: get(page, "/inbox?due=overdue"))
    run("inbox role", lambda: get(page, "/inbox?role=coordinator"))
    # A requester of the pool at every size (size // 100 of them, 100 cases each): the search finds about
    # as many tasks at 1k as at 100k, so the figure shows the growth with the table, not an empty result.
    run("inbox text", lambda: get(page, "/inbox?q=requester+00007"))
    text_rows = get(page, "/inbox?q=requester+00007").text.count('href="/tasks/')
    tasks = get(api, "/api/v1/tasks", headers=headers)
    total_tasks = json.loads(tasks.headers["X-Pagination"])["total"]
    run("GET /api/v1/tasks", lambda: get(api, "/api/v1/tasks", headers=headers))
    overdue = get(api, "/api/v1/cases?overdue=true", headers=headers)
    total_overdue = json.loads(overdue.headers["X-Pagination"])["total"]
    run("GET /api/v1/cases?overdue", lambda: get(api, "/api/v1/cases?overdue=true", headers=headers))
    for name, fn in extra_measures(get, page, api, headers):
        run(name, fn)
    rss_listing = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    run("case read", lambda: get(api, f"/api/v1/cases/{some_case}", headers=headers))
    form = {"requester_name": "Pat Doe", "requester_type": "employee", "how_received": "supervisor",
            "received_by_name": "Sam Supervisor", "request_mode": "oral", "request_date": "2026-03-16",
            "accommodation_requested": "Screen reader software", "written_confirmation": "requester",
            "expedited": False}
    supervisor = {"Authorization": f"Bearer {auth.issue_token(db, 'supervisor')}"}
    pending = list(to_complete)

    def complete():
        r = api.post(f"/api/v1/tasks/{pending.pop()}/complete", json={"data": form}, headers=supervisor)
        assert r.status_code == 200, r.get_data(as_text=True)[:300]

    run("complete (a clone's task)", complete, min(calls, len(to_complete) - 1))
    from engine.cases import CaseService
    from engine.definitions import Registry

    svc = CaseService(db, Registry())
    # Idle: the clock just before the first waiting timer (the clones' older timers are long due at NOW),
    # so the sweep is the indexed look-up over every waiting timer that finds nothing.
    with db.transaction() as s:
        first_timer = s.execute(select(func.min(Timer.fire_at))).scalar()
    clock.set_clock(clock.FrozenClock(first_timer - timedelta(seconds=1)))
    run("timer sweep (idle)", lambda: svc.fire_due_timers())
    clock.set_clock(clock.FrozenClock(NOW))
    if db.is_sqlite:
        with db.engine.connect() as conn:
            pages = sqlite_bytes(conn)
            workflow = conn.execute(text("SELECT avg(length(workflow)) FROM ra_case")).scalar()
    else:
        with db.engine.connect() as conn:
            pages = conn.execute(text("SELECT pg_database_size(current_database())")).scalar()
            workflow = conn.execute(text("SELECT avg(octet_length(workflow)) FROM ra_case")).scalar()
    __import__("bench.reports").reports.measure(db, size, run)  # the year's report and export (issue 13)
    db.dispose()
    shutil.rmtree(tmp, ignore_errors=True)
    return {"cases": n_cases, "inbox_rows_on_page": inbox_rows, "text_rows_on_page": text_rows,
            "tasks_total": total_tasks,
            "overdue_total": total_overdue, "bytes_per_case": int(pages / n_cases), "workflow_bytes": int(workflow),
            "rss_listing_mb": rss_listing,
            "times": {k: [round(v, 3) for v in vs] for k, vs in results.items()},
            "cpu": {k: [round(v, 3) for v in vs] for k, vs in CPU.items()}}


def extra_measures(get, page, api, headers) -> list[tuple[str, callable]]:
    """More figures over the same database, as (name, call) pairs: e.g. bench/reports.py's year report.
    `get(client, path, **kw)` asserts a 200; `page` is the signed-in coordinator's page client, `api`
    the JSON API client with `headers` (a bearer token). Add a name to LISTED to hold it to the targets."""
    return []


def sqlite_bytes(conn) -> int:
    return conn.exec_driver_sql("PRAGMA page_count").scalar() * conn.exec_driver_sql("PRAGMA page_size").scalar()


def first_step_bytes(url: str) -> int:
    """Bytes per case of 200 cases at their first step, started through the service (SQLite file growth)."""
    from engine import clock
    from engine.cases import CaseService
    from engine.definitions import Registry, deploy, read_folder
    from engine.store import Database
    from engine.users import add_user

    clock.install()
    clock.set_clock(clock.FrozenClock(NOW))
    db = Database(url)
    db.init_schema()
    deploy(db, read_folder(ROOT / "processes" / "navy"))
    svc = CaseService(db, Registry())
    add_user(db, svc.registry, "requester", ["requester"], "navy")

    def size():
        with db.engine.connect() as conn:
            conn.exec_driver_sql("VACUUM")
            return sqlite_bytes(conn)

    before = size()
    for _ in range(200):
        svc.start_case("navy", "navy_ra", "requester")
    grown = size() - before
    db.dispose()
    return grown // 200


# -- PostgreSQL ------------------------------------------------------------------------------------
def postgres_url() -> str | None:
    """RAFLOW_TEST_POSTGRES_URL, or a fresh database on the Debian cluster (started if needed)."""
    if os.environ.get("RAFLOW_TEST_POSTGRES_URL"):
        return os.environ["RAFLOW_TEST_POSTGRES_URL"]
    if not shutil.which("pg_lsclusters"):
        return None
    lines = [x.split() for x in subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True)
             .stdout.splitlines() if x.strip()]
    if not lines:
        return None
    version, name, port, status = lines[0][:4]
    if status != "online":
        subprocess.run(["pg_ctlcluster", version, name, "start"], check=True, capture_output=True)

    def psql(sql):
        return subprocess.run(["su", "postgres", "-c", f"psql -p {port} -tAc \"{sql}\""], capture_output=True,
                              text=True, check=True).stdout.strip()

    user = os.environ.get("USER") or "root"
    if psql(f"SELECT 1 FROM pg_roles WHERE rolname='{user}'") != "1":
        psql(f"CREATE ROLE {user} SUPERUSER LOGIN")
    return f"postgresql+psycopg://{user}@/{{db}}?host=/var/run/postgresql&port={port}|{port}"


def fresh_postgres(base: str, label: str) -> tuple[str, callable]:
    if "|" not in base:
        return base, lambda: None
    template, port = base.split("|")
    name = f"raflow_bench_{os.getpid()}_{label}"

    def psql(sql):
        subprocess.run(["su", "postgres", "-c", f"psql -p {port} -tAc \"{sql}\""], capture_output=True, check=True)

    user = os.environ.get("USER") or "root"
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(f"CREATE DATABASE {name} OWNER {user}")
    return template.replace("{db}", name), lambda: psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# -- the run ---------------------------------------------------------------------------------------
def child(mode: str, url: str, size: int, calls: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", mode, "--url", url, "--size", str(size),
                          "--calls", str(calls)], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        sys.exit(f"bench/scale.py {mode} {size}: {out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(samples), ordered[min(len(ordered) - 1, int(round(len(ordered) * 0.95)) - 1)]


def cli_startup(url: str, runs: int = 10) -> dict:
    raflow = ROOT / ".venv" / "bin" / "raflow"
    env = dict(os.environ, RAFLOW_DATABASE_URL=url)
    env.pop("RAFLOW_CLOCK", None)
    out = {}
    for label, argv in (("raflow --help", ["--help"]), ("raflow task list", ["task", "list", "--as", "coordinator"])):
        samples, cpu = [], []
        for _ in range(runs):
            began, used = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([str(raflow), *argv], env=env, capture_output=True, check=True)
            samples.append((time.perf_counter() - began) * 1000)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append((after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime) * 1000)
        out[label] = samples
        CPU[label] = cpu
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 cases only")
    parser.add_argument("--dbs", default="sqlite,postgres")
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--child")
    parser.add_argument("--url")
    parser.add_argument("--size", type=int)
    args = parser.parse_args(argv)
    if args.child:
        result = build(args.url, args.size) if args.child == "build" else \
            measure(args.url, args.size, args.calls) if args.child == "measure" else \
            {"bytes": first_step_bytes(args.url)}
        print(json.dumps(result))
        return 0

    sizes = [1000, 10000] if args.quick else [int(x) for x in args.sizes.split(",")]
    calls = max(20, args.calls)
    tmp = Path(tempfile.mkdtemp(prefix="raflow-scale-"))
    print(f"bench/scale.py: open Navy cases, {calls} calls per figure, in-process over the Flask app; "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} at start")
    first = child("first-step", f"sqlite:///{tmp / 'first.db'}", 200, calls)["bytes"]
    print(f"bytes per case at its first step (SQLite, 200 cases through the service): {first}")
    worst_ms, worst_ratio, worst_rss = 0.0, 0.0, 0
    pg_base = postgres_url() if "postgres" in args.dbs else None
    for dbname in args.dbs.split(","):
        if dbname == "postgres" and not pg_base:
            print("PostgreSQL: not available (set RAFLOW_TEST_POSTGRES_URL or install the postgresql package)")
            continue
        medians = {}
        for size in sizes:
            if dbname == "sqlite":
                url, drop = f"sqlite:///{tmp / f'scale-{size}.db'}", (lambda: None)
            else:
                url, drop = fresh_postgres(pg_base, str(size))
            try:
                built = child("build", url, size, calls)
                got = child("measure", url, size, calls)
                if size == sizes[0]:
                    startup = cli_startup(url)
            finally:
                drop()
                if dbname == "sqlite":
                    (tmp / f"scale-{size}.db").unlink(missing_ok=True)
            print(f"\n{dbname} {got['cases']:,} cases (built in {built['build_s']} s): {got['tasks_total']:,} tasks in "
                  f"the coordinator's inbox ({got['inbox_rows_on_page']} on the first page; the text search "
                  f"shows {got['text_rows_on_page']}), "
                  f"{got['overdue_total']:,} overdue cases; {got['bytes_per_case']:,} bytes per case "
                  f"(workflow {got['workflow_bytes']:,}); peak RSS while listing {got['rss_listing_mb']} MB")
            worst_rss = max(worst_rss, got["rss_listing_mb"])
            for name, samples in got["times"].items():
                median, p95 = stats(samples)
                medians[(name, size)] = median
                cpu = statistics.median(got["cpu"][name])
                print(f"  {name:<28} median {median:8.2f} ms   p95 {p95:8.2f} ms   (CPU median {cpu:7.2f} ms)")
                if size == sizes[-1] and name in LISTED:
                    worst_ms = max(worst_ms, median)
            if size == sizes[0]:
                for name, samples in startup.items():
                    median, p95 = stats(samples)
                    print(f"  {name:<28} median {median:8.2f} ms   p95 {p95:8.2f} ms   (CPU median "
                          f"{statistics.median(CPU[name]):7.2f} ms; process start, 10 runs)")
        for name in LISTED:
            if (name, sizes[0]) in medians and (name, sizes[-1]) in medians:
                worst_ratio = max(worst_ratio, medians[(name, sizes[-1])] / medians[(name, sizes[0])])
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"\npeak_rss_listing_mb: {worst_rss}")
    print(f"first_step_bytes_per_case: {first}")
    print(f"worst_{sizes[-1] // 1000}k_ms: {worst_ms:.1f}")
    print(f"worst_ratio: {worst_ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
