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

from sqlalchemy import and_, case, func, or_, select

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


# -- figures -------------------------------------------------------------------------------------
def _between(col, start, end):
    return and_(col >= start, col <= end)


def counts(conn, jurisdiction: str, start: date, end: date, extra=None, with_pending: bool = True) -> dict:
    """The counts of the period, each one query through its own index (received_on, decided_on, ...)."""
    base = [T.c.jurisdiction == jurisdiction]
    if extra is not None:
        base.append(extra)

    def total(*conds):
        return conn.execute(select(func.count()).select_from(T).where(*base, *conds)).scalar()

    def flag(col):
        return func.coalesce(func.sum(case((col.is_(True), 1), else_=0)), 0)

    decided = conn.execute(select(func.count(), flag(T.c.timely),
                                  func.coalesce(func.sum(case((T.c.timely.is_(False), 1), else_=0)), 0),
                                  flag(T.c.expedited))
                           .where(*base, _between(T.c.decided_on, start, end))).one()
    received_by_end = T.c.received_on <= end
    out = {
        "received": total(_between(T.c.received_on, start, end)),
        "decided": int(decided[0]),
        "withdrawn": total(T.c.state == "withdrawn", _between(T.c.withdrawn_on, start, end)),
        # pending at the end: still pending now, or decided / withdrawn only after the period
        "pending": total(T.c.state == "pending", received_by_end) + total(T.c.decided_on > end, received_by_end)
        + total(T.c.withdrawn_on > end, received_by_end) if with_pending else None,
        "timely": int(decided[1]), "late": int(decided[2]), "expedited": int(decided[3]),
    }
    measured = out["timely"] + out["late"]
    out["percent_timely"] = round(100.0 * out["timely"] / measured, 1) if measured else None
    return out


def figures(conn, jurisdiction: str, start: date, end: date, extra=None) -> dict:
    """Every figure of the report for one period (and optionally one group: `extra` is a SQL condition)."""
    base = [T.c.jurisdiction == jurisdiction]
    if extra is not None:
        base.append(extra)
    decided = _between(T.c.decided_on, start, end)  # only a decided case has a decided_on
    out = counts(conn, jurisdiction, start, end, extra)
    out["days_to_process"] = _distribution(conn, [*base, decided])
    out["dispositions"] = _dispositions(conn, base, decided, start, end)
    out["late_cases"] = [
        {"case_id": r.case_id, "days_over": r.days_over, "late_step": r.late_step,
         "delay_notice_sent": bool(r.delay_notice_sent), "decided_on": r.decided_on.isoformat(),
         "days_to_process": r.days_to_process}
        for r in conn.execute(select(T.c.case_id, T.c.days_over, T.c.late_step, T.c.delay_notice_sent,
                                     T.c.decided_on, T.c.days_to_process)
                              .where(*base, decided, T.c.timely.is_(False))
                              .order_by(T.c.days_over.desc(), T.c.case_id).limit(MAX_LATE_LISTED))]
    out["path_outcomes"] = [
        {"path": r.path, "outcome": r.outcome, "count": int(r.n)}
        for r in conn.execute(select(T.c.path, T.c.outcome, func.count().label("n"))
                              .where(*base, decided, T.c.path.is_not(None))
                              .group_by(T.c.path, T.c.outcome).order_by(T.c.path, T.c.outcome))]
    out["committee_findings"] = [
        {"finding": r.committee_finding, "count": int(r.n)}
        for r in conn.execute(select(T.c.committee_finding, func.count().label("n"))
                              .where(*base, decided, T.c.committee_finding.is_not(None))
                              .group_by(T.c.committee_finding).order_by(T.c.committee_finding))]
    return out


def _frequencies(conn, conds) -> list[tuple[int, int]]:
    """(days to process, number of cases) in SQL, through the covering decided_on index: a few hundred rows."""
    v = T.c.days_to_process
    return [(int(r[0]), int(r[1])) for r in conn.execute(
        select(v, func.count()).where(*conds, v.is_not(None)).group_by(v).order_by(v))]


def _distribution(conn, conds) -> dict:
    """Median (mean of the two middle values for an even count), p90 (nearest rank) and max from the frequencies."""
    freq = _frequencies(conn, conds)
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


