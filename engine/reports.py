"""The timeliness report: counts, dispositions, days to process and late cases, aggregated in SQL.

Navy manual Responsibilities 4c-4d (MD-715: number of requests and percentage processed timely),
5d (numbers, types, processing times), 6c and 7f-7h (timeliness evaluated and reported); the County's
path outcomes and committee findings (Procedures I-IV). Every figure is one SQL aggregate over the
`report_fact` projection, so a year over 100,000 cases costs a few indexed queries and no workflow.

Definitions (also in README.md): received = the decision clock started in the period; decided = it
stopped in the period (not withdrawn); withdrawn = withdrawn in the period; pending = received by the
period's end and neither decided nor withdrawn by then. Days to process are less abeyance (Navy 4-1).
Median is the middle value (the mean of the two middle ones for an even count), p90 the nearest rank;
both are read off the SQL frequency table of days to process (one row per distinct value), which is
portable and far cheaper than sorting every case with window functions.
"""

from __future__ import annotations

import calendar as _cal
from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal, or_, select

from .errors import Forbidden, ValidationFailed
from .report_models import ReportFact

T = ReportFact.__table__
BREAKDOWNS = {"month": None, "type": T.c.accommodation_type, "purpose": T.c.purpose,
              "requester_type": T.c.requester_type, "component": T.c.component}
DEFAULT_REPORT_ROLES = ("coordinator", "ada_coordinator", "deeo", "eeo_officer")
MAX_PERIOD_DAYS = 3 * 366 + 1
MAX_LATE_LISTED = 500  # the most days over first; `late` counts them all
MAX_GROUPS = 60


# -- settings ------------------------------------------------------------------------------------
def settings(jurisdiction) -> dict:
    """The jurisdiction's [reports] table: who may report, fiscal year start, timeliness target."""
    cfg = dict(jurisdiction.config.get("reports") or {})
    roles = cfg.get("roles") or [r for r in DEFAULT_REPORT_ROLES if r in jurisdiction.roles]
    return {"roles": frozenset(roles), "fiscal_year_start_month": int(cfg.get("fiscal_year_start_month", 10)),
            "timely_target_percent": float(cfg.get("timely_target_percent", 95))}


def may_report(actor, jurisdiction) -> bool:
    return actor.jurisdiction == jurisdiction.key and bool(actor.roles & settings(jurisdiction)["roles"])


def check_may_report(actor, jurisdiction) -> None:
    if not may_report(actor, jurisdiction):
        titles = ", ".join(sorted(jurisdiction.roles.get(r, r) for r in settings(jurisdiction)["roles"]))
        raise Forbidden(f"reports of {jurisdiction.name} are for: {titles}")


def check_period(start, end, by: str | None = None) -> tuple[date, date, str | None]:
    """Parse and check a period (inclusive dates) and a breakdown; field errors, never an exception trace."""
    errors = {}
    parsed = {}
    for name, value in (("from", start), ("to", end)):
        if isinstance(value, date):
            parsed[name] = value
            continue
        try:
            parsed[name] = date.fromisoformat(str(value or ""))
        except ValueError:
            errors[name] = "enter a date as YYYY-MM-DD"
    if not errors and parsed["to"] < parsed["from"]:
        errors["to"] = "the period must end on or after the day it starts"
    elif not errors and (parsed["to"] - parsed["from"]).days > MAX_PERIOD_DAYS:
        errors["to"] = "a period may span at most three years"
    if by and by not in BREAKDOWNS:
        errors["by"] = f"choose one of: {', '.join(BREAKDOWNS)}"
    if errors:
        raise ValidationFailed(errors)
    return parsed["from"], parsed["to"], by or None


def fiscal_year(d: date, start_month: int) -> tuple[str, date, date]:
    """The fiscal year containing d, named by the calendar year it ends in (federal FY2026: 2025-10-01..2026-09-30)."""
    if start_month == 1:
        return f"FY{d.year}", date(d.year, 1, 1), date(d.year, 12, 31)
    first_year = d.year if d.month >= start_month else d.year - 1
    first = date(first_year, start_month, 1)
    last = date(first_year + 1, start_month, 1) - timedelta(days=1)
    return f"FY{first_year + 1}", first, last


