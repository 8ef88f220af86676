"""The NEAT data export (Navy 1-4): one row per case, CSV or XLSX, streamed, never a medical field.

Columns are the jurisdiction's `[tracking] fields` (minus any field a form of the version marks
`x-confidential`) and the report facts (dates, decision, days to process less abeyance, met or late),
with the case's non-medical documents listed by title. Medical documents and confidential fields
are never read into a row (Navy 1-5; California § 11068). Rows come from the projections in batches
(no workflow deserialized), so memory stays constant whatever the period; XLSX is written by
openpyxl's write-only mode (rows go to disk as they come) rather than hand-made XML.
Each export is recorded in `export_record` before its first row is produced.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date

from sqlalchemy import and_, func, or_, select

from . import clock
from .report_models import ExportRecord, ReportFact
from .store import Case, Document

FORMATS = ("csv", "xlsx")
BATCH = 500
F, C, D = ReportFact.__table__, Case.__table__, Document.__table__
FACT_COLUMNS = [
    ("state", "State"), ("received_on", "Received"), ("decided_on", "Decided"), ("withdrawn_on", "Withdrawn"),
    ("disposition", "Decision"), ("denial_basis", "Denial basis"), ("days_to_process", "Days to process"),
    ("due_on", "Due"), ("timely", "Timely"), ("days_over", "Days over"), ("late_step", "Late step"),
    ("delay_notice_sent", "Delay notice sent"), ("expedited", "Expedited"), ("path", "Path"),
    ("committee_finding", "Committee finding"),
]


def confidential_fields(deployed) -> frozenset[str]:
    out: set[str] = set()
    for form in deployed.forms.values():
        if form is not None:
            out |= form.confidential_fields
    return frozenset(out)


def columns(deployed) -> list[tuple[str, str]]:
    """(key, header) of every column: case, the NEAT tracking fields, the report facts, documents."""
    hidden = confidential_fields(deployed)
    tracked = [(f"tracking.{k}", k.replace("_", " ").capitalize())
               for k in deployed.jurisdiction.tracking_fields if k not in hidden]
    facts = [(f"fact.{k}", h) for k, h in FACT_COLUMNS if k not in deployed.jurisdiction.tracking_fields]
    return [("case_id", "Case"), ("status", "Status"), *tracked, *facts, ("documents", "Documents")]


def _in_period(start: date, end: date):
    return or_(and_(F.c.received_on >= start, F.c.received_on <= end),
               and_(F.c.decided_on >= start, F.c.decided_on <= end),
               and_(F.c.withdrawn_on >= start, F.c.withdrawn_on <= end))


def count_rows(conn, jurisdiction: str, start: date, end: date) -> int:
    return conn.execute(select(func.count()).select_from(F)
                        .where(F.c.jurisdiction == jurisdiction, _in_period(start, end))).scalar()


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def rows(db, deployed, start: date, end: date, doc_titles: dict[str, str]) -> Iterator[list]:
    """The header, then one list per case, fetched BATCH cases at a time."""
    cols = columns(deployed)
    yield [h for _, h in cols]
    hidden = confidential_fields(deployed)
    fact_keys = [k for k, _ in FACT_COLUMNS]
    getters = [_getter(key, hidden) for key, _ in cols]
    query = (select(C.c.id, C.c.status, C.c.summary, *[F.c[k] for k in fact_keys])
             .join(F, F.c.case_id == C.c.id)
             .where(F.c.jurisdiction == deployed.jurisdiction.key, _in_period(start, end)).order_by(C.c.id))
    with db.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(query)
        for batch in result.partitions(BATCH):
            docs: dict[int, list[str]] = {}
            with db.engine.connect() as side:
                for d in side.execute(select(D.c.case_id, D.c.doc_type, D.c.filename)
                                      .where(D.c.case_id.in_([r.id for r in batch]), D.c.medical.is_(False))
                                      .order_by(D.c.case_id, D.c.id)):
                    docs.setdefault(d.case_id, []).append(f"{doc_titles.get(d.doc_type, d.doc_type)}: {d.filename}")
            for r in batch:
                tracking = (r.summary or {}).get("tracking") or {}
                yield [get(r, tracking, docs) for get in getters]


def _getter(key: str, hidden: frozenset[str]):
    """How one column's cell is read from (case row, tracking dict, documents by case): chosen once per export."""
    if key == "case_id":
        return lambda r, t, d: r.id
    if key == "status":
        return lambda r, t, d: r.status
    if key.startswith("tracking."):
        name = key[len("tracking."):]
        if name in hidden:
            return lambda r, t, d: ""
        return lambda r, t, d: _cell(t.get(name))
    if key.startswith("fact."):
        index = 3 + [k for k, _ in FACT_COLUMNS].index(key[len("fact."):])
        return lambda r, t, d: _cell(r[index])
    return lambda r, t, d: "; ".join(d.get(r.id, ()))


def _safe_text(value):
    """Spreadsheet formula injection guard: text starting with = + - @ is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def iter_csv(table: Iterable[list]) -> Iterator[bytes]:
    """CSV (UTF-8 with a BOM so spreadsheets read accents), one chunk per BATCH rows."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    yield "\ufeff".encode()
    for i, row in enumerate(table, 1):
        writer.writerow([_safe_text(v) for v in row])
        if i % BATCH == 0:
            yield buf.getvalue().encode()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode()


def write_xlsx(table: Iterable[list], path: str | os.PathLike) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Cases")
    for row in table:
        ws.append([_safe_text(v) for v in row])
    wb.save(path)


def iter_xlsx(table: Iterable[list], chunk: int = 64 * 1024) -> Iterator[bytes]:
    """The workbook written to a temporary file (constant memory), then streamed and removed."""
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        write_xlsx(table, path)
        with open(path, "rb") as fh:
            while block := fh.read(chunk):
                yield block
    finally:
        os.unlink(path)


def record(db, actor: str, jurisdiction: str, fmt: str, start: date, end: date, kind: str = "neat") -> int:
    """Write the audit row (who, what, period, how many rows) and return the row count."""
    with db.transaction() as s:
        n = count_rows(s.connection(), jurisdiction, start, end)
        s.add(ExportRecord(at=clock.now(), actor=actor, jurisdiction=jurisdiction, kind=kind, format=fmt,
                           period_from=start, period_to=end, rows=n, detail={}))
    return n