def _dispositions(conn, base, decided, start, end) -> dict:
    out: dict = {}
    rows = list(conn.execute(select(T.c.disposition, T.c.denial_basis, func.count().label("n"))
                             .where(*base, decided).group_by(T.c.disposition, T.c.denial_basis)))
    withdrawn = conn.execute(select(func.count()).select_from(T).where(
        *base, T.c.state == "withdrawn", _between(T.c.withdrawn_on, start, end))).scalar()
    for r in sorted(rows, key=lambda r: (str(r.disposition), str(r.denial_basis))):
        name = r.disposition or "not_recorded"
        if name == "denied":
            by_basis = out.setdefault("denied", {"count": 0, "by_basis": {}})
            by_basis["count"] += int(r.n)
            by_basis["by_basis"][r.denial_basis or "not_recorded"] = int(r.n)
        else:
            out[name] = out.get(name, 0) + int(r.n)
    if withdrawn:
        out["withdrawn"] = out.get("withdrawn", 0) + int(withdrawn)
    return out


def _group_keys(conn, jurisdiction, col, start, end) -> list:
    rows = conn.execute(select(col).where(T.c.jurisdiction == jurisdiction, T.c.received_on <= end,
                                          or_(T.c.received_on >= start, T.c.decided_on >= start,
                                              T.c.withdrawn_on >= start, T.c.state == "pending"))
                        .group_by(col).limit(MAX_GROUPS))
    return sorted((r[0] for r in rows), key=lambda k: (k is None, str(k)))  # "not recorded" last on every database


def timeliness(db, jurisdiction, start: date, end: date, by: str | None = None) -> dict:
    """The whole report for a jurisdiction (a Jurisdiction config) and an inclusive period."""
    opts = settings(jurisdiction)
    fy_name, fy_start, fy_end = fiscal_year(end, opts["fiscal_year_start_month"])
    with db.engine.connect() as conn:
        report = {"jurisdiction": jurisdiction.key, "jurisdiction_name": jurisdiction.name,
                  "from": start.isoformat(), "to": end.isoformat(), "by": by,
                  "timely_target_percent": opts["timely_target_percent"]}
        report.update(figures(conn, jurisdiction.key, start, end))
        annual = report if (fy_start, fy_end) == (start, end) else figures(conn, jurisdiction.key, fy_start, fy_end)
        report["annual"] = {"fiscal_year": fy_name, "from": fy_start.isoformat(), "to": fy_end.isoformat(),
                            **{k: annual[k] for k in ("received", "decided", "timely", "late", "percent_timely")},
                            "days_to_process": annual["days_to_process"]}
        report["monthly"] = [{"month": name, **_brief(counts(conn, jurisdiction.key, a, b, with_pending=False))}
                             for name, a, b in months(start, end)]
        if by == "month":
            report["groups"] = [{"group": name, **figures(conn, jurisdiction.key, a, b)}
                                for name, a, b in months(start, end)]
        elif by:
            col = BREAKDOWNS[by]
            report["groups"] = [
                {"group": key if key is not None else "not_recorded",
                 **figures(conn, jurisdiction.key, start, end, col.is_(None) if key is None else col == key)}
                for key in _group_keys(conn, jurisdiction.key, col, start, end)]
    return report


def _brief(f: dict) -> dict:
    return {k: f[k] for k in ("received", "decided", "withdrawn", "timely", "late", "percent_timely")}


def histogram(conn, jurisdiction: str, start: date, end: date,
              edges=(0, 15, 30, 45, 60, 90)) -> list[dict]:
    """Decided cases by days to process less abeyance, in bins 0-15, 16-30, ... and over the last edge."""
    freq = _frequencies(conn, [T.c.jurisdiction == jurisdiction, _between(T.c.decided_on, start, end)])
    bins = [(f"{lo if lo == 0 else lo + 1}-{hi}", (lo if lo == 0 else lo + 1), hi)
            for lo, hi in zip(edges, edges[1:], strict=False)] + [(f"over {edges[-1]}", edges[-1] + 1, None)]
    return [{"bin": label, "count": sum(c for v, c in freq if v >= lo and (hi is None or v <= hi))}
            for label, lo, hi in bins]
