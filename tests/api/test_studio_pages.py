"""The policy studio pages (/studio): who may use them, drafts that are never live, located errors for bad
files and uploads, lint and invariants listed, scenarios run on the draft, the difference in words,
publishing with a note, moving running cases, and a new variant from a copy."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from webclient import PASSWORD, Browser

from api.app import create_app
from engine import auth
from engine.cases import CaseService
from engine.definitions import Registry, deploy, read_folder
from engine.store import Case, DefinitionVersion
from engine.users import add_user

ROOT = Path(__file__).resolve().parents[2]
RECORD = dict(requester_name="Pat Doe", requester_type="employee", how_received="supervisor",
              received_by_name="Sam Supervisor", request_mode="oral", request_date="2026-01-16",
              accommodation_requested="Screen reader software", written_confirmation="requester", expedited=False)


@pytest.fixture
def navy(sqlite_db, frozen, tmp_path):
    """(app, service): the shipped Navy folder deployed; a coordinator (policy role), a supervisor, a requester."""
    db = sqlite_db
    deploy(db, read_folder(ROOT / "processes" / "navy"))
    service = CaseService(db, Registry())
    for name, role in [("casey", "coordinator"), ("sam", "supervisor"), ("pat", "requester"), ("olly", "ogc")]:
        add_user(db, service.registry, name, [role], "navy")
        auth.set_password(db, name, PASSWORD)
    app = create_app({"DATABASE_URL": db.url, "CLOCK": frozen, "TESTING": True,
                      "INSTANCE_PATH": str(tmp_path / "instance"), "DOCUMENTS_PATH": str(tmp_path / "docs"),
                      "PROCESSES_PATH": str(ROOT / "processes")})
    return app, service


@pytest.fixture
def casey(navy):
    return Browser(navy[0], "casey")


def waiting_case(service) -> int:
    """A Navy case waiting at 'Forward the request to the RA Coordinator (1-4)'."""
    case_id = service.start_case("navy", "navy_ra", "pat")
    task = next(t for t in service.list_tasks("sam") if t.case_id == case_id)
    service.complete(task.id, "sam", RECORD)
    return case_id


def test_the_studio_shows_diagrams_forms_parameters_and_versions(casey):
    r = casey.get("/studio/", follow_redirects=True)
    assert r.status_code == 200
    page = r.text
    assert "Policy studio: Department of the Navy" in page
    assert "navy_ra.bpmn" in page and "navy_cannot_accommodate.bpmn" in page
    assert "<code>decision_days</code></td><td>45</td><td>4-1, 4-6: decide and implement" in page
    assert "Start a draft" in page


@pytest.mark.parametrize("user", ["sam", "pat", "olly"])
def test_anyone_without_a_policy_role_gets_404(navy, user):
    browser = Browser(navy[0], user)
    for path in ["/studio/navy", "/studio/navy/draft", "/studio/navy/migrate", "/studio/santa_cruz"]:
        assert browser.get(path).status_code == 404, path


def test_a_draft_is_never_live_and_bad_files_leave_it_unchanged(navy, casey):
    _, service = navy
    r = casey.post("/studio/navy/draft/start", follow_redirects=True)
    assert r.status_code == 200 and "No problems: lint and every invariant pass." in r.text
    assert "No changes yet." in r.text
    assert "scenarios/approval.yaml" in r.text  # the folder's scenarios come with the draft

    r = casey.post("/studio/navy/draft/file/navy_ra.bpmn", data={"text": "<bpmn:definitions"})
    assert r.status_code == 422
    assert "Not saved: the draft is unchanged" in r.text and "navy_ra.bpmn:1: -: not well-formed XML" in r.text
    r = casey.post("/studio/navy/draft/file/forms/task_forward.json", data={"text": '{"type": "object",'})
    assert r.status_code == 422 and "forms/task_forward.json:1:" in r.text
    r = casey.post("/studio/navy/draft/file/forms/x.json", data={"text": '{"type": "object", "properties": 3}'})
    assert r.status_code == 422
    r = casey.post("/studio/navy/draft/file/jurisdiction.toml", data={"text": "key = \n"})
    assert r.status_code == 422 and "not valid TOML" in r.text
    r = casey.get("/studio/navy/draft")
    assert "No changes yet." in r.text
    # nothing was deployed by editing
    with service.db.transaction() as s:
        assert s.execute(select(func.count()).select_from(DefinitionVersion)).scalar() == 1


def test_upload_errors_are_located_and_a_downloaded_folder_uploads_back(casey):
    casey.post("/studio/navy/draft/start")
    r = casey.post("/studio/navy/draft/upload", data={"folder": (io.BytesIO(b"not a zip"), "x.zip")},
                   content_type="multipart/form-data")
    assert r.status_code == 422 and "Not uploaded: upload:1: not a zip file" in r.text

    zipped = casey.get("/studio/navy/draft.zip")
    assert zipped.status_code == 200 and zipped.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(zipped.data)).namelist()
    assert "processes/navy/jurisdiction.toml" in names and "forms/navy/navy_withdrawal_confirmation.json" in names

    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(zipped.data)) as src, zipfile.ZipFile(broken, "w") as out:
        for name in src.namelist():
            text = src.read(name)
            if name == "processes/navy/navy_medical.bpmn":
                text = text.replace(b"</bpmn:definitions>", b"")
            out.writestr(name, text)
    r = casey.post("/studio/navy/draft/upload", data={"folder": (io.BytesIO(broken.getvalue()), "navy.zip")},
                   content_type="multipart/form-data")
    assert r.status_code == 422 and "processes/navy/navy_medical.bpmn:" in r.text and "not well-formed XML" in r.text

    stray = io.BytesIO()
    with zipfile.ZipFile(stray, "w") as out:
        out.writestr("navy/jurisdiction.toml", "key = 'navy'")
    r = casey.post("/studio/navy/draft/upload", data={"folder": (io.BytesIO(stray.getvalue()), "navy.zip")},
                   content_type="multipart/form-data")
    assert r.status_code == 422 and "not under processes/navy/ or forms/navy/" in r.text

    r = casey.post("/studio/navy/draft/upload", data={"folder": (io.BytesIO(zipped.data), "navy.zip")},
                   content_type="multipart/form-data", follow_redirects=True)
    assert r.status_code == 200 and f"Uploaded {len(names)} files into the draft." in r.text
    assert "No changes yet." in r.text


def test_change_a_timer_check_run_scenarios_publish_with_a_note_and_move_a_running_case(navy, casey):
    _, service = navy
    case_id = waiting_case(service)
    casey.post("/studio/navy/draft/start")
    xml = casey.get("/studio/navy/draft/file/navy_forwarding.bpmn")
    assert xml.status_code == 200 and 'id="studio-canvas"' in xml.text
    text = (ROOT / "processes" / "navy" / "navy_forwarding.bpmn").read_text()
    old = 'name="Two business days passed (1-4)"'
    assert old in text
    r = casey.post("/studio/navy/draft/file/navy_forwarding.bpmn",
                   data={"text": text.replace(old, 'name="Forwarding overdue (1-4)"')}, follow_redirects=True)
    assert r.status_code == 200 and "Saved navy_forwarding.bpmn in the draft." in r.text

    page = casey.get("/studio/navy/draft").text
    assert "No problems: lint and every invariant pass." in page
    assert "renamed &#39;Two business days passed (1-4)&#39; -&gt; &#39;Forwarding overdue (1-4)&#39;" in page

    r = casey.post("/studio/navy/draft/scenarios")
    assert r.status_code == 200
    assert "PASS scenarios/approval.yaml: Approved and implemented within 45 days" in r.text
    assert "PASS scenarios/withdrawal.yaml" in r.text

    r = casey.post("/studio/navy/draft/publish", data={"note": ""})
    assert r.status_code == 422 and "say why you publish" in r.text
    r = casey.post("/studio/navy/draft/publish", data={"note": "Clearer timer name (1-4)"}, follow_redirects=True)
    assert r.status_code == 200 and "Published version 2." in r.text
    assert f"Case {case_id}:" in r.text and "can move" in r.text
    versions = casey.get("/studio/navy").text
    assert "Clearer timer name (1-4)" in versions and "casey" in versions

    r = casey.post("/studio/navy/migrate", data={"which": "all"})
    assert r.status_code == 200 and f"case {case_id} (version 1 -&gt; 2): moved" in r.text
    with service.db.transaction() as s:
        assert s.execute(select(Case.definition_id).where(Case.id == case_id)).scalar() == 2
    history = service.get_case(case_id, "casey")["history"]
    assert [e["detail"]["to_version"] for e in history if e["kind"] == "case_migrated"] == [2]


def test_publish_refuses_a_draft_that_breaks_an_invariant(navy, casey):
    _, service = navy
    casey.post("/studio/navy/draft/start")
    text = (ROOT / "processes" / "navy" / "navy_cannot_accommodate.bpmn").read_text()
    old = 'sourceRef="gw_ogc_analysis" targetRef="task_deeo_review"'
    assert old in text
    broken = text.replace(old, 'sourceRef="gw_ogc_analysis" targetRef="gw_employee"')
    r = casey.post("/studio/navy/draft/file/navy_cannot_accommodate.bpmn", data={"text": broken},
                   follow_redirects=True)
    assert r.status_code == 200  # a draft may be wrong while it is edited
    page = casey.get("/studio/navy/draft").text
    assert "invariant &#39;cannot_accommodate_passes_deeo&#39; (Navy manual 4-7)" in page
    r = casey.post("/studio/navy/draft/publish", data={"note": "skip DEEO"})
    assert r.status_code == 422 and "Not published" in r.text
    with service.db.transaction() as s:
        assert s.execute(select(func.count()).select_from(DefinitionVersion)).scalar() == 1


def test_form_preview_and_a_new_variant(navy, casey):
    casey.post("/studio/navy/draft/start")
    r = casey.post("/studio/navy/draft/preview", data={
        "name": "forms/x.json",
        "text": '{"title": "Try", "type": "object", "properties": {"when": {"type": "string", "format": "date", '
                '"title": "When did it start"}}}'})
    assert r.status_code == 200 and "When did it start" in r.text and 'type="date"' in r.text
    r = casey.post("/studio/navy/variant", data={"new_key": "navy_pacific", "name": "Navy Region Pacific",
                                                 "timezone": "Pacific/Honolulu"}, follow_redirects=True)
    assert r.status_code == 200 and "Variant navy_pacific created" in r.text
    config = casey.get("/studio/navy_pacific/draft/file/jurisdiction.toml").text
    assert 'key = &#34;navy_pacific&#34;' in config and "Pacific/Honolulu" in config
    r = casey.post("/studio/navy/variant", data={"new_key": "Bad Key", "name": "x", "timezone": "UTC"})
    assert r.status_code == 422 and "the key must be a lower-case identifier" in r.text


def test_a_letter_template_previews_on_a_sample_case_as_html_and_pdf_and_errors_are_located(navy, casey):
    casey.post("/studio/navy/draft/start")
    assert "letters/denial.html</a> (letter template)" in casey.get("/studio/navy/draft").text
    r = casey.get("/studio/navy/draft/file/letters/denial.html")
    assert r.status_code == 200 and 'id="letter-preview"' in r.text
    # the sample letter is dated Friday 2026-07-24; the EEO counselor date 45 calendar days on is Labor Day (7-3)
    assert "by September 7, 2026" in r.text and "Sample Requester" in r.text
    saved = (ROOT / "processes" / "navy" / "letters" / "denial.html").read_text()

    edited = saved.replace("<h2>Your rights", "<p>Reviewed by {{ reviewer_nmae }}</p>\n<h2>Your rights")
    line = edited.splitlines().index("<p>Reviewed by {{ reviewer_nmae }}</p>") + 1
    r = casey.post("/studio/navy/draft/file/letters/denial.html", data={"text": edited, "action": "preview"})
    assert r.status_code == 200
    assert f"letters/denial.html:{line}: undefined name: &#39;reviewer_nmae&#39; is undefined" in r.text

    r = casey.post("/studio/navy/draft/file/letters/denial.html", data={"text": saved + "{% if %}", "action": "save"})
    assert r.status_code == 422 and "Not saved: the draft is unchanged" in r.text
    assert f"letters/denial.html:{len(saved.splitlines()) + 1}: -: syntax error" in r.text

    r = casey.post("/studio/navy/draft/file/letters/denial.html",
                   data={"text": saved.replace("is denied", "is not granted"), "action": "pdf"})
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    # the layout previews any letter, the one chosen
    r = casey.get("/studio/navy/draft/file/letters/layout.html?letter=approval")
    assert r.status_code == 200 and '<option value="approval" selected>' in r.text
    assert "Approval of Reasonable Accommodation Request" in r.text
    assert casey.get("/studio/navy/draft/file/letters/denial.html").text.count("is denied") >= 1  # unchanged


@pytest.mark.parametrize("template, where, refusal", [
    ("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}", ":3: ",
     "refused by the sandbox: the template takes too long to render"),
    ("{% for i in range(9000) %}{{ 'x' * 999 }}{% endfor %}", ":1: ", "the letter is longer than 512 K characters"),
    ("{% macro again() %}{{ again() }}{% endmacro %}{{ again() }}", ":3: ", "a macro calls itself without end"),
])
def test_a_letter_that_loops_for_ever_or_is_huge_is_stopped_by_the_sandbox(casey, template, where, refusal):
    casey.post("/studio/navy/draft/start")
    text = '{% extends "layout.html" %}\n{% block body %}\n' + template + "\n{% endblock %}\n"
    r = casey.post("/studio/navy/draft/file/letters/approval.html", data={"text": text, "action": "preview"})
    assert r.status_code == 200 and f"letters/approval.html{where}" in r.text and refusal in r.text
    r = casey.post("/studio/navy/draft/file/letters/approval.html", data={"text": text, "action": "pdf"})
    assert r.status_code == 422 and refusal in r.text
    big = casey.post("/studio/navy/draft/file/letters/approval.html", data={"text": "x" * 70_000, "action": "save"})
    assert big.status_code == 422 and "letters/approval.html:1: -: the template is larger than 65 KB" in big.text


def test_a_mail_template_starts_from_the_default_previews_and_is_bounded(navy, casey):
    casey.post("/studio/navy/draft/start")
    page = casey.get("/studio/navy/draft").text
    assert "mail/task_queue.txt" in page
    r = casey.get("/studio/navy/draft/file/mail/task_queue.txt")
    assert r.status_code == 200 and "the default every jurisdiction gets" in r.text
    assert "<strong>Subject:</strong> A step waits in your queue: A step" in r.text
    assert casey.get("/studio/navy/draft/file/mail/no_such_mail.txt").status_code == 404

    own = "Subject: Navy RA: {{ step }}\n\nDear {{ recipient_name }},\nplease open {{ link }}\n"
    r = casey.post("/studio/navy/draft/file/mail/task_queue.txt", data={"text": own, "action": "save"},
                   follow_redirects=True)
    assert r.status_code == 200 and "Saved mail/task_queue.txt in the draft." in r.text
    assert "<strong>Subject:</strong> Navy RA: A step" in r.text and "Dear Pat Example," in r.text
    assert "mail/task_queue.txt</a> (mail template)" in casey.get("/studio/navy/draft").text

    loop = "Subject: x\n\n{% for i in range(99999) %}\n{% for j in range(99999) %}{% endfor %}{% endfor %}\n"
    r = casey.post("/studio/navy/draft/file/mail/task_queue.txt", data={"text": loop, "action": "preview"})
    assert "mail/task_queue.txt:4: mail template task_queue: the template takes too long to render" in r.text
    r = casey.post("/studio/navy/draft/file/mail/task_queue.txt",
                   data={"text": "Subject: {{ step }\n", "action": "save"})
    assert r.status_code == 422 and "mail/task_queue.txt:1: -: syntax error" in r.text
    assert "Navy RA: A step" in casey.get("/studio/navy/draft/file/mail/task_queue.txt").text  # unchanged


def variant_form(casey, **changes) -> dict:
    """The new-variant form as the page fills it, with `changes`; rows are lists like the browser posts."""
    page = casey.get("/studio/navy/variant")
    assert page.status_code == 200
    text = page.text
    import re

    def values(name):
        return [m.group(1) for m in re.finditer(rf'name="{name}" value="([^"]*)"', text)]
    data = {"new_key": "", "name": "", "timezone": "America/New_York", "country": "US", "subdiv": "",
            "holiday": values("holiday"), "role_old": values("role_old"), "role_key": values("role_key"),
            "role_title": values("role_title")}
    data.update(changes)
    return data


def test_a_new_variant_sets_calendar_closures_and_roles_by_form_fields_and_lints(navy, casey):
    data = variant_form(casey)
    assert data["role_key"][:3] == ["requester", "supervisor", "coordinator"] and data["role_key"][-1] == ""
    assert "Office of General Counsel" in data["role_title"]
    keys, titles, olds = list(data["role_key"]), list(data["role_title"]), list(data["role_old"])
    ogc = keys.index("ogc")
    keys[ogc], titles[ogc] = "counsel", "Regional Counsel"           # rename a role: its lanes follow
    keys[-3], titles[-3] = "pao", "Public Affairs Officer"           # add one
    holidays = ["2026-12-24", "2026-12-31", "", ""]
    r = casey.post("/studio/navy/variant", data={
        **data, "new_key": "navy_pacific", "name": "Navy Region Hawaii", "timezone": "Pacific/Honolulu",
        "country": "US", "subdiv": "HI", "holiday": holidays, "role_key": keys, "role_title": titles,
        "role_old": olds}, follow_redirects=True)
    assert r.status_code == 200 and "Variant navy_pacific created as a draft from navy." in r.text
    assert "No problems: lint and every invariant pass." in r.text

    from engine import studio
    from engine.jurisdiction import CONFIG_NAME, parse_config
    draft = studio.get_draft(navy[1].db, "navy_pacific")
    j, problems = parse_config(draft.files[CONFIG_NAME], CONFIG_NAME, "navy_pacific")
    assert problems == [] and j.name == "Navy Region Hawaii" and j.timezone == "Pacific/Honolulu"
    assert j.roles["counsel"] == "Regional Counsel" and "ogc" not in j.roles and j.roles["safety"] == "Safety"
    assert j.roles["pao"] == "Public Affairs Officer"
    assert "counsel" in j.need_to_know and "ogc" not in j.need_to_know
    assert {"role": "counsel", "type": "userTask"} in [i.get("through") for i in j.config["invariants"]]
    # comments (the documented meaning of each parameter) survive the rewrite
    assert "# 4-1, 4-6: decide and implement within 45 calendar days" in draft.files[CONFIG_NAME]
    assert 'name="Regional Counsel"' in draft.files["navy_cannot_accommodate.bpmn"]
    assert 'name="Office of General Counsel"' not in draft.files["navy_cannot_accommodate.bpmn"]
    # Hawaii's calendar: Prince Kuhio Day (Thursday 2026-03-26) and the closure on Christmas Eve are not business days
    cal = j.calendar
    assert not cal.is_business_day("2026-03-26") and not cal.is_business_day("2026-12-24")
    assert cal.add_business_days("2026-12-23", 1).isoformat() == "2026-12-28"  # Thu 24 closed, Fri 25 Christmas
    assert cal.add_business_days("2026-12-30", 1).isoformat() == "2027-01-04"  # Thu 31 closed, Fri 1 New Year

    # the variant's page lists its own closures, and one can be removed
    again = casey.get("/studio/navy_pacific/draft/file/jurisdiction.toml").text
    assert "2026-12-24" in again and "HI" in again


def test_the_variant_form_gives_field_errors_and_creates_nothing(navy, casey):
    from engine import studio
    data = variant_form(casey)
    keys, titles = list(data["role_key"]), list(data["role_title"])
    supervisor = keys.index("supervisor")
    keys[-1], titles[-1] = "Bad Key", "x"
    r = casey.post("/studio/navy/variant", data={
        **data, "new_key": "navy", "name": " ", "timezone": "Mars/Olympus", "country": "US", "subdiv": "ZZ",
        "holiday": ["2026-02-30", ""], "role_key": keys, "role_title": titles,
        "role_remove": [str(supervisor)]})
    assert r.status_code == 422 and "No variant created" in r.text
    page = r.text
    assert "jurisdiction &#39;navy&#39; already exists" in page
    assert "give the jurisdiction a name" in page
    assert "&#39;Mars/Olympus&#39; is not an IANA time zone" in page
    assert "&#39;ZZ&#39; is not a subdivision of US" in page
    assert 'id="holiday-0" name="holiday" value="2026-02-30" aria-invalid="true"' in page
    assert "&#39;2026-02-30&#39; is not a date (YYYY-MM-DD)" in page
    assert "role &#39;supervisor&#39; stands for lanes (navy_" in page and "keep it or rename it" in page
    assert "role key &#39;Bad Key&#39; must be a lower-case identifier" in page
    assert studio.get_draft(navy[1].db, "navy") is None

    # two roles with one title: the lanes could not tell them apart
    data = variant_form(casey)
    keys, titles = list(data["role_key"]), list(data["role_title"])
    hr = keys.index("hr")
    titles[hr] = "Office of General Counsel"
    r = casey.post("/studio/navy/variant", data={**data, "new_key": "navy_x", "name": "X", "role_key": keys,
                                                 "role_title": titles})
    assert r.status_code == 422 and f'<a href="#role-{keys.index("ogc")}">another role is titled' in r.text
    assert studio.get_draft(navy[1].db, "navy_x") is None


def test_a_downloaded_draft_is_a_folder_the_command_line_checks(navy, casey, tmp_path):
    """Policy staff may work on the downloaded folder with `raflow lint` / `raflow invariants` (and a desktop
    modeler): a variant's draft, with a mail template of its own, unzips into folders that pass both."""
    import subprocess
    import sys

    data = variant_form(casey, new_key="navy_guam", name="Navy Region Guam", timezone="Pacific/Guam")
    assert casey.post("/studio/navy/variant", data=data).status_code == 302
    own = "Subject: Guam RA: {{ step }}\n\nOpen {{ link }}\n"
    casey.post("/studio/navy_guam/draft/file/mail/task_queue.txt", data={"text": own, "action": "save"})
    zipped = casey.get("/studio/navy_guam/draft.zip")
    assert zipped.status_code == 200
    zipfile.ZipFile(io.BytesIO(zipped.data)).extractall(tmp_path)
    assert (tmp_path / "processes" / "navy_guam" / "mail" / "task_queue.txt").read_text() == own
    folder = str(tmp_path / "processes" / "navy_guam")
    raflow = [sys.executable, "-m", "api.cli"]
    for command in (["lint", folder], ["invariants", folder]):
        done = subprocess.run([*raflow, *command], capture_output=True, text=True, cwd=ROOT, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
    broken = tmp_path / "processes" / "navy_guam" / "letters" / "denial.html"
    broken.write_text(broken.read_text().replace("{% endblock %}", "{{ undefined_name }}\n{% endblock %}"))
    done = subprocess.run([*raflow, "lint", folder], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode != 0 and "denial.html:" in done.stdout + done.stderr


def test_parameters_are_edited_as_fields_with_their_meaning_and_keep_their_type(navy, casey):
    casey.post("/studio/navy/draft/start")
    page = casey.get("/studio/navy/draft/parameters").text
    assert '<label for="p-decision_days"><code>decision_days</code></label>' in page
    assert "4-1, 4-6: decide and implement within 45 calendar days of the initial request" in page
    r = casey.post("/studio/navy/draft/parameters", data={"decision_days": "forty", "elections_days": "10"})
    assert r.status_code == 422 and "Not saved: the draft is unchanged" in r.text
    assert "decision_days: &#39;forty&#39; is not a whole number" in r.text and 'value="forty"' in r.text
    assert "elections_days = 7 " in casey.get("/studio/navy/draft/file/jurisdiction.toml").text
    r = casey.post("/studio/navy/draft/parameters", data={"elections_days": "10"}, follow_redirects=True)
    assert r.status_code == 200 and "Saved the parameters in the draft." in r.text
    config = casey.get("/studio/navy/draft/file/jurisdiction.toml").text
    assert "elections_days = 10             # 4-7: 7 calendar days to return reassignment elections" in config
    assert "parameter elections_days changed: 7 -&gt; 10" in casey.get("/studio/navy/draft").text
