"""Read-only listings for the inbox, case lists and "my requests", straight from the projections
(never deserializing a workflow), with deadlines in the jurisdiction's own local dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import defer

from . import access, clock
from .access import Actor
from .casefile import check_view_case, load_case
from .deadlines import DUE_SOON_DAYS, soon_limit
from .errors import Forbidden, NotFound
from .paging import Page, bounded, capped_count, past_cap
from .projections import clock_views
from .store import Case, Event, Task, User

STATUSES = ("open", "closed", "withdrawn", "error")


@dataclass(frozen=True)
class Deadline:
    due_date: date
    days_left: int
    overdue: bool
    due_soon: bool

    @property
    def mark(self) -> str | None:
        return "overdue" if self.overdue else "due_soon" if self.due_soon else None


def deadline_of(calendar, due: datetime | date | None, now: datetime | None = None,
                soon: int = DUE_SOON_DAYS) -> Deadline | None:
    """A task deadline is an instant (the end of a local day); a clock's is a local date."""
    if due is None:
        return None
    now = now or clock.now()
    today = calendar.local_date(now)
    if isinstance(due, datetime):
        due_date = calendar.local_date(due - timedelta(microseconds=1))
        overdue = now >= due
    else:
        due_date = due
        overdue = due_date < today
    left = (due_date - today).days
    return Deadline(due_date, left, overdue, not overdue and left <= soon)


class Calendars:
    """Each jurisdiction's calendar and role titles, looked up once per listing."""

    def __init__(self, session, registry):
        self.session, self.registry, self._cache = session, registry, {}

    def _get(self, jurisdiction):
        if jurisdiction not in self._cache:
            self._cache[jurisdiction] = self.registry.current(self.session, jurisdiction).jurisdiction
        return self._cache[jurisdiction]

    def of_version(self, definition_id: int):
        """The jurisdiction config of a deployed version (cached in memory: no query)."""
        return self.registry.get(self.session, definition_id).jurisdiction

    def calendar(self, jurisdiction):
        return self._get(jurisdiction).calendar

    def role_title(self, jurisdiction, role) -> str:
        return self._get(jurisdiction).roles.get(role, role)

    def roles(self, jurisdiction) -> dict[str, str]:
        return dict(self._get(jurisdiction).roles)


def display_names(session, names) -> dict[str, str]:
    names = {n for n in names if n}
    if not names:
        return {}
    rows = session.execute(select(User.name, User.display_name).where(User.name.in_(names)))
    found = {r.name: r.display_name for r in rows}
    return {n: found.get(n, n) for n in names}


# -- inbox ------------------------------------------------------------------------------------------
@dataclass
class InboxRow:
    id: str
    case_id: int
    case_title: str
    title: str
    role: str
    role_title: str
    assignee: str | None
    requester: str
    requester_name: str
    jurisdiction: str
    created_at: datetime
    due_at: datetime | None
    deadline: Deadline | None
    mine: bool


# -- cases ------------------------------------------------------------------------------------------
@dataclass
class OpenStep:
    task_id: str
    title: str
    role: str
    role_title: str
    assignee: str | None
    deadline: Deadline | None


@dataclass
class CaseRow:
    id: int
    title: str
    jurisdiction: str
    process_id: str
    status: str
    requester: str
    requester_name: str
    started_by: str
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    outcome: str | None
    steps: list[OpenStep] = field(default_factory=list)
    clocks: dict = field(default_factory=dict)
    overdue: bool = False
    next_deadline: Deadline | None = None
    version: int = 0
    tracking: dict = field(default_factory=dict)


def list_cases(service, actor: Actor, *, jurisdiction: str | None = None, status: str | None = None,
               role: str | None = None, overdue: bool | None = None, due_soon: bool | None = None,
               requester: str | None = None, page: int = 1, page_size: int | None = None) -> Page:
    """Cases the actor may see (staff: their jurisdiction's, everyone: their own requests), newest first.

    Every filter is SQL: "overdue" compares the stored next deadline (engine.deadlines) with now, the
    involved-staff rule is a correlated EXISTS on indexed columns; only the page's rows are decorated."""
    if jurisdiction and jurisdiction != actor.jurisdiction:
        raise Forbidden("you may list the cases of your own jurisdiction only")
    page, size = bounded(page, page_size)
    staff = access.is_staff(actor, actor.jurisdiction)
    with service.db.transaction() as s:
        where = []
        if staff and requester != actor.name:
            where.append(Case.jurisdiction == actor.jurisdiction)
            current = service.registry.current(s, actor.jurisdiction).jurisdiction
            if not actor.roles & current.need_to_know:
                where.append(access.involvement(actor, access.emergency_only(current.config)))
            if requester:
                where.append(Case.requester == requester)
            calendar = current.calendar
        else:
            if requester and requester != actor.name:
                raise Forbidden("you may only see your own requests")
            where.append(Case.requester == actor.name)
            calendar = None
        if status:
            where.append(Case.status == status)
        if role:
            where.append(exists().where(and_(Task.case_id == Case.id, Task.role == role)))
        now = clock.now()
        if overdue is not None:
            where.append(Case.next_due <= now if overdue else or_(Case.next_due.is_(None), Case.next_due > now))
        if due_soon is not None:
            cal = calendar or service.registry.current(s, actor.jurisdiction).jurisdiction.calendar
            limit = soon_limit(cal, now)
            where.append(and_(Case.next_due > now, Case.next_due <= limit) if due_soon
                         else or_(Case.next_due.is_(None), Case.next_due <= now, Case.next_due > limit))
        total = capped_count(s, select(Case.id).where(*where))  # "1,000+" past COUNT_CAP (engine.paging)
        q = select(Case).options(defer(Case.workflow)).where(*where).order_by(Case.id.desc()) \
            .limit(size + 1).offset((page - 1) * size)
        cases = list(s.execute(q).scalars())
        return Page(_rows(s, service.registry, cases[:size]), past_cap(total, page, size, len(cases)), page, size)


