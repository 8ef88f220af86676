"""In Chromium against `raflow serve`: a supervisor gets the mail that a step waits in their queue, follows
its link, signs in, lands on the step and completes it (Navy 1-3); the admin outbox page passes axe-core."""

from __future__ import annotations

import re
import subprocess

import pytest
from browserkit import RAFLOW, check_axe, sign_in
from smtpkit import smtp_fixture  # noqa: F401 - the smtp fixture
from test_web import fill_record_request

pytestmark = pytest.mark.browser
RECORD = "Record the request received (1-3)"


def deliver(server, smtp):
    env = {**server.env, "RAFLOW_MAIL_URL": smtp.url, "RAFLOW_MAIL_FROM": "ra@navy.example.mil"}
    done = subprocess.run([str(RAFLOW), "worker", "--once"], env=env, cwd=server.tmp, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_supervisor_follows_the_mail_link_signs_in_and_completes_the_step(page, server, smtp):
    server.raflow("user", "add", "navy.supervisor", "--role", "supervisor", "--jurisdiction", "navy",
                  "--email", "sam.supervisor@navy.example.mil")
    case = server.new_case()
    deliver(server, smtp)
    mails = [m for m in smtp.to("sam.supervisor@navy.example.mil") if m["Subject"].endswith(RECORD)]
    assert len(mails) == 1
    body = smtp.text(mails[0])
    assert "sit-stand" not in body and "screen-reading" not in body  # never the accommodation
    link = re.search(r"(http://127\.0\.0\.1:\d+/tasks/[0-9a-f-]{36})", body).group(1)

    page.context.clear_cookies()
    page.goto(link)
    assert "/login" in page.url
    page.get_by_label("User name").fill("navy.supervisor")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.url == link
    assert page.get_by_role("heading", level=1, name=RECORD).is_visible()
    fill_record_request(page)
    page.get_by_role("button", name="Complete task").click()
    page.wait_for_load_state()
    assert f"for case {case['id']}" in page.locator(".flashes").inner_text()


def test_admin_outbox_page_passes_axe(page, server):
    server.new_case()
    sign_in(page, "navy.coordinator")
    page.get_by_role("link", name="Admin").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1, name="Mail outbox").is_visible()
    check_axe(page, "admin outbox")
    page.set_viewport_size({"width": 320, "height": 800})
    check_axe(page, "admin outbox at 320 px")
    label = page.evaluate("""() => getComputedStyle(document.querySelector('table.data td[data-label]'),
                                                   '::before').content""")
    assert label == '"Written: "'


def test_admin_users_page_passes_axe(page, server):
    sign_in(page, "navy.coordinator")
    page.goto("/admin/users")
    assert page.get_by_role("heading", level=1, name="Users").is_visible()
    check_axe(page, "admin users")
