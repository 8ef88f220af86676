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

from sqlalchemy import and_, case, func, literal, select

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
def _between(col, start, end):
    return and_(col >= start, col <= end)


class _Grouped:
    """Aggregates of one period, per group of `col` (or one group, key None): each a single SQL query
    through the covering indexes, GROUP BY the breakdown column, so a breakdown costs the same few
    queries as the plain report."""

    def __init__(self, conn, jurisdiction: str, start: date, end: date, col=None):
        self.conn, self.start, self.end, self.col = conn, start, end, col
        self.base = [T.c.jurisdiction == jurisdiction]
        self.decided = _between(T.c.decided_on, start, end)  # only a decided case has a decided_on

    def rows(self, *aggregates, by=(), where, order=()):
        """Rows (k, *by, *aggregates) grouped by the breakdown column and `by`."""
        key = self.col if self.col is not None else literal(None)
        q = select(key.label("k"), *by, *aggregates).where(*self.base, *where)
        groups = ([self.col] if self.col is not None else []) + list(by)
        if groups:
            q = q.group_by(*groups)
        return self.conn.execute(q.order_by(*order)).all()

    def count(self, *where) -> dict:
        return {r.k: int(r[1]) for r in self.rows(func.count(), where=where)}


def _flag(cond):
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def _n():
    return func.count()


def _counts(g: _Grouped, with_pending: bool = True) -> dict:
    """{key: counts}: received, decided, withdrawn, pending, timely, late, expedited, percent_timely."""
    received = g.count(_between(T.c.received_on, g.start, g.end))
    decided = {r.k: r for r in g.rows(_n(), _flag(T.c.timely.is_(True)), _flag(T.c.timely.is_(False)),
                                      _flag(T.c.expedited.is_(True)), where=[g.decided])}
    withdrawn = g.count(_between(T.c.withdrawn_on, g.start, g.end))  # only a withdrawn case has a withdrawn_on
    pending: dict = {}
    if with_pending:  # pending at the end: still pending, or decided / withdrawn only after the period
        by_end = T.c.received_on <= g.end
        for part in (g.count(T.c.state == "pending", by_end), g.count(T.c.decided_on > g.end, by_end),
                     g.count(T.c.withdrawn_on > g.end, by_end)):
            for k, n in part.items():
                pending[k] = pending.get(k, 0) + n
    keys = set(received) | set(decided) | set(withdrawn) | set(pending) | ({None} if g.col is None else set())
    out = {}
    for k in keys:
        d = decided.get(k)
        f = {"received": received.get(k, 0), "decided": int(d[1]) if d else 0,
             "withdrawn": withdrawn.get(k, 0), "pending": pending.get(k, 0) if with_pending else None,
             "timely": int(d[2]) if d else 0, "late": int(d[3]) if d else 0, "expedited": int(d[4]) if d else 0}
        measured = f["timely"] + f["late"]
        f["percent_timely"] = round(100.0 * f["timely"] / measured, 1) if measured else None
        out[k] = f
    return out


def counts(conn, jurisdiction: str, start: date, end: date, with_pending: bool = True) -> dict:
    return _counts(_Grouped(conn, jurisdiction, start, end), with_pending)[None]


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


