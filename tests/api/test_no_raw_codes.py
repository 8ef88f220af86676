"""No raw codes on pages (issue 12): a Navy and a County case walked through the pages as each role; the
text people read on the case page (summary, recorded information, history, steps), the task page, My
requests, the inbox and the case list never shows a choice code, an element or process id, a tracked key or
an ISO date: choices by their titles, dates as "Fri 16 Jan 2026"."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from lxml import etree
from webclient import RECORD, Browser, do_step, navy_interactive

ROOT = Path(__file__).resolve().parents[2]


class _Text(HTMLParser):
    """The text a person reads: every text node outside script, style and template."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style", "template", "textarea")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style", "template", "textarea") and self.skip > 0

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible(html: str) -> str:
    p = _Text()
    p.feed(html)
    return " ".join(" ".join(p.parts).split())


def codes_of(jurisdiction: str) -> set[str]:
    """Every snake_case choice code of the forms, every element and process id of the diagrams."""
    found = set()
    for path in (ROOT / "forms" / jurisdiction).glob("*.json"):
        for spec in json.loads(path.read_text())["properties"].values():
            for value in spec.get("enum", []) + (spec.get("items") or {}).get("enum", []):
                if isinstance(value, str) and "_" in value:
                    found.add(value)
    for path in (ROOT / "processes" / jurisdiction).glob("*.bpmn"):
        for node in etree.parse(str(path)).iter():
            if isinstance(node.tag, str) and "_" in (node.get("id") or ""):
                found.add(node.get("id"))
    return found


def assert_plain(html: str, codes: set[str], where: str):
    text = visible(html)
    words = set(re.findall(r"[A-Za-z0-9_]+", text))
    raw = sorted(words & codes)
    assert not raw, f"{where} shows raw codes {raw}"
    iso = re.findall(r"\b\d{4}-\d{2}-\d{2}\b", text)
    assert not iso, f"{where} shows ISO dates {iso}"




_do = do_step


def _pages(app, case_id, staff: str, requester: str, codes: set[str]):
    seen = 0
    who = Browser(app, staff)
    for path in ("/inbox", "/cases", f"/cases/{case_id}"):
        assert_plain(who.get(path).text, codes, f"{staff} {path}")
        seen += 1
    for task in [t for t in app.config["SVC"].list_tasks(staff) if t.case_id == case_id][:3]:
        assert_plain(who.get(f"/tasks/{task.id}").text, codes, f"{staff} task {task.spec_id}")
        seen += 1
    me = Browser(app, requester)
    for path in ("/requests", f"/cases/{case_id}"):
        assert_plain(me.get(path).text, codes, f"{requester} {path}")
        seen += 1
    return seen


def test_a_navy_case_shows_no_raw_code(navy):
    app, svc, _ = navy
    app.config["SVC"] = svc
    codes = codes_of("navy")
    case_id = svc.start_case("navy", "navy_ra", "pat")
    _pages(app, case_id, "sam", "pat", codes)
    _do(svc, "sam", "task_record_request", **{**RECORD, "request_date": "2026-01-15", "expedited": True,
                                              "expedited_due_date": "2026-01-30", "expedite_reason": "A course"})
    _do(svc, "sam", "task_forward", forwarded_date="2026-01-16", coordinator_name="Casey Doe")
    _pages(app, case_id, "casey", "pat", codes)
    navy_interactive(svc, "2026-01-15")
    assert _pages(app, case_id, "casey", "pat", codes) >= 5
    _pages(app, case_id, "sam", "pat", codes)
    page = visible(Browser(app, "casey").get(f"/cases/{case_id}").text)
    for words in ("First-level supervisor", "Orally", "Thu 15 Jan 2026", "Fri 30 Jan 2026", "in Navy"):
        assert words in page, (words, page[page.find("Steps so far"):][:1500])


def test_a_denied_navy_case_shows_no_raw_code(navy):
    """Navy 4-6, 7-3: decided and closed, the outcome, the denial basis and the EEO date read as words."""
    app, svc, _ = navy
    app.config["SVC"] = svc
    codes = codes_of("navy")
    case_id = svc.start_case("navy", "navy_ra", "pat")
    _do(svc, "sam", "task_record_request", **{**RECORD, "request_date": "2026-01-16", "expedited": False})
    _do(svc, "sam", "task_forward", forwarded_date="2026-01-16", coordinator_name="Casey Doe")
    navy_interactive(svc, "2026-01-16")
    _do(svc, "casey", "task_qiwd", has_impairment="no", substantially_limits="no", meets_job_requirements="yes",
        can_perform_essential_functions="yes", qiwd_analysis_date="2026-01-16")
    _do(svc, "olive", "task_ogc_denial_review", ogc_review="sufficient", ogc_reviewer="Olive Doe",
        ogc_review_date="2026-01-16")
    _do(svc, "sam", "task_denial_letter", denial_letter_date="2026-01-16", deciding_official="Sam Doe",
        denial_reason_statement="No substantial limitation shown", redress_notice_included=True)
    assert svc.get_case(case_id, "casey")["status"] == "closed"
    assert _pages(app, case_id, "casey", "pat", codes) >= 5
    _pages(app, case_id, "sam", "pat", codes)
    mine = visible(Browser(app, "pat").get(f"/cases/{case_id}").text)
    assert "Denied" in mine and "Mon 2 Mar 2026" in mine, mine[:1500]  # the EEO counselor date, 45 days on


def test_a_county_case_shows_no_raw_code(county):
    app, svc, _ = county
    app.config["SVC"] = svc
    codes = codes_of("santa_cruz")
    erin = Browser(app, "erin")
    assert erin.post("/requests/new", data={"accommodation_requested": "An ergonomic chair"}).status_code in (302, 303)
    case_id = max(t.case_id for t in svc.list_tasks("erin"))
    _do(svc, "erin", "submit_request", requester_name="Erin Doe", requester_type="employee",
        position_class="Account Clerk", department="Parks", request_date="2026-01-15",
        requester_preference="A chair with arm rests")
    _pages(app, case_id, "ada", "erin", codes)
    _do(svc, "ada", "intake_triage", path="non_industrial", intake_date="2026-01-16")
    _do(svc, "ada", "send_rights_notice", rights_notice_date="2026-01-16", rights_notice_method="accessible_format",
        rights_notice_no_forced_accommodation=True, rights_notice_no_retaliation=True)
    _do(svc, "erin", "non_complete_per1100a", per1100a_date="2026-01-16")
    _pages(app, case_id, "ada", "erin", codes)


def test_a_fired_timer_is_named_in_the_history_not_by_its_id(navy, frozen):
    """Navy 1-4: forwarding is due two business days after Thu 15 Jan 2026 (Mon 19 Jan is MLK Day, so end
    of Wed 21 Jan); a week later the timer has fired and the history names it."""
    from datetime import timedelta

    app, svc, _ = navy
    case_id = svc.start_case("navy", "navy_ra", "pat")
    _do(svc, "sam", "task_record_request", **{**RECORD, "request_date": "2026-01-15", "expedited": False})
    frozen.advance(timedelta(days=7))
    assert svc.fire_due_timers() >= 1
    html = Browser(app, "casey").get(f"/cases/{case_id}").text
    assert_plain(html, codes_of("navy"), "casey case page after a timer")
    history = visible(html[html.find('id="history"'):])
    assert "Deadline reached (timer) Two business days passed (1-4)" in history, history
