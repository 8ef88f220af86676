"""Scenarios policy staff write: YAML files in `processes/<jurisdiction>/scenarios/` run against a bundle.

A scenario says who does which step with what data, moves the clock, and what must then be true (a step
open, its due date, the case's status, outcome and tracking). Each runs in its own scratch SQLite database
on a frozen clock, through the real case service, so it proves what a real case would do. The first step
that does not hold ends that scenario with "expected ... got ...", located by file and line. The format is
in docs/authoring.md ("Scenarios").

Files are untrusted: read with YAML's safe loader, at most MAX_BYTES each and MAX_STEPS steps.
"""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import yaml

from . import clock
from .errors import RaflowError, ValidationFailed

MAX_BYTES = 200_000
MAX_STEPS = 400
ACTIONS = ("do", "advance", "at", "withdraw", "expect")
EXPECT_KEYS = ("open", "not_open", "due", "status", "outcome", "tracking")
SCENARIO_KEYS = ("name", "section", "start", "process", "requester", "steps")


class ScenarioFileError(RaflowError):
    """A scenario file that cannot be read; the message names file and line."""


@dataclass
class Step:
    line: int
    action: str
    value: object
    actor: str | None = None
    data: dict = field(default_factory=dict)


@dataclass
class Scenario:
    file: str
    line: int
    name: str
    section: str
    start: datetime | None
    process: str | None
    requester: str
    steps: list[Step]


@dataclass
class Result:
    scenario: Scenario
    passed: bool
    steps_run: int
    failure: str | None = None

    def __str__(self) -> str:
        s = self.scenario
        if self.passed:
            return f"PASS {s.file}: {s.name} ({self.steps_run} steps)"
        return f"FAIL {self.failure}"


class StepFailed(Exception):
    pass


def read_scenarios(folder: str | Path) -> list[Scenario]:
    """Every scenario of `<folder>/scenarios/*.yaml` (and .yml), in file order."""
    found = []
    for file in sorted(Path(folder, "scenarios").glob("*.y*ml")):
        raw = file.read_bytes()
        if len(raw) > MAX_BYTES:
            raise ScenarioFileError(f"{file}:1: larger than {MAX_BYTES} bytes")
        found.extend(parse_scenarios(raw.decode("utf-8", errors="replace"), str(file)))
    return found


