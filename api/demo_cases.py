"""Demo cases (`raflow demo --cases N`): realistic cases in every deployed jurisdiction, at every stage.

Each case is driven through the real service on a simulated clock over the past months. The
driver knows no task ids: it completes whatever step is open, as a user holding the step's role,
with values generated from the step's form schema (every field filled, enums steered towards the
case's goal: approved, late, held for medical documents, denied by a basis, withdrawn, in
committee...). So it keeps working when the diagrams change; a step it cannot complete ends that
case where it stands (reported), never the whole run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from engine import clock
from engine.errors import NotFound, RaflowError, ValidationFailed
from engine.store import Case, Task, Timer, User
from engine.users import add_user

# Goals: enum preferences by field name, how many days pass between steps, when to stop.
# IV: a committee finding needs a quorum whose views add up (committee_quorum in jurisdiction.toml).
_QUORUM = {"committee_concurs": "concurs", "members_present_count": 7, "members_concurring": 7,
           "members_not_concurring": 0}

GOALS: dict[str, dict[str, dict]] = {
    "navy": {
        "approved": {"prefer": {"medical_documentation_needed": "no"}},
        "alternative": {"prefer": {"medical_documentation_needed": "no", "decision": "approve_alternative"}},
        "late": {"prefer": {"medical_documentation_needed": "no"}, "gap": (6, 9), "old": True},
        "medical_then_approved": {"prefer": {"medical_documentation_needed": "yes"}},
        "held": {"prefer": {"medical_documentation_needed": "yes"}, "stop_form": "navy_medical_documents"},
        "expedited": {"prefer": {"medical_documentation_needed": "no", "expedited": True}},
        "denied_not_qualified": {"prefer": {"medical_documentation_needed": "no", "has_impairment": "no",
                                            "substantially_limits": "no"}},
        "denied_undue_hardship": {"prefer": {"medical_documentation_needed": "no", "decision": "cannot_accommodate",
                                             "analysis_basis": "undue_hardship", "reassignment_election": "decline"}},
        "denied_direct_threat": {"prefer": {"medical_documentation_needed": "no", "decision": "cannot_accommodate",
                                            "analysis_basis": "direct_threat", "reassignment_election": "decline"}},
        "reassignment": {"prefer": {"medical_documentation_needed": "no", "decision": "cannot_accommodate",
                                    "analysis_basis": "undue_hardship", "reassignment_election": "accept"}},
        "withdrawn": {"prefer": {"medical_documentation_needed": "no"}, "withdraw_after": 3},
        "pending": {"prefer": {"medical_documentation_needed": "no"}, "max_steps": 3, "recent": True},
    },
    "santa_cruz": {
        "applicant_accommodated": {"prefer": {"path": "applicant", "requester_type": "applicant"}},
        "not_this_position": {"prefer": {"path": "applicant", "requester_type": "applicant",
                                         "outcome": "not_this_position"}},
        "industrial": {"prefer": {"path": "industrial", "requester_type": "employee"}},
        "non_industrial": {"prefer": {"path": "non_industrial", "requester_type": "employee"}},
        "late": {"prefer": {"path": "non_industrial", "requester_type": "employee"}, "gap": (4, 6), "old": True},
        "not_qualified": {"prefer": {"path": "non_industrial", "requester_type": "employee", "has_disability": "no",
                                     "qpwd_result": "not_qualified"}},
        "committee": {"prefer": {"path": "non_industrial", "requester_type": "employee",
                                 "department_can_accommodate": "no", "department_reexamination_result":
                                 "cannot_accommodate", "same_class_result": "not_possible",
                                 "lower_class_result": "not_possible", **_QUORUM}, "stop_form": "committee_findings"},
        "committee_finding": {"prefer": {"path": "industrial", "requester_type": "employee",
                                         "department_can_accommodate": "no", "department_reexamination_result":
                                         "cannot_accommodate", "same_class_result": "not_possible",
                                         "lower_class_result": "not_possible",
                                         "finding": "vacant_same_class_department", **_QUORUM}},
        "withdrawn": {"prefer": {"path": "non_industrial", "requester_type": "employee"}, "withdraw_after": 3},
        "pending": {"prefer": {"path": "industrial", "requester_type": "employee"}, "max_steps": 3, "recent": True},
    },
}

REQUESTERS = {
    "navy": ["Jordan Ellis", "Morgan Reyes", "Taylor Brooks", "Riley Chen", "Avery Patel", "Quinn Okafor"],
    "santa_cruz": ["Jamie Alvarez", "Drew Nakamura", "Kendall Moss", "Reese Delgado", "Skyler Park", "Rowan Hale"],
}
ACCOMMODATIONS = ["Screen reader software", "Ergonomic workstation", "Modified work schedule",
                  "Telework two days a week",
                  "Sign language interpreter", "Reserved parking near the entrance", "Noise-cancelling headset"]
UNITS = {"navy": ["NAVSEA", "NAVAIR", "NAVFAC", "NAVWAR", "BUMED"],
         "santa_cruz": ["Health Services Agency", "Public Works", "Human Services", "Parks", "Information Services"]}
FUTURE_WORDS = ("due", "extended", "end_date", "expected", "reply")
VARIED = {"purpose", "chosen_accommodation_type"}  # enums that change no route: vary them for the breakdowns


@dataclass
class CaseRun:
    jurisdiction: str
    goal: str
    case_id: int | None = None
    steps: int = 0
    stopped_because: str = ""
    log: list[str] = field(default_factory=list)


class Walker:
    """Drives cases of one jurisdiction; `service` is the real CaseService."""

    def __init__(self, service, jurisdiction: str, rng: random.Random, present: datetime):
        self.service = service
        self.key = jurisdiction
        self.rng = rng
        self.present = present
        with service.db.transaction() as s:
            self.deployed = service.registry.current(s, jurisdiction)
            users = s.execute(select(User.name, User.roles, User.display_name)
                              .where(User.jurisdiction == jurisdiction)).all()
        self.cal = self.deployed.jurisdiction.calendar
        self.by_role: dict[str, str] = {}
        self.display = {u.name: u.display_name for u in users}
        for u in sorted(users, key=lambda u: u.name):
            for role in u.roles or ():
                self.by_role.setdefault(role, u.name)
        self.requesters = self._requesters()
        self.start_day: date | None = None

    def _requesters(self) -> list[str]:
        names = []
        for i, display in enumerate(REQUESTERS.get(self.key, ["Demo Requester"]), 1):
            name = f"{self.key}.demo{i}"
            if name not in self.display:
                try:
                    add_user(self.service.db, self.service.registry, name, ["requester"], self.key, display)
                except RaflowError:
                    continue
                self.display[name] = display
            names.append(name)
        return names

    # -- time --------------------------------------------------------------------------------
    def _set(self, local_day: date, hour: int = 10) -> bool:
        at = datetime.combine(local_day, time(hour, 0), tzinfo=self.cal.tz).astimezone(UTC)
        if at > self.present:
            return False
        clock.get_clock().set(at)
        return True

    def _fire(self) -> None:
        for _ in range(50):
            if not self.service.fire_due_timers():
                return

    def today(self) -> date:
        return self.cal.local_date(clock.now())

    # -- values ------------------------------------------------------------------------------
    def value(self, name: str, spec: dict, prefer: dict, requester: str, unit: str, accommodation: str):
        kind = spec.get("type")
        if "const" in spec:
            return spec["const"]
        if name in prefer and (not spec.get("enum") or prefer[name] in spec["enum"]):
            return prefer[name]
        if spec.get("enum"):
            return self.rng.choice(spec["enum"]) if name in VARIED else spec["enum"][0]
        if kind == "boolean":
            return False
        if kind in ("number", "integer"):
            low = spec.get("minimum", 0)
            return max(low, min(spec.get("maximum", 1200), 1200 if kind == "number" else 1))
        if kind == "array":
            items = spec.get("items", {})
            return items.get("enum", [])[:1] if items.get("enum") else []
        if spec.get("format") == "date":
            if name == "request_date" and self.start_day:
                return self.start_day.isoformat()
            future = any(w in name for w in FUTURE_WORDS) and name != "request_date"
            return (self.today() + timedelta(days=14 if future else 0)).isoformat()
        if spec.get("format") == "email":
            return "demo.requester@example.org"
        text = self._text(name, requester, unit, accommodation)
        return text[: spec.get("maxLength", 4000)]

    def _text(self, name, requester, unit, accommodation) -> str:
        if name in ("requester_name",):
            return self.display.get(requester, requester)
        if "accommodation" in name:
            return accommodation
        if name in ("component", "department", "placement_department"):
            return unit
        if name == "job_series":
            return "2210"
        if name == "grade":
            return "GS-12"
        if name.endswith("_name") or name in ("deciding_official", "reviewer", "ogc_reviewer"):
            return self.display.get(self.by_role.get("supervisor") or self.by_role.get("department") or "",
                                    "Demo Official")
        return f"Demo entry: {name.replace('_', ' ')}"

    def form_data(self, form, prefer, requester, unit, accommodation) -> dict:
        if form is None:
            return {}
        return {n: self.value(n, spec, prefer, requester, unit, accommodation) for n, spec in form.fields.items()}

    # -- a case ------------------------------------------------------------------------------
    def run(self, goal: str, start_day: date, max_steps: int = 60) -> CaseRun:
        plan = GOALS[self.key][goal]
        run = CaseRun(self.key, goal)
        self.start_day = start_day
        if not self._set(start_day):
            run.stopped_because = "starts in the future"
            return run
        requester = self.rng.choice(self.requesters)
        unit = self.rng.choice(UNITS.get(self.key, ["Main office"]))
        accommodation = self.rng.choice(ACCOMMODATIONS)
        process = self.deployed.jurisdiction.start_processes[0]
        run.case_id = self.service.start_case(self.key, process, requester, {}, requester=requester)
        low, high = plan.get("gap", (1, 3))
        limit = plan.get("max_steps", max_steps)
        while run.steps < limit:
            if plan.get("withdraw_after") and run.steps >= plan["withdraw_after"]:
                self.service.withdraw(run.case_id, requester, "No longer needed (demo)")
                run.stopped_because = "withdrawn"
                return run
            task = self._next_task(run.case_id)
            if task is None:
                if not self._wait_for_timer(run.case_id):
                    run.stopped_because = "no open step"
                    return run
                continue
            if plan.get("stop_form") and task.form_key == plan["stop_form"]:
                run.stopped_because = f"waits at {task.title}"
                return run
            user = task.assignee or (requester if task.role == "requester" else self.by_role.get(task.role))
            if user is None:
                run.stopped_because = f"no demo user holds the role {task.role}"
                return run
            form = self.deployed.form(task.form_key)
            data = self.form_data(form, plan["prefer"], requester, unit, accommodation)
            error = self._complete(task, user, form, data)
            if error:
                run.stopped_because = f"{task.title}: {error}"
                return run
            run.steps += 1
            if not self._set(self.today() + timedelta(days=self.rng.randint(low, high))):
                run.stopped_because = "reached today"
                return run
            self._fire()
        run.stopped_because = run.stopped_because or "step limit"
        return run

    def _complete(self, task, user, form, data) -> str | None:
        """Complete the step; on field errors try the other choice of each refused field, twice at most."""
        for _ in range(3):
            try:
                self.service.complete(task.id, user, data)
                return None
            except ValidationFailed as err:
                if form is None:
                    return f"{err}: {err.errors}"
                for name in err.errors:
                    spec = form.fields.get(name, {})
                    if spec.get("type") == "boolean":
                        data[name] = not data.get(name)
                    elif spec.get("enum") and data.get(name) in spec["enum"]:
                        choices = spec["enum"]
                        data[name] = choices[(choices.index(data[name]) + 1) % len(choices)]
                    else:
                        data.pop(name, None)
                last = f"{err}: {', '.join(err.errors)}"
            except RaflowError as err:
                return str(err)
        return last

    def _next_task(self, case_id):
        with self.service.db.transaction() as s:
            row = s.execute(select(Task.id, Task.title, Task.role, Task.assignee, Task.form_key)
                            .where(Task.case_id == case_id).order_by(Task.created_at, Task.title).limit(1)).first()
            status = s.execute(select(Case.status).where(Case.id == case_id)).scalar()
        return row if status == "open" else None

    def _wait_for_timer(self, case_id) -> bool:
        """No open step: move the clock to the case's next timer (if before today) and fire it."""
        with self.service.db.transaction() as s:
            status = s.execute(select(Case.status).where(Case.id == case_id)).scalar()
            nxt = s.execute(select(Timer.fire_at).where(Timer.case_id == case_id)
                            .order_by(Timer.fire_at).limit(1)).scalar()
        if status != "open" or nxt is None or nxt + timedelta(minutes=1) > self.present:
            return False
        clock.get_clock().set(nxt + timedelta(minutes=1))
        self._fire()
        return True


