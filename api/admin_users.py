"""Admin pages to add and edit users and to mail a password-reset link (issue 12), on the admin blueprint.

Only the jurisdiction's admins (`[admin] user_admin_roles`) reach them; for anyone else, and for a user of
another jurisdiction, they answer 404. An admin manages the users of their own jurisdiction. The form is
built from the jurisdiction's roles and rendered with the same field macros as every form.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from engine import accounts
from engine.errors import NotFound, ValidationFailed
from engine.forms import Form, coerce_text_input
from engine.user_admin import save_user
from engine.users import list_users

from .admin import admin_required, bp, current_jurisdiction
from .formview import build_fields, form_errors
from .web import actor, cases


def user_form(roles: dict, new: bool) -> Form:
    props = {
        "display_name": {"type": "string", "title": "Name", "maxLength": 200},
        "email": {"type": "string", "format": "email", "title": "Email address", "maxLength": 254,
                  "x-ui": {"help": "Where notifications and password links go."}},
        "roles": {"type": "array", "title": "Roles", "items": {"type": "string", "enum": list(roles)},
                  "x-ui": {"labels": dict(roles)}},
        "requester_type": {"type": "string", "title": "As a requester, they are",
                           "enum": list(accounts.REQUESTER_TYPES),
                           "x-ui": {"widget": "radio", "labels": accounts.REQUESTER_TYPES,
                                    "help": "Only for people who may make requests."}},
        "mail_digest": {"type": "boolean", "title": "Steps for them come in one daily digest mail, not one mail each"},
    }
    order = ["display_name", "email", "roles", "requester_type", "mail_digest"]
    if new:
        props = {"name": {"type": "string", "title": "User name", "maxLength": 128,
                          "x-ui": {"help": "What they sign in with, for example their address. It cannot be "
                                           "changed later."}},
                 **props,
                 "invite": {"type": "boolean", "title": "Mail them an invitation to set their password"}}
        order = ["name", *order, "invite"]
    return Form("user", {"type": "object", "required": ["display_name", "roles", *(["name"] if new else [])],
                         "properties": props, "x-ui": {"order": order}})


def _mine(name: str):
    """The user of the admin's own jurisdiction, or 404."""
    found = [u for u in list_users(cases().db, actor().jurisdiction) if u.name == name]
    if not found:
        abort(404)
    return found[0]


def _render(form, new, values=None, errors=None, raw=None, user=None, status=200):
    fields = build_fields(form, values or {}, errors, raw)
    return render_template("admin/user_form.html", form=form, fields=fields, new=new, user=user,
                           errors=errors or {}, top_errors=form_errors(form, errors or {})), status


@bp.get("/users/new")
@admin_required
def user_new():
    form = user_form(current_jurisdiction().roles, True)
    return _render(form, True, {"invite": True, "roles": ["requester"]})


@bp.post("/users/new")
@admin_required
def user_new_post():
    return _save(user_form(current_jurisdiction().roles, True), True)


@bp.get("/users/<name>/edit")
@admin_required
def user_edit(name):
    user = _mine(name)
    values = {k: getattr(user, k) for k in ("display_name", "email", "roles", "requester_type", "mail_digest")}
    return _render(user_form(current_jurisdiction().roles, False), False, values, user=user)


@bp.post("/users/<name>/edit")
@admin_required
def user_edit_post(name):
    return _save(user_form(current_jurisdiction().roles, False), False, _mine(name))


def _save(form, new, user=None):
    me = actor()
    raw = request.form.to_dict(flat=False)
    raw.pop("csrf_token", None)
    values = coerce_text_input(form, raw)
    values.setdefault("roles", [])
    values["name"] = values.get("name", "") if new else user.name
    values["jurisdiction"] = me.jurisdiction
    try:
        done = save_user(cases().db, cases().registry, me.name, values, new=new, invite=bool(values.get("invite")))
    except ValidationFailed as err:
        return _render(form, new, errors=err.errors, raw=raw, user=user, status=422)
    what = "added" if new else ("saved" if done["changed"] else "unchanged")
    flash(f"{done['name']} {what}." + (" An invitation was mailed." if done["invited"] else ""), "success")
    return redirect(url_for("admin.users_page"), code=303)


@bp.post("/users/<name>/reset-password")
@admin_required
def user_reset_password(name):
    _mine(name)
    try:
        accounts.reset_by_admin(cases().db, cases().registry, actor().name, name)
    except ValidationFailed as err:
        flash(f"{name}: {next(iter(err.errors.values()))}.", "error")
        return redirect(url_for("admin.users_page"), code=303)
    except NotFound:
        abort(404)
    flash(f"A link to set a new password was mailed to {name}.", "success")
    return redirect(url_for("admin.users_page"), code=303)
