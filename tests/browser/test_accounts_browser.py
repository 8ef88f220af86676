"""In Chromium against `raflow serve` (issue 12): the RA Coordinator records a request for someone with no
account; the invitation arrives over real SMTP; its link opens the set-password page, which refuses a weak
password and then signs the person in. The new pages (set password, forgot password, add and edit a user)
pass axe-core, also at 320 px."""

from __future__ import annotations

import re

import pytest
from browserkit import check_axe, sign_in
from smtpkit import smtp_fixture  # noqa: F401 - the smtp fixture
from test_mail_link import deliver

pytestmark = pytest.mark.browser


def test_a_new_person_is_invited_sets_a_password_and_sees_their_request(page, server, smtp):
    sign_in(page, "navy.coordinator")
    page.goto("/requests/new")
    page.get_by_label("Who made the request?").select_option("__new__")
    page.get_by_label("Their name").fill("Nora Newhire")
    page.get_by_label("Their email address").fill("nora.newhire@example.org")
    page.get_by_label("An applicant for employment").check()
    page.get_by_label("What accommodation is requested?").fill("Extra time for the written test")
    page.get_by_label("Orally (in person or by phone)").check()
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_load_state()
    assert "Request received: case" in page.locator(".flashes").inner_text()

    deliver(server, smtp)
    mails = smtp.to("nora.newhire@example.org")
    assert [m["Subject"] for m in mails] == ["Your account for reasonable accommodation requests"]
    assert "extra time" not in smtp.text(mails[0]).lower()
    link = re.search(r"(http://127\.0\.0\.1:\d+/account/password/\S+)", smtp.text(mails[0])).group(1)

    page.context.clear_cookies()
    page.goto(link)
    assert page.get_by_role("heading", level=1, name="Set your password").is_visible()
    check_axe(page, "set password")
    page.get_by_label("New password").fill("password1234")
    page.get_by_label("Repeat the password").fill("password1234")
    page.get_by_role("button", name="Set the password and sign in").click()
    page.wait_for_load_state()
    assert page.locator("#error-summary").is_visible() and "easy to guess" in page.locator("#f-password-error")\
        .inner_text()
    check_axe(page, "set password with an error")
    page.get_by_label("New password").fill("Quiet-Cedar-Lantern-77")
    page.get_by_label("Repeat the password").fill("Quiet-Cedar-Lantern-77")
    page.get_by_role("button", name="Set the password and sign in").click()
    page.wait_for_load_state()
    assert page.url.endswith("/requests")
    assert "Your password is set" in page.locator(".flashes").inner_text()
    assert "Reasonable accommodation request from Nora Newhire" in page.locator("main").inner_text()

    page.goto(link)  # used once: not again
    assert page.get_by_role("heading", level=1).inner_text() != "Set your password"


def test_user_admin_pages_and_forgot_password_pass_axe(page, server):
    sign_in(page, "navy.coordinator")
    page.goto("/admin/users")
    check_axe(page, "users")
    page.get_by_role("link", name="Add a user").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1, name="Add a user").is_visible()
    check_axe(page, "add a user")
    page.get_by_label("User name").fill("bad name!")
    page.get_by_role("button", name="Add the user").click()
    page.wait_for_load_state()
    assert page.locator("#error-summary").is_visible() and page.locator("#f-name-error").is_visible()
    check_axe(page, "add a user with errors")
    page.goto("/admin/users/navy.requester/edit")
    check_axe(page, "edit a user")
    page.set_viewport_size({"width": 320, "height": 800})
    check_axe(page, "edit a user at 320 px")
    page.goto("/admin/users")
    check_axe(page, "users at 320 px")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.wait_for_load_state()
    check_axe(page, "forgot password")
    page.get_by_role("button", name="Mail me a link").click()
    page.wait_for_load_state()
    assert page.locator("#f-name-error").is_visible()
    check_axe(page, "forgot password with an error")
    page.get_by_label("User name or email address").fill("nobody@example.org")
    page.get_by_role("button", name="Mail me a link").click()
    page.wait_for_load_state()
    assert "If there is an account" in page.locator("main").inner_text()
    check_axe(page, "forgot password sent")
