"""The policy studio in a real browser: a policy user (the RA Coordinator) opens the studio, starts a draft,
clicks a timer on the bpmn-js canvas and changes its text in the properties panel, sees lint and invariants,
runs the scenarios, publishes with a note, and a running case moves to the new version. A draft with a
lint problem shows it outlined on the picture, and the difference page colours added, changed and removed
elements. axe-core checks every studio page (the canvases bpmn-js draws excluded, the pages around them
included). Every wait is for a condition, never for a time.
"""

from __future__ import annotations

import re

from browserkit import NOW, check_axe, open_in_modeler, open_raflow_group, sign_in
from playwright.sync_api import expect

RECORD = dict(requester_name="Alex Requester", requester_type="employee", how_received="supervisor",
              received_by_name="Sam Supervisor", request_mode="oral", request_date="2026-01-16",
              accommodation_requested="Screen reader software", written_confirmation="requester", expedited=False)
OLD_TIMER = 'end_of_day(add_business_days(request_date, param("forward_business_days")))'
NEW_TIMER = "end_of_day(forwarding_due_date)"


def running_case(server) -> int:
    """A case waiting at the supervisor's forwarding step, made in-process on the server's database."""
    from engine import clock
    from engine.cases import CaseService
    from engine.definitions import Registry
    from engine.store import Database

    previous = clock.get_clock()
    clock.install()
    clock.set_clock(clock.FileClock(server.tmp / "clock"))
    db = Database(server.env["RAFLOW_DATABASE_URL"])
    try:
        svc = CaseService(db, Registry())
        case_id = svc.start_case("navy", "navy_ra", "navy.requester")
        task = next(t for t in svc.list_tasks("navy.supervisor") if t.case_id == case_id)
        svc.complete(task.id, "navy.supervisor", RECORD)
        return case_id
    finally:
        db.dispose()
        clock.set_clock(previous)


def test_policy_user_changes_a_timer_checks_publishes_and_moves_a_running_case(live_page, live_server):
    page, server = live_page, live_server
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.set_default_timeout(30000)
    assert NOW.startswith("2026-01-16")
    case_id = running_case(server)
    sign_in(page, "navy.coordinator")

    page.goto("/studio/")
    expect(page.get_by_role("heading", name="Policy studio: Department of the Navy")).to_be_visible()
    check_axe(page, "studio jurisdiction page")
    page.get_by_role("button", name="Start a draft").click()
    expect(page.get_by_text("Draft started: a copy of the deployed version.")).to_be_visible()
    check_axe(page, "draft page")

    page.get_by_role("link", name="navy_forwarding.bpmn").click()
    page.wait_for_function("() => document.getElementById('modeler-status')?.textContent === 'Diagram loaded.'")
    check_axe(page, "diagram editor", exclude=["#studio-canvas"])
    # click the boundary timer on the canvas: the properties panel then shows it (its id in the header)
    page.locator('#studio-canvas [data-element-id="timer_forward_overdue"]').click()
    page.wait_for_function("""() => document.querySelector('#studio-canvas .djs-element.selected')
        ?.getAttribute('data-element-id') === 'timer_forward_overdue'""")
    header = page.locator('[data-group-id="group-timer"] .bio-properties-panel-group-header')
    expect(header).to_be_visible()
    if "open" not in (header.get_attribute("class") or ""):
        header.click()
    value = page.locator("#bio-properties-panel-timerEventDefinitionValue")
    expect(value).to_have_value(OLD_TIMER)
    value.fill(NEW_TIMER)
    value.press("Tab")
    page.wait_for_function("() => document.getElementById('file-text').value.includes('forwarding_due_date)')")
    # the submit is sent by the modeler's script after it writes the XML: wait for the next page, not a time
    page.get_by_role("button", name="Save in the draft").click()
    expect(page.get_by_text("Saved navy_forwarding.bpmn in the draft.")).to_be_visible()

    page.get_by_role("link", name="Draft", exact=True).click()
    expect(page.locator("#lint-status")).to_have_text("No problems: lint and every invariant pass.")
    changes = page.locator("#changes").inner_text()
    assert "timer_forward_overdue: timer changed" in changes and NEW_TIMER in changes

    page.get_by_role("button", name="Run the scenarios on the draft").click()
    page.wait_for_selector("#scenario-results", timeout=180000)
    results = page.locator("#scenario-results").inner_text()
    assert results.count("PASS") == 2 and "FAIL" not in results
    check_axe(page, "draft page with scenario results")

    page.get_by_label("Why (kept with the version)").fill("Forwarding timer reads the recorded due date (1-4)")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Published version 2.")).to_be_visible(timeout=180000)  # the scenarios run again
    expect(page.get_by_text(f"Case {case_id}:")).to_be_visible()
    check_axe(page, "running cases page")
    page.get_by_role("button", name="Move all that can").click()
    expect(page.locator("#moves")).to_contain_text(f"case {case_id} (version 1 -> 2): moved")

    page.goto("/studio/navy")
    expect(page.get_by_text("Forwarding timer reads the recorded due date (1-4)")).to_be_visible()
    # the moved case still waits at the same step with the same deadline, now on version 2
    page.goto(f"/cases/{case_id}")
    expect(page.get_by_text("Forward the request to the RA Coordinator (1-4)").first).to_be_visible()


