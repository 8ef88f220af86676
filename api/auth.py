"""Sign-in for pages (session cookie + CSRF token on every POST form) and bearer tokens for /api/v1.

The signed cookie holds a random session id (engine.sessions: checked in the database on every
request, so sign-out, a password change, deactivation and "sign out everywhere" end it at once, and
it times out) and the CSRF token. Failed sign-ins and bad bearer tokens are throttled per account and
per client address (engine.throttle). The JSON API takes bearer tokens only, never the session
cookie, so it needs no CSRF token.
"""

from __future__ import annotations

import hmac
import secrets
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from werkzeug.exceptions import TooManyRequests

from engine import auth, sessions, throttle

from .web import db, is_api_path

bp = Blueprint("auth", __name__)

PUBLIC_API = ("/api/v1/openapi.json",)


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def _load_session_user():
    g.actor = None
    sid = session.get("sid")
    if not sid:
        if "user" in session:  # a cookie from before server-side sessions: no longer valid
            session.clear()
        return
    name = sessions.user_of(db(), sid)
    found = auth.load_user(db(), name) if name else None
    if found is None:
        session.clear()
        return
    g.actor = found[0]


def _address() -> str:
    return request.remote_addr or "unknown"


def too_many(wait: int):
    """429 with Retry-After (API: JSON; pages: the login page says so)."""
    minutes = max(1, round(wait / 60))
    raise TooManyRequests(f"Too many failed attempts. Try again in {minutes} minute{'s' if minutes != 1 else ''}.",
                          retry_after=wait)


def _load_token_user():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    addr_keys = throttle.keys(None, _address(), "token")
    wait = throttle.retry_after(db(), addr_keys)
    if wait:
        too_many(wait)
    g.actor = auth.actor_for_token(db(), token.strip()) if scheme.lower() == "bearer" else None
    if g.actor is None:
        if header:
            throttle.record_failure(db(), addr_keys)
        message = "a bearer token is required (raflow user token NAME)" if not header \
            else "the bearer token is not valid"
        abort(401, message)


def _check_csrf():
    sent = request.form.get("csrf_token", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent, expected):
        abort(400, "Your form had expired or did not come from this site. Please go back, reload the page "
                   "and try again.")


def before_request():
    if is_api_path(request.path):
        if request.path in PUBLIC_API or request.method == "OPTIONS":
            g.actor = None
            return
        _load_token_user()
        return
    if request.path.startswith("/static/") or request.path == "/health":
        return
    if request.method == "POST":
        _check_csrf()
    _load_session_user()


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("actor") is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def _safe_next(target: str | None) -> str:
    """A local path to go to after sign-in; anything else (other sites, control characters that could
    split a header, backslashes) goes home instead."""
    if not target or len(target) > 2000:
        return url_for("pages.home")
    if any(ord(c) < 0x20 or ord(c) == 0x7f for c in target) or "\\" in target:
        return url_for("pages.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("pages.home")
    return target


@bp.get("/login")
def login():
    if g.get("actor") is not None:
        return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", next=_safe_next(request.args.get("next")) if request.args.get("next")
                           else "", error=None, name="")


@bp.post("/login")
def login_post():
    name = request.form.get("name", "").strip()[:128]
    password = request.form.get("password", "")
    keys = throttle.keys(name, _address())
    wait = throttle.retry_after(db(), keys) if name else 0
    if wait:
        minutes = max(1, round(wait / 60))
        error = (f"Too many failed sign-ins. For your security, sign-in is paused: try again in {minutes} "
                 f"minute{'s' if minutes != 1 else ''}, or ask an administrator to unlock your account.")
        return render_template("login.html", next=request.form.get("next", ""), error=error, name=name), 429, \
            {"Retry-After": str(wait)}
    actor = auth.authenticate(db(), name, password) if name and password else None
    if actor is None:
        if name and password:
            throttle.record_failure(db(), keys)
        error = "Enter your user name and password." if not name or not password \
            else "The user name or password is not right."
        return render_template("login.html", next=request.form.get("next", ""), error=error, name=name), 401
    throttle.clear(db(), keys[:1])
    session.clear()
    session["sid"] = sessions.open_session(db(), actor.name)
    session["csrf"] = secrets.token_urlsafe(32)
    session.permanent = True
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout():
    sessions.end_session(db(), session.get("sid"))
    session.clear()
    return redirect(url_for("auth.login"))
