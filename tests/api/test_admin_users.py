"""Issue 12: admins add and edit users, mail a password-reset link (real SMTP), and see every change in the
audit log; field errors on bad input; the pages answer 404 to everyone else and for other jurisdictions."""

from __future__ import annotations

import re

from smtpkit import smtp_fixture  # noqa: F401 - the smtp fixture
from sqlalchemy import select
from webclient import csrf_of

from engine import outbox
from engine.mailer import mailer_from_env
from engine.store import User
from engine.users import get_user

NEW_PASSWORD = "Quiet-Cedar-Lantern-77"



def test_an_admin_adds_a_user_who_is_invited_and_sets_a_password(admins, signed_in, smtp, app):
    rita = signed_in("rita")
    page = rita.get("/admin/users/new")
    assert page.status_code == 200 and 'id="f-roles-0"' in page.text and "Clerk" in page.text
    r = rita.post("/admin/users/new", data={"name": "hana", "display_name": "Hana Hire", "email": "hana@example.gov",
                                           "roles": ["clerk", "reviewer"], "requester_type": "", "invite": "true"})
    assert r.status_code == 303, r.text
    hana = get_user(admins.db, "hana")
    assert hana.roles == ["clerk", "reviewer"] and hana.jurisdiction == "testland" and hana.password_hash is None
    listing = rita.get("/admin/users").text
    assert "Hana Hire" in listing and "hana added. An invitation was mailed." in listing
    assert '<td data-label="User">hana</td><td data-label="Change">Added</td>' in listing
    outbox.deliver_due(admins.db, mailer_from_env())
    mail = smtp.to("hana@example.gov")[0]
    assert mail["Subject"] == "Your account for reasonable accommodation requests"
    path = re.search(r"https://ra\.example\.gov(/account/password/\S+)", smtp.text(mail)).group(1)
    client = app.test_client()
    form = client.get(path)
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": csrf_of(form.text)})
    assert done.status_code == 303 and client.get("/inbox").status_code == 200


def test_bad_input_is_a_field_error_and_nothing_is_stored(admins, signed_in):
    rita = signed_in("rita")
    r = rita.post("/admin/users/new", data={"name": "bad name!", "display_name": "", "email": "nope",
                                           "requester_type": "robot"})
    assert r.status_code == 422
    for name in ("name", "display_name", "email", "roles", "requester_type"):
        assert f'id="f-{name}-error"' in r.text, name
    taken = rita.post("/admin/users/new", data={"name": "clara", "display_name": "C", "roles": ["clerk"]})
    assert taken.status_code == 422 and "there is already a user" in taken.text
    same_mail = rita.post("/admin/users/new", data={"name": "zed", "display_name": "Zed", "roles": ["clerk"],
                                                   "email": "CLARA@example.gov"})
    assert same_mail.status_code == 422 and "another user has this address" in same_mail.text
    with admins.db.transaction() as s:
        assert s.execute(select(User).where(User.name.in_(["zed", "bad name!"]))).first() is None


def test_an_admin_edits_a_user_and_the_change_is_audited(admins, signed_in):
    rita = signed_in("rita")
    form = rita.get("/admin/users/rob/edit")
    assert form.status_code == 200 and 'name="display_name"' in form.text
    r = rita.post("/admin/users/rob/edit", data={"display_name": "Robert Requester", "email": "rob@example.org",
                                                "roles": ["requester"], "requester_type": "employee",
                                                "mail_digest": "true"})
    assert r.status_code == 303
    rob = get_user(admins.db, "rob")
    assert (rob.display_name, rob.email, rob.requester_type, rob.mail_digest) == \
        ("Robert Requester", "rob@example.org", "employee", True)
    listing = rita.get("/admin/users").text
    assert '<td data-label="User">rob</td><td data-label="Change">Edited</td>' in listing
    assert "Employee" in listing
    no_roles = rita.post("/admin/users/rob/edit", data={"display_name": "Rob", "roles": []})
    assert no_roles.status_code == 422 and "choose at least one role" in no_roles.text
    assert get_user(admins.db, "rob").roles == ["requester"]


def test_the_user_list_shows_who_is_deactivated(admins, signed_in):
    rita = signed_in("rita")
    rita.post("/admin/users/clara/deactivate")
    row = re.search(r"<td data-label=\"Name\">clara<br>.*?</tr>", rita.get("/admin/users").text, re.S)
    assert row and '<td data-label="Status">Deactivated</td>' in row.group(0) and ">Reactivate<" in row.group(0)


def test_an_admin_mails_a_reset_link(admins, signed_in, smtp, app):
    rita = signed_in("rita")
    r = rita.post("/admin/users/clara/reset-password")
    assert r.status_code == 303
    assert "A link to set a new password was mailed to clara." in rita.get("/admin/users").text
    no_address = rita.post("/admin/users/ruth/reset-password")
    assert no_address.status_code == 303 and "has no email address" in rita.get("/admin/users").text
    outbox.deliver_due(admins.db, mailer_from_env())
    mails = smtp.to("clara@example.gov")
    assert [m["Subject"] for m in mails] == ["Set a new password"]
    path = re.search(r"https://ra\.example\.gov(/account/password/\S+)", smtp.text(mails[0])).group(1)
    client = app.test_client()
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                            "csrf_token": csrf_of(client.get(path).text)})
    assert client.get("/inbox").status_code == 200
    listing = rita.get("/admin/users").text
    assert "Password reset mailed" in listing and "Password set by link" in listing


def test_others_get_404_and_other_jurisdictions_users_are_not_found(admins, signed_in):
    for user in ("clara", "rob"):
        browser = signed_in(user)
        assert browser.get("/admin/users/new").status_code == 404
        assert browser.get("/admin/users/rob/edit").status_code == 404
        assert browser.post("/admin/users/clara/reset-password").status_code == 404
        assert browser.post("/admin/users/new", data={"name": "x"}).status_code == 404
    rita = signed_in("rita")
    assert rita.get("/admin/users/olga/edit").status_code == 404
    assert rita.post("/admin/users/olga/reset-password").status_code == 404


def test_a_deactivated_user_gets_no_reset_link(admins, signed_in):
    rita = signed_in("rita")
    rita.post("/admin/users/clara/deactivate")
    assert rita.post("/admin/users/clara/reset-password").status_code == 303
    assert "clara is deactivated: reactivate them first" in rita.get("/admin/users").text