def prepared_draft(server) -> None:
    """A draft of navy_forwarding.bpmn with an end event replaced (removed + added), a step renamed (changed)
    and a timer whose text does not parse (a lint problem at that timer), saved in-process."""
    from engine import studio
    from engine.store import Database

    db = Database(server.env["RAFLOW_DATABASE_URL"])
    try:
        draft = studio.start_draft(db, "navy", "navy.coordinator")
        xml = draft.files["navy_forwarding.bpmn"]
        for old, new in [("end_overdue_noted", "end_overdue_recorded"),
                         ('name="Overdue forwarding notice (1-4)"', 'name="Late forwarding notice (1-4)"'),
                         ('clock_due("decision")<', 'clock_due("decision"<')]:
            assert old in xml, old
            xml = xml.replace(old, new)
        studio.save_file(db, "navy", "navy_forwarding.bpmn", xml, "navy.coordinator")
    finally:
        db.dispose()


def test_lint_problems_are_outlined_and_the_difference_is_coloured_on_the_picture(live_page, live_server):
    page = live_page
    page.set_viewport_size({"width": 1400, "height": 1000})
    prepared_draft(live_server)
    sign_in(page, "navy.coordinator")
    page.goto("/studio/navy/draft")
    assert "problem(s): the draft cannot be published" in page.locator("#lint-status").inner_text()
    assert "timer_45_forward" in page.locator(".problems").inner_text()

    page.get_by_role("link", name="navy_forwarding.bpmn").first.click()
    page.wait_for_function("() => document.getElementById('modeler-status')?.textContent === 'Diagram loaded.'")
    timer = page.locator('#studio-canvas g.djs-element[data-element-id="timer_45_forward"]')
    assert "studio-problem" in timer.get_attribute("class")
    fine = page.locator('#studio-canvas g.djs-element[data-element-id="timer_forward_overdue"]')
    assert "studio-problem" not in fine.get_attribute("class")
    check_axe(page, "diagram editor with problems", exclude=["#studio-canvas"])

    page.goto("/studio/navy/draft")
    page.get_by_role("link", name="navy_forwarding.bpmn", exact=True).last.click()
    page.wait_for_function("() => document.getElementById('diff-status')?.textContent === 'Differences drawn.'")
    title = "navy_forwarding.bpmn: the draft against the deployed version"
    expect(page.get_by_role("heading", name=title)).to_be_visible()

    def classes(side, element):
        return page.locator(f'#diff-{side} g.djs-element[data-element-id="{element}"]').get_attribute("class")
    assert "diff-added" in classes("after", "end_overdue_recorded")
    assert "diff-removed" in classes("before", "end_overdue_noted")
    assert "diff-changed" in classes("after", "task_overdue_forwarding")
    assert "diff-changed" in classes("before", "task_overdue_forwarding")
    assert not any(c in classes("after", "task_forward") for c in ("diff-added", "diff-changed", "diff-removed"))
    listed = page.locator("#picture-changes").inner_text()
    assert "end_overdue_recorded: added" in listed and "end_overdue_noted: removed" in listed
    check_axe(page, "difference page", exclude=["#diff-before", "#diff-after"])

    page.goto("/studio/navy/draft/file/letters/denial.html")
    letter = page.frame_locator("#letter-preview")
    expect(letter.get_by_text("Denial of Reasonable Accommodation Request").first).to_be_visible()
    check_axe(page, "letter template page")
    page.goto("/studio/navy/variant")
    check_axe(page, "new variant page")
    page.get_by_role("button", name="Create the variant").click()
    expect(page.get_by_role("heading", name="No variant created: 2 problem(s)")).to_be_visible()
    check_axe(page, "new variant page with field errors")


