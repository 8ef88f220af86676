"""The inbox in SQL: my tasks and my role queues, filtered, sorted and paged by the database.

"Mine" (claimed by me) and each role queue (unclaimed, a role I hold, my jurisdiction) are separate
queries, each walking its own index in due order (`ix_task_assignee_due`, the partial
`ix_task_queue_due`, `ix_task_requester_due`), so the first page of a queue of 60,000 tasks reads
about one page of index entries. Their pages are merged here; only the page's rows are decorated
(role titles, deadlines). Totals and tab counts are index-range counts capped at COUNT_CAP
(engine.paging), so they too read a bounded range. The text filter is served by a trigram index
(engine.search). Cost: O(page number x page size), bounded by COUNT_CAP.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, func, or_, select

from . import access, clock, search
from .deadlines import soon_limit
from .paging import COUNT_CAP, Page, Tally, bounded, capped_count, past_cap
from .tables import app_user, ra_case, task

SORT_KEYS = ("due", "case", "step", "requester", "received")
_FAR = datetime.max
COUNT_CAP_ROWS = COUNT_CAP + 1  # one more than is shown: reading it proves the count is capped


def _streams(actor, scope: str, role: str | None, plain: bool = False) -> list:
    """Disjoint SQL conditions whose union is what the actor may work (engine.access.can_work). `plain`:
    none of them may use an index (the query starts from the text search's row ids)."""
    col = search.plain if plain else (lambda c: c)
    out = []
    if scope in ("all", "mine"):
        out.append(col(task.c.assignee) == actor.name)
    if scope in ("all", "queue"):
        for r in sorted(actor.roles - {access.REQUESTER}):
            if role is None or role == r:
                out.append(and_(task.c.assignee.is_(None), col(task.c.jurisdiction) == actor.jurisdiction,
                                col(task.c.role) == r))
        out.append(and_(task.c.assignee.is_(None), col(task.c.requester) == actor.name,
                        col(task.c.role) == access.REQUESTER))
    if role is not None:
        out = [and_(c, col(task.c.role) == role) for c in out]
    return out


def _filters(s, calendar, due: str | None, text: str | None, now: datetime) -> tuple[list, bool]:
    """The due and text conditions; and whether the text search gave row ids to start from."""
    found, by_ids = [], False
    if due == "overdue":
        found.append(task.c.due_at <= now)
    elif due == "soon":
        found.append(task.c.due_at <= soon_limit(calendar, now))
    if text:
        needle = text.casefold().strip()
        match, by_ids = search.matches(s, needle)
        found.append(or_(match, task.c.case_id == int(needle)) if needle.isdigit() and len(needle) < 10 else match)
    return found, by_ids


_COLUMNS = (task.c.id, task.c.case_id, task.c.title, task.c.role, task.c.assignee, task.c.jurisdiction,
            task.c.requester, task.c.created_at, task.c.due_at, ra_case.c.title.label("case_title"),
            func.coalesce(app_user.c.display_name, task.c.requester).label("requester_name"))


def _select(where):
    return (select(*_COLUMNS).select_from(task).join(ra_case, ra_case.c.id == task.c.case_id)
            .outerjoin(app_user, app_user.c.name == task.c.requester).where(*where))


def _order(sort: str, descending: bool):
    columns = {"case": (task.c.case_id, task.c.created_at), "step": (func.lower(task.c.title), task.c.case_id),
               "requester": (func.lower(func.coalesce(app_user.c.display_name, task.c.requester)), task.c.case_id),
               "received": (task.c.created_at, task.c.case_id)}[sort]
    return [c.desc() if descending else c.asc() for c in columns]


def _count(s, where) -> Tally:
    return capped_count(s, select(task.c.id).where(*where))


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
        filters, by_ids = _filters(s, calendar, due, text, now)
        chosen, total = _page(s, actor, scope, role, filters, due is None, sort, descending, page, size, known,
                              by_ids)
        rows = [InboxRow(r.id, r.case_id, r.case_title, r.title, r.role, cals.role_title(r.jurisdiction, r.role),
                         r.assignee, r.requester, r.requester_name, r.jurisdiction, r.created_at, r.due_at,
                         deadline_of(cals.calendar(r.jurisdiction), r.due_at, now), r.assignee == actor.name)
                for r in chosen]
    return Page(rows, total, page, size, {k: v for k, v in counts.items() if k != "dated"})


def task_page(db, actor_name: str, scope: str = "all", page: int = 1, page_size: int | None = None) -> Page:
    """The same list undecorated (no calendars, no deployed definitions): what `raflow task list` prints.
    Core only: the command never imports the ORM."""
    page, size = bounded(page, page_size)
    with db.reading() as s:
        actor = access.load_actor(s, actor_name)
        rows, total = _page(s, actor, scope, None, [], True, "due", False, page, size)
        return Page(list(rows), total, page, size)


def _page(s, actor, scope, role, filters, with_undated, sort, descending, page, size, known=None, by_ids=False):
    """(rows of the page, total) over the actor's streams: index walks merged for the due order.
    `known` is (total, dated total) when the caller has counted them already; `by_ids`: the filters
    hold the text search's row ids, which the queries start from."""
    streams = [[c, *filters] for c in _streams(actor, scope, role, plain=by_ids)]
    if not streams:
        return [], 0
    want = page * size
    if by_ids:  # at most COUNT_CAP candidate rows: read them once, count and page here (one statement, not nine)
        query = _select([or_(*[and_(*w) for w in streams])])
        found = s.execute(query.order_by(*_order(sort, descending)) if sort != "due" else query).all()
        if sort == "due":
            found.sort(key=_due_key, reverse=descending)
        return found[(page - 1) * size:want], Tally(len(found))
    if sort != "due":
        total = known[0] if known else sum((_count(s, w) for w in streams), Tally(0))
        rows = s.execute(_select([or_(*[and_(*w) for w in streams])]).order_by(*_order(sort, descending))
                         .limit(size + 1).offset((page - 1) * size)).all()
        return rows[:size], past_cap(total, page, size, len(rows))
    dated = [[*w, task.c.due_at.is_not(None)] for w in streams]
    undated = [[*w, task.c.due_at.is_(None)] for w in streams] if with_undated else []
    if known:
        total, dated_total = known
    else:
        dated_total = sum((_count(s, w) for w in dated), Tally(0))
        total = dated_total + sum((_count(s, w) for w in undated), Tally(0))
    # Ascending, every dated row comes before any undated one; descending the other way round.
    first, second, first_total = (undated, dated, total - dated_total) if descending else (dated, undated, dated_total)
    rows = []
    for w in first:  # one row more than the page: it tells whether another page follows
        rows += s.execute(_select(w).order_by(*_dated_order(descending)).limit(want + 1)).all()
    if first_total <= want:
        for w in second:
            rows += s.execute(_select(w).order_by(*_dated_order(descending)).limit(want + 1)).all()
    rows.sort(key=_due_key, reverse=descending)
    return rows[(page - 1) * size:want], past_cap(total, page, size, len(rows) - (page - 1) * size)


def _dated_order(descending: bool):
    columns = (task.c.due_at, task.c.created_at, task.c.id)  # exactly the stream indexes' order: no sort step
    return [c.desc() if descending else c.asc() for c in columns]


def _tally(read: int) -> Tally:
    """What a walk of at most COUNT_CAP_ROWS rows counted: exact below the cap, "1,000+" past it."""
    return Tally(min(read, COUNT_CAP), read > COUNT_CAP)


def _stats(s, streams, now, soon) -> dict[str, Tally]:
    """All, dated, overdue and due-soon (not overdue) tasks, each capped at COUNT_CAP: per stream, a
    capped count of all, then one walk over its first COUNT_CAP + 1 dated rows in due order (the
    overdue ones come first, then the due-soon ones), so each stream reads at most 2 x (COUNT_CAP + 1)
    index entries."""
    totals = {k: Tally(0) for k in ("all", "mine", "dated", "overdue", "soon")}
    for i, w in enumerate(streams):
        everything = _count(s, [w])
        first = (select(task.c.due_at).where(w, task.c.due_at.is_not(None)).order_by(*_dated_order(False))
                 .limit(COUNT_CAP_ROWS).subquery())
        dated, overdue, soonish = s.execute(select(
            func.count(), func.coalesce(func.sum(case((first.c.due_at <= now, 1), else_=0)), 0),
            func.coalesce(func.sum(case((first.c.due_at <= soon, 1), else_=0)), 0)).select_from(first)).one()
        totals["all"] += everything
        totals["dated"] += _tally(dated)
        totals["overdue"] += _tally(overdue)
        totals["soon"] += _tally(soonish) - _tally(overdue)
        if i == 0:  # the first stream is "claimed by me"
            totals["mine"] = everything
    return totals