def business_day_back(cal, present_day: date, days_back: int) -> date:
    d = present_day - timedelta(days=days_back)
    while not cal.is_business_day(d):
        d -= timedelta(days=1)
    return d


def make_demo_cases(service, count: int, months: int = 6, seed: int = 13) -> list[CaseRun]:
    """`count` cases spread over the deployed jurisdictions and their goals, started over the past months."""
    rng = random.Random(seed)
    real = clock.get_clock()
    present = real.now()
    frozen = clock.FrozenClock(present)
    clock.set_clock(frozen)
    runs: list[CaseRun] = []
    try:
        walkers = []
        for key in GOALS:
            try:
                walkers.append(Walker(service, key, rng, present))
            except NotFound:
                continue
        if not walkers:
            return runs
        for i in range(count):
            w = walkers[i % len(walkers)]
            goals = list(GOALS[w.key])
            goal = goals[(i // len(walkers)) % len(goals)]
            plan = GOALS[w.key][goal]
            if plan.get("recent"):
                back = rng.randint(2, 12)
            elif plan.get("old"):  # long enough ago for a slow case to finish late
                back = rng.randint(max(21, months * 30 - 20), max(22, months * 30))
            else:
                back = rng.randint(20, max(21, months * 30))
            start = business_day_back(w.cal, w.cal.local_date(present), back)
            runs.append(w.run(goal, start))
        frozen.set(present)
        for w in walkers:
            w._fire()
    finally:
        clock.set_clock(real)
    return runs