def _grouped_figures(g: _Grouped) -> dict:
    """{key: every figure of the report} for the period's groups."""
    out = _counts(g)
    v = T.c.days_to_process
    freq: dict = {}
    for r in g.rows(_n(), by=[v], where=[g.decided, v.is_not(None)], order=[v]):
        freq.setdefault(r.k, []).append((int(r[1]), int(r[2])))
    disp: dict = {}
    for r in g.rows(_n(), by=[T.c.disposition, T.c.denial_basis], where=[g.decided]):
        disp.setdefault(r.k, []).append((r.disposition, r.denial_basis, int(r[3])))
    late: dict = {}
    for r in g.conn.execute(
            select((g.col if g.col is not None else literal(None)).label("k"), T.c.case_id, T.c.days_over,
                   T.c.late_step, T.c.delay_notice_sent, T.c.decided_on, T.c.days_to_process)
            .where(*g.base, g.decided, T.c.timely.is_(False))
            .order_by(T.c.days_over.desc(), T.c.case_id).limit(MAX_LATE_LISTED)):
        late.setdefault(r.k, []).append(
            {"case_id": r.case_id, "days_over": r.days_over, "late_step": r.late_step,
             "delay_notice_sent": bool(r.delay_notice_sent), "decided_on": r.decided_on.isoformat(),
             "days_to_process": r.days_to_process})
    paths: dict = {}
    for r in g.rows(_n(), by=[T.c.path, T.c.outcome], where=[g.decided, T.c.path.is_not(None)]):
        paths.setdefault(r.k, []).append({"path": r.path, "outcome": r.outcome, "count": int(r[3])})
    findings: dict = {}
    for r in g.rows(_n(), by=[T.c.committee_finding], where=[g.decided, T.c.committee_finding.is_not(None)]):
        findings.setdefault(r.k, []).append({"finding": r.committee_finding, "count": int(r[2])})
    for k, f in out.items():
        f["days_to_process"] = _distribution(freq.get(k, []))
        f["dispositions"] = _dispositions(disp.get(k, []), f["withdrawn"])
        f["late_cases"] = late.get(k, [])
        f["path_outcomes"] = sorted(paths.get(k, []), key=lambda p: (str(p["path"]), str(p["outcome"])))
        f["committee_findings"] = sorted(findings.get(k, []), key=lambda p: str(p["finding"]))
    return out


def figures(conn, jurisdiction: str, start: date, end: date) -> dict:
    """Every figure of the report for one period."""
    return _grouped_figures(_Grouped(conn, jurisdiction, start, end))[None]


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
    with db.engine.connect() as conn:
        report = {"jurisdiction": key, "jurisdiction_name": jurisdiction.name,
                  "from": start.isoformat(), "to": end.isoformat(), "by": by,
                  "timely_target_percent": opts["timely_target_percent"]}
        report.update(figures(conn, key, start, end))
        annual = report if (fy_start, fy_end) == (start, end) else figures(conn, key, fy_start, fy_end)
        report["annual"] = {"fiscal_year": fy_name, "from": fy_start.isoformat(), "to": fy_end.isoformat(),
                            **{k: annual[k] for k in ("received", "decided", "timely", "late", "percent_timely")},
                            "days_to_process": annual["days_to_process"]}
        report["monthly"] = [{"month": name, **_brief(counts(conn, key, a, b, with_pending=False))}
                             for name, a, b in months(start, end)]
        if by == "month":
            report["groups"] = [{"group": name, **figures(conn, key, a, b)} for name, a, b in months(start, end)]
        elif by:
            grouped = _grouped_figures(_Grouped(conn, key, start, end, BREAKDOWNS[by]))
            keys = sorted(grouped, key=lambda k: (k is None, str(k)))[:MAX_GROUPS]  # "not recorded" last
            report["groups"] = [{"group": k if k is not None else "not_recorded", **grouped[k]} for k in keys]
    return report


def _brief(f: dict) -> dict:
    return {k: f[k] for k in ("received", "decided", "withdrawn", "timely", "late", "percent_timely")}


def histogram(conn, jurisdiction: str, start: date, end: date,
              edges=(0, 15, 30, 45, 60, 90)) -> list[dict]:
    """Decided cases by days to process less abeyance, in bins 0-15, 16-30, ... and over the last edge."""
    g = _Grouped(conn, jurisdiction, start, end)
    v = T.c.days_to_process
    freq = [(int(r[1]), int(r[2])) for r in g.rows(_n(), by=[v], where=[g.decided, v.is_not(None)], order=[v])]
    bins = [(f"{lo if lo == 0 else lo + 1}-{hi}", (lo if lo == 0 else lo + 1), hi)
            for lo, hi in zip(edges, edges[1:], strict=False)] + [(f"over {edges[-1]}", edges[-1] + 1, None)]
    return [{"bin": label, "count": sum(c for v, c in freq if v >= lo and (hi is None or v <= hi))}
            for label, lo, hi in bins]
