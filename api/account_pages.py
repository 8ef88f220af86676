"""Pages reached from account mail: set a password through a one-time link (invitation or reset), and
"forgot password", which answers the same whether or not the account exists (engine.accounts)."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for

from engine import accounts, passwords, sessions
from engine.errors import NotFound, ValidationFailed

from .web import cases, db

bp = Blueprint("account", __name__, url_prefix="/account")


PRIVATE = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}  # the link's secret is in the URL


def _page(token, who, errors=None, status=200):
    return render_template("account/set_password.html", token=token, who=who, errors=errors or {},
                           min_length=passwords.MIN_LENGTH), status, PRIVATE


@bp.get("/password/<token>")
def set_password(token):
    who = accounts.link_user(db(), token)
    if who is None:
        abort(404, "This link is not valid: it was used already, it expired, or a newer one replaced it. "
                   "Ask for a new one with \"Forgot your password?\" on the sign-in page.")
    return _page(token, who)


@bp.post("/password/<token>")
def set_password_post(token):
    who = accounts.link_user(db(), token)
    if who is None:
        abort(404, "This link is not valid: it was used already, it expired, or a newer one replaced it.")
    try:
        name = accounts.use_link(db(), token, request.form.get("password", ""), request.form.get("confirm", ""))
    except ValidationFailed as err:
        return _page(token, who, err.errors, 422)
    except NotFound as err:
        abort(404, str(err))
    session.clear()
    session["sid"] = sessions.open_session(db(), name)
    session["csrf"] = secrets.token_urlsafe(32)
    session.permanent = True
    flash("Your password is set and you are signed in.", "success")
    return redirect(url_for("pages.home"), code=303)


@bp.get("/forgot")
def forgot():
    return render_template("account/forgot.html", sent=False, error=None, value="")


@bp.post("/forgot")
def forgot_post():
    value = (request.form.get("name") or "").strip()[:254]
    if not value:
        return render_template("account/forgot.html", sent=False, value="",
                               error="Enter your user name or email address."), 422
    accounts.forgot(db(), cases().registry, value)
    return render_template("account/forgot.html", sent=True, error=None, value="")


def init_app(app) -> None:
    app.register_blueprint(bp)
