"""The inbox in SQL: my tasks and my role queues, filtered, sorted and paged by the database.

"Mine" (claimed by me) and each role queue (unclaimed, a role I hold, my jurisdiction) are separate
queries, each walking its own index in due order (`ix_task_assignee_due`, the partial
`ix_task_queue_due`, `ix_task_requester_due`), so the first page of a queue of 60,000 tasks reads
about one page of index entries. Their pages are merged here; only the page's rows are decorated
(role titles, deadlines). Totals are index-range counts. Cost: O(page number x page size).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, func, or_, select

from . import access, clock
from .deadlines import soon_limit
from .paging import Page, bounded
from .store import Case, Task, User

SORT_KEYS = ("due", "case", "step", "requester", "received")
_FAR = datetime.max


def _streams(actor, scope: str, role: str | None) -> list:
    """Disjoint SQL conditions whose union is what the actor may work (engine.access.can_work)."""
    out = []
    if scope in ("all", "mine"):
        out.append(Task.assignee == actor.name)
    if scope in ("all", "queue"):
        for r in sorted(actor.roles - {access.REQUESTER}):
            if role is None or role == r:
                out.append(and_(Task.assignee.is_(None), Task.jurisdiction == actor.jurisdiction, Task.role == r))
        out.append(and_(Task.assignee.is_(None), Task.requester == actor.name, Task.role == access.REQUESTER))
    if role is not None:
        out = [and_(c, Task.role == role) for c in out]
    return out


def _filters(calendar, due: str | None, text: str | None, now: datetime) -> list:
    found = []
    if due == "overdue":
        found.append(Task.due_at <= now)
    elif due == "soon":
        found.append(Task.due_at <= soon_limit(calendar, now))
    if text:
        needle = text.casefold().strip()
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        match = Task.search.like(f"%{escaped}%", escape="\\")
        found.append(or_(match, Task.case_id == int(needle)) if needle.isdigit() and len(needle) < 10 else match)
    return found


_COLUMNS = (Task.id, Task.case_id, Task.title, Task.role, Task.assignee, Task.jurisdiction, Task.requester,
            Task.created_at, Task.due_at, Case.title.label("case_title"),
            func.coalesce(User.display_name, Task.requester).label("requester_name"))


def _select(where):
    return (select(*_COLUMNS).select_from(Task).join(Case, Case.id == Task.case_id)
            .outerjoin(User, User.name == Task.requester).where(*where))


def _order(sort: str, descending: bool):
    columns = {"case": (Task.case_id, Task.created_at), "step": (func.lower(Task.title), Task.case_id),
               "requester": (func.lower(func.coalesce(User.display_name, Task.requester)), Task.case_id),
               "received": (Task.created_at, Task.case_id)}[sort]
    return [c.desc() if descending else c.asc() for c in columns]


def _count(s, where) -> int:
    return s.execute(select(func.count()).select_from(Task).where(*where)).scalar() or 0


def _due_key(r):
    return (r.due_at is None, r.due_at.replace(tzinfo=None) if r.due_at else _FAR, r.created_at.replace(tzinfo=None),
            r.id)


def inbox_page(service, actor_name: str, *, scope: str = "all", role: str | None = None, due: str | None = None,
               sort: str = "due", descending: bool = False, text: str | None = None, page: int = 1,
               page_size: int | None = None) -> Page:
    """One page of my tasks and role queues, with requester names and deadlines.

    `due` is "overdue", "soon" (due soon or overdue) or None; `text` matches case title, step, requester
    name or the case number. Sorted by `sort` (SORT_KEYS), soonest due first by default."""
    from .queries import Calendars, InboxRow, deadline_of

    page, size = bounded(page, page_size)
    with service.db.transaction() as s:
        actor = access.load_actor(s, actor_name)
        cals = Calendars(s, service.registry)
        now = clock.now()
        calendar = cals.calendar(actor.jurisdiction)
        counts = _stats(s, _streams(actor, "all", None), now, soon_limit(calendar, now))
        known = None
        if not text and scope == "all" and role is None:  # the tab counts already hold this list's totals
            known = {None: (counts["all"], counts["dated"]), "overdue": (counts["overdue"],) * 2,
                     "soon": (counts["overdue"] + counts["soon"],) * 2}[due]
        chosen, total = _page(s, actor, scope, role, _filters(calendar, due, text, now), due is None, sort,
                              descending, page, size, known)
        rows = [InboxRow(r.id, r.case_id, r.case_title, r.title, r.role, cals.role_title(r.jurisdiction, r.role),
                         r.assignee, r.requester, r.requester_name, r.jurisdiction, r.created_at, r.due_at,
                         deadline_of(cals.calendar(r.jurisdiction), r.due_at, now), r.assignee == actor.name)
                for r in chosen]
    return Page(rows, total, page, size, {k: v for k, v in counts.items() if k != "dated"})


def task_page(db, actor_name: str, scope: str = "all", page: int = 1, page_size: int | None = None) -> Page:
    """The same list undecorated (no calendars, no deployed definitions): what `raflow task list` prints."""
    page, size = bounded(page, page_size)
    with db.transaction() as s:
        actor = access.load_actor(s, actor_name)
        rows, total = _page(s, actor, scope, None, [], True, "due", False, page, size)
        return Page(list(rows), total, page, size)


def _page(s, actor, scope, role, filters, with_undated, sort, descending, page, size, known=None):
    """(rows of the page, total) over the actor's streams: index walks merged for the due order.
    `known` is (total, dated total) when the caller has counted them already."""
    streams = [[c, *filters] for c in _streams(actor, scope, role)]
    if not streams:
        return [], 0
    want = page * size
    if sort != "due":
        total = known[0] if known else sum(_count(s, w) for w in streams)
        return s.execute(_select([or_(*[and_(*w) for w in streams])]).order_by(*_order(sort, descending))
                         .limit(size).offset((page - 1) * size)).all(), total
    dated = [[*w, Task.due_at.is_not(None)] for w in streams]
    undated = [[*w, Task.due_at.is_(None)] for w in streams] if with_undated else []
    if known:
        total, dated_total = known
    else:
        dated_total = sum(_count(s, w) for w in dated)
        total = dated_total + sum(_count(s, w) for w in undated)
    # Ascending, every dated row comes before any undated one; descending the other way round.
    first, second, first_total = (undated, dated, total - dated_total) if descending else (dated, undated, dated_total)
    rows = []
    for w in first:
        rows += s.execute(_select(w).order_by(*_dated_order(descending)).limit(want)).all()
    if first_total < want:
        for w in second:
            rows += s.execute(_select(w).order_by(*_dated_order(descending)).limit(want)).all()
    rows.sort(key=_due_key, reverse=descending)
    return rows[(page - 1) * size:want], total


def _dated_order(descending: bool):
    columns = (Task.due_at, Task.created_at, Task.id)  # exactly the stream indexes' order: no sort step
    return [c.desc() if descending else c.asc() for c in columns]


def _stats(s, streams, now, soon) -> dict[str, int]:
    """All, dated, overdue and due-soon (not overdue) tasks: one pass over each stream's index range."""
    totals = {"all": 0, "mine": 0, "dated": 0, "overdue": 0, "soon": 0}
    for i, w in enumerate(streams):
        row = s.execute(select(func.count(), func.count(Task.due_at),
                               func.coalesce(func.sum(case((Task.due_at <= now, 1), else_=0)), 0),
                               func.coalesce(func.sum(case((Task.due_at <= soon, 1), else_=0)), 0))
                        .select_from(Task).where(w)).one()
        totals["all"] += row[0]
        totals["dated"] += row[1]
        totals["overdue"] += row[2]
        totals["soon"] += row[3] - row[2]
        if i == 0:  # the first stream is "claimed by me"
            totals["mine"] = row[0]
    return totals
