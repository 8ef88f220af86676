"""Admin pages: the mail outbox for the jurisdiction's admins ([admin] user_admin_roles), nobody else."""

from __future__ import annotations

from webclient import start


def test_admins_see_queued_mail_and_who_has_no_address(admins, api, signed_in, monkeypatch):
    monkeypatch.delenv("RAFLOW_MAIL_URL", raising=False)
    case = start(api, "rob")
    rita = signed_in("rita")
    page = rita.get("/admin/outbox")
    assert page.status_code == 200
    html = page.text
    assert html.count("A step waits in your queue: Record the decision") == 2
    assert "clara@example.gov" in html and "Waiting to be sent: 1" in html and "No email address: 1" in html
    assert f'href="/cases/{case["id"]}"' in html
    assert "No mail server is configured" in html
    assert 'href="/admin/outbox"' in rita.get("/inbox").text  # the nav shows Admin to admins
    only_queued = rita.get("/admin/outbox?status=no_address").text
    assert only_queued.count("A step waits in your queue") == 1 and "clara@example.gov" not in only_queued


def test_others_do_not_learn_the_admin_pages_exist(admins, signed_in):
    for user in ("clara", "rob"):
        browser = signed_in(user)
        assert browser.get("/admin/outbox").status_code == 404
        assert 'href="/admin/outbox"' not in browser.get("/requests").text


def test_pages_have_a_favicon(signed_in, app):
    assert 'rel="icon"' in signed_in("rob").get("/requests").text
    icon = app.test_client().get("/static/favicon.svg")
    assert icon.status_code == 200 and b"<svg" in icon.data


def test_admins_deactivate_and_reactivate_users_and_every_change_is_logged(admins, signed_in, api):
    rita = signed_in("rita")
    page = rita.get("/admin/users").text
    assert "clara@example.gov" in page and "Clerk" in page and ">Deactivate<" in page
    r = rita.post("/admin/users/clara/deactivate")
    assert r.status_code == 303
    assert api("clara", "GET", "/tasks").status_code == 401  # the token no longer works
    page = rita.get("/admin/users").text
    assert "clara deactivated." in page and "Deactivated" in page and "<td data-label=\"By\">rita</td>" in page
    assert rita.post("/admin/users/olga/deactivate").status_code == 404  # another jurisdiction's user
    rita.post("/admin/users/clara/reactivate")
    assert api("clara", "GET", "/tasks").status_code == 401  # deactivation revoked the token for good
    assert signed_in("clara").get("/admin/users").status_code == 404  # she signs in again; not an admin
