"""Reports through the JSON API, the pages and the exports, over the eight Navy cases of report_cases.py:
the same figures everywhere, a chart's data table equal to the report's numbers, CSV and XLSX that
parse, no medical value in any export (Navy 1-5), every export audited, and who may run them."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from report_cases import MEDICAL_MARK, build
from sqlalchemy import select

from api.app import create_app
from engine import access, auth, reports
from engine.documents import DocumentService
from engine.report_models import ExportRecord

auth.use_fast_hashing()
PASSWORD = "Tall-Maple-Harbor-42"
PERIOD = "from=2026-01-01&to=2026-03-31"


@pytest.fixture
def site(navy, frozen, tmp_path):
    ids = build(navy)
    docs = DocumentService(navy.db, navy.service.registry, tmp_path / "documents")
    with navy.db.transaction() as s:
        coordinator = access.load_actor(s, "coordinator")
    docs.upload(ids["A"], coordinator, "request", "request-letter.txt", b"Written request of January 16")
    docs.upload(ids["A"], coordinator, "medical", f"{MEDICAL_MARK}-report.txt", b"Medical report " + b"x" * 10)
    for name in ("coordinator", "deeo", "supervisor", "requester"):
        auth.set_password(navy.db, name, PASSWORD)
    app = create_app({"DATABASE_URL": navy.db.url, "CLOCK": frozen, "TESTING": True,
                      "INSTANCE_PATH": str(tmp_path / "instance"), "DOCUMENTS_PATH": str(tmp_path / "documents")})
    return app, navy, ids


def api(app, db, user):
    headers = {"Authorization": f"Bearer {auth.issue_token(db, user)}"}
    client = app.test_client()
    return lambda path: client.get(f"/api/v1{path}", headers=headers)


def signed_in(app, user):
    client = app.test_client()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"name": user, "password": PASSWORD, "csrf_token": csrf}).status_code == 302
    return client


def test_api_report_matches_the_figures_known_by_hand(site):
    app, navy, ids = site
    r = api(app, navy.db, "coordinator")(f"/reports/timeliness?jurisdiction=navy&{PERIOD}")
    assert r.status_code == 200, r.json
    body = r.json
    for key in ("received", "decided", "pending", "withdrawn", "timely", "late", "percent_timely",
                "days_to_process", "late_cases"):
        assert key in body
    assert (body["received"], body["decided"], body["pending"], body["withdrawn"]) == (8, 6, 1, 1)
    assert (body["timely"], body["late"], body["percent_timely"]) == (4, 2, 66.7)
    assert body["days_to_process"] == {"median": 25, "p90": 50, "max": 50, "count": 6}
    step = "Decide on the accommodation (4-1, 4-4)"
    assert [(c["case_id"], c["days_over"], c["late_step"]) for c in body["late_cases"]] == [
        (ids["B"], 5, step), (ids["D"], 2, step)]
    assert body["from"] == "2026-01-01" and body["annual"]["fiscal_year"] == "FY2026"
    grouped = api(app, navy.db, "deeo")(f"/reports/timeliness?{PERIOD}&by=month").json
    assert [(g["group"], g["received"], g["decided"], g["percent_timely"]) for g in grouped["groups"]] == [
        ("2026-01", 4, 1, 100.0), ("2026-02", 3, 2, 50.0), ("2026-03", 1, 3, 66.7)]
    spec = app.test_client().get("/api/v1/openapi.json").json
    assert "/api/v1/reports/timeliness" in spec["paths"] and "/api/v1/reports/export" in spec["paths"]


@pytest.mark.parametrize("query, field", [
    ("from=2026-03-31&to=2026-01-01", "to"),
    (f"{PERIOD}&by=colour", "by"),
    (f"{PERIOD}&jurisdiction=santa_cruz", "jurisdiction"),
    ("from=2026-02-30&to=2026-03-31", "from"),
    ("to=2026-03-31", "from"),
])
def test_bad_report_input_is_a_422_with_the_field(site, query, field):
    app, navy, _ = site
    r = api(app, navy.db, "coordinator")(f"/reports/timeliness?{query}")
    assert r.status_code == 422, r.json
    assert field in r.json["errors"]
    if field != "by":  # an export has no breakdown
        r = api(app, navy.db, "coordinator")(f"/reports/export?{query}&format=csv")
        assert r.status_code == 422 and field in r.json["errors"]


def test_bad_export_format_is_a_422(site):
    app, navy, _ = site
    r = api(app, navy.db, "coordinator")(f"/reports/export?{PERIOD}&format=pdf")
    assert r.status_code == 422 and "format" in r.json["errors"]


@pytest.mark.parametrize("user", ["supervisor", "requester"])
def test_only_reporting_roles_may_report_or_export(site, user):
    app, navy, _ = site
    call = api(app, navy.db, user)
    assert call(f"/reports/timeliness?{PERIOD}").status_code == 403
    assert call(f"/reports/export?{PERIOD}&format=csv").status_code == 403
    page = signed_in(app, user)
    assert page.get(f"/reports?{PERIOD}").status_code == 403
    assert page.get("/reports/overdue").status_code == 403
    assert 'href="/reports"' not in page.get("/requests").text
    with navy.db.transaction() as s:
        assert s.execute(select(ExportRecord)).first() is None


def test_exports_parse_list_documents_and_never_a_medical_value(site):
    app, navy, ids = site
    call = api(app, navy.db, "coordinator")
    r = call(f"/reports/export?{PERIOD}&format=csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    raw = r.get_data()
    assert MEDICAL_MARK.encode() not in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert sorted(int(row["Case"]) for row in rows) == sorted(ids.values())
    by_case = {int(row["Case"]): row for row in rows}
    b = by_case[ids["B"]]
    assert (b["Decision"], b["Days to process"], b["Timely"], b["Days over"], b["Delay notice sent"]) == (
        "approved", "50", "no", "5", "yes")
    assert (b["Job series"], b["Grade"], b["Component"], b["Purpose"]) == (
        "2210", "GS-12", "NAVSEA", "perform_essential_functions")
    assert by_case[ids["F"]]["Denial basis"] == "not_individual_with_disability"
    assert by_case[ids["A"]]["Documents"] == "Written request or confirmation form: request-letter.txt"
    for medical in ("Diagnosis", "Functional limitations", "Provider name"):
        assert medical not in rows[0]

    x = call(f"/reports/export?{PERIOD}&format=xlsx")
    assert x.status_code == 200
    assert MEDICAL_MARK.encode() not in x.get_data()
    sheet = load_workbook(io.BytesIO(x.get_data()), read_only=True)["Cases"]
    table = [[("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert table[0] == list(rows[0].keys())
    assert sorted(int(r[0]) for r in table[1:]) == sorted(ids.values())
    sheet.parent.close()
    with navy.db.transaction() as s:
        audit = [(e.actor, e.jurisdiction, e.format, e.rows, e.period_from.isoformat(), e.period_to.isoformat())
                 for e in s.execute(select(ExportRecord).order_by(ExportRecord.id)).scalars()]
    assert audit == [("coordinator", "navy", "csv", 8, "2026-01-01", "2026-03-31"),
                     ("coordinator", "navy", "xlsx", 8, "2026-01-01", "2026-03-31")]


def _table(html: str, table_id: str) -> list[list[str]]:
    body = re.search(rf'<table class="data chart-data" id="{table_id}">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_report_page_charts_tables_match_the_report(site):
    app, navy, _ = site
    page = signed_in(app, "coordinator")
    html = page.get(f"/reports?{PERIOD}").text
    report = reports.timeliness(navy.db, navy.config, *reports.check_period("2026-01-01", "2026-03-31")[:2])
    assert _table(html, "table-volume") == [[m["month"], str(m["received"]), str(m["decided"])]
                                            for m in report["monthly"]]
    assert _table(html, "table-timely") == [["2026-01", "1", "0", "100.0%"], ["2026-02", "1", "1", "50.0%"],
                                            ["2026-03", "2", "1", "66.7%"]]
    assert _table(html, "table-days") == [["0-15", "2"], ["16-30", "2"], ["31-45", "1"], ["46-60", "1"],
                                          ["61-90", "0"], ["over 90", "0"]]
    assert html.count('<svg class="chart"') == 3 and "<script" not in html.split("<main")[1]
    assert "6 decided case(s) by days to process less abeyance" in html
    assert 'href="/reports"' in html  # the navigation shows Reports to a reporting role
    printable = page.get(f"/reports/print?{PERIOD}")
    assert printable.status_code == 200 and _table(printable.text, "table-days") == _table(html, "table-days")
    bad = page.get("/reports?from=2026-03-31&to=2026-01-01")
    assert bad.status_code == 422 and "the period must end on or after the day it starts" in bad.text
    export = page.get(f"/reports/export?{PERIOD}&format=csv")
    assert export.status_code == 200 and MEDICAL_MARK.encode() not in export.get_data()


def test_overdue_dashboard_lists_open_steps_oldest_first(site):
    """Navy 1-4 (forward within 2 business days) and 4-1 (45 days): what a coordinator sees each morning."""
    app, navy, ids = site
    navy.at("2026-05-04T10:00")  # Monday: a new request, to be forwarded by Wednesday May 6
    navy.request()
    fresh = navy.case_id
    navy.service.claim(navy.task("supervisor", "task_forward").id, "supervisor")
    navy.at("2026-05-06T09:00")  # case H's 45-day clock (due Monday May 4) has passed
    html = signed_in(app, "coordinator").get("/reports/overdue").text
    # case H is late twice: its 45-day clock, and its open step that the 45 days watch (4-1, 4-3; issue 10)
    assert "<strong>2</strong> overdue and <strong>1</strong> due within 3 days" in html
    assert "Document the essential functions (2-5, Att. 5)" in html
    clock_at, step_at = html.index(f'href="/cases/{ids["H"]}"'), html.index(f'href="/cases/{fresh}"')
    assert clock_at < step_at  # the oldest first
    assert "Decision deadline (case clock)" in html and "<strong>2 days overdue</strong>" in html
    section = html[html.rindex("<section", 0, step_at):step_at + 600]
    assert "(Supervisor / Hiring Manager)" in section and "Due today" in section
    assert ">supervisor</td>" in section  # who holds it: the user who claimed it
