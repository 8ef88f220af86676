"""Letters through the JSON API, the pages and the CLI (issue 11), on a real Navy case denied at a frozen
clock: the requester lists and downloads their letters (PDF or HTML, by Accept or suffix), another requester
gets 404, every download is in the history; the task page drafts the letter and previews it without saving."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from letterkit import pdf_facts
from webclient import PASSWORD, Browser, do_step

from api.app import create_app
from engine import auth
from engine.cases import CaseService
from engine.definitions import Registry, deploy, read_folder
from engine.users import add_user

ROOT = Path(__file__).resolve().parents[2]
USERS = {"pat": ["requester"], "quinn": ["requester"], "sam": ["supervisor"], "casey": ["coordinator"],
         "olive": ["ogc"]}


@pytest.fixture
def navy_web(sqlite_db, frozen, tmp_path):
    deploy(sqlite_db, read_folder(ROOT / "processes" / "navy"))
    svc = CaseService(sqlite_db, Registry())
    for name, roles in USERS.items():
        add_user(sqlite_db, svc.registry, name, roles, "navy", display_name=name.capitalize() + " Doe")
        auth.set_password(sqlite_db, name, PASSWORD)
    app = create_app({"DATABASE_URL": sqlite_db.url, "CLOCK": frozen, "TESTING": True,
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    tokens = {n: {"Authorization": f"Bearer {auth.issue_token(sqlite_db, n)}"} for n in USERS}
    return app, svc, tokens


_do = do_step


def _to_denial_letter(svc) -> int:
    """A Navy case up to the denial letter (QIWD: not an individual with a disability, OGC sufficient)."""
    case_id = svc.start_case("navy", "navy_ra", "pat")
    _do(svc, "sam", "task_record_request", requester_name="Pat Doe", requester_type="employee",
        how_received="supervisor", received_by_name="Sam Doe", request_mode="oral", request_date="2026-01-16",
        accommodation_requested="Screen reader software", written_confirmation="requester", expedited=False)
    _do(svc, "sam", "task_forward", forwarded_date="2026-01-16", coordinator_name="Casey Doe")
    _do(svc, "pat", "task_confirm_requester", requester_confirmation="confirmed", requester_name="Pat Doe",
        job_title="IT Specialist", job_series="2210", grade="GS-12", component="NAVSEA", request_date="2026-01-16",
        how_received="supervisor", accommodation_requested="Screen reader software",
        purpose="perform_essential_functions", signature_date="2026-01-16")
    _do(svc, "sam", "task_essential_functions", position_title="IT Specialist", job_series="2210", grade="GS-12",
        essential_functions="Administer networks", essential_functions_date="2026-01-16")
    _do(svc, "sam", "task_interim", interim_decision="not_possible", interim_not_possible_reason="None available")
    _do(svc, "casey", "task_medical_need", medical_documentation_needed="no", medical_need_basis="obvious_or_on_file")
    _do(svc, "casey", "task_qiwd", has_impairment="no", substantially_limits="no", meets_job_requirements="yes",
        can_perform_essential_functions="yes", qiwd_analysis_date="2026-01-16")
    _do(svc, "olive", "task_ogc_denial_review", ogc_review="sufficient", ogc_reviewer="Olive Doe",
        ogc_review_date="2026-01-16")
    return case_id


DENIAL = dict(deciding_official="Sam Doe", redress_notice_included="on", bargaining_unit_employee="on")


def test_task_page_drafts_previews_and_issues_the_letter(navy_web):
    app, svc, _ = navy_web
    case_id = _to_denial_letter(svc)
    task = next(t for t in svc.list_tasks("sam") if t.spec_id == "task_denial_letter")
    sam = Browser(app, "sam")
    page = sam.get(f"/tasks/{task.id}").text
    assert "Letter draft: Denial of Reasonable Accommodation Request" in page
    assert 'name="action" value="preview"' in page and "srcdoc=" in page and "March 2, 2026" in page
    preview = sam.post(f"/tasks/{task.id}", data={**DENIAL, "denial_letter_date": "2026-01-16",
                                                  "denial_reason_statement": "No substantial limitation shown",
                                                  "action": "preview"})
    assert preview.status_code == 200
    assert "No substantial limitation shown" in preview.text  # in the draft and kept in the field
    assert svc.get_case(case_id, "casey")["status"] == "open"  # a preview saves nothing
    future = sam.post(f"/tasks/{task.id}", data={**DENIAL, "denial_letter_date": "2026-01-17",
                                                 "denial_reason_statement": "No substantial limitation shown"})
    assert future.status_code == 422 and "cannot be in the future" in future.text
    assert "No substantial limitation shown" in future.text
    done = sam.post(f"/tasks/{task.id}", data={**DENIAL, "denial_letter_date": "2026-01-16",
                                               "denial_reason_statement": "No substantial limitation shown"})
    assert done.status_code == 302
    case = svc.get_case(case_id, "casey")
    assert case["status"] == "closed" and case["summary"]["tracking"]["eeo_counselor_deadline"] == "2026-03-02"


def test_requester_downloads_and_another_requester_gets_404(navy_web):
    app, svc, tokens = navy_web
    case_id = _to_denial_letter(svc)
    _do(svc, "sam", "task_denial_letter", denial_letter_date="2026-01-16", deciding_official="Sam Doe",
        denial_reason_statement="No substantial limitation shown", redress_notice_included=True)
    client = app.test_client()
    listed = client.get(f"/api/v1/cases/{case_id}/letters", headers=tokens["pat"])
    assert listed.status_code == 200
    (letter,) = listed.json["letters"]
    assert (letter["kind"], letter["letter_date"], letter["version"], letter["superseded"]) == \
        ("denial", "2026-01-16", 1, False)
    assert letter["dates"] == {"eeo_counselor_date": "2026-03-02"}
    base = f"/api/v1/cases/{case_id}/letters/{letter['id']}"
    pdf = client.get(base, headers={**tokens["pat"], "Accept": "application/pdf"})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    facts = pdf_facts(pdf.data)
    assert facts["tagged"] and facts["lang"] == "en" and "by March 2, 2026" in facts["text"]
    html = client.get(base, headers={**tokens["pat"], "Accept": "text/html"})
    assert html.mimetype == "text/html" and "by March 2, 2026" in html.text and '<html lang="en">' in html.text
    assert client.get(base + ".pdf", headers=tokens["pat"]).data == pdf.data
    assert client.get(base + ".html", headers=tokens["pat"]).text == html.text
    for path in (f"/api/v1/cases/{case_id}/letters", base, base + ".pdf"):
        other = client.get(path, headers=tokens["quinn"])
        assert other.status_code == 404 and other.is_json
    assert client.get(f"/api/v1/cases/{case_id}/letters/{letter['id'] + 1}", headers=tokens["pat"]).status_code == 404
    history = svc.get_case(case_id, "casey")["history"]
    downloads = [e for e in history if e["kind"] == "letter_downloaded"]
    assert [(e["actor"], e["detail"]["format"]) for e in downloads] == [("pat", "pdf"), ("pat", "html"),
                                                                        ("pat", "pdf"), ("pat", "html")]
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "/api/v1/cases/{case_id}/letters" in paths and "/api/v1/cases/{case_id}/letters/{letter_id}" in paths

    # pages: My requests and the case page list it; the requester downloads it; another requester gets 404
    pat, quinn = Browser(app, "pat"), Browser(app, "quinn")
    assert "Denial of Reasonable Accommodation Request" in pat.get("/requests").text
    page = pat.get(f"/cases/{case_id}").text
    assert 'id="letters"' in page and f"/cases/{case_id}/letters/{letter['id']}.pdf" in page
    got = pat.get(f"/cases/{case_id}/letters/{letter['id']}.pdf")
    assert got.status_code == 200 and got.data == pdf.data
    assert quinn.get(f"/cases/{case_id}/letters/{letter['id']}.pdf").status_code == 404


def test_cli_lists_and_writes_letters(navy_web, tmp_path):
    _, svc, _ = navy_web
    case_id = _to_denial_letter(svc)
    _do(svc, "sam", "task_denial_letter", denial_letter_date="2026-01-16", deciding_official="Sam Doe",
        denial_reason_statement="No substantial limitation shown", redress_notice_included=True)
    env = dict(os.environ, RAFLOW_DATABASE_URL=svc.db.url)

    def raflow(*args):
        proc = subprocess.run([sys.executable, "-m", "api.cli", *args], env=env, capture_output=True, text=True,
                              timeout=120, cwd=ROOT)
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc

    listed = raflow("case", "letters", str(case_id), "--as", "pat", "--json")
    assert listed.returncode == 0, listed.stderr
    (row,) = json.loads(listed.stdout)
    assert (row["kind"], row["letter_date"], row["version"], row["superseded"]) == ("denial", "2026-01-16", 1, False)
    out = tmp_path / "denial.pdf"
    wrote = raflow("case", "letter", str(case_id), str(row["id"]), "--as", "pat", "--out", str(out))
    assert wrote.returncode == 0 and "by March 2, 2026" in pdf_facts(out.read_bytes())["text"]
    html = tmp_path / "denial.html"
    assert raflow("case", "letter", str(case_id), str(row["id"]), "--as", "pat", "--out", str(html)).returncode == 0
    assert "does not toll" in html.read_text()
    bad = raflow("case", "letter", str(case_id), str(row["id"]), "--as", "pat", "--out", str(tmp_path / "x.doc"))
    assert bad.returncode != 0 and ".pdf or .html" in bad.stderr
    other = raflow("case", "letters", str(case_id), "--as", "quinn")
    assert other.returncode == 1 and other.stderr.strip() == f"raflow: no case {case_id}"
