"""Issue 12: staff record a request for someone with no account; the person gets an invitation mail
(real SMTP, aiosmtpd) with a one-time, expiring link, sets a password that meets the policy and is signed
in. "Forgot password" mails a link without telling whether the account exists."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from smtpkit import smtp_fixture  # noqa: F401 - the smtp fixture
from sqlalchemy import select
from webclient import csrf_of

from engine import outbox
from engine.account_store import AccountToken
from engine.mailer import mailer_from_env
from engine.outbox_store import OutboxMail, UserAudit
from engine.store import Case, User
from engine.users import add_user

NEW = {"requester": "__new__", "new_display_name": "Nadia Newcomer", "new_email": "Nadia.Newcomer@example.org",
       "new_requester_type": "applicant", "accommodation_requested": "A quieter interview room",
       "request_mode": "oral", "request_date": "2026-01-15"}
NEW_PASSWORD = "Quiet-Cedar-Lantern-77"


def link_of(smtp, address):
    mails = smtp.to(address)
    assert mails, f"no mail to {address}"
    found = re.search(r"https://ra\.example\.gov(/account/password/\S+)", smtp.text(mails[-1]))
    assert found, smtp.text(mails[-1])
    return found.group(1)


def deliver(service):
    return outbox.deliver_due(service.db, mailer_from_env())


def anonymous(app):
    client = app.test_client()
    return client, csrf_of(client.get("/login").text)


def test_staff_record_a_request_for_someone_without_an_account_who_is_invited_by_mail(web, signed_in, smtp, app):
    _, service = web
    clara = signed_in("clara")
    page = clara.get("/requests/new").text
    assert "Someone without an account" in page and 'id="f-new_email"' in page
    r = clara.post("/requests/new", data=NEW)
    assert r.status_code == 303, r.text
    with service.db.transaction() as s:
        user = s.execute(select(User).where(User.name == "nadia.newcomer@example.org")).scalar()
        assert user.roles == ["requester"] and user.password_hash is None and user.requester_type == "applicant"
        case = s.execute(select(Case).where(Case.requester == user.name)).scalar()
        assert case.started_by == "clara" and "Nadia Newcomer" in case.title
        assert s.execute(select(UserAudit.action).where(UserAudit.user_name == user.name)).scalars().all() \
            == ["invited"]
        stored = s.execute(select(AccountToken.token_hash)).scalars().all()
    deliver(service)
    mail = smtp.to("Nadia.Newcomer@example.org")[0]
    assert mail["Subject"] == "Your account for reasonable accommodation requests"
    assert "quieter" not in smtp.text(mail).lower()  # never what was asked for
    path = link_of(smtp, "Nadia.Newcomer@example.org")
    token = path.rsplit("/", 1)[1]
    assert token not in stored and len(stored) == 1  # only a hash is kept

    client, csrf = anonymous(app)
    form = client.get(path)
    assert form.status_code == 200 and "nadia.newcomer@example.org" in form.text
    csrf = csrf_of(form.text)
    weak = client.post(path, data={"password": "password1234", "confirm": "password1234", "csrf_token": csrf})
    assert weak.status_code == 422 and 'id="f-password-error"' in weak.text and "easy to guess" in weak.text
    short = client.post(path, data={"password": "Short-1", "confirm": "Short-1", "csrf_token": csrf})
    assert short.status_code == 422 and "at least 12 characters" in short.text
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": csrf})
    assert done.status_code == 303
    mine = client.get("/requests")
    assert mine.status_code == 200 and f"/cases/{case.id}" in mine.text  # signed in, sees their request

    again, csrf2 = anonymous(app)
    assert again.get(path).status_code == 404  # single use
    assert again.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                  "csrf_token": csrf2}).status_code == 404
    signin = again.post("/login", data={"name": "nadia.newcomer@example.org", "password": NEW_PASSWORD,
                                        "csrf_token": csrf2})
    assert signin.status_code == 302


def test_new_person_errors_are_field_errors_and_nothing_is_stored(web, signed_in, smtp):
    _, service = web
    add_user(service.db, service.registry, "taken", ["requester"], "testland", email="taken@example.org")
    clara = signed_in("clara")
    r = clara.post("/requests/new", data={**NEW, "new_display_name": "", "new_email": "not an address",
                                          "new_requester_type": ""})
    assert r.status_code == 422
    assert 'id="f-new_display_name-error"' in r.text and 'id="f-new_email-error"' in r.text
    assert 'href="#f-new_email"' in r.text
    assert "A quieter interview room" in r.text  # what was typed is kept
    taken = clara.post("/requests/new", data={**NEW, "new_email": "TAKEN@example.org"})
    assert taken.status_code == 422 and "already has an account" in taken.text
    with service.db.transaction() as s:
        assert s.execute(select(Case)).first() is None
        assert s.execute(select(OutboxMail).where(OutboxMail.kind == "invitation")).first() is None
        assert s.execute(select(User).where(User.name.like("nadia%"))).first() is None


def test_the_api_records_a_request_for_a_new_person(web, api, smtp):
    _, service = web
    body = {"new_requester": {"display_name": "Ann Api", "email": "ann@example.org", "requester_type": "employee"},
            "data": {"accommodation_requested": "A sit-stand desk"}}
    assert api("rob", "POST", "/cases", json=body).status_code == 403  # a requester may not
    r = api("clara", "POST", "/cases", json=body)
    assert r.status_code == 201, r.json
    assert r.json["requester"] == "ann@example.org"
    bad = api("clara", "POST", "/cases", json={**body, "new_requester": {**body["new_requester"], "email": "x@y"}})
    assert bad.status_code == 422 and "new_requester.email" in bad.json["errors"]
    deliver(service)
    assert smtp.to("ann@example.org")[0]["Subject"] == "Your account for reasonable accommodation requests"


def test_an_invitation_link_expires_after_seven_days(web, signed_in, smtp, app, frozen):
    clara = signed_in("clara")
    assert clara.post("/requests/new", data=NEW).status_code == 303
    deliver(web[1])
    path = link_of(smtp, "Nadia.Newcomer@example.org")
    assert "until Fri 23 Jan 2026 10:00 EST" in smtp.text(smtp.to("Nadia.Newcomer@example.org")[0])  # + 7 days
    frozen.advance(timedelta(days=7, minutes=1))
    client, _ = anonymous(app)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("what", ["rob", "rob@example.org", "nobody", "nobody@example.org"])
def test_forgot_password_answers_the_same_and_mails_only_a_real_account(web, smtp, app, what):
    _, service = web
    add_user(service.db, service.registry, "rob", ["requester"], "testland", email="rob@example.org")
    client, csrf = anonymous(app)
    assert 'href="/account/forgot"' in client.get("/login").text
    r = client.post("/account/forgot", data={"name": what, "csrf_token": csrf})
    assert r.status_code == 200 and "If there is an account" in r.text
    deliver(service)
    if what.startswith("rob"):
        assert [m["Subject"] for m in smtp.messages] == ["Set a new password"]
        path = link_of(smtp, "rob@example.org")
        page = client.get(path)
        new = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                      "csrf_token": csrf_of(page.text)})
        assert new.status_code == 303
        other, csrf = anonymous(app)
        assert other.post("/account/forgot", data={"name": what, "csrf_token": csrf}).status_code == 200
        deliver(service)
        assert len(smtp.messages) == 1  # a second request within minutes mails nothing more
    else:
        assert smtp.messages == []
    empty = app.test_client()
    assert empty.post("/account/forgot", data={"name": "", "csrf_token": csrf_of(empty.get("/login").text)}) \
        .status_code == 422


def test_the_set_password_page_is_not_cached_and_sends_no_referrer(web, signed_in, smtp, app):
    assert signed_in("clara").post("/requests/new", data=NEW).status_code == 303
    deliver(web[1])
    page = app.test_client().get(link_of(smtp, "Nadia.Newcomer@example.org"))
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
