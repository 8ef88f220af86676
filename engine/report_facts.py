"""Report facts: one plain row per case, written by the projection writer in the case's transaction.

Why a table and not JSON-in-SQL over `ra_case.summary`: SQLite and PostgreSQL read JSON with
different functions and neither can index it portably, while a year's report over 100,000 cases
must aggregate in SQL in well under a second (Navy 1-4 NEAT data; MD-715 timeliness). So the facts
a report counts (when received, decided or withdrawn, days to process less abeyance, met or late,
the late step, whether a delay notice went out, the breakdown keys) are derived here from the
summary the writer already built, with no workflow deserialized, into typed, indexed columns.

"Decided" means the decision clock stopped (Navy 4-1: decided and implemented; the County: the
recorded outcome); a withdrawal (Navy 1-7) is counted apart, never as a decision.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam

from . import clock
from .report_models import ReportFact
from .store import Task

DECISION_CLOCK = "decision"
_DELAY_NOTICE = "delay_notice"  # a form key containing this is a written delay notice (Navy 4-3)


T_FACT = ReportFact.__table__
_SELECT_FACT = T_FACT.select().with_only_columns(T_FACT.c.late_step, T_FACT.c.delay_notice_sent,
                                                 T_FACT.c.referred_to_committee) \
    .where(T_FACT.c.case_id == bindparam("b_id"))
_OPEN_TASKS = Task.__table__.select().with_only_columns(Task.id, Task.title, Task.form_key, Task.created_at) \
    .where(Task.case_id == bindparam("b_id")).order_by(Task.created_at, Task.title)


def _day(value) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _text(value, size: int = 64) -> str | None:
    if value is None or value == "":
        return None
    return str(value).strip()[:size] or None


def derive(summary: dict, status: str, today: date, previous: dict | None, open_before: list,
           completed_ids: set[str]) -> dict:
    """The fact row's values from a case summary (tracking, clocks); pure, so it is tested alone.

    `previous` holds the sticky facts of the last write (late step, delay notice, committee
    referral); `open_before` the (id, title, form_key) of the steps open before this change.
    """
    tracking = summary.get("tracking") or {}
    view = (summary.get("clocks") or {}).get(DECISION_CLOCK) or {}
    previous = previous or {}
    stopped = _day(view.get("stopped"))
    due = _day(view.get("due"))
    outcome = _text(tracking.get("outcome"))
    decision = _text(tracking.get("decision"))
    withdrawn = status == "withdrawn" or "withdrawn" in (decision, outcome)
    if withdrawn:
        state = "withdrawn"
    elif stopped or status == "closed":
        state = "decided"
    else:
        state = "pending"
    decided_on = (stopped or today) if state == "decided" else None
    withdrawn_on = (_day(tracking.get("withdrawal_date")) or stopped or today) if withdrawn else None
    days = view.get("elapsed") if state == "decided" else None
    timely = days_over = None
    if state == "decided" and due:
        timely = decided_on <= due
        days_over = max((decided_on - due).days, 0)
    late_step = previous.get("late_step")
    ended = decided_on or withdrawn_on
    if late_step is None and due and (ended or today) > due and not (ended and ended <= due):
        steps = [t for t in open_before if _DELAY_NOTICE not in (t[2] or "")]
        late_step = steps[0][1][:256] if steps else None
    delay_sent = bool(previous.get("delay_notice_sent")) or any(
        t[0] in completed_ids and _DELAY_NOTICE in (t[2] or "") for t in open_before)
    referred = bool(previous.get("referred_to_committee")) or outcome == "referred_to_committee"
    path = _text(tracking.get("path"))
    requester_type = _text(tracking.get("requester_type"), 32)
    if requester_type is None and path:
        requester_type = "applicant" if path == "applicant" else "employee"
    return dict(
        state=state, received_on=_day(view.get("start")) or _day(tracking.get("request_date")),
        decided_on=decided_on, withdrawn_on=withdrawn_on, due_on=due, held=bool(view.get("held")),
        expedited=bool(view.get("expedited")), days_to_process=days, timely=timely, days_over=days_over,
        late_step=late_step, delay_notice_sent=delay_sent,
        disposition="withdrawn" if withdrawn else (decision or outcome),
        denial_basis=_text(tracking.get("denial_basis")),
        accommodation_type=_text(tracking.get("accommodation_type") or tracking.get("chosen_accommodation_type")
                                 or tracking.get("accommodation_requested"), 256),
        purpose=_text(tracking.get("purpose")), requester_type=requester_type,
        component=_text(tracking.get("component") or tracking.get("department"), 256), path=path,
        outcome=outcome, referred_to_committee=referred,
        committee_finding=outcome if referred and outcome not in (None, "referred_to_committee", "withdrawn")
        else None,
    )


_UPDATE_FACT = T_FACT.update().where(T_FACT.c.case_id == bindparam("b_case_id"))


def write(conn, case_id: int, jurisdiction, status: str, summary: dict, events: list[tuple]) -> None:
    """Upsert the case's fact row; call before the open-task projection is replaced (it reads it)."""
    prev = conn.execute(_SELECT_FACT, {"b_id": case_id}).first()
    open_before = [(r.id, r.title, r.form_key) for r in conn.execute(_OPEN_TASKS, {"b_id": case_id})]
    completed = {tid for kind, tid, _ in events if kind == "task_completed" and tid}
    values = derive(summary, status, jurisdiction.calendar.local_date(clock.now()),
                    dict(prev._mapping) if prev else None, open_before, completed)
    if prev is None:
        conn.execute(T_FACT.insert(), dict(case_id=case_id, jurisdiction=jurisdiction.key, **values))
    else:
        conn.execute(_UPDATE_FACT, {"b_case_id": case_id, **values})  # prebuilt: compiled once, cached


def backfill(conn) -> int:
    """Fact rows for cases stored before the report tables existed (the 0006 migration), from their summaries.

    The late step of such a case is unknown (its open steps then were not kept); everything else is exact.
    """
    from .store import Case

    t = Case.__table__
    today = clock.now().date()
    have = {r[0] for r in conn.execute(T_FACT.select().with_only_columns(T_FACT.c.case_id))}
    rows = []
    for r in conn.execute(t.select().with_only_columns(t.c.id, t.c.jurisdiction, t.c.status, t.c.summary)):
        if r.id not in have:
            rows.append(dict(case_id=r.id, jurisdiction=r.jurisdiction,
                             **derive(r.summary or {}, r.status, today, None, [], set())))
    if rows:
        conn.execute(T_FACT.insert(), rows)
    return len(rows)
