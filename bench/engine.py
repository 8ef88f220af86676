"""Engine benchmark: (a) the bare SpiffWorkflow cycle in memory, (b) raflow's complete-task call on
SQLite, their ratio, (c) a timer sweep over 10,000 waiting cases with 0 and with 100 due, and (d) how soon
the worker fires a timer after it falls due.

Run: .venv/bin/python bench/engine.py [--n 1000]. Prints figures; asserts nothing (targets: ratio <= 3,
sweep_idle_ms < 5). Ends with the lines `ratio: N.NN` and `sweep_idle_ms: N.NN`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine  # noqa: E402
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402

from engine import clock, serialization  # noqa: E402
from engine.cases import CaseService  # noqa: E402
from engine.definitions import Registry, deploy, read_folder  # noqa: E402
from engine.store import Case, Database, Timer  # noqa: E402
from engine.users import add_user  # noqa: E402

BENCH = ROOT / "bench" / "processes" / "benchland"
FORM = {"decision": "approve", "note": "ok"}


def ms(samples):
    return statistics.median(samples) * 1000, sorted(samples)[int(len(samples) * 0.9)] * 1000


def bare_cycle(n: int) -> list[float]:
    """Deserialize (spec embedded, SpiffWorkflow's own serializer), complete, engine steps, serialize."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_files([str(BENCH / "bench_main.bpmn")])
    wf = BpmnWorkflow(parser.get_spec("bench_main"), parser.get_subprocess_specs("bench_main"),
                      script_engine=PythonScriptEngine())
    wf.do_engine_steps()
    ser = serialization.embedded_serializer()
    state = ser.serialize_json(wf)
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        w = ser.deserialize_json(state)
        w.script_engine = PythonScriptEngine()
        task = w.get_next_task(state=TaskState.READY, manual=True)
        task.set_data(**FORM)
        task.run()
        w.do_engine_steps()
        ser.serialize_json(w)
        samples.append(time.perf_counter() - t0)
    return samples


def setup(path: Path) -> tuple[Database, CaseService]:
    db = Database(f"sqlite:///{path}")
    db.init_schema()
    deploy(db, read_folder(BENCH))
    svc = CaseService(db, Registry())
    add_user(db, svc.registry, "clerk", ["clerk"], "benchland")
    return db, svc


def raflow_complete(n: int, tmp: Path) -> list[float]:
    """raflow's complete: load, check access, validate the form, complete, projections, commit."""
    _, svc = setup(tmp / "complete.db")
    for _ in range(n):
        svc.start_case("benchland", "bench_main", "clerk")
    tasks = [t.id for t in svc.list_tasks("clerk") if t.title == "First step"]
    for task_id in tasks[:20]:  # warm-up
        svc.complete(task_id, "clerk", FORM)
    samples = []
    for task_id in tasks[20:]:
        t0 = time.perf_counter()
        svc.complete(task_id, "clerk", FORM)
        samples.append(time.perf_counter() - t0)
    return samples


def sweep(tmp: Path, total: int = 10_000, due: int = 100) -> tuple[list[float], float]:
    """10,000 waiting cases; sweep with none due, then with `due` due (fired for real)."""
    db, svc = setup(tmp / "sweep.db")
    start = clock.now()
    # The `due` cases start a day earlier: their reminders (2 days) fall due a day before the others'.
    clock.get_clock().set(start - timedelta(days=1))
    for _ in range(due):
        svc.start_case("benchland", "bench_main", "clerk")
    clock.get_clock().set(start)
    template = svc.start_case("benchland", "bench_main", "clerk")
    with db.transaction() as s:
        row = s.execute(select(Case).where(Case.id == template)).scalar()
        timer = s.execute(select(Timer).where(Timer.case_id == template)).scalar()
        fields = {c.name: getattr(row, c.name) for c in Case.__table__.columns if c.name != "id"}
        s.execute(insert(Case), [fields] * (total - due - 1))
        ids = s.execute(select(Case.id).where(Case.id > template)).scalars().all()
        s.execute(insert(Timer), [dict(id=f"{timer.id[:-8]}{i:08d}", case_id=i, spec_id=timer.spec_id,
                                       fire_at=timer.fire_at, interrupting=False) for i in ids])
    idle = []
    for _ in range(200):
        t0 = time.perf_counter()
        fired = svc.fire_due_timers(limit=100)
        idle.append(time.perf_counter() - t0)
        assert fired == 0
    clock.get_clock().set(start + timedelta(days=1, minutes=1))
    t0 = time.perf_counter()
    fired = svc.fire_due_timers(limit=100)
    busy = time.perf_counter() - t0
    assert fired == due, fired
    return idle, busy


def worker_latency(tmp: Path, runs: int = 10) -> list[float]:
    """Seconds from a timer falling due to its firing, with `raflow worker`'s default settings."""
    import threading

    from engine import worker
    from engine.store import Event

    db, svc = setup(tmp / "latency.db")
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(CaseService(db, Registry()),),
                              kwargs={"stop": stop.is_set}, daemon=True)
    thread.start()
    samples = []
    for _ in range(runs):
        case_id = svc.start_case("benchland", "bench_main", "clerk")
        with db.transaction() as s:
            fire_at = s.execute(select(Timer.fire_at).where(Timer.case_id == case_id)).scalar()
        time.sleep(random.uniform(0, 0.6))  # fall due at a random point of the worker's poll cycle
        clock.get_clock().set(fire_at + timedelta(microseconds=1))
        t0 = time.perf_counter()
        while True:
            with db.transaction() as s:
                if s.execute(select(Event.id).where(Event.case_id == case_id, Event.kind == "timer_fired")).first():
                    break
            time.sleep(0.005)
        samples.append(time.perf_counter() - t0)
    stop.set()
    thread.join(timeout=5)
    return samples


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000, help="samples for (a) and (b)")
    args = ap.parse_args()
    clock.install()
    clock.set_clock(clock.FrozenClock(datetime(2026, 1, 16, 15, 0, tzinfo=UTC)))
    with tempfile.TemporaryDirectory() as tmp:
        a = bare_cycle(args.n)
        b = raflow_complete(args.n, Path(tmp))
        idle, busy = sweep(Path(tmp))
        latency = worker_latency(Path(tmp))
    a_med, a_p90 = ms(a)
    b_med, b_p90 = ms(b)
    idle_med, idle_p90 = ms(idle)
    print(f"(a) bare SpiffWorkflow cycle in memory:   median {a_med:.2f} ms  p90 {a_p90:.2f} ms  (n={len(a)})")
    print(f"(b) raflow complete-task on SQLite:        median {b_med:.2f} ms  p90 {b_p90:.2f} ms  (n={len(b)})")
    print(f"(c) sweep, 10,000 waiting, 0 due:          median {idle_med:.2f} ms  p90 {idle_p90:.2f} ms")
    print(f"(c) sweep, 10,000 waiting, 100 due fired:  {busy * 1000:.1f} ms ({busy * 10:.2f} ms per case)")
    print(f"(d) worker, default poll: due -> fired  median {statistics.median(latency) * 1000:.0f} ms  "
          f"max {max(latency) * 1000:.0f} ms (target < 1000 ms)")
    print(f"ratio: {b_med / a_med:.2f}")
    print(f"sweep_idle_ms: {idle_med:.2f}")


if __name__ == "__main__":
    main()
