"""The web app in Chromium against `raflow serve`, on the Navy procedure.

Navy 1-3: the supervisor records the request received; 1-4: the case then waits on forwarding to the RA
Coordinator. Screenshots of the inbox and the case page go to $RAFLOW_SCREENSHOTS when it is set.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browserkit import NOW, check_axe, sign_in

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("RAFLOW_SCREENSHOTS")
RECORD = "Record the request received (1-3)"


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


def open_task_of(page, case_id: int, title: str):
    row = page.locator("table.data tbody tr", has=page.get_by_role("link", name=f"Case {case_id}", exact=True))
    row.get_by_role("link", name=title).click()
    page.wait_for_load_state()


def fill_record_request(page, *, leave_out=()):
    """The Navy intake form (navy_request_received), by its labels."""
    values = {
        "Name of the individual requesting accommodation": ("fill", "Alex Requester"),
        "A current DON employee": ("check", None),
        "Request received by": ("select", "supervisor"),
        "Name of the official who received the request": ("fill", "Sam Supervisor"),
        "Date of the initial request": ("fill", "2026-01-15"),
        "Orally": ("check", None),
        "The requester will confirm the request on SECNAV 12306/1": ("check", None),
    }
    for label, (action, value) in values.items():
        field = page.get_by_label(label, exact=False).first
        if label in leave_out:
            if action == "fill":
                field.fill("")  # it may have been filled in from the case (x-prefill)
            continue
        if action == "fill":
            field.fill(value)
        elif action == "select":
            field.select_option(value)
        else:
            field.check()


def test_supervisor_finds_the_task_submits_an_error_then_completes_it(page, server):
    case = server.new_case()
    sign_in(page, "navy.supervisor")
    assert page.url.endswith("/inbox")
    assert page.get_by_role("heading", name="Inbox").is_visible()
    row = page.locator("tbody tr", has=page.get_by_role("link", name=f"Case {case['id']}", exact=True))
    assert RECORD in row.inner_text() and "Alex Requester" in row.inner_text()
    assert re.search(r"\d+ days? left|due today|No deadline", row.inner_text())
    open_task_of(page, case["id"], RECORD)
    assert page.get_by_role("heading", level=1, name=RECORD).is_visible()
    # The intake's answer is already there; leave a required field empty and submit.
    assert page.get_by_label("Accommodation requested", exact=False).first.input_value().startswith("A sit-stand")
    fill_record_request(page, leave_out={"Name of the individual requesting accommodation"})
    page.get_by_role("button", name="Complete task").click()
    page.wait_for_load_state()
    summary = page.locator("#error-summary")
    assert summary.is_visible() and "Name of the individual requesting accommodation" in summary.inner_text()
    name = page.locator("#f-requester_name")
    assert name.get_attribute("aria-invalid") == "true"
    assert page.locator("#f-requester_name-error").inner_text().endswith("this field is required")
    assert "f-requester_name-error" in name.get_attribute("aria-describedby")
    assert page.get_by_label("Name of the official who received the request", exact=False).input_value() == \
        "Sam Supervisor"  # values kept
    check_axe(page, "task page with errors")
    summary.get_by_role("link").first.click()  # the summary's link moves focus to the field
    assert page.evaluate("document.activeElement.id") == "f-requester_name"
    name.fill("Alex Requester")
    page.get_by_role("button", name="Complete task").click()
    page.wait_for_load_state()
    assert page.url.endswith("/inbox")
    assert f"for case {case['id']}" in page.locator(".flashes").inner_text()
    assert server.api("navy.coordinator", "GET", f"/cases/{case['id']}")["steps"][0]["title"].startswith("Forward")


def test_coordinator_sees_the_diagram_with_the_current_step_marked(page, server):
    case = server.new_case()
    sign_in(page, "navy.coordinator")
    page.goto(f"/cases/{case['id']}")
    diagram = page.locator("#diagram")
    diagram.wait_for(state="visible")
    page.wait_for_selector("#diagram[data-state=ready]")
    current = page.locator(".djs-element.rf-current")
    assert current.count() >= 1
    assert current.first.get_attribute("data-element-id") == "task_record_request"
    assert page.locator(".djs-element.rf-done[data-element-id=start_request]").count() == 1
    assert "Current step: Record the request received (1-3)" in page.locator("#diagram-caption").inner_text()
    clocks = page.locator("#clocks")
    assert clocks.is_visible()
    check_axe(page, "case page")


def test_axe_finds_no_violations_on_every_page(page, server):
    case = server.new_case()
    page.goto("/login")
    check_axe(page, "login")
    page.get_by_label("User name").fill("navy.supervisor")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    check_axe(page, "login with an error")
    sign_in(page, "navy.supervisor")
    check_axe(page, "inbox")
    page.goto("/cases")
    check_axe(page, "case list")
    page.goto(f"/cases/{case['id']}")
    page.wait_for_selector("#diagram[data-state=ready]")
    check_axe(page, "case page (supervisor)")
    page.goto("/requests/new")
    check_axe(page, "intake (staff)")
    page.get_by_role("button", name="Send the request").click()
    assert page.locator("#error-summary").is_visible()
    check_axe(page, "intake with errors")
    page.goto("/requests")
    check_axe(page, "my requests (staff)")
    sign_in_fresh(page, "navy.requester")
    page.goto("/requests/new")
    check_axe(page, "intake (requester)")
    page.goto("/requests")
    check_axe(page, "my requests")


def sign_in_fresh(page, user):
    page.context.clear_cookies()
    sign_in(page, user)


def test_keyboard_only_sign_in_open_a_task_and_complete_it(page, server):
    case = server.new_case()
    sign_in(page, "navy.supervisor")
    open_task_of(page, case["id"], RECORD)
    fill_record_request(page)
    page.get_by_role("button", name="Complete task").click()  # case now at "Forward the request" (1-4)
    page.wait_for_load_state()
    page.context.clear_cookies()

    page.goto("/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    tab_to(page, lambda el: el["id"] == "name")
    page.keyboard.type("navy.supervisor")
    page.keyboard.press("Tab")
    page.keyboard.type("demo")
    page.keyboard.press("Enter")
    page.wait_for_url("**/inbox")
    link = tab_to(page, lambda el: el["tag"] == "A" and el["href"].endswith("/tasks/" + task_id(server, case)))
    assert link["text"].startswith("Forward the request")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Forward the request")
    keyboard_fill_form(page)
    page.wait_for_url("**/inbox")
    assert f"for case {case['id']}" in page.locator(".flashes").inner_text()


def task_id(server, case) -> str:
    return server.api("navy.supervisor", "GET", f"/cases/{case['id']}")["steps"][0]["task_id"]


FOCUSED = """() => { const el = document.activeElement; return {tag: el.tagName, id: el.id || '', type: el.type || '',
  name: el.name || '', href: el.href || '', text: (el.textContent || '').trim(), required: !!el.required,
  value: el.value || '', checked: !!el.checked}; }"""


def tab_to(page, wanted, limit=200):
    for _ in range(limit):
        page.keyboard.press("Tab")
        el = page.evaluate(FOCUSED)
        if wanted(el):
            return el
    raise AssertionError("the element was not reachable with Tab")


def keyboard_fill_form(page):
    """Tab through the task form, answering each field with the keyboard only, then submit with Enter."""
    done_groups = set()
    for _ in range(200):
        page.keyboard.press("Tab")
        el = page.evaluate(FOCUSED)
        if el["tag"] == "BUTTON" and el["text"] == "Complete task":
            page.keyboard.press("Enter")
            return
        if el["tag"] == "INPUT" and el["type"] == "radio" and el["name"] not in done_groups:
            page.keyboard.press("Space")
            done_groups.add(el["name"])
        elif el["tag"] == "INPUT" and el["type"] == "date" and not el["value"]:
            page.keyboard.type("01202026")
        elif el["tag"] == "INPUT" and el["type"] in ("text", "email") and not el["value"] and el["required"]:
            page.keyboard.type("Done by keyboard")
        elif el["tag"] == "TEXTAREA" and not el["value"] and el["required"]:
            page.keyboard.type("Done by keyboard")
        elif el["tag"] == "SELECT" and not el["value"] and el["required"]:
            page.keyboard.press("ArrowDown")
    raise AssertionError("never reached the Complete task button")


def record_request(server, case, request_date, by="navy.supervisor"):
    """Complete Navy's first step (1-3) through the API, as the supervisor would on the page."""
    task = case["steps"][0]["task_id"]
    data = {"requester_name": case["requester_name"], "requester_type": "employee", "how_received": "supervisor",
            "received_by_name": "Sam Supervisor", "request_mode": "oral", "request_date": request_date,
            "accommodation_requested": "Ergonomic workstation", "written_confirmation": "requester",
            "expedited": False}
    return server.api(by, "POST", f"/tasks/{task}/complete", {"data": data})["case"]


