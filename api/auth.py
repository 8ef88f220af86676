"""Sign-in for pages (session cookie + CSRF token on every POST form) and bearer tokens for /api/v1.

The session holds the user name, a fingerprint of the password hash (a password change signs every
session out) and the CSRF token. The JSON API takes bearer tokens only, never the session cookie,
so it needs no CSRF token.
"""

from __future__ import annotations

import hmac
import secrets
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for

from engine import auth

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
    name = session.get("user")
    if not name:
        return
    found = auth.load_user(db(), name)
    if found is None or not hmac.compare_digest(session.get("stamp", ""), auth.session_stamp(found[1])):
        session.clear()
        return
    g.actor = found[0]


def _load_token_user():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    g.actor = auth.actor_for_token(db(), token.strip()) if scheme.lower() == "bearer" else None
    if g.actor is None:
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
    if not target:
        return url_for("pages.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("pages.home")
    return target


@bp.get("/login")
def login():
    if g.get("actor") is not None:
        return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", next=request.args.get("next", ""), error=None, name="")


@bp.post("/login")
def login_post():
    name = request.form.get("name", "").strip()
    password = request.form.get("password", "")
    actor = auth.authenticate(db(), name, password) if name and password else None
    if actor is None:
        error = "Enter your user name and password." if not name or not password \
            else "The user name or password is not right."
        return render_template("login.html", next=request.form.get("next", ""), error=error, name=name), 401
    found = auth.load_user(db(), actor.name)
    session.clear()
    session["user"] = actor.name
    session["stamp"] = auth.session_stamp(found[1] if found else None)
    session["csrf"] = secrets.token_urlsafe(32)
    session.permanent = True
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("auth.login"))
