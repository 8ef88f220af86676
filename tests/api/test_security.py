"""Issue 8, sections 4-6 against the app: sessions that end, throttled sign-in, the password policy,
incidents for coordinators, every failure a JSON error or the styled page, and the smaller defects."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from support import run_cli
from webclient import PASSWORD, Browser, csrf_of, start

from engine import auth, clock, sessions, throttle
from engine.errors import RaflowError

SECRET = "Diagnosis-ZXCV"


def _copy_cookie(src, dst):
    for cookie in src.client._cookies.values():
        dst.client.set_cookie(cookie.key, cookie.value, domain=cookie.domain)


@pytest.fixture
def later(monkeypatch):
    """Move the wall clock that sessions and the throttle read (the case clock stays where it is)."""
    shift = {"by": timedelta(0)}
    real = clock.wall_now
    monkeypatch.setattr(sessions, "wall_now", lambda: real() + shift["by"])
    monkeypatch.setattr(throttle, "wall_now", lambda: real() + shift["by"])
    return lambda delta: shift.__setitem__("by", shift["by"] + delta)


# -- sessions ---------------------------------------------------------------------------------------
def test_a_cookie_copied_before_sign_out_no_longer_works(app, api, signed_in):
    case = start(api, "rob", data={"diagnosis": SECRET})
    rob = signed_in("rob")
    assert rob.get(f"/cases/{case['id']}").status_code == 200
    thief = app.test_client()
    for cookie in rob.client._cookies.values():
        thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    assert thief.get(f"/cases/{case['id']}").status_code == 200  # a copied cookie works while signed in
    rob.post("/logout")
    r = thief.get(f"/cases/{case['id']}")
    assert r.status_code == 302 and "/login" in r.headers["Location"] and SECRET not in r.text


@pytest.mark.parametrize("how", ["password change", "deactivation", "sign out everywhere"])
def test_sessions_end_at_once(web, signed_in, how, capsys):
    _, service = web
    one, two = signed_in("clara"), signed_in("clara")
    assert one.get("/inbox").status_code == 200 and two.get("/inbox").status_code == 200
    if how == "password change":
        auth.set_password(service.db, "clara", "Brisk-Falcon-Meadow-31")
    elif how == "deactivation":
        code, out, _ = run_cli(capsys, "--database", service.db.url, "user", "deactivate", "clara")
        assert code == 0 and "clara deactivated" in out
    else:
        code, out, _ = run_cli(capsys, "--database", service.db.url, "user", "signout", "clara")
        assert code == 0 and "2 session(s) ended" in out
    for browser in (one, two):
        assert browser.get("/inbox").status_code == 302
    if how == "deactivation":
        fresh = web[0].test_client()
        token = csrf_of(fresh.get("/login").text)
        r = fresh.post("/login", data={"name": "clara", "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 401


def test_deactivation_revokes_the_api_token(web, api):
    _, service = web
    assert api("clara", "GET", "/tasks").status_code == 200
    auth.deactivate(service.db, "clara")
    assert api("clara", "GET", "/tasks").status_code == 401


def test_idle_timeout_and_absolute_lifetime(signed_in, later):
    rita = signed_in("rita")
    later(timedelta(minutes=29))
    assert rita.get("/inbox").status_code == 200  # 29 idle minutes: still signed in (and seen again now)
    later(timedelta(minutes=31))
    assert rita.get("/inbox").status_code == 302  # 31 idle minutes: signed out
    busy = signed_in("rita")
    for _ in range(16):  # a request every 29 minutes keeps it alive (7 h 44 min), but never past 8 hours
        later(timedelta(minutes=29))
        assert busy.get("/inbox").status_code == 200
    later(timedelta(minutes=29))  # 8 h 13 min after sign-in
    assert busy.get("/inbox").status_code == 302


# -- sign-in throttling -----------------------------------------------------------------------------
def _try(client, name, password):
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token})


def test_repeated_failures_lock_the_account_until_an_admin_unlocks_it(app, web, later, capsys):
    client = app.test_client()
    for _ in range(5):
        assert _try(client, "cora", "wrong-password").status_code == 401
    r = _try(client, "cora", PASSWORD)  # even the right password waits now
    assert r.status_code == 429 and int(r.headers["Retry-After"]) == 30
    assert "Too many failed sign-ins" in r.text and "try again in 1 minute" in r.text
    later(timedelta(seconds=31))
    assert _try(client, "cora", "wrong-password").status_code == 401
    r = _try(client, "cora", PASSWORD)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) == 60  # growing: twice as long
    code, out, _ = run_cli(capsys, "--database", web[1].db.url, "user", "unlock", "cora")
    assert code == 0 and out.strip() == "cora unlocked"
    assert _try(client, "cora", PASSWORD).status_code == 302


def test_bad_tokens_from_one_address_get_429_with_retry_after(api):
    for _ in range(20):
        assert api(None, "GET", "/tasks", headers={"Authorization": "Bearer rf_guess"}).status_code == 401
    r = api("rob", "GET", "/tasks")  # the same address, even with a good token, waits
    assert r.status_code == 429 and r.headers["Retry-After"] == "30" and r.json["code"] == 429


# -- passwords and demo accounts --------------------------------------------------------------------
@pytest.mark.parametrize("password,message", [
    ("short-pw", "at least 12 characters"),
    ("password1234", "too common or easy to guess"),
    ("qwertyuiop12", "too common or easy to guess"),
])
def test_password_policy(web, password, message):
    with pytest.raises(RaflowError, match=message):
        auth.set_password(web[1].db, "clara", password)


def test_demo_accounts_are_refused_in_production(web, monkeypatch, capsys):
    """`raflow demo` keeps its documented password "demo", flagged as a demo account; in production the
    command is refused and demo accounts cannot sign in or use a token."""
    from engine.users import add_user

    _, service = web
    add_user(service.db, service.registry, "demo.clerk", ["clerk"], "testland",
             password_hash=auth.hash_password("demo", demo=True), demo=True)
    token = auth.issue_token(service.db, "demo.clerk")
    assert auth.authenticate(service.db, "demo.clerk", "demo") is not None
    monkeypatch.setenv("RAFLOW_ENV", "production")
    code, _, err = run_cli(capsys, "--database", service.db.url, "demo")
    assert code == 1 and "RAFLOW_ENV=production" in err
    assert auth.authenticate(service.db, "demo.clerk", "demo") is None
    assert auth.actor_for_token(service.db, token) is None
    assert auth.authenticate(service.db, "clara", PASSWORD) is not None  # ordinary accounts are unaffected


# -- incidents page ---------------------------------------------------------------------------------
def test_incidents_page_for_the_permitted_role_only(web, api, signed_in):
    _, service = web
    case = start(api, "rob")
    service._record_failure(case["id"], RaflowError("remind_timer: took longer than 1 s"))
    page = signed_in("rita").get("/incidents")  # reviewer: testland's [permissions] incidents
    assert page.status_code == 200 and f"Case {case['id']}" in page.text and "took longer than 1 s" in page.text
    assert 'href="/incidents"' in signed_in("rita").get("/inbox").text
    refused = signed_in("clara").get("/incidents")
    assert refused.status_code == 403 and "may not see incidents" in refused.text
    assert 'href="/incidents"' not in signed_in("clara").get("/inbox").text


# -- failures are answered, never a bare 500 ------------------------------------------------------
def test_an_unexpected_failure_is_a_json_error_or_the_styled_page(app, tokens, caplog):
    def boom():
        raise RuntimeError("contains Diagnosis-ZXCV")

    app.add_url_rule("/api/v1/boom", "api_boom", boom)
    app.add_url_rule("/boom", "page_boom", boom)
    client = app.test_client()
    r = client.get("/api/v1/boom", headers=tokens["rob"])
    assert r.status_code == 500 and r.is_json and "reference" in r.json["message"] and SECRET not in r.text
    r = client.get("/boom")
    assert r.status_code == 500 and r.mimetype == "text/html" and '<main id="main"' in r.text.replace("'", '"')
    assert "Traceback" not in r.text and SECRET not in r.text and SECRET not in caplog.text


# -- section 6 --------------------------------------------------------------------------------------
def test_unsafe_next_is_refused(app, signed_in):
    rob = signed_in("rob")
    for target in ("/inbox%0D%0AX:%20y", "//evil.example/x", "https://evil.example/", "/a\\\\b"):
        r = rob.get(f"/login?next={target}")
        assert r.status_code == 302 and r.headers["Location"] == "/" and "X" not in r.headers
    client = app.test_client()
    token = csrf_of(client.get("/login?next=/inbox%0D%0AX:%20y").text)
    r = client.post("/login", data={"name": "rob", "password": PASSWORD, "csrf_token": token,
                                    "next": "/inbox\r\nX: y"})
    assert r.status_code == 302 and r.headers["Location"] == "/"


def test_405_names_the_allowed_methods(api):
    r = api("rob", "DELETE", "/cases")
    assert r.status_code == 405 and set(r.headers["Allow"].split(", ")) >= {"GET", "POST"} and r.is_json


def test_required_bodies_are_enforced(api):
    r = api("rob", "POST", "/cases")
    assert r.status_code == 422 and "_body" in r.json["errors"]
    case = start(api, "rob")
    r = api("rob", "POST", f"/cases/{case['id']}/withdraw")
    assert r.status_code == 422 and "_body" in r.json["errors"]
    assert api("rob", "GET", f"/cases/{case['id']}").json["status"] == "open"


def test_openapi_upload_body_requires_doc_type(app):
    spec = app.test_client().get("/api/v1/openapi.json").json
    body = spec["paths"]["/api/v1/cases/{case_id}/documents"]["post"]["requestBody"]
    ref = body["content"]["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(spec["components"]["schemas"][ref]["required"]) == {"doc_type", "file"}
    for path in ("/api/v1/cases", "/api/v1/cases/{case_id}/withdraw"):
        assert spec["paths"][path]["post"]["requestBody"]["required"] is True


def _upload(api, user, case_id, data, name):
    return api(user, "POST", f"/cases/{case_id}/documents", content_type="multipart/form-data",
               data={"doc_type": "other", "file": (io.BytesIO(data), name)})


def test_text_download_sends_charset_once_and_names_lose_bidi_controls(api):
    case = start(api, "rob")
    r = _upload(api, "rob", case["id"], b"hello", "invoice\u202egnp.txt")
    assert r.status_code == 201 and r.json["filename"] == "invoicegnp.txt"
    got = api("rob", "GET", f"/documents/{r.json['id']}")
    assert got.headers["Content-Type"] == "text/plain; charset=utf-8" and got.data == b"hello"


def test_office_file_that_inflates_past_the_limit_is_refused(api):
    case = start(api, "rob")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"0" * (2 * 1024 * 1024))  # 2 MB > 20 x the 64 KB test limit
    assert len(bomb.getvalue()) < 64 * 1024
    r = _upload(api, "rob", case["id"], bomb.getvalue(), "letter.docx")
    assert r.status_code == 422 and "unpacks to 2 MB" in r.json["errors"]["file"]
    r = _upload(api, "rob", case["id"], b"PK\x03\x04 not really a zip", "letter.docx")
    assert r.status_code == 422 and "not a valid DOCX file" in r.json["errors"]["file"]
    small = io.BytesIO()
    with zipfile.ZipFile(small, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:document/>")
    assert _upload(api, "rob", case["id"], small.getvalue(), "letter.docx").status_code == 201
    assert not [d for d in api("rob", "GET", f"/cases/{case['id']}/documents").json["documents"]
                if d["size"] != len(small.getvalue())]


def test_new_browser_helper_still_signs_in(app):
    assert Browser(app, "rob").get("/requests").status_code == 200


def test_pages_follow_the_404_and_403_rules(api, signed_in):
    """The pages answer like the API: 404 for a case or task the actor may not know exists, 403 (styled
    page) on a case they see for an action their role may not take; nothing changes."""
    from webclient import first_task

    case = start(api, "rob")
    task = first_task(api, "clara", case["id"])
    clara, ruth = signed_in("clara"), signed_in("ruth")
    r = clara.post(f"/cases/{case['id']}/withdraw", data={"confirm": "yes", "reason": "asked by phone"})
    assert r.status_code == 403 and "may not withdraw" in r.text and "<main" in r.text
    assert 'action="/cases/{}/withdraw"'.format(case["id"]) not in clara.get(f"/cases/{case['id']}").text
    assert ruth.get(f"/tasks/{task['id']}").status_code == 404
    assert ruth.post(f"/cases/{case['id']}/withdraw", data={"confirm": "yes"}).status_code == 404
    assert ruth.get(f"/cases/{case['id']}").status_code == 404
    assert api("rob", "GET", f"/cases/{case['id']}").json["status"] == "open"
