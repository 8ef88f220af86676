"""Sign-in with argon2 password hashes, CSRF on every page form, bearer tokens for the API."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select
from webclient import PASSWORD, csrf_of

from api.cli import cli
from engine import auth
from engine.store import User


def _user(db, name):
    with db.transaction() as s:
        return s.execute(select(User).where(User.name == name)).scalar()


def test_passwords_are_stored_as_argon2id_hashes(web):
    _, service = web
    stored = _user(service.db, "clara").password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert auth.authenticate(service.db, "clara", PASSWORD).name == "clara"
    assert auth.authenticate(service.db, "clara", "nope") is None
    assert auth.authenticate(service.db, "nobody", PASSWORD) is None


def test_pages_need_sign_in_and_redirect_back_after_it(app):
    client = app.test_client()
    r = client.get("/inbox?scope=mine")
    assert r.status_code == 302 and r.location.startswith("/login?next=")
    token = csrf_of(client.get(r.location).text)
    r = client.post("/login", data={"name": "clara", "password": PASSWORD, "csrf_token": token,
                                    "next": "/inbox?scope=mine"})
    assert r.status_code == 302 and r.location == "/inbox?scope=mine"
    assert client.get("/inbox").status_code == 200


def test_login_refuses_wrong_password_without_saying_which_part_was_wrong(app):
    client = app.test_client()
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"name": "clara", "password": "wrong", "csrf_token": token})
    assert r.status_code == 401
    assert "The user name or password is not right." in r.text
    r = client.post("/login", data={"name": "nobody", "password": "wrong", "csrf_token": token})
    assert r.status_code == 401 and "The user name or password is not right." in r.text
    assert client.get("/inbox").status_code == 302


def test_login_never_redirects_off_site(app):
    client = app.test_client()
    token = csrf_of(client.get("/login").text)
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)", "/\\evil.example"):
        r = client.post("/login", data={"name": "clara", "password": PASSWORD, "csrf_token": token, "next": target})
        assert r.status_code == 302 and r.location == "/", target
        token = csrf_of(client.get("/requests").text)  # signing in starts a new session and token


def test_every_page_post_needs_the_session_csrf_token(app, signed_in):
    client = app.test_client()
    # No token at all, or one from another session: refused before anything happens.
    assert client.post("/login", data={"name": "clara", "password": PASSWORD}).status_code == 400
    clara = signed_in("clara")
    other = signed_in("rita")
    for path in ("/logout", "/requests/new", "/tasks/x/claim", "/cases/1/withdraw", "/cases/1/documents"):
        assert clara.client.post(path, data={}).status_code == 400, path
        assert clara.client.post(path, data={"csrf_token": other.csrf}).status_code == 400, path
    assert clara.get("/inbox").status_code == 200  # still signed in


def test_logout_ends_the_session(signed_in):
    clara = signed_in("clara")
    r = clara.post("/logout")
    assert r.status_code == 302 and r.location == "/login"
    assert clara.get("/inbox").status_code == 302


def test_a_password_change_signs_out_open_sessions(web, signed_in):
    _, service = web
    clara = signed_in("clara")
    auth.set_password(service.db, "clara", "Quiet-Granite-Lantern-7")
    assert clara.get("/inbox").status_code == 302


def test_session_cookie_is_httponly_and_samesite(app):
    client = app.test_client()
    r = client.get("/login")
    cookie = r.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_api_needs_a_valid_bearer_token(api, web):
    _, service = web
    r = api(None, "GET", "/cases")
    assert r.status_code == 401 and r.json["code"] == 401
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    for header in ("Bearer rf_not-a-token", "Bearer ", "Basic Y2xhcmE6cGFzcy13b3Jk", "rf_x"):
        r = api(None, "GET", "/cases", headers={"Authorization": header})
        assert r.status_code == 401, header
    # The session cookie does not open the API (so the API needs no CSRF token).
    assert api("clara", "GET", "/cases").status_code == 200
    token = auth.issue_token(service.db, "clara")  # a new token replaces the old one
    assert api("clara", "GET", "/cases").status_code == 401
    assert api(None, "GET", "/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_only_the_token_hash_is_stored(web):
    _, service = web
    token = auth.issue_token(service.db, "rob")
    stored = _user(service.db, "rob").token_hash
    assert token not in stored and len(stored) == 64


def test_cli_user_add_with_password_and_token(web):
    _, service = web
    runner = CliRunner()
    url = service.db.url
    r = runner.invoke(cli, ["--database", url, "user", "add", "carl", "--role", "clerk", "--jurisdiction",
                            "testland", "--password", "Velvet-Otter-Compass-9"])
    assert r.exit_code == 0, r.output
    assert auth.authenticate(service.db, "carl", "Velvet-Otter-Compass-9").roles == frozenset({"clerk"})
    r = runner.invoke(cli, ["--database", url, "user", "token", "carl"])
    assert r.exit_code == 0, r.output
    token = r.output.strip()
    assert token.startswith("rf_") and auth.actor_for_token(service.db, token).name == "carl"
    r = runner.invoke(cli, ["--database", url, "user", "token", "nobody"])
    assert r.exit_code != 0


def test_demo_users_sign_in_with_the_demo_password(web, monkeypatch):
    from api import demo
    from api.context import Context

    _, service = web
    monkeypatch.setattr(demo, "DEMO_USERS", {"testland": [("tl.clerk", "Tess Clerk", ["clerk"])],
                                             "nowhere": [("nw.user", "Nobody", ["clerk"])]})
    lines = demo.load_demo(Context(service.db.url))
    assert "skipped nowhere: not deployed" in lines
    assert auth.authenticate(service.db, "tl.clerk", demo.DEMO_PASSWORD).display_name == "Tess Clerk"