def months(start: date, end: date) -> list[tuple[str, date, date]]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        first = max(date(y, m, 1), start)
        last = min(date(y, m, _cal.monthrange(y, m)[1]), end)
        out.append((f"{y:04d}-{m:02d}", first, last))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# -- figures ------------------------------------------------------------------------------------
# A report is nine indexed SQL queries whatever the number of cases, and Python folds only their
# grouped rows (a few hundred): received and withdrawn per day, decided per (day, disposition, denial
# basis) with its timely / late / expedited sums, all three streamed in index order (no sort), folded
# into the months and the dispositions; three pending counts at the period's end; the frequency table
# of days to process (the median and p90 are read off it); the County's outcomes and findings (their
# rows only); the late list, off ix_report_fact_late.
def _between(col, start, end):
    return and_(col >= start, col <= end)


def _flag(cond):
    return func.count(case((cond, 1)))  # counts the rows where cond holds (NULL otherwise)


def _month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


class _Scope:
    """One period of one jurisdiction, grouped by a breakdown column (`col`), or by month (`daily`: the
    rows are grouped by their day, in index order, and folded into months), or not at all."""

    def __init__(self, conn, jurisdiction: str, start: date, end: date, col=None, daily: bool = False):
        self.conn, self.start, self.end, self.col, self.daily = conn, start, end, col, daily
        self.base = T.c.jurisdiction == jurisdiction
        self.decided = _between(T.c.decided_on, start, end)  # only a decided case has a decided_on

    def rows(self, date_col, *columns, where, by=(), order=(), limit=None, grouped=True):
        """[(group key, row)] of rows with `columns` (labelled) and `by`, grouped by the key and `by`
        (`grouped`: the columns aggregate)."""
        day = [date_col.label("day")] if self.daily else []
        key = self.col if self.col is not None else literal(None)
        q = select(key.label("k"), *day, *by, *columns).where(self.base, *where)
        groups = ([self.col] if self.col is not None else []) + ([date_col] if self.daily else []) + list(by)
        if groups and grouped:
            q = q.group_by(*groups)
        rows = self.conn.execute(q.order_by(*order).limit(limit)).all()
        return [(_month_of(r.day) if self.daily else r.k, r) for r in rows]


_NO_COUNTS = {"received": 0, "decided": 0, "withdrawn": 0, "timely": 0, "late": 0, "expedited": 0}


def _counts(s: _Scope) -> dict:
    """{key: received, decided, withdrawn, timely, late, expedited, dispositions} (three queries)."""
    out: dict = {}

    def at(k):
        return out.setdefault(k, {**_NO_COUNTS, "disp": {}})

    n = func.count().label("n")
    for k, r in s.rows(T.c.received_on, n, where=[_between(T.c.received_on, s.start, s.end)]):
        at(k)["received"] += r.n
    for k, r in s.rows(T.c.decided_on, n, _flag(T.c.timely.is_(True)).label("timely"),
                       _flag(T.c.timely.is_(False)).label("late"), _flag(T.c.expedited.is_(True)).label("expedited"),
                       by=[T.c.disposition, T.c.denial_basis], where=[s.decided]):
        f = at(k)
        f["decided"] += r.n
        f["timely"] += int(r.timely)
        f["late"] += int(r.late)
        f["expedited"] += int(r.expedited)
        f["disp"][(r.disposition, r.denial_basis)] = f["disp"].get((r.disposition, r.denial_basis), 0) + r.n
    for k, r in s.rows(T.c.withdrawn_on, n, where=[_between(T.c.withdrawn_on, s.start, s.end)]):
        at(k)["withdrawn"] += r.n
    return out