def parse_scenarios(text: str, filename: str) -> list[Scenario]:
    """Parse one scenario file (a mapping, or a list of them); raises ScenarioFileError with file:line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        value = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise ScenarioFileError(f"{filename}:{line}: not valid YAML: {getattr(err, 'problem', err)}") from None
    if node is None:
        return []
    items = list(zip(node.value, value, strict=True)) if isinstance(value, list) else [(node, value)]
    return [_scenario(n, v, filename) for n, v in items]


def _bad(filename, node, message):
    raise ScenarioFileError(f"{filename}:{node.start_mark.line + 1}: {message}")


def _scenario(node, value, filename) -> Scenario:
    if not isinstance(value, dict):
        _bad(filename, node, "a scenario is a mapping with name, start and steps")
    unknown = set(value) - set(SCENARIO_KEYS)
    if unknown:
        _bad(filename, node, f"unknown key(s) {', '.join(sorted(map(str, unknown)))} "
                             f"(allowed: {', '.join(SCENARIO_KEYS)})")
    if not isinstance(value.get("name"), str) or not value["name"].strip():
        _bad(filename, node, "name is required")
    start = value.get("start")
    if start is not None:
        try:
            start = start if isinstance(start, datetime) else datetime.fromisoformat(str(start))
        except ValueError:
            _bad(filename, node, f"start {start!r} must be a local date and time like 2026-01-16T10:00")
    steps_node = next((v for k, v in node.value if k.value == "steps"), None)
    raw_steps = value.get("steps")
    if steps_node is None or not isinstance(raw_steps, list) or not raw_steps:
        _bad(filename, node, "steps must be a list of steps (do, advance, at, withdraw, expect)")
    if len(raw_steps) > MAX_STEPS:
        _bad(filename, steps_node, f"more than {MAX_STEPS} steps")
    steps = [_step(n, v, filename) for n, v in zip(steps_node.value, raw_steps, strict=True)]
    return Scenario(filename, node.start_mark.line + 1, value["name"].strip(), str(value.get("section", "")),
                    start, value.get("process"), str(value.get("requester", "requester")), steps)


def _step(node, value, filename) -> Step:
    line = node.start_mark.line + 1
    if not isinstance(value, dict):
        _bad(filename, node, f"a step is a mapping with one of {', '.join(ACTIONS)}")
    actions = [a for a in ACTIONS if a in value]
    if len(actions) != 1:
        _bad(filename, node, f"a step needs exactly one of {', '.join(ACTIONS)} (found {', '.join(actions) or 'none'})")
    action = actions[0]
    unknown = set(value) - {action, "as", "data", "note"}
    if unknown:
        _bad(filename, node, f"unknown key(s) {', '.join(sorted(map(str, unknown)))} in a {action} step")
    data = value.get("data") or {}
    if not isinstance(data, dict):
        _bad(filename, node, "data must be a mapping of form field to value")
    step = Step(line, action, value[action], value.get("as"), _jsonable(data))
    if action == "do" and (not isinstance(step.value, str) or not isinstance(step.actor, str)):
        _bad(filename, node, "a do step names the step (id or title) and who does it: do: task_id, as: role")
    if action == "advance":
        try:
            clock.parse_duration(str(step.value))
        except ValueError as err:
            _bad(filename, node, f"advance: {err}")
    if action == "at":
        try:
            datetime.fromisoformat(str(step.value))
        except ValueError:
            _bad(filename, node, f"at {step.value!r} must be a local date and time like 2026-01-20T09:00")
    if action == "expect":
        if not isinstance(step.value, dict) or not step.value or set(step.value) - set(EXPECT_KEYS):
            _bad(filename, node, f"expect is a mapping of {', '.join(EXPECT_KEYS)}")
    return step


def _jsonable(data):
    """YAML dates become ISO strings, as a form post would send them."""
    if isinstance(data, dict):
        return {str(k): _jsonable(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_jsonable(v) for v in data]
    if hasattr(data, "isoformat"):
        return data.isoformat()
    return data


@contextmanager
def _frozen(at):
    clock.install()
    previous = clock.get_clock()
    frozen = clock.FrozenClock(at)
    clock.set_clock(frozen)
    try:
        yield frozen
    finally:
        clock.set_clock(previous)


def run(bundle, scenarios: list[Scenario]) -> list[Result]:
    """Run each scenario in a fresh scratch database holding `bundle` deployed."""
    return [run_one(bundle, s) for s in scenarios]


def run_one(bundle, scenario: Scenario) -> Result:
    from .cases import CaseService
    from .definitions import Registry, deploy
    from .store import Database
    from .users import add_user

    with tempfile.TemporaryDirectory(prefix="raflow-scenario-") as tmp:
        db = Database(f"sqlite:///{tmp}/scenario.db")
        try:
            db.init_schema()
            with _frozen(clock.now()) as frozen:
                version, _ = deploy(db, bundle, actor="scenario")
                service = CaseService(db, Registry())
                with db.transaction() as s:
                    j = service.registry.get(s, version.id).jurisdiction
                tz = j.calendar.tz
                start = scenario.start or datetime(2026, 1, 16, 10, 0)
                frozen.set((start if start.tzinfo else start.replace(tzinfo=tz)).astimezone(clock.UTC))
                for role in j.roles:
                    add_user(db, service.registry, role, [role], j.key)
                if scenario.requester not in j.roles:
                    add_user(db, service.registry, scenario.requester, ["requester"], j.key)
                runner = _Runner(service, j, tz, frozen, scenario)
                return runner.go()
        finally:
            db.dispose()


class _Runner:
    def __init__(self, service, jurisdiction, tz, frozen, scenario):
        self.service, self.j, self.tz, self.frozen, self.sc = service, jurisdiction, tz, frozen, scenario
        self.case_id = None

    def go(self) -> Result:
        sc = self.sc
        try:
            process = sc.process or self.j.start_processes[0]
            self.case_id = self.service.start_case(self.j.key, process, sc.requester, requester=sc.requester)
        except RaflowError as err:
            return Result(sc, False, 0, f"{sc.file}:{sc.line}: {sc.name}: the case could not start: {err}")
        for number, step in enumerate(sc.steps, 1):
            try:
                getattr(self, f"_{step.action}")(step)
            except StepFailed as err:
                return Result(sc, False, number - 1,
                              f"{sc.file}:{step.line}: {sc.name}: step {number} ({step.action}): {err}")
        return Result(sc, True, len(sc.steps))

    # -- actions -------------------------------------------------------------------------------
    def _do(self, step: Step):
        mine = [t for t in self.service.list_tasks(step.actor) if t.case_id == self.case_id] \
            if self._known(step.actor) else []
        found = [t for t in mine if step.value in (t.spec_id, t.title)]
        if not found:
            raise StepFailed(f"expected {step.actor} to have the open step {step.value!r}; "
                             f"got open steps {self._open_text()}")
        try:
            self.service.complete(found[0].id, step.actor, step.data)
        except ValidationFailed as err:
            fields = "; ".join(f"{k}: {v}" for k, v in err.errors.items())
            raise StepFailed(f"expected the form of {step.value!r} to accept the data; got errors: {fields}") from None
        except RaflowError as err:
            raise StepFailed(f"expected {step.actor} to complete {step.value!r}; got: {err}") from None

    def _advance(self, step: Step):
        self.frozen.advance(clock.parse_duration(str(step.value)))
        self.service.fire_due_timers()

    def _at(self, step: Step):
        at = datetime.fromisoformat(str(step.value))
        at = at if at.tzinfo else at.replace(tzinfo=self.tz)
        if at < self.frozen.now():
            raise StepFailed(f"expected a time after {self._local(self.frozen.now())}; got {step.value} (the clock "
                             "only moves forward)")
        self.frozen.set(at.astimezone(clock.UTC))
        self.service.fire_due_timers()

    def _withdraw(self, step: Step):
        try:
            self.service.withdraw(self.case_id, step.actor or self.sc.requester, str(step.value or ""))
        except RaflowError as err:
            raise StepFailed(f"expected the withdrawal to be accepted; got: {err}") from None

    def _expect(self, step: Step):
        want = step.value
        tasks = self._tasks()
        open_ids = {t.spec_id for t in tasks} | {t.title for t in tasks}
        for name in _as_list(want.get("open")):
            if name not in open_ids:
                raise StepFailed(f"expected step {name!r} open; got open steps {self._open_text(tasks)}")
        for name in _as_list(want.get("not_open")):
            if name in open_ids:
                raise StepFailed(f"expected step {name!r} not open; got open steps {self._open_text(tasks)}")
        for name, due in (want.get("due") or {}).items():
            match = [t for t in tasks if name in (t.spec_id, t.title)]
            if not match:
                raise StepFailed(f"expected step {name!r} open with a due date; "
                                 f"got open steps {self._open_text(tasks)}")
            due = str(_jsonable(due))
            at = match[0].due_at
            if at is None:
                got = "no due date"
            elif len(due) == 10:  # a date: the local day whose end the deadline is, as the pages show it
                got = (at - timedelta(microseconds=1)).astimezone(self.tz).date().isoformat()
            else:
                got = self._local(at)
            if got != due:
                raise StepFailed(f"expected {name!r} due {due}; got {got}")
        case = self._case()
        if "status" in want and case["status"] != want["status"]:
            raise StepFailed(f"expected status {want['status']!r}; got {case['status']!r}")
        if "outcome" in want and case["summary"].get("outcome") != want["outcome"]:
            raise StepFailed(f"expected outcome {want['outcome']!r}; got {case['summary'].get('outcome')!r}")
        tracking = case["summary"].get("tracking", {})
        for key, value in _jsonable(want.get("tracking") or {}).items():
            if tracking.get(key) != value:
                raise StepFailed(f"expected tracking {key} = {value!r}; got {tracking.get(key)!r}")

    # -- reading -------------------------------------------------------------------------------
    def _known(self, user) -> bool:
        return user in self.j.roles or user == self.sc.requester

    def _tasks(self):
        from sqlalchemy import select

        from .store import Task
        with self.service.db.transaction() as s:
            rows = s.execute(select(Task).where(Task.case_id == self.case_id).order_by(Task.created_at)).scalars().all()
            s.expunge_all()
            return rows

    def _case(self) -> dict:
        reader = next(iter(sorted(self.j.need_to_know)), None) or next(iter(self.j.roles))
        return self.service.get_case(self.case_id, reader)

    def _open_text(self, tasks=None) -> str:
        tasks = self._tasks() if tasks is None else tasks
        shown = ", ".join(f"{t.spec_id} ({t.role})" for t in tasks)
        return shown or f"none (the case is {self._case()['status']})"

    def _local(self, instant) -> str:
        return instant.astimezone(self.tz).strftime("%Y-%m-%dT%H:%M")


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
