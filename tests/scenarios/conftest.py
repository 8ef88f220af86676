"""Scenario driver: one case of a real jurisdiction folder, driven day by day through the real service.

A scenario deploys `processes/<jurisdiction>/` (with its forms) into a real SQLite file, creates one
user per configured role (named after the role: "coordinator", "supervisor", ... and "requester",
the case's requester) and moves the frozen clock in the jurisdiction's own time zone. Tests then read
what a coordinator or an investigator would read: open tasks with their due instants, the stored
timers, the case summary (tracking, clocks, outcome) and the history.

    def test_something(scenario):
        s = scenario("navy")
        s.start("navy_ra")                                  # day 0 = the frozen clock's local date
        s.do("supervisor", "task_record_request", request_date=s.date(0), ...)
        s.day(16, hour=1)                                   # day 16, 01:00 local time
        s.fire()
        assert s.task("coordinator", "task_followup").due_at == ...

`do`, `task` and `open_task` accept a task's title or its BPMN id (spec id).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import clock
from engine.cases import CaseService
from engine.definitions import Registry, deploy, read_folder
from engine.store import Task, Timer
from engine.users import add_user

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


class Scenario:
    """One jurisdiction deployed, its users, and (after `start`) one case of it."""

    def __init__(self, db, frozen, jurisdiction: str, folder: Path | None = None):
        self.db = db
        self.clock = frozen
        self.jurisdiction = jurisdiction
        deploy(db, read_folder(folder or PROCESSES / jurisdiction))
        self.service = CaseService(db, Registry())
        with db.transaction() as s:
            self.config = self.service.registry.current(s, jurisdiction).jurisdiction
        self.tz = self.config.calendar.tz
        self.users = {}
        for role in self.config.roles:
            add_user(db, self.service.registry, role, [role], jurisdiction)
            self.users[role] = role
        # day 0: the frozen clock's local date, until start() makes it the case's start date
        self.day0: date = clock.now().astimezone(self.tz).date()
        self.case_id: int | None = None

    # -- users -------------------------------------------------------------------------------
    def user(self, name: str, roles: list[str]) -> str:
        """Another user (e.g. a second requester, or someone holding two roles)."""
        add_user(self.db, self.service.registry, name, roles, self.jurisdiction)
        return name

    @property
    def staff(self) -> str:
        """A user who may read every case: one holding a need-to-know role of the jurisdiction (Navy 1-5)."""
        with self.db.transaction() as s:
            need_to_know = self.service.registry.current(s, self.jurisdiction).jurisdiction.need_to_know
        return next(u for r, u in self.users.items() if r in need_to_know)

    # -- time --------------------------------------------------------------------------------
    def date(self, n: int) -> str:
        """Local date of day n (calendar days after day 0) as "YYYY-MM-DD"."""
        return (self.day0 + timedelta(days=n)).isoformat()

    def day(self, n: int, hour: int = 10, minute: int = 0) -> datetime:
        """Move the clock to day n at hour:minute local time (forward or back); returns the UTC instant."""
        at = datetime.combine(self.day0 + timedelta(days=n), time(hour, minute), tzinfo=self.tz).astimezone(UTC)
        self.clock.set(at)
        return at

    def at(self, local: str) -> datetime:
        """Move the clock to a local wall-clock time "YYYY-MM-DDTHH:MM"."""
        at = datetime.fromisoformat(local).replace(tzinfo=self.tz).astimezone(UTC)
        self.clock.set(at)
        return at

    def end_of_day(self, n_or_date) -> datetime:
        """The UTC instant the local day ends (day number or "YYYY-MM-DD"): when a deadline is missed."""
        d = self.day0 + timedelta(days=n_or_date) if isinstance(n_or_date, int) else date.fromisoformat(n_or_date)
        return datetime.combine(d + timedelta(days=1), time(0), tzinfo=self.tz).astimezone(UTC)

    def today(self) -> str:
        return clock.now().astimezone(self.tz).date().isoformat()

    # -- the case ----------------------------------------------------------------------------
    def start(self, process_id: str | None = None, actor: str = "requester", requester: str | None = None,
              data: dict | None = None) -> int:
        """Start the case now; day 0 becomes today's local date."""
        process_id = process_id or self.config.start_processes[0]
        self.case_id = self.service.start_case(self.jurisdiction, process_id, actor, data, requester=requester)
        self.day0 = clock.now().astimezone(self.tz).date()
        return self.case_id

    def case(self, reader: str | None = None) -> dict:
        return self.service.get_case(self._case_id(), reader or self.staff)

    @property
    def summary(self) -> dict:
        return self.case()["summary"]

    @property
    def tracking(self) -> dict:
        return self.summary["tracking"]

    def clocks(self, name: str | None = None) -> dict:
        clocks = self.summary["clocks"]
        return clocks[name] if name else clocks

    def history(self, kind: str | None = None) -> list[dict]:
        events = self.case()["history"]
        return [e for e in events if kind is None or e["kind"] == kind]

    def withdraw(self, actor: str = "requester", reason: str = "") -> None:
        self.service.withdraw(self._case_id(), actor, reason)

    def fire(self) -> int:
        """Fire every timer due at the current instant; returns how many fired."""
        return self.service.fire_due_timers()

    # -- tasks -------------------------------------------------------------------------------
    def tasks(self) -> list[Task]:
        """Every open task of the case (any role), in the order they opened."""
        with self.db.transaction() as s:
            rows = s.execute(select(Task).where(Task.case_id == self._case_id())
                             .order_by(Task.created_at, Task.title)).scalars().all()
            s.expunge_all()
            return rows

    def open(self) -> set[str]:
        """Spec ids of the open tasks."""
        return {t.spec_id for t in self.tasks()}

    def titles(self) -> list[str]:
        return sorted(t.title for t in self.tasks())

    def timers(self) -> dict[str, datetime]:
        """Stored timers of the case: spec id -> fire instant (UTC)."""
        with self.db.transaction() as s:
            rows = s.execute(select(Timer.spec_id, Timer.fire_at).where(Timer.case_id == self._case_id()))
            return {r.spec_id: r.fire_at for r in rows}

    def task(self, user: str, which: str):
        """The open task of this case `user` may work, by title or spec id (a TaskRow from list_tasks)."""
        mine = [t for t in self.service.list_tasks(user) if t.case_id == self._case_id()]
        found = [t for t in mine if which in (t.title, t.spec_id)]
        assert found, (f"{user} has no open task {which!r} in case {self.case_id}; "
                       f"theirs: {[t.spec_id for t in mine]}; all open: {sorted(self.open())}")
        assert len(found) == 1, f"{user} has {len(found)} open tasks {which!r}"
        return found[0]

    def has(self, user: str, which: str) -> bool:
        return any(which in (t.title, t.spec_id) for t in self.service.list_tasks(user)
                   if t.case_id == self._case_id())

    def data(self, which: str) -> dict:
        """The task data the engine holds for the open task `which` (title or spec id): what its letter says."""
        workflow = self.service.load_workflow(self._case_id())
        found = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                 if which in (t.task_spec.bpmn_id, t.task_spec.bpmn_name)]
        assert len(found) == 1, f"{len(found)} open tasks {which!r}; open: {sorted(self.open())}"
        return dict(found[0].data)

    def do(self, user: str, which: str, **data) -> None:
        """Complete the open task `which` as `user` with the form values `data`."""
        self.service.complete(self.task(user, which).id, user, data)

    def _case_id(self) -> int:
        assert self.case_id is not None, "start() the case first"
        return self.case_id


@pytest.fixture
def scenario(sqlite_db, frozen):
    """Factory: scenario("navy") deploys processes/navy on a fresh SQLite file at the frozen clock."""
    made = []

    def make(jurisdiction: str, folder: Path | None = None) -> Scenario:
        made.append(Scenario(sqlite_db, frozen, jurisdiction, folder))
        return made[-1]

    return make