def _pending(s: _Scope) -> dict:
    """{key: cases pending at the period's end}: still pending, or decided / withdrawn only after it."""
    by_end = T.c.received_on <= s.end
    out: dict = {}
    for where in (T.c.state == "pending", T.c.decided_on > s.end, T.c.withdrawn_on > s.end):
        for k, r in s.rows(T.c.received_on, func.count().label("n"), where=[where, by_end]):
            out[k] = out.get(k, 0) + r.n
    return out


def _distribution(freq: list[tuple[int, int]]) -> dict:
    """Median (mean of the two middle values for an even count), p90 (nearest rank) and max of a
    frequency table [(days, cases)] sorted by days."""
    n = sum(c for _, c in freq)
    if not n:
        return {"median": None, "p90": None, "max": None, "count": 0}

    def nth(rank):  # the rank-th smallest value, 1-based
        seen = 0
        for value, c in freq:
            seen += c
            if seen >= rank:
                return value
        return freq[-1][0]

    median = (nth((n + 1) // 2) + nth((n + 2) // 2)) / 2
    return {"median": int(median) if median.is_integer() else median, "p90": nth(-(-9 * n // 10)),
            "max": freq[-1][0], "count": n}


def _details(s: _Scope, late_list: bool = True, paths: bool = True, freq: dict | None = None) -> dict:
    """{key: days_to_process, path_outcomes, committee_findings, late_cases}: the frequency table of days
    to process, the County's paths and findings, and the late list (the most days over first)."""
    acc: dict = {k: (f, {}, {}) for k, f in (freq or {}).items()}  # freq: {key: {days: cases}} if known
    v = T.c.days_to_process
    for k, r in s.rows(T.c.decided_on, func.count().label("n"), by=[v], where=[s.decided, v.is_not(None)]) \
            if freq is None else []:
        acc.setdefault(k, ({}, {}, {}))[0][r.days_to_process] = r.n
    county = s.rows(T.c.decided_on, func.count().label("n"), by=[T.c.path, T.c.outcome, T.c.committee_finding],
                    where=[s.decided, or_(T.c.path.is_not(None), T.c.committee_finding.is_not(None))]) if paths else []
    for k, r in county:
        _, paths, findings = acc.setdefault(k, ({}, {}, {}))
        if r.path is not None:
            paths[(r.path, r.outcome)] = paths.get((r.path, r.outcome), 0) + r.n
        if r.committee_finding is not None:
            findings[r.committee_finding] = findings.get(r.committee_finding, 0) + r.n
    late: dict = {}
    if late_list:
        for k, r in s.rows(T.c.decided_on, T.c.case_id, T.c.days_over, T.c.late_step, T.c.delay_notice_sent,
                           T.c.decided_on, T.c.days_to_process, where=[s.decided, T.c.timely.is_(False)],
                           order=[T.c.days_over.desc(), T.c.case_id], limit=MAX_LATE_LISTED, grouped=False):
            late.setdefault(k, []).append(
                {"case_id": r.case_id, "days_over": r.days_over, "late_step": r.late_step,
                 "delay_notice_sent": bool(r.delay_notice_sent), "decided_on": r.decided_on.isoformat(),
                 "days_to_process": r.days_to_process})
    out = {}
    for k in set(acc) | set(late):
        freq, paths, findings = acc.get(k, ({}, {}, {}))
        out[k] = {"days_to_process": _distribution(sorted(freq.items())),
                  "path_outcomes": sorted(({"path": p, "outcome": o, "count": n} for (p, o), n in paths.items()),
                                          key=lambda p: (str(p["path"]), str(p["outcome"]))),
                  "committee_findings": sorted(({"finding": f, "count": n} for f, n in findings.items()),
                                               key=lambda p: str(p["finding"])),
                  "late_cases": late.get(k, [])}
    return out


def _figures(counts: dict | None, pending: int | None, details: dict | None) -> dict:
    counts = counts or {**_NO_COUNTS, "disp": {}}
    f = {k: counts[k] for k in _NO_COUNTS}
    f["pending"] = pending
    measured = f["timely"] + f["late"]
    f["percent_timely"] = round(100.0 * f["timely"] / measured, 1) if measured else None
    f.update(details or {"days_to_process": _distribution([]), "path_outcomes": [], "committee_findings": [],
                         "late_cases": []})
    f["dispositions"] = _dispositions([(d, b, n) for (d, b), n in counts["disp"].items()], f["withdrawn"])
    return f


def _sum(parts) -> dict:
    out = {**_NO_COUNTS, "disp": {}}
    for f in parts:
        for name in _NO_COUNTS:
            out[name] += f[name]
        for key, n in f["disp"].items():
            out["disp"][key] = out["disp"].get(key, 0) + n
    return out


def figures(conn, jurisdiction: str, start: date, end: date, with_pending: bool = True,
            late_list: bool = True, paths: bool = True) -> tuple[dict, dict]:
    """(every figure of the report for one period, {month name: its counts}) in nine queries."""
    s = _Scope(conn, jurisdiction, start, end)
    per_month = _counts(_Scope(conn, jurisdiction, start, end, daily=True))
    pending = _pending(s).get(None, 0) if with_pending else None
    return _figures(_sum(per_month.values()), pending, _details(s, late_list, paths).get(None)), per_month


def _groups(conn, jurisdiction: str, start: date, end: date, by: str, per_month: dict, paths: bool) -> list[dict]:
    """The report's figures per month (pending at each month's end) or per value of a breakdown column
    ("not recorded" last)."""
    if by == "month":
        out = []
        for name, first, last in months(start, end):
            s = _Scope(conn, jurisdiction, first, last)
            out.append({"group": name, **_figures(per_month.get(name), _pending(s).get(None, 0),
                                                  _details(s, paths=paths).get(None))})
        return out
    s = _Scope(conn, jurisdiction, start, end, col=BREAKDOWNS[by])
    counts, pending, freq = _breakdown_counts(s)
    details = _details(s, paths=paths, freq=freq)
    keys = sorted(set(counts) | set(pending) | set(details), key=lambda k: (k is None, str(k)))[:MAX_GROUPS]
    return [{"group": k if k is not None else "not_recorded",
             **_figures(counts.get(k), pending.get(k, 0), details.get(k))} for k in keys]


def _breakdown_counts(s: _Scope) -> tuple[dict, dict, dict]:
    """({key: counts}, {key: pending}, {key: {days: cases}}) for a breakdown column in two passes: the
    column is in no index, so each query reads the rows, and one conditional count per figure reads
    them once (a case is pending at the end when still pending, or decided / withdrawn only after it)."""
    received, withdrawn = _between(T.c.received_on, s.start, s.end), _between(T.c.withdrawn_on, s.start, s.end)
    pending_at_end = and_(T.c.received_on <= s.end, or_(T.c.state == "pending", T.c.decided_on > s.end,
                                                          T.c.withdrawn_on > s.end))
    # Only rows that can count: received by the period's end and not closed before it began (years of
    # closed cases are not read for this year's report).
    counted = [T.c.received_on <= s.end, or_(T.c.received_on >= s.start, T.c.state == "pending",
                                             T.c.decided_on >= s.start, T.c.withdrawn_on >= s.start)]
    counts: dict = {}
    pending: dict = {}
    for k, r in s.rows(None, _flag(received).label("received"), _flag(s.decided).label("decided"),
                       _flag(and_(s.decided, T.c.timely.is_(True))).label("timely"),
                       _flag(and_(s.decided, T.c.timely.is_(False))).label("late"),
                       _flag(and_(s.decided, T.c.expedited.is_(True))).label("expedited"),
                       _flag(withdrawn).label("withdrawn"), _flag(pending_at_end).label("pending"), where=counted):
        counts[k] = {**{name: int(r._mapping[name]) for name in _NO_COUNTS}, "disp": {}}
        pending[k] = int(r.pending)
    freq: dict = {}
    for k, r in s.rows(None, func.count().label("n"), by=[T.c.disposition, T.c.denial_basis, T.c.days_to_process],
                       where=[s.decided]):
        disp = counts.setdefault(k, {**_NO_COUNTS, "disp": {}})["disp"]
        disp[(r.disposition, r.denial_basis)] = disp.get((r.disposition, r.denial_basis), 0) + r.n
        if r.days_to_process is not None:
            days = freq.setdefault(k, {})
            days[r.days_to_process] = days.get(r.days_to_process, 0) + r.n
    return ({k: c for k, c in counts.items() if any(c[n] for n in _NO_COUNTS) or c["disp"]},
            {k: n for k, n in pending.items() if n}, freq)


def _dispositions(rows, withdrawn: int) -> dict:
    out: dict = {}
    for disposition, basis, n in sorted(rows, key=lambda r: (str(r[0]), str(r[1]))):
        name = disposition or "not_recorded"
        if name == "denied":
            by_basis = out.setdefault("denied", {"count": 0, "by_basis": {}})
            by_basis["count"] += n
            by_basis["by_basis"][basis or "not_recorded"] = n
        else:
            out[name] = out.get(name, 0) + n
    if withdrawn:
        out["withdrawn"] = out.get("withdrawn", 0) + withdrawn
    return out


def timeliness(db, jurisdiction, start: date, end: date, by: str | None = None) -> dict:
    """The whole report for a jurisdiction (a Jurisdiction config) and an inclusive period."""
    opts = settings(jurisdiction)
    fy_name, fy_start, fy_end = fiscal_year(end, opts["fiscal_year_start_month"])
    key = jurisdiction.key
    paths = "path" in jurisdiction.tracking_fields  # the County's paths and outcomes; the Navy has none
    with db.engine.connect() as conn:
        report = {"jurisdiction": key, "jurisdiction_name": jurisdiction.name,
                  "from": start.isoformat(), "to": end.isoformat(), "by": by,
                  "timely_target_percent": opts["timely_target_percent"]}
        figs, per_month = figures(conn, key, start, end, paths=paths)
        report.update(figs)
        annual = figs if (fy_start, fy_end) == (start, end) else \
            figures(conn, key, fy_start, fy_end, with_pending=False, late_list=False, paths=False)[0]
        report["annual"] = {"fiscal_year": fy_name, "from": fy_start.isoformat(), "to": fy_end.isoformat(),
                            **{k: annual[k] for k in ("received", "decided", "timely", "late", "percent_timely")},
                            "days_to_process": annual["days_to_process"]}
        report["monthly"] = [{"month": name, **_brief(_figures(per_month.get(name), None, None))}
                             for name, _, _ in months(start, end)]
        if by:
            report["groups"] = _groups(conn, key, start, end, by, per_month, paths)
    return report


def _brief(f: dict) -> dict:
    return {k: f[k] for k in ("received", "decided", "withdrawn", "timely", "late", "percent_timely")}


def histogram(conn, jurisdiction: str, start: date, end: date,
              edges=(0, 15, 30, 45, 60, 90)) -> list[dict]:
    """Decided cases by days to process less abeyance, in bins 0-15, 16-30, ... and over the last edge."""
    s = _Scope(conn, jurisdiction, start, end)
    v = T.c.days_to_process
    freq = [(r.days_to_process, r.n) for _, r in s.rows(v, func.count().label("n"), by=[v],
                                                         where=[s.decided, v.is_not(None)])]
    bins = [(f"{lo if lo == 0 else lo + 1}-{hi}", (lo if lo == 0 else lo + 1), hi)
            for lo, hi in zip(edges, edges[1:], strict=False)] + [(f"over {edges[-1]}", edges[-1] + 1, None)]
    return [{"bin": label, "count": sum(c for v, c in freq if v >= lo and (hi is None or v <= hi))}
            for label, lo, hi in bins]
