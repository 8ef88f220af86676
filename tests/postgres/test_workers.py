"""Several `raflow worker` processes on one PostgreSQL database fire each due timer exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine import clock
from engine.store import Event, Task, Timer


@pytest.mark.parametrize("db", ["postgres"], indirect=True)
def test_four_workers_fire_500_due_timers_exactly_once(db, service, frozen, tmp_path):
    postgres_db = db
    case_ids = [service.start_case("testland", "tl_main", "rob") for _ in range(500)]

    clock_file = tmp_path / "clock.txt"
    clock.FileClock(clock_file).set(frozen.now() + timedelta(days=6))  # every reminder is due, no deadline
    env = dict(os.environ, RAFLOW_CLOCK=f"file:{clock_file}",
               RAFLOW_DATABASE_URL=postgres_db.engine.url.render_as_string(hide_password=False))
    workers = [subprocess.Popen([sys.executable, "-m", "api.cli", "worker", "--once"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [w.communicate(timeout=300) for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    fired_per_worker = [int(out.split()[1]) for out, _ in outputs]
    print("fired per worker:", fired_per_worker)
    assert sum(fired_per_worker) == 500

    with postgres_db.transaction() as s:
        fired = Counter(s.execute(select(Event.task_id).where(Event.kind == "timer_fired")).scalars())
        reminders = Counter(s.execute(select(Task.case_id).where(Task.title == "Acknowledge the reminder")).scalars())
        still_due = s.execute(select(func.count()).select_from(Timer)
                              .where(Timer.fire_at <= frozen.now() + timedelta(days=6))).scalar()
    assert len(fired) == 500 and set(fired.values()) == {1}, "a timer fired twice or was missed"
    assert sorted(reminders) == sorted(case_ids) and set(reminders.values()) == {1}
    assert still_due == 0