def fresh_draft(server) -> None:
    """A new draft of the deployed Navy procedure (an earlier test's draft discarded)."""
    from engine import studio
    from engine.store import Database

    db = Database(server.env["RAFLOW_DATABASE_URL"])
    try:
        studio.discard_draft(db, "navy")
        studio.start_draft(db, "navy", "navy.coordinator")
    finally:
        db.dispose()


NEW_INSTRUCTIONS = "Forward the request to the RA Coordinator within two business days (manual 1-4)."


def test_the_raflow_group_edits_a_user_tasks_form_key_letter_and_instructions(live_page, live_server):
    from lxml import etree

    page = live_page
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.set_default_timeout(30000)
    fresh_draft(live_server)
    sign_in(page, "navy.coordinator")
    open_in_modeler(page, "navy", "navy_forwarding.bpmn")
    open_raflow_group(page, "task_forward")
    form_key = page.get_by_label("Form key")
    expect(form_key).to_have_value("navy_forward_request")
    expect(page.get_by_label("Letter", exact=True)).to_have_value("")
    expect(page.get_by_label("Instructions", exact=True)).to_have_value(re.compile("two business days of the initial"))
    check_axe(page, "diagram editor with the raflow group", exclude=["#studio-canvas"])

    # Form key and Letter list what the draft has: its step forms (no event forms) and its letter kinds, by title
    options = page.get_by_label("Form key").locator("option").all_inner_texts()
    assert options[0] == "(no form)" and "navy_overdue_forwarding" in options and "navy_forward_request" in options
    assert not any(o.startswith("event_") for o in options)
    letters = page.get_by_label("Letter", exact=True).locator("option").all_inner_texts()
    delay = "Notice of Delay in Processing Your Reasonable Accommodation Request (delay_notice)"
    assert letters[0] == "(no letter)" and delay in letters, letters
    page.get_by_label("Form key").select_option("navy_overdue_forwarding")
    page.wait_for_function("(t) => document.getElementById('file-text').value.includes(t)",
                           arg='value="navy_overdue_forwarding"')
    page.get_by_label("Letter", exact=True).select_option("delay_notice")
    page.wait_for_function("(t) => document.getElementById('file-text').value.includes(t)",
                           arg='name="letter" value="delay_notice"')
    field = page.get_by_label("Instructions", exact=True)
    field.fill(NEW_INSTRUCTIONS)
    field.press("Tab")
    page.wait_for_function("(text) => document.getElementById('file-text').value.includes(text)", arg=NEW_INSTRUCTIONS)
    # one command per edit: undo puts the instructions back, redo brings the new ones again
    page.evaluate("() => window.raflowModeler.get('commandStack').undo()")
    page.wait_for_function("() => document.getElementById('file-text').value.includes('of the initial request')")
    page.evaluate("() => window.raflowModeler.get('commandStack').redo()")
    page.wait_for_function("(t) => document.getElementById('file-text').value.includes(t)", arg=NEW_INSTRUCTIONS)
    page.get_by_role("button", name="Save in the draft").click()
    expect(page.get_by_text("Saved navy_forwarding.bpmn in the draft.")).to_be_visible()

    page.goto("/studio/navy/draft/file/navy_forwarding.bpmn")
    root = etree.fromstring(page.locator("#file-text").input_value().encode("utf-8"))
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "s": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
    task = root.find(".//bpmn:userTask[@id='task_forward']", ns)
    props = {p.get("name"): p.get("value") for p in task.iterfind("bpmn:extensionElements/s:properties/s:property", ns)}
    assert props == {"formKey": "navy_overdue_forwarding", "letter": "delay_notice"}
    assert task.findtext("bpmn:extensionElements/s:instructionsForEndUser", namespaces=ns) == NEW_INSTRUCTIONS
    # a key the draft lacks (typed into the XML) stays listed and says so, and lint names it
    text = page.locator("#file-text").input_value().replace('value="navy_overdue_forwarding"',
                                                            'value="navy_no_such_form"')
    page.locator("#file-text").fill(text)
    page.get_by_role("button", name="Save in the draft").click()
    expect(page.get_by_text("Saved navy_forwarding.bpmn in the draft.")).to_be_visible()
    open_in_modeler(page, "navy", "navy_forwarding.bpmn")
    open_raflow_group(page, "task_forward")
    expect(page.get_by_label("Form key")).to_have_value("navy_no_such_form")
    expect(page.get_by_label("Form key").locator("option:checked")).to_have_text(
        "navy_no_such_form (not in this draft)")

    page.goto("/studio/navy/draft")
    problems = page.locator(".problems").inner_text()
    assert f"navy_forwarding.bpmn:{task.sourceline} task_forward: form 'navy_no_such_form' not found" in problems