def test_inbox_and_case_page_with_deadlines(page, server):
    """Cases at different deadlines: overdue, due today, later, none; also the README's pictures."""
    people = {"navy.jlee": "Jordan Lee", "navy.ppatel": "Priya Patel", "navy.mwebb": "Marcus Webb",
              "navy.tnguyen": "Thu Nguyen"}
    for user, name in people.items():
        server.add_requester(user, name)
    made = {}
    try:
        for user, day in (("navy.jlee", "2026-01-09"), ("navy.ppatel", "2026-01-14"),
                          ("navy.tnguyen", "2026-01-16"), ("navy.mwebb", "2026-01-16")):
            server.set_clock(f"{day}T15:00:00Z")
            case = server.new_case(user, title=f"Reasonable accommodation request from {people[user]}")
            if user != "navy.mwebb":
                case = record_request(server, case, day)
            made[user] = case
    finally:
        server.set_clock(NOW)
    server.api("navy.supervisor", "POST", f"/tasks/{made['navy.tnguyen']['steps'][0]['task_id']}/claim")
    sign_in(page, "navy.supervisor")
    table = page.locator("table.data").inner_text()
    assert "Jordan Lee" in table and "Overdue" in table and "due today" in table and "Claimed by you" in table
    check_axe(page, "inbox with deadlines")
    shot(page, "inbox.png")
    page.get_by_label("Deadline").select_option("overdue")
    page.get_by_role("button", name="Apply").click()
    assert page.locator("tbody tr").count() == 1 and "Jordan Lee" in page.locator("tbody").inner_text()

    page.context.clear_cookies()
    sign_in(page, "navy.coordinator")
    page.goto(f"/cases/{made['navy.jlee']['id']}")
    page.wait_for_selector("#diagram[data-state=ready]")
    # forwarding (1-4) is its own called process; its call activity stands for it on the main diagram
    assert page.locator(".djs-element.rf-current[data-element-id=call_forwarding]").count() == 1
    assert page.locator(".djs-element.rf-done[data-element-id=task_record_request]").count() == 1
    clocks = page.locator("#clocks").inner_text()
    assert "Decision" in clocks and "Mon 23 Feb 2026" in clocks and "38 days left" in clocks
    check_axe(page, "case page with clocks")
    shot(page, "case.png")
