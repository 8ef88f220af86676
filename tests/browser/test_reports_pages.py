"""The report pages in Chromium over demo cases (`raflow demo --cases`): axe-core finds no violation on
any of them (the SVG charts carry a title, a description and a data table), the print stylesheet hides
the navigation, and a screenshot of the timeliness page for docs/ (RAFLOW_SCREENSHOTS=docs)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browserkit import check_axe, sign_in

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("RAFLOW_SCREENSHOTS")


@pytest.fixture(scope="module")
def report_server(live_server):
    out = live_server.raflow("demo", "--cases", "14", "--months", "5")
    assert out.count("case ") >= 14, out
    return live_server


@pytest.fixture
def report_page(report_server, live_page):
    return live_page


def test_report_pages_pass_axe_and_print_without_navigation(report_page):
    page = report_page
    sign_in(page, "navy.coordinator")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Timeliness report").is_visible()
    check_axe(page, "timeliness report")
    page.get_by_label("From", exact=True).fill("2025-08-01")
    page.get_by_label("Breakdown").select_option("month")
    page.get_by_role("button", name="Show report").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Breakdown by month").is_visible()
    assert page.get_by_role("img", name="Requests received and decided per month").is_visible()
    check_axe(page, "timeliness report by month")
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / "screenshot-reports.png"), full_page=True)

    page.get_by_label("To", exact=True).fill("2025-07-01")
    page.get_by_role("button", name="Show report").click()
    page.wait_for_load_state()
    assert page.get_by_text("the period must end on or after the day it starts").first.is_visible()
    check_axe(page, "timeliness report with a field error")

    page.goto("/reports/print?from=2025-08-01&to=2026-01-16")
    check_axe(page, "printable report")
    page.emulate_media(media="print")
    assert page.locator("table.chart-data").first.is_visible()

    page.goto("/reports/overdue")
    assert page.get_by_role("heading", name="Overdue and due soon").is_visible()
    check_axe(page, "overdue dashboard")


def test_supervisor_sees_no_reports(report_page):
    page = report_page
    sign_in(page, "navy.supervisor")
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").count() == 0
    response = page.goto("/reports")
    assert response.status == 403