_C, _T, _U = Case.__table__, Task.__table__, User.__table__
_CASE_AND_TASKS = (
    select(*[c for c in _C.c if c.name != "workflow"], _U.c.display_name.label("requester_name"),
           _T.c.id.label("t_id"), _T.c.title.label("t_title"), _T.c.role.label("t_role"),
           _T.c.assignee.label("t_assignee"), _T.c.due_at.label("t_due_at"))
    .select_from(_C.outerjoin(_T, _T.c.case_id == _C.c.id).outerjoin(_U, _U.c.name == _C.c.requester))
    .where(_C.c.id == bindparam("b_id")).order_by(_T.c.created_at))


def case_row(service, actor: Actor, case_id) -> CaseRow:
    """One case as the lists show it (open steps, live clocks, deadlines), if the actor may see it.

    One Core query (case, requester name, open tasks): this answers every start and complete call."""
    try:
        wanted = int(case_id)
    except (TypeError, ValueError):
        wanted = 0
    with service.db.transaction() as s:
        found = s.connection().execute(_CASE_AND_TASKS, {"b_id": wanted}).all() if 0 < wanted < 2**31 else []
        if not found:
            raise NotFound(f"no case {case_id}")
        case = found[0]
        check_view_case(s, actor, case)
        tasks = [SimpleNamespace(case_id=case.id, id=r.t_id, title=r.t_title, role=r.t_role, assignee=r.t_assignee,
                                 due_at=r.t_due_at) for r in found if r.t_id is not None]
        return _rows(s, service.registry, [case], tasks, {case.requester: case.requester_name or case.requester})[0]


def _rows(s, registry, cases, tasks=None, names=None) -> list[CaseRow]:
    ids = [c.id for c in cases]
    if tasks is None:
        tasks = list(s.execute(select(Task).where(Task.case_id.in_(ids)).order_by(Task.created_at))
                     .scalars()) if ids else []
    if names is None:
        names = display_names(s, [c.requester for c in cases])
    cals = Calendars(s, registry)
    now = clock.now()
    by_case: dict[int, list] = {}
    for t in tasks:
        by_case.setdefault(t.case_id, []).append(t)
    rows = []
    for c in cases:
        config = cals.of_version(c.definition_id)
        cal = config.calendar
        summary = c.summary or {}
        steps = [OpenStep(t.id, t.title, t.role, config.roles.get(t.role, t.role), t.assignee,
                          deadline_of(cal, t.due_at, now)) for t in by_case.get(c.id, [])]
        is_open = c.status == "open"
        clocks = clock_views(summary.get("clock_state"), cal, now)
        if not is_open:  # a closed or withdrawn case's clocks no longer count down
            clocks = {n: dict(k, days_left=None, overdue=False) for n, k in clocks.items()}
        deadlines = [st.deadline for st in steps if st.deadline] if is_open else []
        if is_open:
            deadlines += [deadline_of(cal, date.fromisoformat(k["due"]), now) for k in clocks.values()
                          if k.get("due") and not k.get("stopped") and not k.get("held")]
        nearest = min(deadlines, key=lambda d: d.due_date) if deadlines else None
        rows.append(CaseRow(c.id, c.title, c.jurisdiction, c.process_id, c.status, c.requester,
                            names.get(c.requester, c.requester), c.started_by, c.created_at, c.updated_at,
                            c.closed_at, summary.get("outcome"), steps, clocks, any(d.overdue for d in deadlines),
                            nearest, c.version, dict(summary.get("tracking") or {})))
    return rows


def requester_choices(db, jurisdiction: str) -> list[tuple[str, str]]:
    """Users of a jurisdiction who hold the requester role: whom staff may record a request for."""
    with db.transaction() as s:
        rows = s.execute(select(User.name, User.display_name, User.roles).where(User.jurisdiction == jurisdiction)
                         .order_by(User.display_name))
        return [(r.name, r.display_name) for r in rows if access.REQUESTER in (r.roles or ())]


def is_user_of(db, name: str, jurisdiction: str) -> bool:
    with db.transaction() as s:
        found = s.execute(select(User.jurisdiction).where(User.name == name)).scalar()
        return found == jurisdiction


def history_page(service, actor: Actor, case_id, *, page: int = 1, page_size: int | None = None) -> Page:
    """One page of a case's history, oldest first (through the (case_id, id) index), if the actor may see it."""
    page, size = bounded(page, page_size)
    with service.db.transaction() as s:
        case = load_case(s, case_id, with_workflow=False)
        check_view_case(s, actor, case)
        total = s.execute(select(func.count()).select_from(Event).where(Event.case_id == case.id)).scalar() or 0
        rows = s.execute(select(Event.at, Event.actor, Event.kind, Event.task_id, Event.detail)
                         .where(Event.case_id == case.id).order_by(Event.id)
                         .limit(size).offset((page - 1) * size)).all()
        return Page([dict(r._mapping) for r in rows], total, page, size)
